"""Everything the item page shows, built from one prefetched item: the actions this person may
take now (exactly the transition table's answer), each as a form, and the history."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from banli.org.selectors import district_leaders
from banli.org.models import WORDING, WORDING_EN, FeedbackGrade, ReplyType
from banli.proposals import workflow
from banli.proposals.access import actor_for
from banli.proposals.reading import item_view
from banli.proposals.models import Consultation, Reply, Side
from banli.proposals.selectors import last_read_message

from .forms import FORMS, PLACED_ELSEWHERE, Field
from .unit_choices import unit_choices
from .reply_form import dress_reply_forms
from .review import dress_review_forms
from .suggest_panel import suggestion_context

# Audit actions that are not steps of the transition table.
EXTRA_LABELS = {**workflow.OTHER_ACTIONS, "ask_question": ("提问", "asked a question"),
                "answer_question": ("答复提问", "answered a question")}


def en() -> bool:
    return (translation.get_language() or "").startswith("en")


def action_label(name: str) -> str:
    t = workflow.TABLE.get(name)
    zh, en_ = (t.zh, t.en) if t else EXTRA_LABELS.get(name, (name, name))
    return en_[:1].upper() + en_[1:] if en() else zh


def wording(assembly: str) -> dict:
    return (WORDING_EN if en() else WORDING)[assembly]


@dataclass
class BoundField:
    spec: Field
    value: object = None
    errors: list = field(default_factory=list)
    choices: list = field(default_factory=list)


@dataclass
class ActionForm:
    name: str
    label: str
    anchor: str
    url: str
    submit: str
    style: str
    unit: str = ""
    hidden: dict = field(default_factory=dict)
    fields: list = field(default_factory=list)
    is_open: bool = False
    error: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)  # what a form shows beyond its fields (the reply form: banli.web.reply_form)


class Choices:
    """Choice lists for the forms, each loaded once and only when a form on the page needs it."""

    def __init__(self, item):
        self.item = item
        self._cache = {}

    def __getitem__(self, key):
        if key not in self._cache:
            self._cache[key] = getattr(self, "_" + key)()
        return self._cache[key]

    def _units(self):
        # One list for every unit picker on the page (banli.web.widgets.UnitPicker): its data is embedded once.
        return unit_choices()

    def _active_units(self):
        # reassign's `remove` names assignments (as the API's does), not units: a unit may have left and come back.
        return [(a.pk, a.unit.name) for a in self.item.assignments.all() if a.active]

    def _reply_types(self):
        return [(t.code, f"{t.code} {t.name_en or t.name}" if en() else f"{t.code} {t.name}", t) for t in ReplyType.objects.filter(active=True)]

    def _grades(self):
        return [(g.code, (g.name_en or g.name) if en() else g.name) for g in FeedbackGrade.objects.all()]

    def _leaders(self):
        # The API's list (/api/leaders/): the same active leaders, one query, no portfolio needed here.
        return [(u.pk, u.get_full_name() or u.username) for u in district_leaders().prefetch_related(None)]

    def _recommendation(self):
        return list(Reply.Recommendation.choices)

    def _consult_kind(self):
        return list(Consultation.Kind.choices)

    def _consult_form(self):
        return list(Consultation.Form.choices)

    def _convert_to(self):
        return [("意见建议", _("意见建议")), ("社情民意", _("社情民意"))]


def _bind(specs, choices: Choices, data=None, errors=None) -> list[BoundField]:
    out = []
    for spec in specs:
        value = None
        if data is not None:
            value = data.getlist(spec.name) if spec.kind in ("multi", "people") else data.get(spec.name)
        out.append(BoundField(spec, value, (errors or {}).get(spec.name, []), choices[spec.choices] if spec.choices else []))
    return out


def action_forms(request, item, available: list[dict], *, view=None, failed: str = "", data=None, errors=None,
                 message: str = "") -> list[ActionForm]:
    """One form per action the table allows now. The one that just failed comes back open, with
    what was typed and the messages beside its fields (its `error` marks it; the page says the
    message once, at the top: error_summary). With the read model (`view`), the forms that act on
    a reply carry it and come first (banli.web.review)."""
    choices = Choices(item)
    forms = []
    for a in available:
        name = a["action"]
        if name in PLACED_ELSEWHERE:
            continue
        specs, submit, style = FORMS.get(name, ([], _("确定"), ""))
        targets = [{}]
        if name == "give_feedback":
            # One rating per reply awaiting it (separately handled items have several).
            targets = [{"reply_id": r.pk, "_unit": r.assignment.unit.name, "_co": _co_units(item)}
                       for r in workflow.awaiting_rating(item)]
        elif name == "record_no_feedback":
            # One per reply whose feedback window is over: the step names its reply.
            targets = [{"reply_id": r.pk, "_unit": r.assignment.unit.name} for r in workflow.lapsed_replies(item)]
        for n, extra in enumerate(targets):
            hidden = {k: v for k, v in extra.items() if not k.startswith("_")}
            anchor = f"do-{name}"
            if "assignment" in a:
                hidden["assignment"] = a["assignment"]
                anchor += f"-{a['assignment']}"
            if "reply_id" in hidden and n:
                # The first rating form answers to the plain #do-give_feedback the to-do links to.
                anchor += f"-r{hidden['reply_id']}"
            key = _key(name, hidden)
            is_failed = failed and failed == key
            f = ActionForm(
                name=name, label=a["label_en"][:1].upper() + a["label_en"][1:] if en() else a["label"], anchor=anchor,
                url=f"/items/{item.pk}/do/{name}/", submit=submit, style=style, unit=a.get("unit") or extra.get("_unit", ""),
                hidden=hidden, fields=_bind(specs, choices, data if is_failed else None, errors if is_failed else None),
                is_open=bool(is_failed), error=message if is_failed else "",
            )
            if extra.get("_co"):
                f.note = extra["_co"]
            forms.append(f)
    dress_reply_forms(request, item, forms)
    return dress_review_forms(forms, view) if view is not None else forms


# Where the forms that are not in the action panel stand on the page.
ELSEWHERE_ANCHORS = {"post_message": "messages", "add_attachment": "attachments"}
ELSEWHERE_FIELDS = {"post_message": {"body"}, "add_attachment": {"file"}}


def error_summary(forms, *, failed: str = "", errors=None, message: str = "", **_ignored) -> dict | None:
    """The one message at the top of a page sent back with an error, and the form it links to.
    A message shown beside its field is not said again: the top then only says to check the form
    (and what no field shows, e.g. a tampered hidden input)."""
    if not message:
        return None
    errors = errors or {}
    form = next((f for f in forms if f.error), None)
    name = failed.split("|", 1)[0]
    if form is not None:
        beside, anchor = {b.spec.name for b in form.fields}, form.anchor
    else:
        beside, anchor = ELSEWHERE_FIELDS.get(name, set()), ELSEWHERE_ANCHORS.get(name, "")
    placed = {k for k, msgs in errors.items() if msgs and k in beside}
    rest = [m for k, msgs in errors.items() if k not in placed for m in msgs if m != message]
    head = str(_("请检查填写的内容。")) if placed else message
    return {"message": " ".join([head, *rest]), "anchor": anchor}


def _key(name, hidden) -> str:
    return name + "".join(f"|{k}={hidden[k]}" for k in sorted(hidden))


def form_key(name: str, post) -> str:
    hidden = {k: post.get(k) for k in ("assignment", "reply_id") if post.get(k)}
    return _key(name, hidden)


def _co_units(item):
    return [(a.unit_id, a.unit.name) for a in item.assignments.all() if a.active and a.role == "co"]


def timeline(records) -> list[dict]:
    return [{"at": r.at, "who": (r.actor.get_full_name() or r.actor.username) if r.actor else _("系统"), "action": r.action,
             "what": action_label(r.action), "note": r.note, "after": r.after} for r in records]


def messages_with_marks(request, item, msgs) -> tuple[list, int, int | None]:
    """The item's messages with the ones this person has not seen marked; and the message the
    watermark is to move to once the page is shown (None: nothing new). The view moves it
    (actions.mark_messages_read): building the page writes nothing."""
    seen = last_read_message(request.user, item)
    actor = actor_for(request.user)
    own_side = Side.PROPOSER if item.proposer_id in actor.person_ids else None
    for m in msgs:
        m.unread = m.pk > seen and m.author_id != request.user.pk and m.side != own_side
    read_up_to = msgs[-1].pk if msgs and msgs[-1].pk > seen else None
    return msgs, sum(1 for m in msgs if m.unread), read_up_to


def page_context(request, item, **form_state) -> dict:
    """The page renders the read model (banli.proposals.reading), as the API and the dossier do.
    Reads only: the view that shows it moves the read mark to "read_up_to" (actions.mark_messages_read)."""
    actor = actor_for(request.user)
    view = item_view(actor, item)
    active = [a for a in item.assignments.all() if a.active]
    allowed = workflow.available_actions(actor, item)
    available = {a["action"] for a in allowed}
    msgs, unread, read_up_to = messages_with_marks(request, item, view.messages)
    forms = action_forms(request, item, allowed, view=view, **form_state)
    return {
        **suggestion_context(request, item, available, forms),
        "item": item,
        "view": view,
        "w": wording(item.assembly),
        "forms": forms,
        "error_summary": error_summary(forms, **form_state),
        "can_edit": "edit_draft" in available,
        "can_message": "post_message" in available,
        "can_attach": "add_attachment" in available,
        "message_units": [(a.unit_id, a.unit.name) for a in active if a.answers],
        "assignments": view.assignments,
        "timeline": timeline(view.history),
        "deadlines": view.deadlines,
        "messages_list": msgs,
        "unread": unread,
        "read_up_to": read_up_to,
        "replies": view.replies,
        "upload_mb": settings.BANLI_UPLOAD_MAX_BYTES // (1024 * 1024),
    }
