"""Bulk steps (批量办理) through the API: the same as the item list's bulk pages. Thin: the rules,
the per-item actions and the per-item outcomes are banli.proposals.batch's."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from banli.errors import not_found
from banli.proposals import batch

from ..serializers.bulk import BulkInput, BulkResultSerializer
from ..serializers.errors import ErrorSerializer

TAGS = ["items"]


class BulkView(APIView):
    @extend_schema(
        request=BulkInput, responses={200: BulkResultSerializer, 403: OpenApiResponse(ErrorSerializer, description="无权批量办理该操作的用户")},
        parameters=[OpenApiParameter("step", str, OpenApiParameter.PATH, enum=list(batch.STEPS), description="批量操作")], tags=TAGS,
        summary="批量立案、交办、设为重点 (a step on many items)",
        description="step 为 register（立案，政协提案委/人大代表工委）、assign（交办同样的主办、会办单位，区府办）或 mark_key（设为重点，区府办）。"
                    "每件分别执行同一操作，各自成事务：某件被拒绝（状态不允许、无权办理）不影响其他各件；已办过的不再改动（already）。"
                    "逐件返回结果；整批仍答 200。所选单位或领导无效时整批不办理（400）。",
    )
    def post(self, request, step):
        if step not in batch.STEPS:
            raise not_found()
        batch.check_may(request.user, step)  # others are refused before their input is read
        data = request.data if hasattr(request.data, "get") else {}
        items = data.get("items")
        ids = batch.clean_ids(items if isinstance(items, list) else [items] if items is not None else [])
        outcomes = batch.run(request.user, step, ids, batch.clean_input(step, data))
        count = {s: sum(1 for o in outcomes if o.status == s) for s in (batch.DONE, batch.ALREADY, batch.REFUSED)}
        return Response(BulkResultSerializer({**count, "results": outcomes}).data)
