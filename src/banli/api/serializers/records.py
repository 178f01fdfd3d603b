"""The records of one item, each as the item detail (detail.py) shows it: requests, contacts,
replies and their approvals, ratings, progress, closure, publication, supervision, messages and
the audit trail. Which of them a reader sees is decided in banli.proposals.reading."""

from rest_framework import serializers

from banli.audit.models import AuditRecord
from banli.proposals.models import (
    AdjustmentRequest, ClosureReport, Consultation, ExtensionRequest, Feedback, LeaderInstruction, Mediation, Message,
    ProgressUpdate, PublicationRecord, Reply, ReplyApproval, UrgeNotice,
)


class AdjustmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdjustmentRequest
        fields = ["id", "reason", "suggested_unit", "suggested_unit_text", "requested_at", "state", "decided_at", "decision_note", "new_assignment"]


class ExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExtensionRequest
        fields = ["id", "requested_due", "previous_due", "reason", "requested_at", "state", "decided_at", "decision_note"]


class ConsultationSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name")

    class Meta:
        model = Consultation
        fields = ["id", "unit", "kind", "form", "held_on", "participants", "proposer_views", "recorded_at"]


class ApprovalSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.get_full_name")

    class Meta:
        model = ReplyApproval
        fields = ["level", "decision", "comment", "by", "at"]


class ReplySerializer(serializers.ModelSerializer):
    reply_type = serializers.CharField(source="reply_type.code")
    unit = serializers.CharField(source="assignment.unit.name")
    approvals = ApprovalSerializer(many=True)

    class Meta:
        model = Reply
        fields = ["id", "assignment", "unit", "round", "is_conversion", "reply_type", "body", "promise", "planned_date", "reference_reason",
                  "signatory", "contact_person", "contact_phone", "recommendation", "withhold_reason", "state", "created_at", "sent_at", "approvals"]


class FeedbackSerializer(serializers.ModelSerializer):
    grade = serializers.CharField(source="grade.code", default=None, allow_null=True)
    co_grades = serializers.SerializerMethodField()

    class Meta:
        model = Feedback
        fields = ["id", "reply", "lapsed", "grade", "agrees", "comment", "praise", "at", "co_grades"]

    def get_co_grades(self, fb) -> list[dict]:
        return [{"unit": g.unit.name, "grade": g.grade.code} for g in fb.co_grades.all()]


class ProgressSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="assignment.unit.name")

    class Meta:
        model = ProgressUpdate
        fields = ["id", "unit", "text", "at"]


class ClosureSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="assignment.unit.name")

    class Meta:
        model = ClosureReport
        fields = ["id", "unit", "assignment", "text", "done_on", "state", "filed_at", "decided_at", "comment"]


class PublicationRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = PublicationRecord
        fields = ["kind", "assignment", "consent", "reason", "at"]


class InstructionSerializer(serializers.ModelSerializer):
    leader = serializers.CharField(source="leader.get_full_name")

    class Meta:
        model = LeaderInstruction
        fields = ["id", "leader", "text", "at"]


class UrgeSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name")

    class Meta:
        model = UrgeNotice
        fields = ["id", "unit", "text", "at"]


class MediationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Mediation
        fields = ["id", "held_on", "participants", "outcome", "at"]


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.get_full_name")
    unit = serializers.CharField(source="unit.name", default=None, allow_null=True)
    to_unit = serializers.CharField(source="to_unit.name", default=None, allow_null=True)

    class Meta:
        model = Message
        fields = ["id", "side", "author", "unit", "to_unit", "reply_to", "body", "at", "answered_at"]


class AuditSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = AuditRecord
        fields = ["id", "at", "actor", "action", "target_type", "target_id", "before", "after", "note"]

    def get_actor(self, rec) -> str | None:
        return (rec.actor.get_full_name() or rec.actor.username) if rec.actor else None
