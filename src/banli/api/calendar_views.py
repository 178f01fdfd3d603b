"""The working-day calendar's warnings: a year without holiday data counts Monday to Friday, and
every signed-in user (the offices' dashboards first) is told so."""

from django.utils import translation
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from banli.workdays.calendar import calendar_warnings

_WARNINGS = inline_serializer("CalendarWarning", many=True, fields={
    "code": serializers.CharField(),
    "year": serializers.IntegerField(),
    "message": serializers.CharField(),
    "message_zh": serializers.CharField(),
    "message_en": serializers.CharField(),
})


class CalendarWarningsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="工作日日历提示",
        description="本年度或下一年度尚无法定节假日数据时，该年度按周一至周五计算工作日；每个这样的年度一条提示。",
        responses={200: inline_serializer("CalendarWarnings", {"warnings": _WARNINGS})},
    )
    def get(self, request):
        english = (translation.get_language() or "zh-hans").startswith("en")
        return Response({"warnings": [
            {"code": w["code"], "year": w["year"], "message": w["en"] if english else w["zh"],
             "message_zh": w["zh"], "message_en": w["en"]}
            for w in calendar_warnings()
        ]})
