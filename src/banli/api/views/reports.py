"""Statistics as JSON: the same figures the report page and the documents show (one service);
and the dossier export (一案一册 as one ZIP) started and followed as the page does it."""

from collections.abc import Mapping

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from banli.reports import actions, selectors, service

from ..serializers.reports import DossierExportRequest, JobStatus

PERIOD = [
    OpenApiParameter("kind", str, enum=["session", "term", "year"], description="统计范围：会次、届或年度"),
    OpenApiParameter("value", int, description="会次编号、届编号或年份"),
    OpenApiParameter("assembly", str, enum=["cppcc", "npc"], description="会别（按年度统计时必填）"),
    OpenApiParameter("as_of", OpenApiTypes.DATE, description="截至日期（YYYY-MM-DD，默认今天）：只统计当日及以前的记录"),
]


class YearlyFiguresView(APIView):
    @extend_schema(parameters=PERIOD, responses={200: {"type": "object"}}, summary="办理工作情况统计 (yearly report figures)")
    def get(self, request):
        return Response(service.figures_for(request.user, request.query_params))


class UnitTableView(APIView):
    @extend_schema(parameters=PERIOD, responses={200: {"type": "object"}}, summary="承办单位统计表 (unit table)")
    def get(self, request):
        return Response(service.units_for(request.user, request.query_params))


class DossierExportView(APIView):
    @extend_schema(
        request=DossierExportRequest,
        responses={202: JobStatus, 403: OpenApiResponse(description="区府办和提案委/代表工委以外的用户")},
        summary="一案一册批量导出 (start a dossier export)",
        description="在后台生成该会次全部提案/建议的一案一册压缩包；同一会次仍在生成时返回原任务。",
    )
    def post(self, request):
        data = request.data if isinstance(request.data, Mapping) else {}
        job = actions.start_dossier_export(request.user, data.get("session"))
        return Response(selectors.job_status(request.user, job.pk), status=202)


class ReportJobView(APIView):
    @extend_schema(responses=JobStatus, summary="导出任务进度 (report job status)")
    def get(self, request, job_id):
        return Response(selectors.job_status(request.user, job_id))
