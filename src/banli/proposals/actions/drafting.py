"""Drafting, co-signing, submission and withdrawal before registration (DOMAIN §4 rule 1)."""

from django.db import transaction

from banli.org.models import Category, Person, Session, Term, Unit
from banli.search.index import reindex

from ..guards import refuse
from ..models import CoSigner, Item, ItemState, PublicationRecord
from ..selectors import own_people
from ..submission import REQUIRED_TO_SUBMIT, cosign_outcome, missing_fields
from .audiences import tell
from .common import item_action, begin, invalid, now, require_text, today

DRAFT_FIELDS = ["title", "reason", "suggestions", "category", "consent_publish", "urgent"]
TEXT_MAX = 20000  # 案由 and 建议, each


def _clean_fields(assembly, data: dict) -> dict:
    out = {}
    if "title" in data:
        out["title"] = require_text(data["title"], "title", "标题", "Title", max_len=200)
    for f, zh, en in (("reason", "案由", "The reason"), ("suggestions", "建议", "The suggestions")):
        if f in data:
            out[f] = (data[f] or "").strip()
            if len(out[f]) > TEXT_MAX:  # limited at every door (issue 15.4); a long proposal runs to some 5,000 characters
                raise invalid(f, f"{zh}过长（{len(out[f])}字，最多{TEXT_MAX}字）。", f"{en} is too long ({len(out[f])} characters, at most {TEXT_MAX}).")
    if "category" in data:
        cat = data["category"]
        if cat is not None:
            cat = Category.objects.filter(pk=getattr(cat, "pk", cat), assembly=assembly, active=True).first()
            if cat is None:
                raise invalid("category", "类别不存在或不属于本会别。", "No such category for this assembly.")
        out["category"] = cat
    if "consent_publish" in data:
        out["consent_publish"] = data["consent_publish"]
    if "urgent" in data:
        out["urgent"] = bool(data["urgent"])
    return out


def _set_suggested_units(item, unit_ids):
    units = list(Unit.objects.filter(pk__in=unit_ids, active=True))
    if len(units) != len(set(unit_ids)):
        raise invalid("suggested_units", "建议承办单位不存在。", "A suggested unit does not exist.")
    item.suggested_units.set(units)


def _session_to_file_into(assembly, session_id, on) -> Session:
    """DOMAIN §3: a member files into the current session or, between sessions (闭会期间), into
    the term, whose interim session (ordinal 0) holds such items. Judged on the day of filing:

    - the current session (Session.is_current, the administrator's word) is always open;
    - a term's interim session is open while its term is in force: the assembly's latest term
      begun by that day, not ended;
    - any other session is open until it is past: its year is over, or a later session of the
      assembly has opened. (So the session in force is open before the administrator flags it,
      and a session can take items before it opens, as they are collected beforehand.)

    With no session named, the draft goes to the current session, else to the interim session
    of the term in force."""
    sessions = Session.objects.filter(assembly=assembly).select_related("term")
    if not session_id:
        session = sessions.filter(is_current=True).first() or _interim_in_force(assembly, on)
        if session is None:
            raise invalid("session_id", "没有可提交的会次：当前没有会次，本届也没有闭会期间会次。",
                          "No session to file into: none is current, and the term has no interim session.")
        return session
    session = sessions.filter(pk=session_id).first()
    if session is None:
        raise invalid("session_id", "会次不存在或不属于本会别。", "No such session for this assembly.")
    if session.is_current:
        return session
    if session.ordinal == 0:
        open_ = session == _interim_in_force(assembly, on)
    else:
        open_ = on.year <= session.year and not sessions.filter(
            ordinal__gt=0, opens_on__gt=session.opens_on, opens_on__lte=on).exists()
    if not open_:
        raise invalid("session_id", f"{session}已过，不能再提交到该会次。请提交到当前会次；闭会期间请提交到本届（闭会期间）。",
                      f"{session} is past: file into the current session, or between sessions into the term (闭会期间).")
    return session


def _interim_in_force(assembly, on) -> Session | None:
    term = Term.objects.filter(assembly=assembly, starts_on__lte=on).order_by("-starts_on").first()
    if term is None or (term.ends_on and term.ends_on < on):
        return None
    return Session.objects.filter(term=term, ordinal=0).select_related("term").first()


@transaction.atomic
def create_draft(user, *, person_id=None, session_id=None, suggested_unit_ids=(), **data) -> Item:
    people = own_people(user)
    person = people.filter(pk=person_id).first() if person_id else people.first()
    if person is None:
        raise invalid("person", "只有委员、代表或其授权的集体账号可以提出提案/建议。", "Only members, deputies or collective accounts may file items.")
    session = _session_to_file_into(person.assembly, session_id, today())
    fields = _clean_fields(person.assembly, {"title": data.get("title"), **{k: v for k, v in data.items() if k != "title"}})
    item = Item.objects.create(assembly=person.assembly, session=session, proposer=person, **fields)
    if suggested_unit_ids:
        _set_suggested_units(item, suggested_unit_ids)
    from banli.audit.service import record

    record(actor=user, action="create_draft", item=item, after={"title": item.title, "session": session.pk})
    reindex([item.pk])  # not an item_action (there is no item yet): searchable from the start all the same
    return item


@item_action
def edit_draft(user, item_id, *, suggested_unit_ids=None, **data) -> Item:
    step = begin(user, "edit_draft", item_id)
    step.check()
    item = step.item
    fields = _clean_fields(item.assembly, {k: v for k, v in data.items() if k in DRAFT_FIELDS})
    before = {k: getattr(item, k + "_id" if k == "category" else k) for k in fields}
    changed = {k: v for k, v in fields.items() if before[k] != (v.pk if k == "category" and v else v)}
    for k, v in fields.items():
        setattr(item, k, v)
    if changed:
        item.save()
    if suggested_unit_ids is not None:
        _set_suggested_units(item, suggested_unit_ids)
    if changed or suggested_unit_ids is not None:
        step.audit(before={k: before[k] for k in changed}, after=changed)
    return item


