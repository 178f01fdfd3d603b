"""Statistics as JSON: the same figures the report page and the documents show (one service)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from banli.reports import service

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
