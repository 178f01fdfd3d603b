"""Messages on an item, the Q&A window, and attachments (rule 15)."""

import io
from pathlib import Path

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from banli.proposals import actions
from banli.proposals.models import Attachment, Message, Question
from tests.builders import co_assignment, consult, make_item, new_draft
from tests.checks import assert_audit, audit_rows, notified, refused, unchanged

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- Messages (沟通互动) ------------------------------------------------------------------------

def test_proposer_writes_to_the_unit_and_the_unit_answers(world, member, lead_liaison, django_capture_on_commit_callbacks):
    item = make_item(world, state="handling")

    with django_capture_on_commit_callbacks(execute=True):
        question = actions.post_message(member, item.pk, body="请问何时安排面商？")

    question.refresh_from_db()
    assert (question.side, question.author, question.unit, question.to_unit) == ("proposer", member, None, world.lead_unit)
    assert question.answered_at is None
    assert_audit("post_message", item=item, actor=member, target=question, after={"side": "proposer", "to_unit": world.lead_unit.pk})
    assert notified("message", item) == {"lead_liaison", "lead_head"}

    with django_capture_on_commit_callbacks(execute=True):
        answer = actions.post_message(lead_liaison, item.pk, body="拟于下周二登门拜访。", reply_to_id=question.pk)

    answer.refresh_from_db()
    question.refresh_from_db()
    assert (answer.side, answer.unit, answer.reply_to) == ("unit", world.lead_unit, question)
    # The unit's answer is timed: response times are reported per unit.
    assert question.answered_at == answer.at
    assert_audit("post_message", item=item, actor=lead_liaison, target=answer, after={"side": "unit"}, count=2)
    assert "member" in notified("message", item)


def test_another_units_message_does_not_answer_for_the_lead(world, member, co_liaison):
    item = make_item(world, state="handling")
    question = actions.post_message(member, item.pk, body="请主办单位回复")

    actions.post_message(co_liaison, item.pk, body="我委配合办理")

    question.refresh_from_db()
    assert question.answered_at is None


def test_proposer_may_address_the_co_handling_unit(world, member, co_liaison):
    item = make_item(world, state="handling")
    msg = actions.post_message(member, item.pk, body="交通组织方案如何？", to_unit_id=world.co_unit.pk)
    assert msg.to_unit == world.co_unit
    actions.post_message(co_liaison, item.pk, body="已制定方案")
    msg.refresh_from_db()
    assert msg.answered_at is not None


def test_co_signer_and_offices_take_part_in_the_thread(world, cosigner, gov_office, cppcc_office):
    item = make_item(world, state="handling", cosigners=[cosigner])
    assert actions.post_message(cosigner, item.pk, body="我也关注此事").side == "proposer"
    assert actions.post_message(gov_office, item.pk, body="区府办将跟踪").side == "office"
    assert actions.post_message(cppcc_office, item.pk, body="提案委关注").side == "assembly_office"
    assert Message.objects.filter(item=item).count() == 3


def test_message_refusals(world, member, outsider_liaison, other_member):
    item = make_item(world, state="handling")
    with refused("invalid", field="body"):
        actions.post_message(member, item.pk, body="   ")
    with refused("invalid", field="to_unit_id"):  # a unit not handling the item
        actions.post_message(member, item.pk, body="你好", to_unit_id=world.outsider_unit.pk)
    with refused("invalid", field="reply_to_id"):
        actions.post_message(member, item.pk, body="你好", reply_to_id=999999)
    with refused("not_found"):
        actions.post_message(outsider_liaison, item.pk, body="路过")
    with refused("not_found"):
        actions.post_message(other_member, item.pk, body="路过")
    draft = new_draft(world)
    with refused("wrong_state"):
        actions.post_message(member, draft.pk, body="草稿不开放留言")


# --- Q&A (有问必答) ----------------------------------------------------------------------------