@item_action
def invite_cosigners(user, item_id, *, person_ids) -> list[CoSigner]:
    step = begin(user, "invite_cosigners", item_id)
    step.check()
    item = step.item
    people = list(Person.objects.filter(pk__in=person_ids, assembly=item.assembly, active=True).exclude(pk=item.proposer_id))
    if len(people) != len(set(person_ids) - {item.proposer_id}) or not people:
        raise invalid("person_ids", "联名人须为本会别的在任委员/代表，且不能是领衔人本人。", "Co-signers must be serving members of the same assembly, not the proposer.")
    existing = {c.person_id for c in item.cosigners.all()}
    new = [CoSigner(item=item, person=p) for p in people if p.pk not in existing]
    if not new:
        # Inviting the same people again would change nothing (a declined name stays declined).
        raise invalid("person_ids", "所选人员都已邀请过联名。", "Everyone chosen has already been invited.")
    CoSigner.objects.bulk_create(new)
    step.audit(after={"invited": [c.person_id for c in new]})
    tell(step, "invite_cosigners", f"{item.proposer.name}邀请您联名：{item.title}", user_ids=[p.user_id for p in people if p.pk not in existing])
    return list(item.cosigners.all())


@item_action
def respond_cosign(user, item_id, *, confirm: bool) -> CoSigner:
    # The role check waits: a repeated answer is told what it answered before, not "forbidden".
    step = begin(user, "respond_cosign", item_id, check_role=False)
    mine = [c for c in step.item.cosigners.all() if c.person_id in step.actor.person_ids]
    answered = [c for c in mine if c.state in (CoSigner.State.CONFIRMED, CoSigner.State.DECLINED)]
    if answered and not any(c.state == CoSigner.State.INVITED for c in mine) and step.item.state == ItemState.DRAFT:
        did = answered[0].state == CoSigner.State.CONFIRMED
        raise refuse("already_answered", f"您已{'确认' if did else '谢绝'}联名。", f"You have already {'confirmed' if did else 'declined'} co-signing.")
    step.check()
    cos = next(c for c in mine if c.state == CoSigner.State.INVITED)
    cos.state = CoSigner.State.CONFIRMED if confirm else CoSigner.State.DECLINED
    cos.responded_at = now()
    cos.save()
    step.audit(target=cos, before={"state": "invited"}, after={"state": cos.state})
    tell(step, "respond_cosign", f"{cos.person.name}{'确认' if confirm else '谢绝'}联名：{step.item.title}")
    return cos


@item_action
def submit(user, item_id, *, confirm_drop: bool | None = None) -> Item:
    """confirm_drop: the proposer's answer to the warning that names the co-signers who will not
    be listed. The page always asks (False until ticked); None, from a door that does not ask,
    submits as the rule says: unconfirmed names are dropped, and the history names them."""
    step = begin(user, "submit", item_id)
    item = step.item
    step.check()  # a repeated submission (a double click) is refused: the table allows it from a draft only
    empty = missing_fields(item)
    if empty:
        # Named as the draft form names them; the page links each to its field.
        labels = [(zh, en) for name, zh, en in REQUIRED_TO_SUBMIT if name in empty]
        raise invalid(empty[0], f"提交前请填写：{'、'.join(zh for zh, _en in labels)}。",
                      f"Fill in before submitting: {', '.join(en for _zh, en in labels)}.")
    outcome = cosign_outcome(item, list(item.cosigners.select_related("person")))
    if outcome and outcome.left_out and confirm_drop is False:
        raise invalid("confirm_drop", f"提交后，以下联名人将不列入：{outcome.left_out_zh()}。请勾选确认后再提交。",
                      f"Once submitted, these co-signers will not be listed: {outcome.left_out_en()}. Tick to confirm, then submit.")
    # Unconfirmed co-signers are dropped at submission; a declined name stays declined.
    dropped = [c.pk for c in item.cosigners.all() if c.state == CoSigner.State.INVITED]
    CoSigner.objects.filter(pk__in=dropped).update(state=CoSigner.State.DROPPED, responded_at=now())
    before = step.advance(submitted_at=now(), state_reason="")
    note = f"未列入的联名人：{outcome.left_out_zh()}" if outcome and outcome.left_out else ""
    step.audit(before=before, after={"state": item.state, "dropped_cosigners": dropped}, note=note)
    tell(step, "submit", f"新提交待审查：{item.title}")
    return item


@item_action
def withdraw(user, item_id, *, reason="") -> Item:
    step = begin(user, "withdraw", item_id)
    step.check()
    before = step.advance(state_reason=(reason or "").strip())
    step.audit(before=before, after={"state": step.item.state}, note=reason or "")
    return step.item


@item_action
def set_publication_consent(user, item_id, *, consent: bool) -> Item:
    step = begin(user, "set_publication_consent", item_id)
    item = step.item
    step.check()
    if item.consent_publish is consent:
        raise invalid("consent", "您已同意公开，无需重复设置。" if consent else "您已设置为不同意公开，无需重复设置。",
                      "You have already consented to publication." if consent else "You have already declined publication.")
    before = {"consent_publish": item.consent_publish}
    item.consent_publish = consent
    item.save(update_fields=["consent_publish", "updated_at"])
    if item.state != ItemState.DRAFT:
        PublicationRecord.objects.create(item=item, kind=PublicationRecord.Kind.CONSENT, consent=consent, by=user)
    step.audit(before=before, after={"consent_publish": consent})
    return item
