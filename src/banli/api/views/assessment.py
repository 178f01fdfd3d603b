"""The year-end assessment (考核): the years, a year's table, one unit's explanation, what a
recomputation would change, and one endpoint per action of banli.assessment.actions. Thin: parse
the shape, call the action or the selector (which decide who may and what the values mean),
serialise the selector's answer, which the page and the files render too."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from banli.api.parsers import BoundedJSONParser
from banli.assessment import actions, selectors
from banli.downloads import send_stored_file
from banli.reports.asof import parse_as_of

from ..serializers.assessment import (
    AdjustmentInput, AssessmentEntrySerializer, FinaliseInput, IndicatorInput, IndicatorSerializer, PointsInput, RecomputedUnitSerializer,
    SchemeCreateInput, SchemeDetailSerializer, SchemeSerializer, SchemeUpdateInput, SelfAssessmentInput, SelfAssessmentSerializer,
    AssessmentTableSerializer, AssessmentUnitReportSerializer, EntryWithdrawInput,
)

TAGS = ["assessment"]
AS_OF = OpenApiParameter("as_of", OpenApiTypes.DATE, description="计分截至日期（YYYY-MM-DD，默认今天）；定稿后以定稿时的截至日期为准")
RUNS = {403: OpenApiResponse(description="区府办以外的用户"), 409: OpenApiResponse(description="该年度已定稿，不能再修改")}


def _as_of(request):
    return parse_as_of(request.query_params.get("as_of"))  # the page's rule: not in the future


def _valid(serializer_class, request, **kw) -> dict:
    s = serializer_class(data=request.data, **kw)
    s.is_valid(raise_exception=True)
    return s.validated_data


def _scheme(request, year, status=200) -> Response:
    return Response(SchemeDetailSerializer(selectors.scheme_for(request.user, year)).data, status=status)


class SchemeListView(APIView):
    @extend_schema(responses=SchemeSerializer(many=True), tags=TAGS, summary="考核年度列表 (assessment years)")
    def get(self, request):
        return Response(SchemeSerializer(selectors.schemes(request.user), many=True).data)

    @extend_schema(request=SchemeCreateInput, responses={201: SchemeDetailSerializer, **RUNS}, tags=TAGS,
                   summary="新建年度考核办法 (create a year's scheme)",
                   description="按预设新建，或复制某一年度的考核办法；该年度已有考核办法时返回原办法。")
    def post(self, request):
        scheme = actions.create_scheme(request.user, **_valid(SchemeCreateInput, request))
        return _scheme(request, scheme.year, status=201)


class TableView(APIView):
    @extend_schema(parameters=[AS_OF], responses=AssessmentTableSerializer, tags=TAGS, summary="年度考核总表 (the year's table)",
                   description="区府办、工委看到全部单位及名次；区领导看到分管单位；承办单位在结果通报前只看到本单位得分（无名次），通报后看到全部排名。")
    def get(self, request, year):
        return Response(AssessmentTableSerializer(selectors.table(request.user, year, as_of=_as_of(request))).data)

    @extend_schema(request=SchemeUpdateInput, responses={200: SchemeDetailSerializer, **RUNS}, tags=TAGS,
                   summary="修改考核办法设置 (change the scheme's settings)")
    def patch(self, request, year):
        actions.update_scheme(request.user, year, **_valid(SchemeUpdateInput, request, partial=True))
        return _scheme(request, year)


class UnitReportView(APIView):
    @extend_schema(parameters=[AS_OF], responses=AssessmentUnitReportSerializer, tags=TAGS, summary="单位得分明细 (a unit's explanation)",
                   description="每项得分及其所依据的记录。承办单位只能查看本单位的明细（他单位的与不存在的一样答 404）。")
    def get(self, request, year, unit_id):
        return Response(AssessmentUnitReportSerializer(selectors.unit_report(request.user, year, unit_id, as_of=_as_of(request))).data)


class SelfAssessmentFileView(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY}, tags=TAGS, summary="下载总结自评附件")
    def get(self, request, year, unit_id, file_id):
        f = selectors.self_assessment_file(request.user, year, unit_id, file_id)
        return send_stored_file(f.file, f.name, f.content_type)


class RecomputationView(APIView):
    @extend_schema(parameters=[AS_OF], responses={200: RecomputedUnitSerializer(many=True), 403: RUNS[403]}, tags=TAGS,
                   summary="重新计算的差异 (what a recomputation would change)",
                   description="已定稿年度：按现在的记录重新计算，与定稿结果不同的单位和指标；不改变定稿结果。未定稿时为空。")
    def get(self, request, year):
        return Response(RecomputedUnitSerializer(selectors.recomputation(request.user, year, as_of=_as_of(request)), many=True).data)


class IndicatorListView(APIView):
    @extend_schema(request=IndicatorInput, responses={201: IndicatorSerializer, **RUNS}, tags=TAGS, summary="增加考核指标 (add an indicator)")
    def post(self, request, year):
        ind = actions.save_indicator(request.user, year, **_valid(IndicatorInput, request))
        return Response(IndicatorSerializer(ind).data, status=201)


class IndicatorView(APIView):
    @extend_schema(request=IndicatorInput, responses={200: IndicatorSerializer, **RUNS}, tags=TAGS, summary="修改考核指标 (change an indicator)")
    def patch(self, request, year, indicator_id):
        ind = actions.save_indicator(request.user, year, indicator_id=indicator_id, **_valid(IndicatorInput, request, partial=True))
        return Response(IndicatorSerializer(ind).data)

    @extend_schema(responses={204: None, **RUNS}, tags=TAGS, summary="删除考核指标 (remove an indicator)")
    def delete(self, request, year, indicator_id):
        actions.remove_indicator(request.user, year, indicator_id)
        return Response(status=204)


class PointsView(APIView):
    @extend_schema(request=PointsInput, responses={201: AssessmentEntrySerializer, 403: OpenApiResponse(description="无权评分")}, tags=TAGS,
                   summary="人工评分或工委评价 (enter points)",
                   description="区府办对本办评分的指标评分；提案委/代表工委对“评价”指标评分。后一次评分取代前一次，记录都保留。")
    def post(self, request, year):
        e = actions.enter_points(request.user, year, **_valid(PointsInput, request))
        return Response(AssessmentEntrySerializer(e).data, status=201)


class AdjustmentView(APIView):
    @extend_schema(request=AdjustmentInput, responses={201: AssessmentEntrySerializer, **RUNS}, tags=TAGS, summary="加减分 (adjust a unit's score)")
    def post(self, request, year):
        e = actions.adjust_score(request.user, year, **_valid(AdjustmentInput, request))
        return Response(AssessmentEntrySerializer(e).data, status=201)


class WithdrawEntryView(APIView):
    @extend_schema(request=EntryWithdrawInput, responses={200: AssessmentEntrySerializer, 404: OpenApiResponse(description="记录不存在或无权撤销")},
                   tags=TAGS, summary="撤销一条评分记录 (withdraw an entry)")
    def post(self, request, year, entry_id):
        e = actions.withdraw_entry(request.user, year, entry_id, **_valid(EntryWithdrawInput, request))
        return Response(AssessmentEntrySerializer(e).data)


class SelfAssessmentView(APIView):
    parser_classes = [MultiPartParser, FormParser, BoundedJSONParser]  # JSON bounded as in settings

    @extend_schema(request={"multipart/form-data": SelfAssessmentInput, "application/json": SelfAssessmentInput},
                   responses={200: SelfAssessmentSerializer, 403: OpenApiResponse(description="不是本单位的联络员或负责人"),
                              409: OpenApiResponse(description="已过提交截止日期或年度已定稿")},
                   tags=TAGS, summary="提交总结自评 (submit the self-assessment)",
                   description="本单位联络员或负责人提交；截止日期前可再次提交以更正，附件累加。")
    def post(self, request, year):
        s = actions.submit_self_assessment(request.user, year, **_valid(SelfAssessmentInput, request))
        return Response(SelfAssessmentSerializer(s).data)


class FinaliseView(APIView):
    @extend_schema(request=FinaliseInput, responses={200: SchemeDetailSerializer, **RUNS}, tags=TAGS, summary="定稿 (finalise the year)",
                   description="按截至日期计算并冻结各单位的得分、名次、档次和明细。")
    def post(self, request, year):
        day = _valid(FinaliseInput, request).get("as_of")
        actions.finalise(request.user, year, as_of=parse_as_of(day.isoformat()) if day else None)
        return _scheme(request, year)


class PublishView(APIView):
    @extend_schema(request=None, responses={200: SchemeDetailSerializer, **RUNS}, tags=TAGS, summary="通报考核结果 (publish the result)",
                   description="通报后各单位可以看到排名，并收到通知。")
    def post(self, request, year):
        actions.publish(request.user, year)
        return _scheme(request, year)
