"""Serialisers: thin. What a reader sees of an item (drafts, opinions, contacts, internal steps)
is decided once in banli.proposals.reading; the item detail (item_detail.py) renders that view."""

from rest_framework import serializers

from banli.audit.models import AuditRecord
from banli.inputs import id_field
from banli.org.models import WORDING, Category, FeedbackGrade, Person, ReplyType, Session, Unit
from banli.proposals.models import (
    AdjustmentRequest, ClosureReport, Consultation, ExtensionRequest, Feedback, Item,
    LeaderInstruction, Mediation, Message, ProgressUpdate, PublicationRecord, Question, Reply, ReplyApproval, UrgeNotice,
)


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "kind", "supervising_leader"]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "assembly", "parent", "name", "position"]


class SessionSerializer(serializers.ModelSerializer):
    term = serializers.CharField(source="term.name")

    class Meta:
        model = Session
        fields = ["id", "assembly", "term", "ordinal", "name", "year", "is_current"]


class ReplyTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReplyType
        fields = ["id", "code", "name", "name_en", "needs_planned_date", "needs_reason", "needs_leader_approval", "closure", "progress_every_months"]


class GradeSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeedbackGrade
        fields = ["id", "code", "name", "name_en", "sends_to_rehandling"]


class PersonPublicSerializer(serializers.ModelSerializer):
    """A person without contact data: what anyone who may see the item sees."""

    class Meta:
        model = Person
        fields = ["id", "name", "assembly", "is_collective", "sector", "party"]


class PersonOnItemSerializer(PersonPublicSerializer):
    """A proposer or co-signer on an item: the unit of work is not contact data (the dossier prints it)."""

    class Meta(PersonPublicSerializer.Meta):
        fields = PersonPublicSerializer.Meta.fields + ["employer"]


class PersonContactSerializer(PersonPublicSerializer):
    class Meta(PersonPublicSerializer.Meta):
        fields = PersonPublicSerializer.Meta.fields + ["employer", "phone", "address"]


class ItemListSerializer(serializers.ModelSerializer):
    display_number = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    proposer = serializers.CharField(source="proposer.name")
    category = serializers.CharField(source="category.__str__", default=None)
    session = serializers.CharField(source="session.__str__")
    reply_type = serializers.CharField(source="reply_type.code", default=None)
    units = serializers.SerializerMethodField()
    item_word = serializers.SerializerMethodField()

    class Meta:
        model = Item
        fields = ["id", "assembly", "item_word", "session", "number", "display_number", "title", "category", "proposer", "state", "state_label",
                  "reply_type", "is_key", "urgent", "units", "submitted_at", "updated_at"]

    def get_units(self, item) -> list[dict]:
        return [{"id": a.unit_id, "name": a.unit.name, "role": a.role} for a in getattr(item, "active_assignments", [])]

    def get_item_word(self, item) -> str:
        return WORDING[item.assembly]["item"]


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
    grade = serializers.CharField(source="grade.code", default=None)
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
    unit = serializers.CharField(source="unit.name", default=None)
    to_unit = serializers.CharField(source="to_unit.name", default=None)

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


class ItemCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    reason = serializers.CharField(required=False, allow_blank=True)
    suggestions = serializers.CharField(required=False, allow_blank=True)
    category = id_field(required=False, allow_null=True)
    consent_publish = serializers.BooleanField(required=False, allow_null=True)
    urgent = serializers.BooleanField(required=False)
    suggested_unit_ids = serializers.ListField(child=id_field(), required=False, max_length=50)
    person_id = id_field(required=False)
    session_id = id_field(required=False)


class ItemEditSerializer(ItemCreateSerializer):
    title = serializers.CharField(max_length=200, required=False)
    person_id = None
    session_id = None


class QuestionSerializer(serializers.ModelSerializer):
    asker = serializers.CharField(source="asker.name")
    to_unit = serializers.CharField(source="to_unit.name", default=None)

    class Meta:
        model = Question
        fields = ["id", "asker", "to_unit", "subject", "body", "asked_at", "answer", "answered_at"]


class QuestionCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=120)
    body = serializers.CharField(max_length=5000)
    to_unit_id = id_field(required=False, allow_null=True)


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=5000)
