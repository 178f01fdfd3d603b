"""The yearly report on the handling work as a Word document the office goes on editing: the
title, 一、基本情况 in prose, 二、统计表 with this period beside the one before, 三、统计图.
Fonts are the ones government documents use (方正小标宋 title, 黑体 headings, 仿宋 body); Word
falls back to what the PC has."""

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from banli.org.models import WORDING

from .. import charts
from ..prose import basic_situation


def _font(run, name: str, size: float, bold: bool = False):
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    # Word picks the font for Chinese from the East Asian slot, not from font.name.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _para(doc, text, *, font="仿宋_GB2312", size=16, bold=False, align=None, indent=True):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)  # two characters, as official documents do
    p.paragraph_format.line_spacing = Pt(28)
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), font, size, bold)
    return p


def _table(doc, headers: list[str], rows: list[list]):
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, h in zip(t.rows[0].cells, headers):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(h), "黑体", 11)
    for row in rows:
        cells = t.add_row().cells
        for cell, v in zip(cells, row):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(str(v)), "仿宋_GB2312", 11)
    doc.add_paragraph()
    return t


def _with_previous(cur_rows, prev_rows, key="name"):
    before = {r[key]: r for r in prev_rows or []}
    return [[r[key], r["count"], f"{r['share']}%", before[r[key]]["count"] if r[key] in before else "—",
             f"{before[r[key]]['share']}%" if r[key] in before else "—"] for r in cur_rows]


def yearly_report(figures: dict) -> bytes:
    cur, prev = figures["current"], figures["previous"]
    w = WORDING[cur["period"]["assembly"]]
    doc = Document()
    for s in doc.sections:
        s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6)
    _para(doc, f"关于{cur['period']['label']}{w['item']}办理工作情况的报告", font="方正小标宋简体", size=22,
          align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, "区人民政府办公室", size=16, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, "一、基本情况", font="黑体", indent=True)
    for text in basic_situation(figures):
        _para(doc, text)

    _para(doc, "二、统计表", font="黑体")
    pl = "上届" if prev else "—"
    _para(doc, "（一）总体情况", font="楷体_GB2312")
    _table(doc, ["项目", "本届", pl], [
        [f"收到{w['item']}（件）", cur["received"], prev["received"] if prev else "—"],
        ["涉及承办单位（家）", cur["units_involved"], prev["units_involved"] if prev else "—"],
        ["已答复（件）", cur["replied"], prev["replied"] if prev else "—"],
        ["已办结（件）", cur["closed"], prev["closed"] if prev else "—"],
        ["办结率", f"{cur['closure_rate']}%", f"{prev['closure_rate']}%" if prev else "—"],
        [f"{w['person']}反馈（份）", cur["feedback"], prev["feedback"] if prev else "—"],
        ["“不同意”（件）", cur["disagreed_items"], prev["disagreed_items"] if prev else "—"],
        ["受表扬（件/家）", f"{cur['praised_items']}/{cur['praised_units']}", f"{prev['praised_items']}/{prev['praised_units']}" if prev else "—"],
        ["C类占比", f"{cur['c_share']}%", f"{prev['c_share']}%" if prev else "—"],
        [f"重点{w['item']}（件/已办结）", f"{cur['key_items']}/{cur['key_closed']}", f"{prev['key_items']}/{prev['key_closed']}" if prev else "—"],
    ])
    heads = ["", "本届（件）", "占比", f"{pl}（件）", "占比"]
    _para(doc, "（二）按类别", font="楷体_GB2312")
    _table(doc, ["类别", *heads[1:]], _with_previous(cur["by_category"], prev and prev["by_category"]))
    _para(doc, "（三）按答复类型", font="楷体_GB2312")
    named = [{**r, "name": f"{r['code']}类 {r['name']}"} for r in cur["by_reply_type"]]
    named_prev = [{**r, "name": f"{r['code']}类 {r['name']}"} for r in (prev["by_reply_type"] if prev else [])]
    _table(doc, ["答复类型", *heads[1:]], _with_previous(named, named_prev))
    _para(doc, "（四）按满意度", font="楷体_GB2312")
    _table(doc, ["满意度", "本届（份）", "占比", f"{pl}（份）", "占比"], _with_previous(cur["by_grade"], prev and prev["by_grade"]))
    _para(doc, "（五）主办件数最多的单位", font="楷体_GB2312")
    _table(doc, ["承办单位", "主办（件）", f"占收到{w['item']}"], [[u["name"], u["items"], f"{u['share']}%"] for u in cur["top_units"]])

    _para(doc, "三、统计图", font="黑体")
    if charts.cjk_font():
        for fig in charts.report_charts(figures).values():
            doc.add_picture(io.BytesIO(charts.png(fig)), width=Cm(15))
    else:
        _para(doc, "（服务器未安装中文字体，统计图从略；数据见上表。）")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
