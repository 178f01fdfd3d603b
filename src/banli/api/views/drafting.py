"""Reply drafting through the API, as on the item page: read back what a unit's reply form opens
with (its saved draft, a returned draft with the leader's comment, or in re-handling the previous
reply and the objection), list the office's templates, fill one in for an item; the office keeps
the templates. Saving the draft is the draft_reply action. Thin: parse, call, serialise."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from banli.drafting import actions
from banli.drafting.placeholders import PLACEHOLDERS
from banli.drafting.selectors import rendered_for, reply_form_for, templates
from banli.errors import invalid, not_found

from ..serializers.drafting import (
    PlaceholderSerializer, RenderedTemplateSerializer, ReplyFormSerializer, ReplyTemplateEditInput, ReplyTemplateInput,
    ReplyTemplateSerializer,
)

TAGS = ["reply drafting"]
ASSIGNMENT = OpenApiParameter("assignment", int, required=True, description="答复单位的交办记录编号 (assignment id)")


def _assignment(request):
    raw = request.query_params.get("assignment", "")
    if not raw.isdigit():
        raise invalid("assignment", "请指明承办单位的交办记录（assignment）。", "Name the unit's assignment.")
    return int(raw)


class ReplyFormView(APIView):
    @extend_schema(
        parameters=[ASSIGNMENT, OpenApiParameter("action", str, enum=["draft_reply", "convert_reply_type"],
                                                 description="默认为此刻可办的那一个")],
        responses={200: ReplyFormSerializer, 403: OpenApiResponse(description="该单位、其分管区领导和区府办以外的人")},
        tags=TAGS, summary="答复表单的内容 (what the unit's reply form opens with)",
        description="已保存的草稿、被退回的草稿及退回意见、重新办理时的上次答复和委员/代表意见。保存草稿：POST actions/draft_reply/。",
    )
    def get(self, request, item_id):
        form = reply_form_for(request.user, item_id, _assignment(request), action=request.query_params.get("action") or None)
        return Response(ReplyFormSerializer(form).data)


class TemplateListView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("reply_type", str, description="答复类型代码"),
                    OpenApiParameter("all", bool, description="区府办：含已停用的")],
        responses={200: ReplyTemplateSerializer(many=True)}, tags=TAGS, summary="答复模板 (reply templates)",
    )
    def get(self, request):
        qs = templates(request.user, reply_type=request.query_params.get("reply_type") or None,
                       include_inactive=request.query_params.get("all") in ("1", "true"))
        return Response(ReplyTemplateSerializer(qs, many=True).data)

    @extend_schema(request=ReplyTemplateInput, responses={201: ReplyTemplateSerializer}, tags=TAGS,
                   summary="新建答复模板（区府办） (create a template)")
    def post(self, request):
        actions.check_office(request.user)  # others are refused before their input is read
        s = ReplyTemplateInput(data=request.data)
        s.is_valid(raise_exception=True)
        return Response(ReplyTemplateSerializer(actions.create_template(request.user, **s.validated_data)).data, status=201)


class TemplateView(APIView):
    @extend_schema(request=ReplyTemplateEditInput, responses={200: ReplyTemplateSerializer}, tags=TAGS,
                   summary="修改、停用或重新启用答复模板（区府办） (edit a template)")
    def patch(self, request, template_id):
        actions.check_office(request.user)
        s = ReplyTemplateEditInput(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        active = data.pop("active", None)
        t = actions.update_template(request.user, template_id, **data) if data else None
        if active is not None:
            t = actions.set_template_active(request.user, template_id, active=active)
        if t is None:
            t = templates(request.user, include_inactive=True).filter(pk=template_id).first()
            if t is None:
                raise not_found()
        return Response(ReplyTemplateSerializer(t).data)


class PlaceholderListView(APIView):
    @extend_schema(responses={200: PlaceholderSerializer(many=True)}, tags=TAGS, summary="模板占位符 (the placeholders)")
    def get(self, request):
        rows = [{"name": n, "zh": zh, "description": d, "description_en": e} for n, (zh, d, e) in PLACEHOLDERS.items()]
        return Response(PlaceholderSerializer(rows, many=True).data)


class RenderTemplateView(APIView):
    @extend_schema(parameters=[ASSIGNMENT], responses={200: RenderedTemplateSerializer}, tags=TAGS,
                   summary="按本件填入答复模板 (a template filled in for the item)",
                   description="不保存任何内容：把返回的 reply_type 和 body 填入表单，再用 draft_reply 保存。")
    def get(self, request, item_id, template_id):
        return Response(RenderedTemplateSerializer(rendered_for(request.user, item_id, template_id, _assignment(request))).data)