def test_question_to_a_unit_answered_by_that_unit(world, member, lead_liaison, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        q = actions.ask_question(member, subject="加装电梯补贴标准", body="补贴标准是多少？", to_unit_id=world.lead_unit.pk)

    q.refresh_from_db()
    assert (q.asker, q.asked_by, q.to_unit, q.answered_at) == (world.member_person, member, world.lead_unit, None)
    row = audit_rows("ask_question")[0]
    assert (row.actor, row.item, row.target_type, row.target_id) == (member, None, "question", q.pk)
    assert notified("question") == {"lead_liaison", "lead_head"}

    with django_capture_on_commit_callbacks(execute=True):
        actions.answer_question(lead_liaison, q.pk, answer="每台补贴不超过20万元。")

    q.refresh_from_db()
    assert (q.answer, q.answered_by) == ("每台补贴不超过20万元。", lead_liaison) and q.answered_at is not None
    assert_audit("answer_question", actor=lead_liaison, target=q, after={"answered": True})
    assert notified("answer") == {"member"}
    with unchanged():
        actions.answer_question(lead_liaison, q.pk, answer="再答一次")


def test_the_wrong_unit_cannot_answer(world, member, outsider_liaison, co_liaison):
    q = actions.ask_question(member, subject="补贴", body="多少？", to_unit_id=world.lead_unit.pk)
    with refused("not_found"):
        actions.answer_question(outsider_liaison, q.pk, answer="我们来答")
    with refused("not_found"):
        actions.answer_question(co_liaison, q.pk, answer="我们来答")
    with refused("invalid"):  # the asker cannot answer their own question
        actions.answer_question(member, q.pk, answer="自问自答")
    assert Question.objects.get(pk=q.pk).answered_at is None


def test_question_to_the_office(world, member, gov_office, lead_liaison):
    q = actions.ask_question(member, subject="办理流程", body="提案多久答复？")
    assert q.to_unit is None
    with refused("not_found"):
        actions.answer_question(lead_liaison, q.pk, answer="三个月")
    actions.answer_question(gov_office, q.pk, answer="一般在交办后三个月内答复。")
    assert Question.objects.get(pk=q.pk).answered_by == gov_office


def test_only_proposers_ask(world, lead_liaison, member):
    with refused("invalid"):
        actions.ask_question(lead_liaison, subject="问", body="问题")
    with refused("invalid", field="to_unit_id"):
        actions.ask_question(member, subject="问", body="问题", to_unit_id=999999)
    with refused("invalid", field="subject"):
        actions.ask_question(member, subject="", body="问题")


# --- Attachments -------------------------------------------------------------------------------

def _media_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_an_allowed_file_is_stored_with_its_type(world, member, settings):
    item = make_item(world, state="handling")

    att = actions.add_attachment(member, item.pk, file=SimpleUploadedFile("现场照片说明.pdf", PDF, content_type="application/pdf"))

    att.refresh_from_db()
    assert (att.item, att.name, att.size, att.content_type, att.by) == (item, "现场照片说明.pdf", len(PDF), "application/pdf", member)
    stored = Path(att.file.path)
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT)) and stored.read_bytes() == PDF
    assert_audit("add_attachment", item=item, actor=member, target=att, after={"name": "现场照片说明.pdf", "size": len(PDF)})


def test_a_unit_attaches_a_file_to_a_consultation(world, lead_liaison):
    item = make_item(world, state="handling")
    c = consult(world, item)
    att = actions.add_attachment(lead_liaison, item.pk, file=SimpleUploadedFile("纪要.txt", "面商纪要".encode()), consultation_id=c.pk)
    assert att.consultation == c and att.content_type == "text/plain"
    with refused("invalid", field="consultation_id"):
        actions.add_attachment(lead_liaison, item.pk, file=SimpleUploadedFile("纪要.txt", b"x"), consultation_id=999999)


def test_a_proposer_attaches_to_a_draft(world, member):
    item = new_draft(world)
    # A real Word file: uploads are checked by content, and a bare ZIP header is not a document.
    out = io.BytesIO()
    docx.Document().save(out)
    att = actions.add_attachment(member, item.pk, file=SimpleUploadedFile("调研报告.docx", out.getvalue()))
    assert att.item == item


@pytest.mark.parametrize("name, content", [
    ("setup.exe", b"MZ\x90\x00"),  # type not accepted
    ("报告.pdf", b"MZ\x90\x00 not a pdf"),  # extension and content disagree
    ("照片.png", b"\xff\xd8\xff\xe0 a jpeg really"),
    ("空文件.pdf", b""),
    ("无扩展名", b"%PDF-1.4"),
])
def test_bad_files_are_refused(world, member, settings, name, content):
    item = make_item(world, state="handling")
    with refused("invalid", field="file"):
        actions.add_attachment(member, item.pk, file=SimpleUploadedFile(name, content))
    assert _media_files(settings) == []


def test_oversize_file_is_refused(world, member, settings):
    settings.BANLI_UPLOAD_MAX_BYTES = 1024
    item = make_item(world, state="handling")
    with refused("invalid", field="file") as info:
        actions.add_attachment(member, item.pk, file=SimpleUploadedFile("大文件.pdf", PDF + b"0" * 1024))
    assert "过大" in info.value.zh
    assert _media_files(settings) == []
    actions.add_attachment(member, item.pk, file=SimpleUploadedFile("小文件.pdf", PDF))
    assert Attachment.objects.filter(item=item).count() == 1


def test_attachment_refusals_by_person(world, outsider_liaison, cosigner, district_leader):
    item = make_item(world, state="handling", cosigners=[cosigner])
    upload = SimpleUploadedFile("a.pdf", PDF)
    with refused("not_found"):
        actions.add_attachment(outsider_liaison, item.pk, file=upload)
    with refused("forbidden"):  # co-signers comment, they do not add files
        actions.add_attachment(cosigner, item.pk, file=upload)
    with refused("forbidden"):
        actions.add_attachment(district_leader, item.pk, file=upload)


def test_co_handling_unit_may_attach(world, co_liaison):
    item = make_item(world, state="handling")
    assert co_assignment(item).unit == world.co_unit
    att = actions.add_attachment(co_liaison, item.pk, file=SimpleUploadedFile("会办意见.pdf", PDF))
    assert att.by == co_liaison
