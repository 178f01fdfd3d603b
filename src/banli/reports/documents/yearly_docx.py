"""The yearly report on the handling work as a Word document the office goes on editing: the
title, 一、基本情况 in prose, 二、统计表 with this period beside the one before, 三、统计图.
Fonts are the ones government documents use (方正小标宋 title, 黑体 headings, 仿宋 body); Word
falls back to what the PC has."""

import io

from django.utils import translation
from docx.shared import Cm

from banli.org.models import WORDING

from .. import charts
from ..periods import comparison_words
from ..prose import basic_situation
from .word import HEADING, SUBHEADING, new_document, para, table, title, to_bytes


def _with_previous(cur_rows, prev_rows, key="name"):
    """This period's rows beside the one before's; a row only the period before had is kept
    (with 0 now), so that both columns add up to 100%."""
    before = {r[key]: r for r in prev_rows or []}
    rows = [[r[key], r["count"], f"{r['share']}%", before[r[key]]["count"] if r[key] in before else "—",
             f"{before[r[key]]['share']}%" if r[key] in before else "—"] for r in cur_rows]
    seen = {r[key] for r in cur_rows}
    rows += [[r[key], 0, "0%", r["count"], f"{r['share']}%"] for r in prev_rows or [] if r[key] not in seen]
    return rows


def yearly_report(figures: dict) -> bytes:
    # The document the office hands in is Chinese, whatever language the page was in.
    with translation.override("zh-hans"):
        return _yearly_report(figures)


def _yearly_report(figures: dict) -> bytes:
    cur, prev = figures["current"], figures["previous"]
    w = WORDING[cur["period"]["assembly"]]
    doc = new_document()
    title(doc, f"关于{cur['period']['label']}{w['item']}办理工作情况的报告", "区人民政府办公室")
    para(doc, "一、基本情况", face=HEADING)
    for text in basic_situation(figures):
        para(doc, text)

    para(doc, "二、统计表", face=HEADING)
    this, before = comparison_words(cur["period"]["kind"])
    pl = before if prev else "—"
    para(doc, "（一）总体情况", face=SUBHEADING)
    table(doc, ["项目", this, pl], [
        [f"收到{w['item']}（件）", cur["received"], prev["received"] if prev else "—"],
        ["涉及承办单位（家）", cur["units_involved"], prev["units_involved"] if prev else "—"],
        ["已答复（件）", cur["replied"], prev["replied"] if prev else "—"],
        ["已办结（件）", cur["closed"], prev["closed"] if prev else "—"],
        ["办结率", f"{cur['closure_rate']}%", f"{prev['closure_rate']}%" if prev else "—"],
        [f"{w['person']}已评价（件）", cur["feedback"], prev["feedback"] if prev else "—"],
        ["“不同意”（件）", cur["disagreed_items"], prev["disagreed_items"] if prev else "—"],
        ["重新办理（件/已重新答复）", f"{cur['rehandled_items']}/{cur['rehandled_done']}",
         f"{prev['rehandled_items']}/{prev['rehandled_done']}" if prev else "—"],
        ["受表扬（件/家）", f"{cur['praised_items']}/{cur['praised_units']}", f"{prev['praised_items']}/{prev['praised_units']}" if prev else "—"],
        ["C类占比", f"{cur['c_share']}%", f"{prev['c_share']}%" if prev else "—"],
        ["三次沟通均完成（件）", f"{cur['contacts_all_three']}（{cur['contacts_share']}%）",
         f"{prev['contacts_all_three']}（{prev['contacts_share']}%）" if prev else "—"],
        [f"重点{w['item']}（件/已办结）", f"{cur['key_items']}/{cur['key_closed']}", f"{prev['key_items']}/{prev['key_closed']}" if prev else "—"],
    ])
    heads = ["", f"{this}（件）", "占比", f"{pl}（件）", "占比"]
    para(doc, "（二）按类别", face=SUBHEADING)
    table(doc, ["类别", *heads[1:]], _with_previous(cur["by_category"], prev and prev["by_category"]))
    para(doc, "（三）按答复类型", face=SUBHEADING)
    named = [{**r, "name": f"{r['code']}类 {r['name']}"} for r in cur["by_reply_type"]]
    named_prev = [{**r, "name": f"{r['code']}类 {r['name']}"} for r in (prev["by_reply_type"] if prev else [])]
    table(doc, ["答复类型", *heads[1:]], _with_previous(named, named_prev))
    para(doc, "（四）按满意度", face=SUBHEADING)
    table(doc, ["满意度", *heads[1:]], _with_previous(cur["by_grade"], prev and prev["by_grade"]))
    para(doc, "（五）主办件数最多的单位", face=SUBHEADING)
    table(doc, ["承办单位", "主办（件）", f"占收到{w['item']}"], [[u["name"], u["items"], f"{u['share']}%"] for u in cur["top_units"]])

    para(doc, "三、统计图", face=HEADING)
    if charts.cjk_font():
        for fig in charts.report_charts(figures).values():
            doc.add_picture(io.BytesIO(charts.png(fig)), width=Cm(15))
    else:
        para(doc, "（服务器未安装中文字体，统计图从略；数据见上表。）")
    return to_bytes(doc)
