"""The items: the list, one item's record, a draft created and edited, its attachments, and one
POST endpoint per action of the transition table. Thin: parse, call an action or a selector,
serialise."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from banli.api.parsers import BoundedJSONParser
from banli.downloads import send_stored_file
from banli.errors import not_found
from banli.idempotency import doors as idem
from banli.idempotency.keys import header_key, once
from banli.proposals import actions as A
from banli.proposals import selectors, workflow
from banli.proposals.commands import COMMANDS
from banli.proposals.access import actor_for

from ..serializers.detail import ItemDetailSerializer
from ..serializers.items import ItemCreateSerializer, ItemEditSerializer, ItemListSerializer
from ..serializers.steps import PREFER_PARAMETER, STEP_ANSWER
from .step_answer import step_answer

LIST_FILTERS = [
    OpenApiParameter("session", int, description="会次"),
    OpenApiParameter("assembly", str, enum=["cppcc", "npc"], description="会别"),
    OpenApiParameter("category", int, description="类别（含下级）"),
    OpenApiParameter("unit", int, description="承办单位"),
    OpenApiParameter("state", str, description="状态，可用逗号分隔多个"),
    OpenApiParameter("reply_type", str, description="答复类型代码"),
    OpenApiParameter("key", bool, description="重点提案"),
    OpenApiParameter("q", str, description="标题或正文包含"),
    OpenApiParameter("mine", bool, description="只看本人领衔"),
    OpenApiParameter("ordering", str, enum=sorted(selectors.LIST_ORDERINGS)),
]


def detail_response(request, item_id, status=200):
    item = selectors.item_detail(request.user, item_id)
    if item is None:
        raise not_found()
    return Response(ItemDetailSerializer(item, context={"request": request}).data, status=status)


class ItemViewSet(viewsets.GenericViewSet):
    serializer_class = ItemListSerializer
    lookup_value_regex = r"\d+"  # /api/items/abc/ matches no endpoint: a JSON 404, not a failed int()

    def get_queryset(self):
        return selectors.item_list(self.request.user, self.request.query_params)

    @extend_schema(parameters=LIST_FILTERS, responses=ItemListSerializer(many=True))
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ItemListSerializer(page, many=True).data)

    @extend_schema(responses=ItemDetailSerializer)
    def retrieve(self, request, pk=None):
        return detail_response(request, pk)

    @extend_schema(request=ItemCreateSerializer, responses={201: ItemDetailSerializer}, parameters=[idem.HEADER_PARAMETER])
    def create(self, request):
        s = ItemCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        # A retry with the same Idempotency-Key answers with the draft the first call created.
        outcome = once(request.user, header_key(request), step="create_draft", inputs=s.validated_data,
                       run=lambda: A.create_draft(request.user, **s.validated_data), status=201)
        return idem.mark(detail_response(request, outcome.target_id if outcome.replayed else outcome.result.pk, status=201), outcome)

    @extend_schema(request=ItemEditSerializer, responses=ItemDetailSerializer)
    def partial_update(self, request, pk=None):
        s = ItemEditSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        A.edit_draft(request.user, pk, **s.validated_data)
        return detail_response(request, pk)

    @extend_schema(responses=None)
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_id>\d+)")
    def attachment(self, request, pk=None, attachment_id=None):
        att = selectors.item_attachment(request.user, pk, attachment_id)
        return send_stored_file(att.file, att.name, att.content_type)


def make_action_view(name: str):
    """One POST endpoint per action of the transition table; answers with the item as it now is."""
    cmd = COMMANDS[name]
    input_cls = cmd.input_serializer()
    t = cmd.transition

    class ActionView(APIView):
        parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]  # JSON bounded as in settings

        @extend_schema(request=input_cls, responses=STEP_ANSWER, operation_id=f"items_{name}",
                       summary=f"{t.zh} ({t.en})", tags=["item actions"], parameters=[idem.HEADER_PARAMETER, PREFER_PARAMETER])
        def post(self, request, item_id):
            s = input_cls(data=request.data)
            s.is_valid(raise_exception=True)
            # With an Idempotency-Key a retry of the step runs nothing and answers with the item, as the first call did.
            step = f"item.{name}"
            outcome = once(request.user, header_key(request), step=step, item_id=int(item_id), inputs=s.validated_data,
                           run=lambda: cmd.run(request.user, item_id, s.validated_data))
            return idem.mark(step_answer(request, item_id), outcome)

    ActionView.__name__ = ActionView.__qualname__ = "".join(p.title() for p in name.split("_")) + "View"
    return ActionView.as_view()


def action_views():
    return {name: make_action_view(name) for name in COMMANDS}


class ActionsAvailableView(APIView):
    @extend_schema(responses={200: {"type": "array", "items": {"type": "object"}}})
    def get(self, request, item_id):
        item = selectors.item_detail(request.user, item_id)
        if item is None:
            raise not_found()
        return Response(workflow.available_actions(actor_for(request.user), item))
