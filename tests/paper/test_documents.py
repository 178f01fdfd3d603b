"""Each official document read back as its reader gets it: the PDF's text holds the item's number
and title, the unit, the 文号 and (for letters) the reply text; every font is embedded as a subset;
the Word file opens with its named styles and East Asian fonts."""

import pytest
from django.utils import timezone

from banli.paper.models import DocumentNumber
from tests.builders import co_assignment, last_reply, lead_assignment, make_item
from tests.web.pages import login

from .reading import assert_fonts_embedded, east_asian_font, pdf_pages, pdf_text, word, word_text

YEAR = timezone.localdate().year


def _get(user, url):
    r = login(user).get(url)
    assert r.status_code == 200, (r.status_code, r.content[:300])
    return r


def test_notice_of_the_lead_unit_names_item_unit_co_unit_and_number(world):
    item = make_item(world, "handling", title="关于老旧小区加装电梯的建议")
    a = lead_assignment(item)
    r = _get(world.gov_office, f"/items/{item.pk}/paper/notice/{a.pk}.pdf")
    assert r["Content-Type"] == "application/pdf" and "inline" in r["Content-Disposition"]
    text = pdf_text(r.content)
    for words in (item.display_number, "关于老旧小区加装电梯的建议", "区住房和城乡建设委员会：", "区住房和城乡建设委员会（主办）",
                  "区交通委员会", f"区府办交〔{YEAR}〕1号", "××区人民政府办公室", "签收人", "13800000001"):
        assert words in text, words
    assert pdf_pages(r.content) == 1
    assert_fonts_embedded(r.content)


def test_notice_as_word_keeps_named_styles_and_east_asian_fonts(world):
    item = make_item(world, "assigned")
    a = co_assignment(item)
    r = _get(world.co_liaison, f"/items/{item.pk}/paper/notice/{a.pk}.docx")
    assert "attachment" in r["Content-Disposition"]
    doc = word(r.content)
    styles = {p.style.name for p in doc.paragraphs if p.text.strip()}
    assert {"公文版头", "公文标题", "公文正文", "公文落款"} <= styles
    title = next(p for p in doc.paragraphs if p.style.name == "公文标题")
    assert title.text.endswith("提案交办单")
    assert east_asian_font(doc.styles["公文标题"]) == "方正小标宋简体"
    assert east_asian_font(doc.styles["公文正文"]) == "仿宋_GB2312"
    assert east_asian_font(doc.styles["公文落款"]) == "仿宋_GB2312"
    assert doc.styles["公文标题"].font.bold
    text = word_text(doc)
    assert "区交通委员会：" in text and "区交通委员会（会办）" in text and item.display_number in text
    assert f"区府办交〔{YEAR}〕1号" in text


def test_reply_letter_as_the_unit_sends_it(world):
    item = make_item(world, "replied", reply_type="B", title="关于增设社区停车位的建议")
    reply = last_reply(item)
    r = _get(world.lead_liaison, f"/items/{item.pk}/paper/reply/{reply.pk}.pdf")
    text = pdf_text(r.content)
    for words in (item.display_number, "关于增设社区停车位的建议", "区住房和城乡建设委员会", f"区建委答〔{YEAR}〕1号", "王委员：",
                  "经研究答复如下", "明年6月前完成试点。", "联系人：建委联络员", "021-12345678", "签发人：张主任", "B类",
                  "抄送：××区人民政府办公室，区政协提案委。"):
        assert words in text, words
    assert_fonts_embedded(r.content)
    doc = word(_get(world.lead_liaison, f"/items/{item.pk}/paper/reply/{reply.pk}.docx").content)
    body = [p.text for p in doc.paragraphs if p.style.name == "公文正文"]
    assert any("经研究答复如下" in t for t in body)
    assert [p.text for p in doc.paragraphs if p.style.name == "公文落款"][0] == "区住房和城乡建设委员会"


def test_closure_report(world):
    item = make_item(world, "closed", reply_type="A")
    report = item.closure_reports.get()
    r = _get(world.member, f"/items/{item.pk}/paper/closure/{report.pk}.pdf")
    text = pdf_text(r.content)
    for words in (item.display_number, item.title, "区住房和城乡建设委员会", f"区建委结〔{YEAR}〕1号", "已完成加装电梯试点。", "办结情况"):
        assert words in text, words
    assert_fonts_embedded(r.content)
    assert "办结情况的报告" in word_text(word(_get(world.lead_head, f"/items/{item.pk}/paper/closure/{report.pk}.docx").content))


