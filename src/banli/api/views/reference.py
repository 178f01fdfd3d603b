"""Reference data as clients need it to fill in an action: units, categories, sessions, reply types,
grades, people to co-sign with, the district leaders (mark_key's leader_id) with their portfolios,
the working-day calendar's warnings, and who the caller is."""

from django.utils import translation
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from banli.org.models import FeedbackGrade, ReplyType, Session, Unit
from banli.org.selectors import search_people
from banli.proposals import selectors
from banli.proposals.access import actor_for
from banli.workdays.calendar import calendar_warnings

from ..serializers.reference import (
    CalendarWarningsSerializer, CategorySerializer, GradeSerializer, LeaderSerializer, PersonPublicSerializer,
    ReplyTypeSerializer, SessionSerializer, UnitSerializer,
)


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = UnitSerializer
    pagination_class = None
    queryset = Unit.objects.filter(active=True)


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CategorySerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.categories(self.request.query_params.get("assembly"))


class SessionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SessionSerializer
    pagination_class = None
    queryset = Session.objects.select_related("term")


class ReplyTypeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ReplyTypeSerializer
    pagination_class = None
    queryset = ReplyType.objects.filter(active=True)


class GradeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = GradeSerializer
    pagination_class = None
    queryset = FeedbackGrade.objects.all()


class PeopleSearchView(generics.ListAPIView):
    """Co-signer picker: search members/deputies of an assembly by name. No contact data."""

    serializer_class = PersonPublicSerializer
    pagination_class = None

    @extend_schema(parameters=[OpenApiParameter("q", str), OpenApiParameter("assembly", str, enum=["cppcc", "npc"])])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        return search_people(params.get("q") or "", params.get("assembly") or None)


class LeaderListView(APIView):
    @extend_schema(
        summary="区领导及分管单位 (district leaders)",
        description="担任区领导的用户及其分管的承办单位；设为重点（mark_key）时的 leader_id 取自此处。工作人员可查看，委员、代表不可。",
        responses={200: LeaderSerializer(many=True), 403: OpenApiResponse(description="委员、代表等非工作人员")},
    )
    def get(self, request):
        return Response(LeaderSerializer(selectors.district_leaders(request.user), many=True).data)


class CalendarWarningsView(APIView):
    """A year without holiday data counts Monday to Friday, and every signed-in user (the offices'
    dashboards first) is told so."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="工作日日历提示",
        description="本年度或下一年度尚无法定节假日数据时，该年度按周一至周五计算工作日；每个这样的年度一条提示。",
        responses={200: CalendarWarningsSerializer},
    )
    def get(self, request):
        english = (translation.get_language() or "zh-hans").startswith("en")
        return Response({"warnings": [
            {"code": w["code"], "year": w["year"], "message": w["en"] if english else w["zh"],
             "message_zh": w["zh"], "message_en": w["en"]}
            for w in calendar_warnings()
        ]})


class MeView(APIView):
    @extend_schema(responses={200: {"type": "object"}})
    def get(self, request):
        a = actor_for(request.user)
        return Response({
            "username": request.user.username, "name": request.user.get_full_name(),
            "gov_office": a.gov_office, "assembly_offices": sorted(a.assembly_offices), "district_leader": a.district_leader,
            "liaison_units": sorted(a.liaison_unit_ids), "head_units": sorted(a.head_unit_ids), "portfolio_units": sorted(a.portfolio_unit_ids),
            "people": sorted(a.person_ids), "admin": a.is_admin,
        })
