"""Supervision endpoints: open milestones with their due dates (late first) and overdue events."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets

from banli.deadlines import selectors
from banli.deadlines.models import OVERDUE_LABEL, Deadline, OverdueEvent
from banli.workdays.calendar import working_days_between


class DeadlineSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    state_label = serializers.CharField(source="get_state_display")
    item_title = serializers.CharField(source="item.title", default=None)
    item_number = serializers.CharField(source="item.display_number", default=None)
    unit_name = serializers.CharField(source="unit.name", default=None)
    days_late = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = ["id", "kind", "kind_label", "item", "item_number", "item_title", "assignment", "unit", "unit_name", "starts_on",
                  "due_on", "state", "state_label", "met_on", "waived_reason", "days_late"]

    def get_days_late(self, d) -> int:
        from django.utils import timezone

        end = d.met_on or timezone.localdate()
        return working_days_between(d.due_on, end) if end > d.due_on and d.state != "waived" else 0


class OverdueEventSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()
    item_title = serializers.CharField(source="item.title", default=None)
    unit_name = serializers.CharField(source="unit.name", default=None)

    class Meta:
        model = OverdueEvent
        fields = ["id", "kind", "label", "item", "item_title", "unit", "unit_name", "due_on", "done_on", "days_late"]

    def get_label(self, e) -> str:
        return OVERDUE_LABEL[e.kind]


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
