"""Messages on an item (沟通互动), the Q&A window (有问必答), attachments (rule 15)."""

from django.db import transaction

from banli.audit.service import record
from banli.deadlines.sync import sync_question
from banli.errors import not_found
from banli.org.models import Unit
from banli.uploads import check_upload

from ..access import actor_for
from ..models import Attachment, Message, MessageReadMark, Question, Side
from ..selectors import own_people, visible_questions
from .audiences import tell, tell_people
from .common import item_action, begin, invalid, now, require_text


@item_action
def post_message(user, item_id, *, body, to_unit_id=None, reply_to_id=None) -> Message:
    step = begin(user, "post_message", item_id)
    step.check()
    item, actor = step.item, step.actor
    body = require_text(body, "body", "留言内容", "The message", max_len=5000)
    active = [a for a in item.assignments.all() if a.active]
    my_units = [a.unit for a in active if a.unit_id in actor.unit_ids]
    if item.proposer_id in actor.person_ids or any(c.person_id in actor.person_ids for c in item.cosigners.all()):
        side, unit = Side.PROPOSER, None
    elif my_units:
        side, unit = Side.UNIT, my_units[0]
    elif actor.gov_office:
        side, unit = Side.OFFICE, None
    else:
        side, unit = Side.ASSEMBLY_OFFICE, None
    to_unit = None
    if to_unit_id:
        to_unit = next((a.unit for a in active if str(a.unit_id) == str(to_unit_id)), None)
        if to_unit is None:
            raise invalid("to_unit_id", "该单位未承办此件。", "That unit is not handling this item.")
    elif side == Side.PROPOSER:
        answering = [a for a in active if a.answers]
        to_unit = answering[0].unit if answering else None
    reply_to = None
    if reply_to_id:
        reply_to = Message.objects.filter(pk=reply_to_id, item=item).first()
        if reply_to is None:
            raise invalid("reply_to_id", "被回复的留言不存在。", "The message replied to does not exist.")
    msg = Message.objects.create(item=item, author=user, side=side, unit=unit, to_unit=to_unit, reply_to=reply_to, body=body)
    if side == Side.UNIT:
        # A unit's message answers what the proposer asked of that unit.
        Message.objects.filter(item=item, side=Side.PROPOSER, to_unit=unit, answered_at__isnull=True, pk__lt=msg.pk).update(answered_at=msg.at)
    step.audit(target=msg, after={"side": side, "to_unit": to_unit.pk if to_unit else None})
    if side == Side.PROPOSER:
        if to_unit:
            tell(step, "message_to_unit", f"委员/代表留言：{item.title}", units=[to_unit])
        else:
            tell(step, "message_to_office", f"委员/代表留言：{item.title}")
    else:
        tell(step, "message_answer", f"{unit.name if unit else '区府办'}回复留言：{item.title}")
    return msg


def mark_messages_read(user, item, *, up_to: int | None) -> None:
    """Move the reader's watermark on the item's messages forward to message up_to (never back;
    None: nothing new, nothing to do). item: as the door fetched it for this reader
    (selectors.item_detail), which is the check. The reader's own bookkeeping, not a step of the
    item: no audit row, nobody told."""
    if not up_to:
        return
    with transaction.atomic():
        mark, created = MessageReadMark.objects.select_for_update().get_or_create(user=user, item=item, defaults={"last_read_id": up_to})
        if not created and mark.last_read_id < up_to:
            mark.last_read_id = up_to
            mark.save(update_fields=["last_read_id"])


@transaction.atomic
def ask_question(user, *, subject, body, to_unit_id=None) -> Question:
    person = own_people(user).first()
    if person is None:
        raise invalid(None, "只有委员/代表可以提问。", "Only members and deputies can ask questions.")
    unit = None
    if to_unit_id:
        unit = Unit.objects.filter(pk=to_unit_id, active=True).first()
        if unit is None:
            raise invalid("to_unit_id", "单位不存在。", "No such unit.")
    q = Question.objects.create(
        asker=person, asked_by=user, to_unit=unit,
        subject=require_text(subject, "subject", "主题", "The subject", max_len=120),
        body=require_text(body, "body", "问题", "The question", max_len=5000),
    )
    record(actor=user, action="ask_question", target=q, after={"to_unit": unit.pk if unit else None})
    sync_question(q)
    if unit:
        tell_people("question_to_unit", f"有问必答：{q.subject}", action="ask_question", units=[unit])
    else:
        tell_people("question_to_office", f"有问必答：{q.subject}", action="ask_question")
    return q


@transaction.atomic
def answer_question(user, question_id, *, answer) -> Question:
    actor = actor_for(user)
    q = visible_questions(user).select_for_update().filter(pk=question_id).first()
    if q is None:
        raise not_found()
    may = (q.to_unit_id is None and actor.gov_office) or (q.to_unit_id in actor.liaison_unit_ids)
    if not may:
        raise invalid(None, "只有被提问的单位或区府办可以答复。", "Only the unit asked, or the office, can answer.") if q.asker_id in actor.person_ids else not_found()
    if q.answered_at:
        return q
    q.answer = require_text(answer, "answer", "答复", "The answer", max_len=5000)
    q.answered_by, q.answered_at = user, now()
    q.save()
    record(actor=user, action="answer_question", target=q, after={"answered": True})
    sync_question(q)
    tell_people("answer", f"您的提问已答复：{q.subject}", action="answer_question", user_ids=[q.asked_by_id])
    return q


def mark_answers_read(user, question_ids) -> int:
    """The asker has seen the answers to these questions: they stop being new. Only the asker's
    own answered questions are marked; the asker's bookkeeping, no audit row. One UPDATE, atomic
    by itself."""
    if not question_ids:
        return 0
    actor = actor_for(user)
    return Question.objects.filter(pk__in=question_ids, asker_id__in=actor.person_ids, answered_at__isnull=False,
                                   answer_read_at__isnull=True).update(answer_read_at=now())


# File signatures: the extension alone is not trusted.
@item_action
def add_attachment(user, item_id, *, file, consultation_id=None) -> Attachment:
    step = begin(user, "add_attachment", item_id)
    step.check()
    name, content_type = check_upload(file)
    consultation = None
    if consultation_id:
        consultation = step.item.consultations.filter(pk=consultation_id).first()
        if consultation is None:
            raise invalid("consultation_id", "沟通记录不存在。", "No such consultation record.")
    att = Attachment(item=step.item, consultation=consultation, name=name, size=file.size, content_type=content_type, by=user)
    att.file.save(name, file, save=False)
    att.save()
    step.audit(target=att, after={"name": att.name, "size": att.size})
    return att
