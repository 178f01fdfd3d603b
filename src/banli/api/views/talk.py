"""Questions to the office or a unit (Q&A, outside any item): asked by members and deputies,
answered by the office or the unit. Who sees which is decided in banli.proposals.selectors."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from banli.idempotency import doors as idem
from banli.idempotency.keys import header_key, once
from banli.proposals import actions, selectors

from ..serializers.talk import AnswerSerializer, QuestionCreateSerializer, QuestionSerializer


class QuestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = QuestionSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.visible_questions(self.request.user).select_related("asker", "to_unit")

    @extend_schema(request=QuestionCreateSerializer, responses={201: QuestionSerializer}, parameters=[idem.HEADER_PARAMETER])
    def create(self, request):
        s = QuestionCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        # A retry with the same Idempotency-Key answers with the question the first call created.
        outcome = once(request.user, header_key(request), step="ask_question", inputs=s.validated_data,
                       run=lambda: actions.ask_question(request.user, **s.validated_data), status=201)
        q = outcome.result if not outcome.replayed else self.get_queryset().get(pk=outcome.target_id)
        return idem.mark(Response(QuestionSerializer(q).data, status=201), outcome)

    @extend_schema(request=AnswerSerializer, responses=QuestionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        s = AnswerSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        q = actions.answer_question(request.user, pk, **s.validated_data)
        return Response(QuestionSerializer(q).data)
