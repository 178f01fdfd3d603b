"""Serialisers: thin. Visibility of parts of an item (drafts, opinions, contacts) is decided
here from the actor's relation to the item, on data the selector already fetched."""

from rest_framework import serializers

from banli.audit.models import AuditRecord
from banli.deadlines.models import OVERDUE_LABEL, OverdueEvent
from banli.org.models import WORDING, Category, FeedbackGrade, Person, ReplyType, Session, Unit
from banli.proposals import workflow
from banli.proposals.access import actor_for, can_see_contacts
from banli.proposals.models import (
    STATE_EN, AdjustmentRequest, Assignment, ClosureReport, Consultation, CoSigner, ExtensionRequest, Feedback, Item,
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


class CoSignerSerializer(serializers.ModelSerializer):
    person = PersonPublicSerializer()

    class Meta:
        model = CoSigner
        fields = ["id", "person", "state", "invited_at", "responded_at"]


class AdjustmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdjustmentRequest
        fields = ["id", "reason", "suggested_unit", "suggested_unit_text", "requested_at", "state", "decided_at", "decision_note", "new_assignment"]


class ExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExtensionRequest
        fields = ["id", "requested_due", "previous_due", "reason", "requested_at", "state", "decided_at", "decision_note"]


class AssignmentSerializer(serializers.ModelSerializer):
    unit = UnitSerializer()
    adjustments = AdjustmentSerializer(many=True)
    extensions = ExtensionSerializer(many=True)
    co_opinion = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = ["id", "unit", "role", "state", "note", "assigned_at", "signed_at", "ended_at", "end_reason", "reply_due",
                  "reply_round", "replied_round", "closed_at", "closed_early", "adjustments", "extensions", "co_opinion"]

    def get_co_opinion(self, a) -> dict | None:
        if a.role != "co" or not self.context.get("see_opinions", {}).get(a.pk):
            return None
        try:
            op = a.co_opinion
        except Assignment.co_opinion.RelatedObjectDoesNotExist:
            return None
        return {"text": op.text, "waived": op.waived, "waiver_reason": op.waiver_reason, "at": op.at}


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
        fields = ["kind", "consent", "reason", "at"]


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


def _has_overdue(deadline) -> bool:
    try:
        return deadline.overdue is not None
    except OverdueEvent.DoesNotExist:
        return False


# Steps internal to a unit: shown only to the unit itself, its leaders and the office.
INTERNAL_ACTIONS = {"draft_reply", "convert_reply_type", "submit_reply", "approve_reply", "return_reply", "leader_approve_reply",
                    "leader_return_reply", "send_co_opinion", "waive_co_opinion", "request_extension", "decide_extension"}


class ItemDetailSerializer(serializers.ModelSerializer):
    display_number = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    state_en = serializers.SerializerMethodField()
    wording = serializers.SerializerMethodField()
    session = SessionSerializer()
    category = CategorySerializer(allow_null=True)
    proposer = serializers.SerializerMethodField()
    cosigners = CoSignerSerializer(many=True)
    suggested_units = UnitSerializer(many=True)
    assignments = serializers.SerializerMethodField()
    consultations = ConsultationSerializer(many=True)
    replies = serializers.SerializerMethodField()
    feedbacks = FeedbackSerializer(many=True)
    progress_updates = ProgressSerializer(many=True)
    closure_reports = ClosureSerializer(many=True)
    publication_records = PublicationRecordSerializer(many=True)
    instructions = InstructionSerializer(many=True)
    urges = UrgeSerializer(many=True)
    mediations = MediationSerializer(many=True)
    messages = MessageSerializer(many=True)
    attachments = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    reply_type = serializers.CharField(source="reply_type.code", default=None)

    class Meta:
        model = Item
        fields = ["id", "assembly", "wording", "session", "number", "display_number", "title", "reason", "suggestions", "category",
                  "proposer", "cosigners", "suggested_units", "consent_publish", "urgent", "state", "state_label", "state_en",
                  "state_reason", "merged_into", "converted_to", "withdrawal_requested", "is_key", "key_leader", "reply_type",
                  "publication", "created_at", "submitted_at", "registered_at", "assigned_at", "replied_at", "closed_at",
                  "assignments", "consultations", "replies", "feedbacks", "progress_updates", "closure_reports",
                  "publication_records", "instructions", "urges", "mediations", "messages", "attachments", "history", "actions",
                  "deadlines"]

    def _actor(self):
        return actor_for(self.context["request"].user)

    def _insider_units(self, item):
        """Unit ids whose internal steps this reader may see."""
        actor = self._actor()
        if actor.gov_office or actor.is_admin:
            return None  # all
        mine = set(actor.unit_ids) | (set(actor.portfolio_unit_ids) if actor.district_leader else set())
        return mine

    def get_state_en(self, item) -> str:
        return STATE_EN[item.state]

    def get_wording(self, item) -> dict:
        return dict(WORDING[item.assembly])

    def get_proposer(self, item) -> dict:
        active_units = [a.unit_id for a in item.assignments.all() if a.active]
        cls = PersonContactSerializer if can_see_contacts(self._actor(), item, active_units) else PersonPublicSerializer
        return cls(item.proposer).data

    def get_assignments(self, item) -> list[dict]:
        actor = self._actor()
        active = [a for a in item.assignments.all() if a.active]
        answering_mine = any(a.answers and a.unit_id in actor.unit_ids for a in active)
        office = actor.gov_office or actor.is_admin or item.assembly in actor.assembly_offices
        see = {a.pk: office or answering_mine or a.unit_id in actor.unit_ids for a in item.assignments.all()}
        return AssignmentSerializer(item.assignments.all(), many=True, context={**self.context, "see_opinions": see}).data

    def get_replies(self, item) -> list[dict]:
        insiders = self._insider_units(item)
        shown = [r for r in item.replies.all() if r.state == Reply.State.SENT or insiders is None or r.assignment.unit_id in insiders]
        return ReplySerializer(shown, many=True).data

    def get_attachments(self, item) -> list[dict]:
        return [{"id": a.id, "name": a.name, "size": a.size, "content_type": a.content_type, "at": a.at} for a in item.attachments.all()]

    def get_history(self, item) -> list[dict]:
        insiders = self._insider_units(item)
        records = list(item.audit_records.all())
        if insiders is not None and not insiders & {a.unit_id for a in item.assignments.all()}:
            records = [r for r in records if r.action not in INTERNAL_ACTIONS]
        return AuditSerializer(records, many=True).data

    def get_deadlines(self, item) -> list[dict]:
        """Each milestone with its due date and state, and the overdue record where it went late."""
        out = []
        for d in item.deadlines.all():
            event = d.overdue if _has_overdue(d) else None
            out.append({"kind": d.kind, "label": d.get_kind_display(), "unit": d.unit_id, "assignment": d.assignment_id,
                        "due_on": d.due_on, "state": d.state, "met_on": d.met_on, "waived_reason": d.waived_reason,
                        "overdue": {"label": OVERDUE_LABEL[event.kind], "days_late": event.days_late, "done_on": event.done_on} if event else None})
        return out

    def get_actions(self, item) -> list[dict]:
        return workflow.available_actions(self._actor(), item)


def id_field(**kw):
    """An id the database can hold (SQLite overflows past 2**63-1)."""
    return serializers.IntegerField(min_value=1, max_value=2**63 - 1, **kw)


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
