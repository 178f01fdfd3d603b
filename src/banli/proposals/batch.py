"""One step on many items at once (the office's busy weeks after the sessions close): register,
assign the same units, mark key items. Each item goes through the same action function as on its
own page and through the API (banli.proposals.actions), each in its own transaction, so a refused
item leaves the others done; the outcome says per item what became of it, in the action's words.

Who may: whoever the transition table lets take the step by a standing that needs no particular
item (the assembly office registers its own assembly's items; the government office assigns and
marks key items). Anyone else is refused as a whole before any item is read. The action checks
each item again, role and object: an item this person may not act on is refused, never acted on.

A batch is read in a fixed number of queries whatever its size (the confirmation page pins it);
running it costs what the actions cost, item by item."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch

from banli.errors import BanliError, forbidden, invalid, not_found
from banli.org.models import StaffRole, Unit

from . import actions, workflow
from .access import Actor, actor_for, visible_items
from .commands import COMMANDS
from .models import Assignment, Item, ItemState

MAX_BATCH = 500  # a session's worth in a district; a province narrows by filter first
STEPS = ("register", "assign", "mark_key")


# -- who may ------------------------------------------------------------------------------------

def _standing(actor: Actor) -> set[str]:
    """The actor's relations in workflow.item_relations that need no particular item to hold
    (the assembly office's holds for its own assembly's items)."""
    out = set()
    if actor.gov_office:
        out.add("gov_office")
    if actor.assembly_offices:
        out.add("assembly_office")
    return out


def steps_for(user) -> list[str]:
    """The bulk steps this person may take, in STEPS order (the list page offers these)."""
    standing = _standing(actor_for(user))
    return [s for s in STEPS if standing & workflow.TABLE[s].who]


def check_may(user, step: str) -> None:
    if step not in STEPS:
        raise invalid("action", "不支持批量办理该操作。", "That step cannot be taken in bulk.")
    if step not in steps_for(user):
        t = workflow.TABLE[step]
        raise forbidden(f"您无权批量{t.zh}。", f"You may not {t.en} in bulk.")


def clean_ids(values) -> list[int]:
    """The chosen item ids, in the order given, once each; a batch of at most MAX_BATCH."""
    ids = []
    for v in values:
        try:
            n = int(v)
        except (TypeError, ValueError):
            raise invalid("items", "所选提案/建议的编号无效，请刷新页面后重选。", "An item id is not valid; reload the page and choose again.") from None
        if not 1 <= n < 2**63:
            raise invalid("items", "所选提案/建议的编号无效，请刷新页面后重选。", "An item id is not valid; reload the page and choose again.")
        ids.append(n)
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise invalid("items", "请先勾选要办理的提案/建议。", "Choose the items first.")
    if len(ids) > MAX_BATCH:
        raise too_many(len(ids))
    return ids


def too_many(n: int | None = None) -> BanliError:
    zh = f"一次最多办理 {MAX_BATCH} 件" + (f"，已选 {n} 件" if n else "") + "。请加筛选条件缩小范围，分批办理。"
    en = f"At most {MAX_BATCH} items at a time" + (f"; {n} were chosen" if n else "") + ". Narrow the filter and work in batches."
    return invalid("items", zh, en)


# -- the confirmation -----------------------------------------------------------------------------

@dataclass
class Plan:
    """What will happen to one chosen item: the step is taken, it has been taken already (and
    repeating it changes nothing), or it is refused and why."""

    item_id: int
    item: Item | None
    refusal: BanliError | None = None
    already: bool = False

    @property
    def will_act(self) -> bool:
        return self.refusal is None and not self.already


def _load(user, ids) -> dict[int, Item]:
    """The chosen items this person may read, with what the table's checks read: three queries."""
    qs = (visible_items(user).filter(pk__in=ids).select_related("proposer", "category", "session", "key_leader")
          .defer("reason", "suggestions")
          # The units handling it now (the table's relations read only these), in the order assigned.
          .prefetch_related("cosigners", Prefetch("assignments", queryset=Assignment.objects.exclude(state=Assignment.State.ENDED)
                                                  .select_related("unit").order_by("id"))))
    return {i.pk: i for i in qs}


def _already(step: str, item: Item, data: dict | None = None) -> bool:
    """Whether the action would return early, having taken effect before (as the actions judge it)."""
    if step == "register":
        return item.state == ItemState.REGISTERED or bool(item.number)
    if step == "assign":
        return item.state != ItemState.REGISTERED and item.assigned_at is not None
    leader = (data or {}).get("leader_id")
    return item.is_key and leader is not None and str(item.key_leader_id) == str(leader)


