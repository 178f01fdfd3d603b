"""The organisation as clients need it to fill in an action: the district leaders (mark_key's
leader_id) with the units in their portfolios."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from banli.errors import forbidden
from banli.org.selectors import district_leaders
from banli.proposals.access import Actor, actor_for


class PortfolioUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class LeaderSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="用户 id：设为重点（mark_key）的 leader_id")
    username = serializers.CharField()
    name = serializers.SerializerMethodField()
    title = serializers.CharField(help_text="职务")
    units = PortfolioUnitSerializer(source="portfolio", many=True, help_text="分管的承办单位")

    def get_name(self, user) -> str:
        return user.get_full_name() or user.username


def works_here(actor: Actor) -> bool:
    """Staff of any kind: the offices, units' liaisons and leaders, district leaders, the administrator.
    Members and deputies choose no leader, so they need no list of them."""
    return bool(actor.is_admin or actor.gov_office or actor.assembly_offices or actor.district_leader
                or actor.unit_ids or actor.portfolio_unit_ids)


class LeaderListView(APIView):
    @extend_schema(
        summary="区领导及分管单位 (district leaders)",
        description="担任区领导的用户及其分管的承办单位；设为重点（mark_key）时的 leader_id 取自此处。工作人员可查看，委员、代表不可。",
        responses={200: LeaderSerializer(many=True), 403: OpenApiResponse(description="委员、代表等非工作人员")},
    )
    def get(self, request):
        if not works_here(actor_for(request.user)):
            raise forbidden("区领导名单仅供工作人员查看。", "The list of district leaders is for staff only.")
        return Response(LeaderSerializer(district_leaders(), many=True).data)
