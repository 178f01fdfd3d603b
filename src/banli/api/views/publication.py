"""The office's publication queue (公开审核): the replies awaiting its decision, and a batch of
decisions. Thin: the selector and the batch action (banli.proposals.publication_queue) decide who
may and what each row says; the page calls the same two."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from banli.proposals.publication_queue import Decision, check_may_decide, decide_publications, publication_queue

from ..serializers.publication import DecisionBatchInput, DecisionBatchResultSerializer, PublicationQueueSerializer

TAGS = ["publication"]
OFFICE_ONLY = {403: OpenApiResponse(description="区府办以外的用户（决定公开由区府办负责）")}


class PublicationQueueView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("consent", str, enum=["yes", "no"], description="yes：委员/代表同意公开；no：不同意或未表态（加强审核）"),
            OpenApiParameter("unit", int, description="答复单位"),
            OpenApiParameter("late", bool, description="只看超过决定期限的"),
        ],
        responses={200: PublicationQueueSerializer, **OFFICE_ONLY}, tags=TAGS, summary="待决定公开的答复 (the publication queue)",
        description="每个答复单位的答复一行：委员/代表是否同意公开、单位的公开建议及理由、答复类型和日期、决定期限（剩余或超期的工作日）。"
                    "期限最早的在前，最多列出 300 行；另附最近的公开决定。与网页 /publication/ 列出的相同。",
    )
    def get(self, request):
        return Response(PublicationQueueSerializer(publication_queue(request.user, request.query_params)).data)


class PublicationDecisionsView(APIView):
    @extend_schema(
        request=DecisionBatchInput, responses={200: DecisionBatchResultSerializer, **OFFICE_ONLY}, tags=TAGS,
        summary="批量决定公开或不公开 (decide a batch)",
        description="每行分别执行 decide_publication，各自成事务：某行被拒绝（委员/代表未同意而要公开、不公开未说明理由、"
                    "该答复已另有决定、记录不存在）不影响其他各行。逐行返回结果；整批仍答 200。",
    )
    def post(self, request):
        check_may_decide(request.user)  # others are refused before their input is read
        s = DecisionBatchInput(data=request.data)
        s.is_valid(raise_exception=True)
        outcomes = decide_publications(request.user, [Decision(**d) for d in s.validated_data["decisions"]])
        done = sum(1 for o in outcomes if o.ok)
        return Response(DecisionBatchResultSerializer({"done": done, "failed": len(outcomes) - done, "results": outcomes}).data)
