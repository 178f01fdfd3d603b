"""What each official document says, as plain data that the PDF and the Word renderer both lay
out (pdf.py, docx.py): one wording, two formats. Built from records already loaded; no queries.

The parts follow GB/T 9704: the issuer's red header (版头), the 文号, the title, the addressee
(主送), the body, the issuer and date (落款) under the seal, the note (附注, here the contact line)
and the copy line (版记, 抄送)."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from banli.org.models import WORDING, Unit

from .models import DocumentKind, SealPosition

ROLE_WORD = {"lead": "主办", "co": "会办", "separate": "分办"}


@dataclass
class Paper:
    kind: str
    header: str  # 发文机关标志, printed in red
    number: str  # 文号
    title: str
    addressee: str
    paragraphs: list[str]
    signature: str
    date: datetime.date
    seal: bool
    file_stem: str
    # Where a title too long for one line breaks, so that no word is cut in two (GB/T 9704 7.3.1).
    title_break: int = 0
    corner: str = ""  # upper left: a reply letter's type (A/B/C), as the offices file them
    signatory: str = ""  # 签发人, beside the 文号
    # The notice's table of facts: each row one or two (label, value) pairs.
    rows: list[list[tuple[str, str]]] = field(default_factory=list)
    receipt: bool = False  # the notice's sign-for line (签收人、签收日期)
    contact: str = ""  # 附注
    cc: str = ""  # 版记: 抄送


def chinese_date(d: datetime.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _local_date(dt, fallback: datetime.date) -> datetime.date:
    return timezone.localtime(dt).date() if dt else fallback


DIGITS = "零一二三四五六七八九"


def chinese_ordinal(n: int) -> str:
    """1 -> 一, 12 -> 十二, 20 -> 二十: the 届 and 次 of a session as documents write them."""
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def _session_words(item) -> str:
    """区政协六届五次会议, as official documents name a session: short enough that a title naming
    it stays on one line."""
    s = item.session
    return f"{WORDING[item.assembly]['assembly']}{chinese_ordinal(s.term.ordinal)}届{chinese_ordinal(s.ordinal)}次会议"


def item_label(item) -> str:
    w = WORDING[item.assembly]
    return f"{_session_words(item)}{item.display_number}{w['item']}"


def _addressee(person, assembly) -> str:
    word = WORDING[assembly]["person"]
    if person.is_collective or person.name.endswith(word):
        return f"{person.name}："
    return f"{person.name}{word}："


def _paras(text: str) -> list[str]:
    return [p.strip() for p in (text or "").splitlines() if p.strip()]


def unit_short(unit: Unit) -> str:
    return unit.short_name or unit.name


def notice(letterhead, number, assignment, others: list) -> Paper:
    """交办单 of one unit: the item, the unit's role, the other units, the deadline, and a line the
    unit signs when it receives the paper. `others`: the item's other active assignments."""
    item, unit = assignment.item, assignment.unit
    w = WORDING[item.assembly]
    role = ROLE_WORD[assignment.role]
    lead = [a.unit.name for a in others if a.role == "lead"]
    co = [a.unit.name for a in others if a.role == "co"]
    separate = [a.unit.name for a in others if a.role == "separate"]
    due = chinese_date(assignment.reply_due) if assignment.reply_due else ""
    ask = {
        "lead": f"请你单位作为主办单位认真研究办理，及时与{w['person']}面商沟通，征求会办单位意见，"
                f"{'于' + due + '前' if due else '按期'}书面答复{w['person']}，并抄送区政府办公室。",
        "separate": f"请你单位分别办理，及时与{w['person']}面商沟通，{'于' + due + '前' if due else '按期'}书面答复{w['person']}，并抄送区政府办公室。",
        "co": f"请你单位作为会办单位积极配合，于交办之日起一个月内将会办意见送主办单位{('（' + '、'.join(lead) + '）') if lead else ''}。",
    }[assignment.role]
    proposer = item.proposer
    rows = [
        [(f"{w['item']}编号", item.display_number), ("类别", item.category.name if item.category else "—")],
        [(f"{w['item']}标题", item.title)],
        [(f"领衔{w['person']}", proposer.name + (f"（{proposer.sector}）" if proposer.sector else "")), ("联系电话", proposer.phone or "—")],
        [("承办单位", f"{unit.name}（{role}）")],
    ]
    if lead and assignment.role != "lead":
        rows.append([("主办单位", "、".join(lead))])
    if co:
        rows.append([("会办单位", "、".join(co))])
    if separate:
        rows.append([("分办单位", "、".join(separate))])
    assigned = _local_date(assignment.assigned_at, number.issued_on)
    rows.append([("交办日期", chinese_date(assigned)), ("答复期限", due or "—")])
    if assignment.note:
        rows.append([("交办说明", assignment.note)])
    return Paper(
        kind=DocumentKind.NOTICE, header=letterhead.header_text or letterhead.issuer_name, number=number.text,
        title=f"{_session_words(item)}{w['item']}交办单", addressee=f"{unit.name}：",
        paragraphs=[f"现将{item_label(item)}《{item.title}》交你单位{role}。{ask}"],
        rows=rows, receipt=True, signature=letterhead.issuer_name, date=assigned,
        seal=letterhead.seal_position == SealPosition.OVER_DATE,
        file_stem=f"交办单-{item.display_number}-{unit_short(unit)}",
    )


