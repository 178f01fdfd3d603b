"""The item detail: the whole record of one item as banli.proposals.reading lets this reader see
it (the item page and the dossier render the same view)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from banli.deadlines.models import OVERDUE_LABEL, OverdueEvent
from banli.org.models import WORDING
from banli.proposals import workflow
from banli.proposals.access import actor_for
from banli.proposals.models import STATE_EN, Assignment, Item
from banli.proposals.reading import ItemView, item_view

from .records import (
    AdjustmentSerializer, ApprovalSerializer, AuditSerializer, ClosureSerializer, ConsultationSerializer, ExtensionSerializer,
    FeedbackSerializer, InstructionSerializer, MediationSerializer, MessageSerializer, ProgressSerializer,
    PublicationRecordSerializer, ReplySerializer, UrgeSerializer,
)
from .reference import CategorySerializer, PersonContactSerializer, PersonOnItemSerializer, SessionSerializer, UnitSerializer


def _has_overdue(deadline) -> bool:
    try:
        return deadline.overdue is not None
    except OverdueEvent.DoesNotExist:
        return False


def _cosign(outcome) -> dict | None:
    if outcome is None:
        return None
    return {"confirmed": outcome.confirmed, "settled": outcome.settled,
            "left_out": [{"name": p.name, "declined": p.answered} for p in outcome.left_out]}


class AssignmentSerializer(serializers.ModelSerializer):
    """An assignment as the read model shows it (reading.AssignmentView): its opinion and
    extension requests only where this reader may see them."""

    unit = UnitSerializer()
    adjustments = AdjustmentSerializer(many=True)
    extensions = ExtensionSerializer(many=True)
    co_opinion = serializers.SerializerMethodField()
    publication = serializers.CharField()
    contacts = serializers.DictField(child=serializers.IntegerField(), help_text="办前面商、办中沟通、办后回访各几次（主办、分办单位）")
    lead_grade = serializers.SerializerMethodField(help_text="主办单位对该会办单位的评价（最新一次）")

    class Meta:
        model = Assignment
        fields = ["id", "unit", "role", "state", "note", "assigned_at", "signed_at", "ended_at", "end_reason", "reply_due",
                  "reply_round", "replied_round", "closed_at", "closed_early", "publication", "adjustments", "extensions", "co_opinion",
                  "contacts", "lead_grade"]

    def get_co_opinion(self, av) -> dict | None:
        op = av.opinion
        return None if op is None else {"text": op.text, "waived": op.waived, "waiver_reason": op.waiver_reason, "at": op.at}

    def get_lead_grade(self, av) -> dict | None:
        g = av.lead_grade
        return None if g is None else {"grade": g.grade.code, "name": g.grade.name, "comment": g.comment, "at": g.at}


class ItemDetailSerializer(serializers.ModelSerializer):
    """The whole record of one item as reading.item_view lets this reader see it; the item page
    and the dossier render the same view."""

    display_number = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    state_en = serializers.SerializerMethodField()
    wording = serializers.SerializerMethodField()
    session = SessionSerializer()
    category = CategorySerializer(allow_null=True)
    proposer = serializers.SerializerMethodField()
    cosigners = serializers.SerializerMethodField()
    # The proposer's wishes at filing, as reading.ItemView.facts gives them (the page shows the same).
    suggested_units = serializers.SerializerMethodField(help_text="建议承办单位 (the proposer's suggested units)")
    consent_publish = serializers.SerializerMethodField(help_text="是否同意公开；未表态为 null (consent to publish)")
    urgent = serializers.SerializerMethodField(help_text="紧急 (urgent)")
    cosign = serializers.SerializerMethodField(help_text="联名结果：确认的联名人，及提交时（将）不列入的联名人")
    assignments = serializers.SerializerMethodField()
    consultations = serializers.SerializerMethodField()
    replies = serializers.SerializerMethodField()
    feedbacks = serializers.SerializerMethodField()
    progress_updates = serializers.SerializerMethodField()
    closure_reports = serializers.SerializerMethodField()
    publication_records = serializers.SerializerMethodField()
    instructions = serializers.SerializerMethodField()
    urges = serializers.SerializerMethodField()
    mediations = serializers.SerializerMethodField()
    messages = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    reply_type = serializers.CharField(source="reply_type.code", default=None, allow_null=True)

    class Meta:
        model = Item
        fields = ["id", "assembly", "wording", "session", "number", "display_number", "title", "reason", "suggestions", "category",
                  "proposer", "cosigners", "cosign", "suggested_units", "consent_publish", "urgent", "state", "state_label", "state_en",
                  "state_reason", "merged_into", "converted_to", "withdrawal_requested", "is_key", "key_leader", "reply_type",
                  "publication", "created_at", "submitted_at", "registered_at", "assigned_at", "replied_at", "closed_at",
                  "assignments", "consultations", "replies", "feedbacks", "progress_updates", "closure_reports",
                  "publication_records", "instructions", "urges", "mediations", "messages", "attachments", "history", "actions",
                  "deadlines"]

    # The records below are read through reading.item_view (what this reader may see), so they are
    # method fields; extend_schema_field gives each its serializer's shape in the schema.

    def _actor(self):
        return actor_for(self.context["request"].user)

    def _view(self, item) -> ItemView:
        view = getattr(item, "_read_view", None)
        if view is None:
            view = item._read_view = item_view(self._actor(), item)
        return view

    def get_state_en(self, item) -> str:
        return STATE_EN[item.state]

    def get_wording(self, item) -> dict:
        return dict(WORDING[item.assembly])

    def get_proposer(self, item) -> dict:
        view = self._view(item)
        return (PersonContactSerializer if view.contacts else PersonOnItemSerializer)(view.proposer).data

    def get_cosigners(self, item) -> list[dict]:
        view = self._view(item)
        person = PersonContactSerializer if view.contacts else PersonOnItemSerializer
        return [{"id": c.id, "person": person(c.person).data, "state": c.state, "invited_at": c.invited_at, "responded_at": c.responded_at}
                for c in view.cosigners]

    @extend_schema_field(UnitSerializer(many=True, allow_null=True))
    def get_suggested_units(self, item) -> list[dict] | None:
        facts = self._view(item).facts
        return None if facts is None else UnitSerializer(facts.suggested_units, many=True).data

    def get_consent_publish(self, item) -> bool | None:
        facts = self._view(item).facts
        return None if facts is None else facts.consent_publish

    def get_urgent(self, item) -> bool | None:
        facts = self._view(item).facts
        return None if facts is None else facts.urgent

    def get_cosign(self, item) -> dict | None:
        return _cosign(self._view(item).cosign)

    @extend_schema_field(AssignmentSerializer(many=True))
    def get_assignments(self, item) -> list[dict]:
        return AssignmentSerializer(self._view(item).assignments, many=True).data

    @extend_schema_field(ConsultationSerializer(many=True))
    def get_consultations(self, item) -> list[dict]:
        return ConsultationSerializer(self._view(item).consultations, many=True).data

    @extend_schema_field(ReplySerializer(many=True))
    def get_replies(self, item) -> list[dict]:
        out = []
        for rv in self._view(item).replies:
            data = ReplySerializer(rv.reply).data
            data["approvals"] = ApprovalSerializer(rv.approvals, many=True).data
            out.append(data)
        return out

    @extend_schema_field(FeedbackSerializer(many=True))
    def get_feedbacks(self, item) -> list[dict]:
        return FeedbackSerializer(self._view(item).feedbacks, many=True).data

    @extend_schema_field(ProgressSerializer(many=True))
    def get_progress_updates(self, item) -> list[dict]:
        return ProgressSerializer(self._view(item).progress_updates, many=True).data

    @extend_schema_field(ClosureSerializer(many=True))
    def get_closure_reports(self, item) -> list[dict]:
        return ClosureSerializer(self._view(item).closure_reports, many=True).data

    @extend_schema_field(PublicationRecordSerializer(many=True))
    def get_publication_records(self, item) -> list[dict]:
        return PublicationRecordSerializer(self._view(item).publication_records, many=True).data

    @extend_schema_field(InstructionSerializer(many=True))
    def get_instructions(self, item) -> list[dict]:
        return InstructionSerializer(self._view(item).instructions, many=True).data

    @extend_schema_field(UrgeSerializer(many=True))
    def get_urges(self, item) -> list[dict]:
        return UrgeSerializer(self._view(item).urges, many=True).data

    @extend_schema_field(MediationSerializer(many=True))
    def get_mediations(self, item) -> list[dict]:
        return MediationSerializer(self._view(item).mediations, many=True).data

    @extend_schema_field(MessageSerializer(many=True))
    def get_messages(self, item) -> list[dict]:
        return MessageSerializer(self._view(item).messages, many=True).data

    def get_attachments(self, item) -> list[dict]:
        return [{"id": a.id, "name": a.name, "size": a.size, "content_type": a.content_type, "at": a.at} for a in self._view(item).attachments]

    @extend_schema_field(AuditSerializer(many=True))
    def get_history(self, item) -> list[dict]:
        return AuditSerializer(self._view(item).history, many=True).data

    def get_deadlines(self, item) -> list[dict]:
        """Each milestone with its due date and state, and the overdue record where it went late;
        in the item page's order (reading.milestone_rows: running first, soonest due; then done)."""
        out = []
        for row in self._view(item).milestones:
            d = row.deadline
            event = d.overdue if _has_overdue(d) else None
            out.append({"kind": d.kind, "label": d.get_kind_display(), "unit": d.unit_id, "assignment": d.assignment_id,
                        "due_on": d.due_on, "state": d.state, "met_on": d.met_on, "waived_reason": d.waived_reason,
                        "overdue": {"label": OVERDUE_LABEL[event.kind], "days_late": event.days_late, "done_on": event.done_on} if event else None,
                        "cosign": _cosign(row.cosign)})
        return out

    def get_actions(self, item) -> list[dict]:
        return workflow.available_actions(self._actor(), item)
