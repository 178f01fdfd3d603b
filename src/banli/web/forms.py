"""How each action of the transition table looks as a form on the item page. The input rules
themselves are the commands' (banli.proposals.commands): one definition validates both doors."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from banli.errors import BanliError
from banli.proposals.commands import COMMANDS


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text, textarea, date, bool, yesno, select, multi, file, number, grades, submit_check
    choices: str = ""  # key of a choice list the page provides (units, grades, ...)
    required: bool = False
    help: str = ""
    shown_when: str = ""  # reply forms: "date" or "reason", shown for the reply types that need it
    blank: bool = True  # offer an empty "please choose" option (off where the input has a default)
    marked: bool = False  # shown as required: needed whenever it is shown (the action checks it)
    rows: int = 4


REASON = Field("reason", _("理由"), "textarea", required=True)
OPT_REASON = Field("reason", _("说明（可选）"), "textarea")
COMMENT = Field("comment", _("意见"), "textarea", required=True)
OPT_COMMENT = Field("comment", _("意见（可选）"), "textarea")
NOTE = Field("note", _("说明（可选）"), "textarea")
APPROVE = Field("approve", _("决定"), "yesno", required=True)
REPLY = [
    Field("reply_type", _("答复类型"), "select", "reply_types", required=True),
    Field("body", _("答复正文"), "textarea", required=True, rows=10),
    Field("promise", _("承诺事项与时限"), "textarea", shown_when="date"),
    Field("planned_date", _("计划完成日期"), "date", shown_when="date", marked=True, help=_("“列入计划拟解决”类须填写")),
    Field("reference_reason", _("留作参考的理由"), "textarea", shown_when="reason", marked=True, help=_("“留作参考”类须说明理由")),
    Field("signatory", _("签发人"), required=True),
    Field("contact_person", _("联系人"), required=True),
    Field("contact_phone", _("联系电话")),
    Field("recommendation", _("公开建议"), "select", "recommendation", blank=False),
    Field("withhold_reason", _("不公开理由"), "textarea", shown_when="withhold", marked=True),
]

# name -> (fields, submit label, style). Actions not listed take no input beyond a confirmation.
FORMS: dict[str, tuple[list[Field], str, str]] = {
    "invite_cosigners": ([Field("person_ids", _("联名人"), "people", required=True)], _("发出邀请"), ""),
    "respond_cosign": ([Field("confirm", _("是否同意联名"), "yesno", required=True)], _("提交"), ""),
    # What submitting needs and leaves out, shown before the button (partials/field.html).
    "submit": ([Field("confirm_drop", _("我已知晓，确认提交"), "submit_check")], _("提交"), "primary"),
    "withdraw": ([OPT_REASON], _("撤回"), "danger"),
    "set_publication_consent": ([Field("consent", _("是否同意公开"), "yesno", required=True)], _("保存"), ""),
    "register": ([], _("立案"), "primary"),
    "return_for_revision": ([REASON], _("退回修改"), ""),
    "reject": ([REASON], _("不予立案"), "danger"),
    "merge": ([Field("into_number", _("并入本会次第几号"), "number", required=True, help=_("填写编号中的数字，如并入第0012号填 12")), OPT_REASON], _("并案"), ""),
    "convert": ([Field("to", _("转为"), "select", "convert_to", required=True), OPT_REASON], _("转出"), ""),
    "request_withdrawal": ([REASON], _("申请撤回"), ""),
    "decide_withdrawal": ([APPROVE, NOTE], _("提交"), ""),
    "assign": ([Field("lead", _("主办单位"), "select", "units"), Field("co", _("会办单位"), "multi", "units"),
                Field("separate", _("分办单位"), "multi", "units", help=_("分办时各单位分别答复，不设主办")), NOTE], _("交办"), "primary"),
    "reassign": ([Field("remove", _("撤出的单位"), "multi", "active_units"), Field("lead", _("新主办单位"), "select", "units"),
                  Field("co", _("新增会办单位"), "multi", "units"), Field("separate", _("新增分办单位"), "multi", "units"), REASON], _("调整交办"), ""),
    "sign": ([], _("签收"), "primary"),
    "request_adjustment": ([REASON, Field("suggested_unit_id", _("建议改由"), "select", "units"),
                            Field("suggested_unit_text", _("或填写单位名称"))], _("申请调整"), ""),
    "decide_adjustment": ([APPROVE, Field("new_unit_id", _("改由单位"), "select", "units"), NOTE], _("提交"), ""),
    "record_consultation": ([Field("kind", _("沟通阶段"), "select", "consult_kind", required=True),
                             Field("form", _("沟通方式"), "select", "consult_form", required=True),
                             Field("held_on", _("日期"), "date", required=True),
                             Field("participants", _("参加人员"), "textarea", required=True),
                             Field("proposer_views", _("委员/代表意见"), "textarea")], _("保存记录"), "primary"),
    "send_co_opinion": ([Field("text", _("会办意见"), "textarea", required=True)], _("提交会办意见"), "primary"),
    "grade_co_unit": ([Field("grade", _("评价等次"), "radio", "grades", required=True), Field("comment", _("意见"), "textarea")],
                      _("提交评价"), ""),
    "waive_co_opinion": ([REASON], _("豁免"), ""),
    "draft_reply": (REPLY, _("保存答复草稿"), "primary"),
    "convert_reply_type": (REPLY, _("保存转换后的答复"), ""),
    "submit_reply": ([], _("提交审核"), "primary"),
    "approve_reply": ([OPT_COMMENT], _("审核通过"), "primary"),
    "return_reply": ([COMMENT], _("退回修改"), ""),
    "leader_approve_reply": ([OPT_COMMENT], _("阅批同意"), "primary"),
    "leader_return_reply": ([COMMENT], _("退回修改"), ""),
    "send_reply": ([], _("发出答复"), "primary"),
    "request_extension": ([Field("requested_due", _("申请延至"), "date", required=True), REASON], _("申请延期"), ""),
    "decide_extension": ([APPROVE, NOTE], _("提交"), ""),
    "give_feedback": ([Field("grade", _("满意度"), "radio", "grades", required=True),
                       Field("agrees", _("是否同意答复"), "yesno", required=True),
                       Field("comment", _("意见"), "textarea"), Field("praise", _("表扬该单位"), "bool"),
                       Field("co_grades", _("会办单位评价"), "grades", "grades")], _("提交评价"), "primary"),
    "record_no_feedback": ([], _("登记逾期未反馈"), ""),
    "record_mediation": ([Field("held_on", _("日期"), "date", required=True), Field("participants", _("参加人员"), "textarea", required=True),
                          Field("outcome", _("协调结果"), "textarea", required=True)], _("保存记录"), ""),
    "report_progress": ([Field("text", _("办理进展"), "textarea", required=True)], _("报送"), "primary"),
    "file_closure_report": ([Field("text", _("办结情况"), "textarea", required=True), Field("done_on", _("完成日期"), "date", required=True)],
                            _("报送办结报告"), "primary"),
    "approve_closure_report": ([OPT_COMMENT], _("审核通过"), "primary"),
    "return_closure_report": ([COMMENT], _("退回"), ""),
    "reopen": ([REASON], _("重新打开"), ""),
    "decide_publication": ([Field("publish", _("是否公开"), "yesno", required=True), OPT_REASON], _("提交"), "primary"),
    "revoke_publication": ([REASON], _("撤销公开"), "danger"),
    "mark_key": ([Field("leader_id", _("牵头督办领导"), "select", "leaders", required=True), OPT_REASON], _("设为重点"), ""),
    "unmark_key": ([REASON], _("取消重点"), ""),
    "give_instruction": ([Field("text", _("批示内容"), "textarea", required=True)], _("提交批示"), "primary"),
    "urge": ([Field("text", _("催办内容"), "textarea", required=True)], _("发出催办"), ""),
}
# Shown in their own places on the item page, not in the action panel.
PLACED_ELSEWHERE = {"edit_draft", "post_message", "add_attachment"}


def validate(name: str, data, files=None) -> dict:
    """Validate a posted form with the API's input rules; a failure becomes a BanliError whose
    field errors the page shows beside each field."""
    merged = data.copy()
    # A co-handling unit left ungraded is simply not graded (the action takes any subset).
    for key in [k for k in merged if k.startswith("co_grades.") and not merged.get(k)]:
        del merged[key]
    if files:
        merged.update(files)
    s = COMMANDS[name].input_serializer()(data=merged)
    if not s.is_valid():
        raise FormErrors(s.errors)
    return s.validated_data


class FormErrors(BanliError):
    """Field-level messages from the input rules (DRF speaks the request's language)."""

    def __init__(self, errors):
        self.fields = {k: [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in _flatten(errors).items()}
        super().__init__("invalid", "请检查填写的内容。", "Please check the form.", status=400)


def _flatten(errors, prefix=""):
    out = {}
    for k, v in (errors.items() if isinstance(errors, dict) else []):
        if isinstance(v, dict):
            out.update({prefix + str(k): [m for sub in _flatten(v).values() for m in sub]})
        else:
            out[prefix + str(k)] = v  # str: a list field's errors are keyed by the bad value's index
    return out


def field_errors(err: BanliError) -> dict[str, list[str]]:
    if isinstance(err, FormErrors):
        return err.fields
    field = getattr(err, "field", None)
    return {field: [err.message]} if field else {}


__all__ = ["Field", "FORMS", "PLACED_ELSEWHERE", "validate", "FormErrors", "field_errors"]
