"""What a notification says, in the reader's language.

The actions write a notification's text in Chinese (banli.proposals.actions, the daily scan). When
a notification is created its text is matched against the table below and what varies is stored
beside it (Notification.params: the template's key and its values, e.g. the item's title); at read
time the template is rendered in the language of the page. The fixed part is interface and is
translated; the values are data (titles, unit names, reasons typed by people) and stay as typed.
A text that matches no template (a row written before this table, or by a tool that bypasses the
service) is matched when it is read; failing that, it is shown as written.

Each template is a Chinese/English pair kept in code, like BanliError's messages: the sentence and
its placeholders must stay in step with the Chinese the action writes, which a catalog entry
edited elsewhere could not guarantee.

KIND_LABELS names each kind for the inbox's groups and the daily digest ("新交办 12 件")."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from django.utils import translation


def english() -> bool:
    return (translation.get_language() or "").startswith("en")


@dataclass(frozen=True)
class Label:
    zh: str
    en: str

    def __str__(self):
        return self.en if english() else self.zh


L = Label
# kind -> what the inbox and the digest call a group of them. Kinds are the notices' names
# (banli.proposals.notices), or the step's name where the notice says so, and the scan's reminders.
KIND_LABELS = {
    "invite_cosigners": L("联名邀请", "Co-signing invitations"),
    "respond_cosign": L("联名回复", "Co-signers' answers"),
    "submit": L("新提交待立案", "Newly submitted, to be registered"),
    "register": L("已立案", "Registered"),
    "return_for_revision": L("退回修改", "Returned for revision"),
    "reject": L("不予立案", "Not registered"),
    "merge": L("并案办理", "Merged"),
    "convert": L("转为其他渠道处理", "Converted"),
    "request_withdrawal": L("撤回申请", "Withdrawal requests"),
    "decide_withdrawal": L("撤回申请的决定", "Withdrawal decisions"),
    "withdrawn": L("已撤回", "Withdrawn"),
    "assigned": L("新交办", "Newly assigned"),
    "unassigned": L("交办调整", "Taken off an item"),
    "request_adjustment": L("调整申请", "Adjustment requests"),
    "decide_adjustment": L("调整申请的决定", "Adjustment decisions"),
    "send_co_opinion": L("会办意见", "Co-handling opinions"),
    "grade_co_unit": L("会办评价", "Co-handling grades"),
    "waive_co_opinion": L("豁免会办意见", "Co-handling opinions waived"),
    "message": L("留言", "Messages"),
    "submit_reply": L("答复待审核", "Replies to approve"),
    "return_reply": L("答复被退回", "Replies returned"),
    "leader_return_reply": L("答复被区领导退回", "Replies returned by the district leader"),
    "approve_reply": L("答复审核", "Reply approvals"),
    "leader_approve_reply": L("答复已阅批", "Replies approved by the district leader"),
    "replied": L("已答复", "Replied"),
    "request_extension": L("延期申请", "Extension requests"),
    "decide_extension": L("延期申请的决定", "Extension decisions"),
    "rehandling": L("重新办理", "Re-handling"),
    "report_progress": L("办理进展", "Progress reports"),
    "file_closure_report": L("办结报告待审核", "Closure reports to approve"),
    "return_closure_report": L("办结报告被退回", "Closure reports returned"),
    "closed": L("已办结", "Closed"),
    "reopen": L("重新打开", "Reopened"),
    "mark_key": L("重点督办", "Key items to supervise"),
    "give_instruction": L("领导批示", "Leaders' instructions"),
    "urge": L("催办", "Urge notices"),
    "question": L("有问必答：新提问", "Q&A: new questions"),
    "answer": L("有问必答：已答复", "Q&A: answers"),
    "assessment": L("年度考核", "Annual assessment"),
    "reminder_before5": L("到期提醒", "Deadline reminders"),
    "reminder_before1": L("到期提醒", "Deadline reminders"),
    "reminder_due": L("今日到期", "Due today"),
    "reminder_late": L("超期提醒", "Overdue"),
    "reminder_escalated": L("超期提醒", "Overdue"),
    "digest": L("每日汇总", "Daily digest"),
}
OTHER = L("其他通知", "Other notifications")


def kind_label(kind: str) -> Label:
    return KIND_LABELS.get(kind, OTHER)


# -- the sentences ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Template:
    key: str
    kinds: tuple[str, ...]
    zh: str
    en: str

    @property
    def pattern(self) -> re.Pattern:
        return _compile(self.zh)


@functools.cache
def _compile(zh: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", zh)
    rx = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    return re.compile(rx, re.S)


T = Template
REMINDERS = ("reminder_before5", "reminder_before1")
LATE = ("reminder_late", "reminder_escalated")
TEMPLATES = [
    T("invite", ("invite_cosigners",), "{name}邀请您联名：{title}", "{name} invites you to co-sign: {title}"),
    T("cosign_yes", ("respond_cosign",), "{name}确认联名：{title}", "{name} confirmed co-signing: {title}"),
    T("cosign_no", ("respond_cosign",), "{name}谢绝联名：{title}", "{name} declined to co-sign: {title}"),
    T("submit", ("submit",), "新提交待审查：{title}", "Newly submitted, to be reviewed: {title}"),
    T("register", ("register",), "已立案{number}：{title}", "Registered as {number}: {title}"),
    T("revise", ("return_for_revision",), "退回修改：{title}。理由：{reason}", "Returned for revision: {title}. Reason: {reason}"),
    T("reject", ("reject",), "不予立案：{title}。理由：{reason}", "Not registered: {title}. Reason: {reason}"),
    T("merge", ("merge",), "已并入{number}《{target}》办理：{title}", "Merged into {number} “{target}”: {title}"),
    T("convert", ("convert",), "已转为{to}处理：{title}", "Converted to {to}: {title}"),
    T("withdraw_req", ("request_withdrawal",), "申请撤回：{title}", "Withdrawal requested: {title}"),
    T("withdrawn", ("withdrawn",), "已撤回，无需继续办理：{title}", "Withdrawn, no further handling needed: {title}"),
    T("withdraw_yes", ("decide_withdrawal",), "撤回申请已同意：{title}", "Withdrawal approved: {title}"),
    T("withdraw_no", ("decide_withdrawal",), "撤回申请未同意：{title}", "Withdrawal refused: {title}"),
    T("assigned", ("assigned",), "新交办{number}，请在规定时限内签收：{title}", "Newly assigned {number}; please sign for it in time: {title}"),
    T("unassigned", ("unassigned",), "交办已调整，贵单位不再办理：{title}", "Assignment changed; your unit no longer handles: {title}"),
    T("adjust_req", ("request_adjustment",), "{unit}申请调整：{title}", "{unit} requests an adjustment: {title}"),
    T("adjust_yes", ("decide_adjustment",), "调整申请已同意：{title}", "Adjustment approved: {title}"),
    T("adjust_no", ("decide_adjustment",), "调整申请未同意，请签收办理：{title}", "Adjustment refused; please sign for it: {title}"),
    T("co_opinion", ("send_co_opinion",), "{unit}已提交会办意见：{title}", "{unit} sent its co-handling opinion: {title}"),
    T("co_waived", ("waive_co_opinion",), "区府办已豁免{unit}的会办意见：{title}", "The government office waived {unit}'s co-handling opinion: {title}"),
    T("co_graded", ("grade_co_unit",), "主办单位对贵单位的会办工作评价为“{grade}”：{title}",
      "The lead unit graded your co-handling “{grade}”: {title}"),
    T("msg_office_answer", ("message",), "区府办回复留言：{title}", "The government office answered a message: {title}"),
    T("msg_in", ("message",), "委员/代表留言：{title}", "A message from the proposer: {title}"),
    T("msg_answer", ("message",), "{unit}回复留言：{title}", "{unit} answered a message: {title}"),
    T("question", ("question",), "有问必答：{subject}", "Q&A: {subject}"),
    T("answer", ("answer",), "您的提问已答复：{subject}", "Your question has been answered: {subject}"),
    T("progress", ("report_progress",), "{unit}报送了办理进展：{title}", "{unit} reported progress: {title}"),
    T("closure_req", ("file_closure_report",), "办结报告待审核：{title}", "Closure report to approve: {title}"),
    T("closed", ("closed",), "已办结：{title}", "Closed: {title}"),
    T("closure_back", ("return_closure_report",), "办结报告被退回：{title}", "Closure report returned: {title}"),
    T("reopen", ("reopen",), "区府办重新打开：{title}。理由：{reason}", "Reopened by the government office: {title}. Reason: {reason}"),
    T("rehandling", ("rehandling",), "委员/代表不满意，请重新办理并再次答复：{title}",
      "The proposer is not satisfied; please handle it again and reply again: {title}"),
    T("mark_key", ("mark_key",), "请您牵头督办重点提案/建议：{title}", "Please supervise this key item: {title}"),
    T("instruction", ("give_instruction",), "区领导批示：{title}", "A district leader's instruction: {title}"),
    T("urge", ("urge",), "催办：{title}。{text}", "Urge notice: {title}. {text}"),
    T("reply_req", ("submit_reply",), "答复待审核：{title}", "Reply to approve: {title}"),
    T("reply_back", ("return_reply", "leader_return_reply"), "答复被退回修改：{title}", "Reply returned for revision: {title}"),
    T("reply_to_leader", ("approve_reply",), "{type}类答复待您阅批：{title}", "A reply of type “{type}” awaits your approval: {title}"),
    T("reply_ok", ("approve_reply", "leader_approve_reply"), "答复已审核，可以发出：{title}", "Reply approved, ready to send: {title}"),
    T("replied", ("replied",), "{unit}已答复，请评价：{title}", "{unit} has replied; please rate the reply: {title}"),
    T("extension_req", ("request_extension",), "{unit}申请延期至{date}：{title}", "{unit} requests an extension to {date}: {title}"),
    T("extension_yes", ("decide_extension",), "延期申请已批准：{title}", "Extension approved: {title}"),
    T("extension_no", ("decide_extension",), "延期申请未批准：{title}", "Extension refused: {title}"),
    T("assessment", ("assessment",), "{year}年度建议提案办理工作考核结果已通报，请查看本单位得分明细。",
      "The {year} assessment of the handling work has been announced; see your unit's score line by line."),
    T("soon", REMINDERS, "【办理提醒】《{title}》{milestone}将于{date}到期。", "[Reminder] “{title}”: {milestone} is due on {date}."),
    T("soon_q", REMINDERS, "【办理提醒】{milestone}将于{date}到期。", "[Reminder] {milestone} is due on {date}."),
    T("due", ("reminder_due",), "【今日到期】《{title}》{milestone}今天到期，请及时办理。", "[Due today] “{title}”: {milestone} is due today."),
    T("due_q", ("reminder_due",), "【今日到期】{milestone}今天到期，请及时办理。", "[Due today] {milestone} is due today."),
    T("late", LATE, "【超期提醒】《{title}》{milestone}已超期{days}个工作日（应于{date}前完成）。",
      "[Overdue] “{title}”: {milestone} is {days} working day(s) late (due {date})."),
    T("late_q", LATE, "【超期提醒】{milestone}已超期{days}个工作日（应于{date}前完成）。",
      "[Overdue] {milestone} is {days} working day(s) late (due {date})."),
]
BY_KEY = {t.key: t for t in TEMPLATES}
BY_KIND: dict[str, list[Template]] = {}
for _t in TEMPLATES:
    for _k in _t.kinds:
        BY_KIND.setdefault(_k, []).append(_t)


def parse(kind: str, text: str) -> dict | None:
    """{"t": template key, **values} for a Chinese text of this kind, or None if none matches."""
    for t in BY_KIND.get(kind, ()):
        m = t.pattern.fullmatch(text)
        if m:
            return {"t": t.key, **m.groupdict()}
    return None


# -- values that are interface, not data --------------------------------------------------------

_NUMBER = re.compile(r"第(\d+)号")
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


@functools.cache
def _milestones_by_chinese_label() -> dict:
    # Through the app registry, as _name_en reads its models: notify sits below deadlines
    # (tests/test_layering.py), and the milestone's choices carry both languages' labels.
    from django.apps import apps

    choices = apps.get_model("deadlines", "Deadline")._meta.get_field("kind").choices
    with translation.override("zh-hans"):
        return {str(label): label for _, label in choices}


def _milestone_en(label: str) -> str:
    lazy = _milestones_by_chinese_label().get(label)
    return str(lazy) if lazy is not None else label


def _name_en(model_name: str, value: str) -> str:
    """A grade's or a reply type's English name (name_en, entered with the Chinese one)."""
    from django.apps import apps

    model = apps.get_model("org", model_name)
    return model.objects.filter(name=value).exclude(name_en="").values_list("name_en", flat=True).first() or value


def _in_english(name: str, value: str) -> str:
    if name == "grade":
        return _name_en("FeedbackGrade", value)
    if name == "type":
        return _name_en("ReplyType", value)
    if name == "number":
        return _NUMBER.sub(r"No. \1", value)
    if name == "date":
        return _DATE.sub(lambda m: f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}", value)
    if name == "milestone":
        return _milestone_en(value)
    return value


def render(kind: str, text: str, params: dict | None = None) -> str:
    """The notification in the active language: Chinese as written; English from its template."""
    if not english():
        return text
    params = params or parse(kind, text)
    template = BY_KEY.get((params or {}).get("t"))
    if template is None:
        return text
    values = {k: _in_english(k, v) for k, v in params.items() if k != "t"}
    try:
        return template.en.format(**values)
    except (KeyError, IndexError):  # stored values from an older template: the text as written
        return text
