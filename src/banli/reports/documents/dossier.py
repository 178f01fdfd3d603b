"""One case, one file (一案一册): everything recorded about one item, in the order the item lived
it, as plain data that the PDF and Word renderers lay out (dossier_pdf.py, dossier_docx.py).

`build_dossier(item, actor)` takes an item from `selectors.item_detail` (the whole history
prefetched) and runs no query: who did a step and when come from the item's audit trail, which is
prefetched with its actors. The dossier is written in Chinese whatever the reader's language: it is
the archive copy. Wording follows the item's assembly (提案/委员 or 建议/代表); phone numbers and
addresses appear only for a reader who may see contacts (access.can_see_contacts)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.utils import timezone, translation

from banli.deadlines.models import OVERDUE_LABEL
from banli.org.models import WORDING
from banli.proposals import workflow
from banli.proposals.access import Actor
from banli.proposals.models import ENDED_STATES, AssignmentRole, ItemState, Reply
from banli.proposals.reading import item_view

from .dossier_later import LaterSections
from .dossier_blocks import (
    Dossier, Fields, Note, Section, Subheading, Table, Text, fmt_date, fmt_time, numeral, paragraphs, person_name, yes_no,
)


class _Trail:
    """The audit trail indexed by target, so each record can say who did it and when."""

    def __init__(self, records):
        self.records = list(records)
        self._by = defaultdict(list)
        for r in self.records:
            self._by[(r.target_type, r.target_id, r.action)].append(r)

    def find(self, target, action, *, last=False):
        rows = self._by.get((target._meta.model_name, target.pk, action), [])
        return (rows[-1] if last else rows[0]) if rows else None

    def who(self, target, action, *, last=False) -> str:
        r = self.find(target, action, last=last)
        return person_name(r.actor) if r is not None else ""

    def actions(self, *names) -> list:
        return [r for r in self.records if r.action in names]


# ---- the builder ------------------------------------------------------------------------------

def build_dossier(item, actor: Actor, *, now: datetime.datetime | None = None) -> Dossier:
    """The dossier of one prefetched item as `actor` may read it. Pure: no database access."""
    with translation.override("zh-hans"):
        return _Builder(item, actor).build(now or timezone.now())


class _Builder(LaterSections):
    def __init__(self, item, actor: Actor):
        self.item = item
        self.actor = actor
        self.w = WORDING[item.assembly]
        # Everything shown comes from the read model, as on the item page and in the API.
        self.view = view = item_view(actor, item)
        self.assignments = view.assignments
        self.units = {a.unit_id: a.unit.name for a in self.assignments}
        self.contacts = view.contacts
        self.trail = _Trail(view.history)
        self.replies = view.replies
        self.deadlines = view.deadlines

    def words(self, text: str) -> str:
        """Labels of the shared tables say 委员/代表 and 提案/建议; a dossier names its own assembly."""
        text = text.replace("委员/代表", self.w["person"]).replace("提案/建议", self.w["item"])
        if self.w["item"] != "提案":
            text = text.replace("重点提案", "重点" + self.w["item"]).replace("委员", self.w["person"])
        return text

    def build(self, now) -> Dossier:
        item, w = self.item, self.w
        sections = [
            self.the_item(), self.cosigners(), self.registration(), self.assignment(), self.signing(),
            self.consultations(), self.co_opinions(), self.reply_section(), self.progress(), self.feedback(),
            self.closure(), self.publication(), self.supervision(), self.talk(), self.time_limits(), self.trail_section(),
        ]
        for n, s in enumerate(sections, 1):
            s.title = f"{numeral(n)}、{s.title}"
        leads = [a.unit.name for a in self.assignments if a.active and a.answers]
        cos = [a.unit.name for a in self.assignments if a.active and a.role == AssignmentRole.CO]
        cover = [
            ("会次", self.session_name()),
            (f"领衔{w['person']}", item.proposer.name),
            ("类别", str(item.category) if item.category else ""),
            ("主办/分办单位", "、".join(leads)),
            ("会办单位", "、".join(cos)),
            ("答复类型", f"{item.reply_type.code} {item.reply_type.name}" if item.reply_type else ""),
            ("办理状态", item.get_state_display()),
            ("办结时间", fmt_date(item.closed_at)),
            ("归档生成时间", fmt_time(now)),
        ]
        return Dossier(
            heading=f"{w['assembly']}{w['item']}办理档案", number=item.display_number, title=item.title,
            cover=tuple((k, v) for k, v in cover if v), sections=sections, generated_at=now, contacts=self.contacts,
        )

    def session_name(self) -> str:
        s = self.item.session
        return f"{self.w['assembly']}{s.term.name}{s.name}（{s.year}年）"

    # -- 1. the item ---------------------------------------------------------------------------
    def the_item(self) -> Section:
        item, w, p = self.item, self.w, self.view.proposer
        rows = [
            ("编号", item.display_number),
            ("标题", item.title),
            ("会次", self.session_name()),
            ("类别", str(item.category) if item.category else "未分类"),
            (f"领衔{w['person']}", p.name + ("（集体）" if p.is_collective else "")),
            ("界别" if item.assembly == "cppcc" else "代表团", p.sector),
            ("党派", p.party),
            ("工作单位", p.employer),
        ]
        if self.contacts:
            rows += [("联系电话", p.phone), ("通讯地址", p.address)]
        suggested = "、".join(u.name for u in item.suggested_units.all())
        rows += [
            ("建议承办单位", suggested or "未提出"),
            ("提交时间", fmt_time(item.submitted_at)),
            ("紧急", yes_no(item.urgent)),
            ("同意公开", yes_no(item.consent_publish, "同意", "不同意")),
            (f"重点{w['item']}", f"是（督办领导：{person_name(item.key_leader)}）" if item.is_key else "否"),
            ("办理状态", item.get_state_display()),
        ]
        blocks = [Fields(tuple((k, v) for k, v in rows if v))]
        blocks.append(Text(paragraphs(item.reason) or ("（未填写）",), "案由"))
        blocks.append(Text(paragraphs(item.suggestions) or ("（未填写）",), "建议"))
        return Section("item", f"{w['item']}基本情况", blocks)

    # -- 2. co-signers --------------------------------------------------------------------------
    def cosigners(self) -> Section:
        w = self.w
        cos = self.view.cosigners
        title = f"联名{w['person']}"
        if not cos:
            return Section("cosigners", title, [Note(f"无联名{w['person']}。")])
        headers = ["姓名", "界别" if self.item.assembly == "cppcc" else "代表团", "状态", "回应时间"]
        widths = [30, 35, 25, 40]
        if self.contacts:
            headers.append("联系电话")
            widths.append(40)
        rows = []
        for c in cos:
            row = [c.person.name, c.person.sector, c.get_state_display(), fmt_time(c.responded_at)]
            if self.contacts:
                row.append(c.person.phone)
            rows.append(tuple(row))
        confirmed = sum(1 for c in cos if c.state == c.State.CONFIRMED)
        return Section("cosigners", title, [Fields((("确认联名", f"{confirmed} 人"),)), Table(tuple(headers), tuple(rows), tuple(widths))])

    # -- 3. registration ------------------------------------------------------------------------
    def registration(self) -> Section:
        item, w = self.item, self.w
        outcome = {
            ItemState.NOT_REGISTERED: "不予立案",
            ItemState.MERGED: f"并案，并入{item.merged_into.display_number}《{item.merged_into.title}》" if item.merged_into else "并案",
            ItemState.CONVERTED: f"转为{item.converted_to or '意见建议'}",
            ItemState.WITHDRAWN: "已撤回",
            ItemState.SUBMITTED: "待审查",
            ItemState.DRAFT: "未提交",
        }.get(item.state, f"立案，编号{item.display_number}")
        decided = self.trail.actions("register", "reject", "merge", "convert")
        rows = [("审查结果", outcome), ("审查机构", w["office"])]
        if decided:
            last = decided[-1]
            when = item.registered_at if last.action == "register" and item.registered_at else last.at
            rows += [("立案时间" if last.action == "register" else "审查时间", fmt_time(when)), ("经办人", person_name(last.actor))]
        if item.state_reason:
            rows.append(("说明", item.state_reason))
        events = self.trail.actions("submit", "return_for_revision", "register", "reject", "merge", "convert", "withdraw",
                                    "request_withdrawal", "decide_withdrawal")
        blocks = [Fields(tuple(rows))]
        if events:
            blocks.append(Table(("时间", "环节", "经办人", "说明"),
                                tuple((fmt_time(r.at), self.action_label(r.action), person_name(r.actor), r.note) for r in events),
                                (38, 30, 32, 70)))
        return Section("registration", "立案审查", blocks)

    # -- 4. assignment --------------------------------------------------------------------------
    def assignment(self) -> Section:
        if not self.assignments:
            return Section("assignment", "交办", [Note("尚未交办。")])
        rows = []
        for a in self.assignments:
            state = a.get_state_display() + (f"（{a.end_reason}）" if not a.active and a.end_reason else "")
            rows.append((a.unit.name, a.get_role_display(), fmt_time(a.assigned_at), person_name(a.assigned_by), fmt_date(a.reply_due), state))
        blocks = [Table(("承办单位", "办理方式", "交办时间", "交办人", "答复期限", "状态"), tuple(rows), (42, 16, 37, 27, 27, 21))]
        notes = list(dict.fromkeys(a.note for a in self.assignments if a.note))
        if notes:
            blocks.append(Text(tuple(notes), "交办说明"))
        for r in self.trail.actions("reassign"):
            blocks.append(Note(f"{fmt_time(r.at)} {person_name(r.actor)}调整交办：{r.note}"))
        adjustments = [(a, req) for a in self.assignments for req in a.adjustments]
        if adjustments:
            blocks.append(Subheading("调整申请"))
            blocks.append(Table(
                ("申请单位", "申请日期", "理由", "建议改由", "决定", "说明"),
                tuple((a.unit.name, fmt_date(req.requested_at), req.reason,
                       req.suggested_unit.name if req.suggested_unit else req.suggested_unit_text,
                       req.get_state_display() + (f"\n{fmt_date(req.decided_at)}" if req.decided_at else ""), req.decision_note)
                      for a, req in adjustments),
                (28, 27, 45, 25, 27, 18)))
        extensions = [(a, e) for a in self.assignments for e in a.extensions]
        if extensions:
            blocks.append(Subheading("延期申请"))
            blocks.append(Table(
                ("申请单位", "申请日期", "原期限", "申请延至", "理由", "审批"),
                tuple((a.unit.name, fmt_date(e.requested_at), fmt_date(e.previous_due), fmt_date(e.requested_due), e.reason,
                       e.get_state_display() + (f"：{e.decision_note}" if e.decision_note else "")) for a, e in extensions),
                (28, 27, 27, 27, 35, 26)))
        return Section("assignment", "交办", blocks)

    # -- 5. signing -----------------------------------------------------------------------------
    def signing(self) -> Section:
        if not self.assignments:
            return Section("signing", "签收", [Note("尚未交办。")])
        rows = []
        for a in self.assignments:
            record = self.trail.find(a, "sign")
            rows.append((a.unit.name, fmt_time(a.signed_at), person_name(record.actor) if record else "",
                         self.deadline_text("sign", a)))
        return Section("signing", "签收", [Table(("承办单位", "签收时间", "签收人", "签收期限"), tuple(rows), (50, 38, 30, 52))])

    def deadline_text(self, kind, assignment=None) -> str:
        """The due date of a milestone and whether it was met on time (超期接收 n 个工作日 …)."""
        rows = [d for d in self.deadlines if d.kind == kind and (assignment is None or d.assignment_id == assignment.pk)]
        if not rows:
            return ""
        d = rows[-1]
        text = f"{fmt_date(d.due_on)}前"
        if getattr(d, "overdue", None) is not None:
            return text + f"；{OVERDUE_LABEL[kind]} {d.overdue.days_late} 个工作日"
        if d.state == d.State.MET:
            return text + "；按时完成"
        if d.state == d.State.WAIVED:
            return text + f"；免除（{d.waived_reason}）"
        return text + "；未到期"

    # -- 6. consultations -----------------------------------------------------------------------
    def consultations(self) -> Section:
        cs = self.view.consultations
        blocks = []
        leads = [a for a in self.assignments if a.answers]
        due = [(a.unit.name, self.deadline_text("consult", a)) for a in leads if self.deadline_text("consult", a)]
        if due:
            blocks.append(Fields(tuple((f"首次面商期限（{unit}）", text) for unit, text in due)))
        made = [(a.unit.name, a.contacts) for a in leads if a.active and a.contacts]
        if made:
            names = {"before": "办前面商", "during": "办中沟通", "after": "办后回访"}
            blocks.append(Fields(tuple((f"三次沟通（{unit}）", "　".join(f"{names[k]}{'✓' if n else '—'}" for k, n in c.items()))
                                       for unit, c in made)))
        if not cs:
            blocks.append(Note("无面商沟通记录。"))
            return Section("consultations", "面商沟通", blocks)
        rows = [(fmt_date(c.held_on), c.unit.name, f"{c.get_kind_display()}\n{c.get_form_display()}", c.participants,
                 c.proposer_views, self.trail.who(c, "record_consultation")) for c in cs]
        blocks.append(Table(("日期", "单位", "环节/方式", "参加人员", f"{self.w['person']}意见", "记录人"), tuple(rows),
                            (27, 30, 20, 30, 43, 20)))
        return Section("consultations", "面商沟通", blocks)

    # -- 7. co-handling opinions ----------------------------------------------------------------
    def co_opinions(self) -> Section:
        co = [a for a in self.assignments if a.role == AssignmentRole.CO]
        if not co:
            return Section("co_opinions", "会办意见", [Note("无会办单位。")])
        if not any(a.opinion_shown for a in co):
            names = "、".join(a.unit.name for a in co)
            return Section("co_opinions", "会办意见", [Fields((("会办单位", names),)), Note("会办意见供主办单位办理参考，不向本读者显示。")])
        blocks = []
        for a in co:
            op = a.opinion
            rows = [("会办单位", a.unit.name + ("" if a.active else f"（{a.get_state_display()}）"))]
            if op is None:
                rows.append(("会办意见", "尚未提交"))
            elif op.waived:
                rows += [("会办意见", f"经区府办豁免：{op.waiver_reason}"), ("豁免时间", fmt_time(op.at)),
                         ("经办人", self.trail.who(op, "waive_co_opinion"))]
            else:
                rows += [("提交时间", fmt_time(op.at)), ("经办人", self.trail.who(op, "send_co_opinion"))]
            rows.append(("期限", self.deadline_text("co_opinion", a)))
            blocks.append(Fields(tuple((k, v) for k, v in rows if v)))
            if op is not None and not op.waived:
                # An opinion is a letter, not a cell: it runs the width of the page.
                blocks.append(Text(paragraphs(op.text), "会办意见"))
        return Section("co_opinions", "会办意见", blocks)

    # -- 8. replies and their approvals ---------------------------------------------------------
    def reply_section(self) -> Section:
        if not self.replies:
            return Section("replies", "答复及审核", [Note("尚未答复。")])
        blocks = []
        for n, r in enumerate(self.replies, 1):
            kind = "类型转换答复" if r.is_conversion else ("重新办理答复" if r.round > 1 else "答复")
            sent = "" if r.state == Reply.State.SENT else f"（{r.get_state_display()}，未发出）"
            blocks.append(Subheading(f"{n}. {kind}：{r.assignment.unit.name}（{r.assignment.get_role_display()}）{sent}"))
            contact = r.contact_person + (f"　{r.contact_phone}" if self.contacts and r.contact_phone else "")
            rows = [
                ("答复类型", f"{r.reply_type.code} {r.reply_type.name}"),
                ("发出时间", fmt_time(r.sent_at)),
                ("签发人", r.signatory),
                ("联系人", contact),
                ("计划完成日期", fmt_date(r.planned_date)),
                ("承诺事项与时限", r.promise),
                ("留作参考理由", r.reference_reason),
                ("公开建议", r.get_recommendation_display() + (f"（{r.withhold_reason}）" if r.withhold_reason else "")),
                ("拟稿人", self.trail.who(r, "draft_reply")),
            ]
            if r.sent_at:
                rows.append(("答复期限", self.deadline_text("second_reply" if r.round > 1 else "reply", r.assignment)))
            blocks.append(Fields(tuple((k, v) for k, v in rows if v)))
            blocks.append(Text(paragraphs(r.body), "答复正文"))
            approvals = r.approvals
            if approvals:
                blocks.append(Table(("审核层级", "审核人", "意见", "批示", "时间"),
                                    tuple((ap.get_level_display(), person_name(ap.by), ap.get_decision_display(), ap.comment, fmt_time(ap.at))
                                          for ap in approvals),
                                    (28, 24, 18, 63, 37)))
        return Section("replies", "答复及审核", blocks)

    # -- 9. progress ----------------------------------------------------------------------------
    def progress(self) -> Section:
        ps = self.view.progress_updates
        if not ps:
            return Section("progress", "办理进展", [Note("无办理进展报送。")])
        rows = tuple((fmt_time(p.at), p.assignment.unit.name, p.text, self.trail.who(p, "report_progress")) for p in ps)
        return Section("progress", "办理进展", [Table(("报送时间", "单位", "进展情况", "报送人"), rows, (37, 30, 80, 23))])

    # -- 10. feedback ---------------------------------------------------------------------------
    def feedback(self) -> Section:
        w = self.w
        title = f"{w['person']}反馈"
        fbs = self.view.feedbacks
        if not fbs:
            return Section("feedback", title, [Note(f"尚无{w['person']}反馈。")])
        replies = {r.pk: r for r in self.replies}
        blocks = []
        for n, fb in enumerate(fbs, 1):
            r = replies.get(fb.reply_id)
            if r is not None:
                kind = "重新办理答复" if r.round > 1 else "答复"
                blocks.append(Subheading(f"{n}. 对{r.assignment.unit.name}{kind}（{fmt_date(r.sent_at)}发出）的评价"))
            if fb.lapsed:
                rows = [("评价", "逾期未反馈"), ("登记时间", fmt_time(fb.at))]
            else:
                co = "、".join(f"{g.unit.name}：{g.grade.name}" for g in fb.co_grades.all())
                rows = [("满意度", fb.grade.name), ("是否同意答复", yes_no(fb.agrees, "同意", "不同意")),
                        ("表扬承办单位", yes_no(fb.praise)), ("会办单位评价", co), ("意见", fb.comment),
                        ("反馈时间", fmt_time(fb.at)), ("反馈人", self.trail.who(fb, "give_feedback"))]
            blocks.append(Fields(tuple((k, v) for k, v in rows if v)))
        return Section("feedback", title, blocks)

    # -- 11. closure ----------------------------------------------------------------------------
    def closure(self) -> Section:
        item = self.item
        if item.state in ENDED_STATES:
            state = f"不适用（{item.get_state_display()}）"
        else:
            state = "已办结" if item.state == ItemState.CLOSED else "未办结"
        rows = [("办结状态", state)]
        if item.closed_at:
            rows.append(("办结时间", fmt_time(item.closed_at)))
        if item.reply_type:
            rows.append(("办结方式", f"{item.reply_type.code}类：{item.reply_type.get_closure_display()}"))
        early = [a.unit.name for a in self.assignments if a.closed_early]
        if early:
            rows.append(("提前办结", "、".join(early)))
        blocks = [Fields(tuple(rows))]
        for n, cr in enumerate(self.view.closure_reports, 1):
            blocks.append(Subheading(f"{n}. 办结报告：{cr.assignment.unit.name}"))
            blocks.append(Fields(tuple((k, v) for k, v in (
                ("完成日期", fmt_date(cr.done_on)),
                ("报送", f"{self.trail.who(cr, 'file_closure_report')}　{fmt_time(cr.filed_at)}"),
                ("审核", f"{cr.get_state_display()}　{self.trail.who(cr, 'approve_closure_report') or self.trail.who(cr, 'return_closure_report')}"
                         f"　{fmt_time(cr.decided_at)}".strip()),
                ("审核意见", cr.comment),
            ) if v)))
            blocks.append(Text(paragraphs(cr.text), "办结情况"))
        for r in self.trail.actions("reopen"):
            blocks.append(Note(f"{fmt_time(r.at)} {person_name(r.actor)}重新打开：{r.note}"))
        return Section("closure", "办结", blocks)

    def action_label(self, name: str) -> str:
        t = workflow.TABLE.get(name)
        return self.words(t.zh if t else workflow.OTHER_ACTIONS.get(name, (name,))[0])
