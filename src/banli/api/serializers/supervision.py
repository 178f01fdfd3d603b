"""Supervision: open milestones with their due dates, and the permanent overdue records."""

from django.utils import timezone
from rest_framework import serializers

from banli.deadlines.models import OVERDUE_LABEL, Deadline, OverdueEvent
from banli.workdays.calendar import working_days_between


class DeadlineSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    state_label = serializers.CharField(source="get_state_display")
    item_title = serializers.CharField(source="item.title", default=None, allow_null=True)
    item_number = serializers.CharField(source="item.display_number", default=None, allow_null=True)
    unit_name = serializers.CharField(source="unit.name", default=None, allow_null=True)
    days_late = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = ["id", "kind", "kind_label", "item", "item_number", "item_title", "assignment", "unit", "unit_name", "starts_on",
                  "due_on", "state", "state_label", "met_on", "waived_reason", "days_late"]

    def get_days_late(self, d) -> int:
        end = d.met_on or timezone.localdate()
        return working_days_between(d.due_on, end) if end > d.due_on and d.state != "waived" else 0


class OverdueEventSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()
    item_title = serializers.CharField(source="item.title", default=None, allow_null=True)
    unit_name = serializers.CharField(source="unit.name", default=None, allow_null=True)

    class Meta:
        model = OverdueEvent
        fields = ["id", "kind", "label", "item", "item_title", "unit", "unit_name", "due_on", "done_on", "days_late"]

    def get_label(self, e) -> str:
        return OVERDUE_LABEL[e.kind]