def test_a_document_keeps_its_number_and_the_next_one_gets_the_next(world):
    first, second = make_item(world, "assigned", co=False), make_item(world, "assigned", co=False)
    a1, a2 = lead_assignment(first), lead_assignment(second)
    for _ in range(2):  # downloaded twice, PDF then Word: one number
        _get(world.gov_office, f"/items/{first.pk}/paper/notice/{a1.pk}.pdf")
        _get(world.lead_liaison, f"/items/{first.pk}/paper/notice/{a1.pk}.docx")
    text = pdf_text(_get(world.gov_office, f"/items/{second.pk}/paper/notice/{a2.pk}.pdf").content)
    assert f"区府办交〔{YEAR}〕2号" in text
    assert list(DocumentNumber.objects.order_by("id").values_list("target_id", "text")) == [
        (a1.pk, f"区府办交〔{YEAR}〕1号"), (a2.pk, f"区府办交〔{YEAR}〕2号")]


def test_the_item_page_links_the_documents_its_reader_may_have(world):
    item = make_item(world, "replied")
    lead, co, reply = lead_assignment(item), co_assignment(item), last_reply(item)
    office = login(world.gov_office).get(f"/items/{item.pk}/").content.decode()
    assert f"/paper/notice/{lead.pk}.pdf" in office and f"/paper/notice/{co.pk}.pdf" in office and f"/paper/reply/{reply.pk}.pdf" in office
    unit = login(world.co_liaison).get(f"/items/{item.pk}/").content.decode()
    assert f"/paper/notice/{co.pk}.pdf" in unit and f"/paper/notice/{lead.pk}.pdf" not in unit and f"/paper/reply/{reply.pk}.pdf" in unit
    member = login(world.member).get(f"/items/{item.pk}/").content.decode()
    assert f"/paper/reply/{reply.pk}.pdf" in member and "/paper/notice/" not in member
    assembly = login(world.cppcc_office).get(f"/items/{item.pk}/").content.decode()
    assert "/paper/" not in assembly


@pytest.mark.parametrize("pattern", ["{unit_short}〔{year}〕{number}号"])
def test_the_office_letterhead_shapes_the_next_numbers_and_the_header(world, pattern):
    c = login(world.gov_office)
    r = c.post("/paper/letterhead/", {"issuer_name": "城南区人民政府办公室", "issuer_short": "城南府办", "header_text": "城南区人民政府办公室文件",
                                      "seal_position": "none", "number_pattern": pattern})
    assert r.status_code == 302
    item = make_item(world, "assigned", co=False)
    text = pdf_text(_get(world.gov_office, f"/items/{item.pk}/paper/notice/{lead_assignment(item).pk}.pdf").content)
    assert "城南区人民政府办公室文件" in text and f"城南府办〔{YEAR}〕1号" in text and "城南区人民政府办公室" in text


def test_a_deputys_suggestion_is_worded_for_the_congress(world):
    item = make_item(world, "replied", assembly="npc", co=False)
    a, reply = lead_assignment(item), last_reply(item)
    notice = pdf_text(_get(world.gov_office, f"/items/{item.pk}/paper/notice/{a.pk}.pdf").content)
    assert "区人大七届五次会议建议交办单" in notice and "领衔代表" in notice and "书面答复代表" in notice
    letter = pdf_text(_get(world.deputy, f"/items/{item.pk}/paper/reply/{reply.pk}.pdf").content)
    assert "陈代表：" in letter and f"关于区人大七届五次会议{item.display_number}建议的答复" in letter
    assert "抄送：××区人民政府办公室，区人大代表工委。" in letter


def test_the_second_reply_of_a_rehandled_item_is_a_letter_of_its_own(world):
    from tests.builders import reply as send_reply
    item = make_item(world, "rehandling", co=False)
    first = last_reply(item)
    second = send_reply(world, item)
    texts = [pdf_text(_get(world.member, f"/items/{item.pk}/paper/reply/{r.pk}.pdf").content) for r in (first, second)]
    assert f"区建委答〔{YEAR}〕1号" in texts[0] and "重新办理" not in texts[0]
    assert f"区建委答〔{YEAR}〕2号" in texts[1] and "的答复（重新办理）" in texts[1]
