"""Supervision endpoints: open milestones with their due dates (late first) and overdue events."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets

from banli.deadlines import selectors

from ..serializers.supervision import DeadlineSerializer, OverdueEventSerializer


FILTERS = [OpenApiParameter("unit", int), OpenApiParameter("item", int), OpenApiParameter("kind", str)]


class DeadlineViewSet(viewsets.ReadOnlyModelViewSet):
    """Open milestones, late ones first: the office's supervision list, a unit's own due dates, a
    district leader's portfolio."""

    serializer_class = DeadlineSerializer

    @extend_schema(parameters=FILTERS + [OpenApiParameter("late", bool)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.open_deadlines(self.request.user, self.request.query_params)


class OverdueEventViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OverdueEventSerializer

    @extend_schema(parameters=FILTERS + [OpenApiParameter("year", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.overdue_events(self.request.user, self.request.query_params)