def preview(user, step: str, ids) -> list[Plan]:
    """The confirmation: per chosen item (in the order chosen), what the step would do now."""
    check_may(user, step)
    ids = clean_ids(ids)
    actor = actor_for(user)
    items = _load(user, ids)
    plans = []
    for pk in ids:
        item = items.get(pk)
        if item is None:
            plans.append(Plan(pk, None, not_found()))
        elif (err := workflow.role_refusal(step, actor, item)) is not None:
            plans.append(Plan(pk, item, err))
        elif _already(step, item):
            plans.append(Plan(pk, item, already=True))
        else:
            plans.append(Plan(pk, item, workflow.refusal(step, actor, item)))
    return plans


# -- the step's input, checked once for the whole batch ----------------------------------------------

def clean_input(step: str, data) -> dict:
    """The step's input as the action takes it. A wrong input refuses the whole batch (with the
    field named), before any item is touched: the same units for every item are right or wrong
    for all of them."""
    if step == "register":
        return {}
    if step == "assign":
        s = COMMANDS["assign"].input_serializer()(data={"lead": data.get("lead") or None, "co": _list(data, "co"),
                                                        "note": data.get("note") or ""})
        if not s.is_valid():
            field = next(iter(s.errors))
            raise invalid(field, "所选单位无效，请重新选择。", "A unit chosen is not valid; choose again.")
        d = s.validated_data
        if not d["lead"]:
            raise invalid("lead", "请选择主办单位。", "Choose the lead unit.")
        if d["lead"] in d["co"]:
            raise invalid("co", "主办单位不能同时作为会办单位。", "The lead unit cannot also be a co-handling unit.")
        wanted = {d["lead"], *d["co"]}
        if Unit.objects.filter(pk__in=wanted, active=True).count() != len(wanted):
            raise invalid("lead", "承办单位不存在或已停用。", "A unit does not exist or is inactive.")
        return {"lead": d["lead"], "co": list(dict.fromkeys(d["co"])), "note": d["note"].strip()}
    leader = str(data.get("leader_id") or "")
    if not (leader.isdigit() and 1 <= int(leader) < 2**63) or not StaffRole.objects.filter(
            user_id=int(leader), kind=StaffRole.Kind.DISTRICT_LEADER).exists():
        raise invalid("leader_id", "请选择牵头督办的区领导。", "Choose the supervising district leader.")
    reason = str(data.get("reason") or "").strip()
    if len(reason) > 5000:
        raise invalid("reason", "理由过长（最多5000字）。", "The reason is too long (at most 5000 characters).")
    return {"leader_id": int(leader), "reason": reason}


def _list(data, name) -> list:
    """A form's repeated field, or a JSON list (a single value counts as a list of one)."""
    getter = getattr(data, "getlist", None)
    values = getter(name) if getter else data.get(name) or []
    if not isinstance(values, (list, tuple)):
        values = [values]
    return [v for v in values if v not in ("", None)]


# -- running it -----------------------------------------------------------------------------------

DONE, ALREADY, REFUSED = "done", "already", "refused"


@dataclass
class Outcome:
    item_id: int
    status: str  # DONE, ALREADY or REFUSED
    code: str = ""
    zh: str = ""
    en: str = ""

    @property
    def ok(self) -> bool:
        return self.status != REFUSED

    def as_row(self) -> list:
        return [self.item_id, self.status, self.code, self.zh, self.en]

    @classmethod
    def from_row(cls, row) -> Outcome:
        return cls(*row)


def run(user, step: str, ids, data: dict) -> list[Outcome]:
    """Take the step on each chosen item (in the order chosen; registration in the order the items
    came in, so that numbers follow it: 第1号 is the first received, whatever order the list showed),
    each in its own transaction. `data` is clean_input's answer. Refusals are per item; nothing else is caught."""
    check_may(user, step)
    ids = clean_ids(ids)
    if step == "register":
        ids = sorted(ids)
    action = getattr(actions, step)
    out = []
    for pk in ids:
        try:
            with transaction.atomic():
                # Lock the row first, then see whether the step was taken already: a colleague's
                # batch running at the same time must not make this one report work it did not do.
                row = Item.objects.select_for_update().filter(pk=pk).first()
                already = row is not None and _already(step, row, data)
                action(user, pk, **data)
            out.append(Outcome(pk, DONE))
        except BanliError as err:
            # The action refuses a step already taken (it would change nothing); the batch says so.
            out.append(Outcome(pk, ALREADY) if already else Outcome(pk, REFUSED, err.code, err.zh, err.en))
    return out