def _unit_paper(letterhead, number, item, unit, **kw) -> Paper:
    return Paper(header=unit.name, number=number.text, addressee=_addressee(item.proposer, item.assembly),
                 signature=unit.name, seal=letterhead.seal_position == SealPosition.OVER_DATE,
                 cc=f"抄送：{letterhead.issuer_name}，{WORDING[item.assembly]['office']}。", **kw)


def _letter_body(item, text: str) -> list[str]:
    """The reply's text as the letter's body. Units often write the whole letter into the reply
    (a salutation, "您提出的《……》收悉", thanks at the end): what they wrote is kept and the letter
    adds only the parts it lacks, so nothing is said twice."""
    paras = _paras(text)
    if paras and item.proposer.name in paras[0][:20] and "：" in paras[0][:24]:
        rest = paras[0].split("：", 1)[1].strip()  # their salutation: the letter's addressee line says it
        paras = ([rest] if rest else []) + paras[1:]
    # The letter names the item it answers, by number and title, unless the unit's text does.
    if not any(item.title in p for p in paras[:2]):
        paras.insert(0, f"您在{_session_words(item)}上提出的{item.display_number}{WORDING[item.assembly]['item']}"
                        f"《{item.title}》收悉。现答复如下：")
    return paras


def reply_letter(letterhead, number, reply) -> Paper:
    """答复函 as the unit sends it. `reply` is as the reader may see it (banli.proposals.reading):
    the contact phone is there for the readers the rule lets see it, the proposer among them."""
    item, unit = reply.item, reply.assignment.unit
    paras = _letter_body(item, reply.body)
    if reply.promise:
        paras.append(f"承诺事项与时限：{reply.promise}")
    if reply.planned_date:
        paras.append(f"计划完成日期：{chinese_date(reply.planned_date)}。")
    if reply.reference_reason:
        paras.append(f"留作参考的理由：{reply.reference_reason}")
    if not any("感谢" in p for p in paras[-2:]):
        paras.append("感谢您对我单位工作的关心和支持。")
    contact = f"联系人：{reply.contact_person}" + (f"，联系电话：{reply.contact_phone}" if reply.contact_phone else "")
    again = "（重新办理）" if reply.round > 1 else ""
    return _unit_paper(
        letterhead, number, item, unit, kind=DocumentKind.REPLY, corner=reply.reply_type.code, signatory=reply.signatory,
        title=f"关于{item_label(item)}的答复{again}", title_break=len(f"关于{item_label(item)}"), paragraphs=paras,
        date=_local_date(reply.sent_at, number.issued_on), contact=f"（{contact}）",
        file_stem=f"答复函-{item.display_number}-{unit_short(unit)}",
    )


def closure_report(letterhead, number, report) -> Paper:
    """办结报告: what the unit did, by when, sent to the proposer once the unit leader approved it."""
    item, unit = report.item, report.assignment.unit
    paras = [f"我单位办理的{item_label(item)}《{item.title}》，现将办结情况报告如下："] + _paras(report.text)
    paras.append(f"上述事项已于{chinese_date(report.done_on)}办理完毕。")
    return _unit_paper(
        letterhead, number, item, unit, kind=DocumentKind.CLOSURE, title=f"关于{item_label(item)}办结情况的报告",
        title_break=len(f"关于{item_label(item)}"),
        paragraphs=paras, date=_local_date(report.decided_at, number.issued_on),
        file_stem=f"办结报告-{item.display_number}-{unit_short(unit)}",
    )
