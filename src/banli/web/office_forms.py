"""The forms of the office's administration pages (系统管理) and of one's own account. They check
what a form can (a field is filled, a date is a date); the actions in banli.org.actions check the
rest (a name already taken, a leader without the role) and their refusals are shown beside the
field they name (banli.web.office.attempt)."""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from banli.org import passwords
from banli.org.models import Assembly, PeriodUnit, SessionPolicy, StaffRole, UnitKind
from banli.org.actions.sessions import POLICY_FIELDS

from .unit_choices import choices_of
from .widgets import UnitPicker

PASSWORD_MODES = [("generate", _("由系统生成（只显示一次）")), ("typed", _("由我输入"))]
ACTIVE_CHOICES = [("", _("全部")), ("1", _("在用")), ("0", _("已停用"))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kw):
        super().__init__(format="%Y-%m-%d", **kw)


class QuickSelect(forms.Select):
    """A select of every account: its options joined as one string instead of one template each
    (500 accounts: about 150 ms less per list on the unit page)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        picked = "" if value is None else str(value)
        options = "".join(f'<option value="{escape(str(v))}"{" selected" if str(v) == picked else ""}>{escape(str(label))}</option>'
                          for v, label in self.choices)
        return mark_safe(f'<select name="{escape(name)}"{flatatt(attrs)}>{options}</select>')


def _date(label, required=True, **kw):
    return forms.DateField(label=label, required=required, widget=DateInput(), **kw)


class PasswordChoice(forms.Form):
    password_mode = forms.ChoiceField(label=_("密码"), choices=PASSWORD_MODES, initial="generate", widget=forms.RadioSelect)
    password = forms.CharField(label=_("输入的密码"), required=False, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The site's rules as set (banli.org.passwords), and what the person will be asked.
        self.fields["password"].help_text = _("选择“由我输入”时填写：%(rules)s对方首次登录时须改为自己的密码。") % {"rules": passwords.rules_text()}

    def action_args(self) -> dict:
        d = self.cleaned_data
        return {"password": d["password"], "generate": d["password_mode"] == "generate"}


class UserCreateForm(PasswordChoice):
    username = forms.CharField(label=_("用户名"), max_length=150, help_text=_("登录时使用，建好后不能修改。"),
                               widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}))
    name = forms.CharField(label=_("姓名"), max_length=150)
    email = forms.CharField(label=_("电子邮箱"), max_length=254, required=False, help_text=_("用于通过电子邮件找回密码，可不填。"),
                            widget=forms.EmailInput)
    field_order = ["username", "name", "email", "password_mode", "password"]


class UserEditForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=150)
    email = forms.CharField(label=_("电子邮箱"), max_length=254, required=False, widget=forms.EmailInput)


class RoleForm(forms.Form):
    kind = forms.ChoiceField(label=_("角色"), choices=[("", _("请选择"))] + StaffRole.Kind.choices)
    assembly = forms.ChoiceField(label=_("会别"), choices=[("", _("不适用"))] + Assembly.choices, required=False,
                                 help_text=_("仅提案委/代表工委须选择"))
    title = forms.CharField(label=_("职务"), max_length=40, required=False, help_text=_("例如：副区长、督查科科长"))


class PersonLinkForm(forms.Form):
    person_id = forms.TypedChoiceField(label=_("委员/代表"), coerce=int, widget=QuickSelect)

    def __init__(self, *args, people=(), **kw):
        super().__init__(*args, **kw)
        self.fields["person_id"].choices = [("", _("请选择"))] + [
            (p.pk, f"{p.name}（{p.get_assembly_display()}{'·' + p.sector if p.sector else ''}）") for p in people]


def user_label(u) -> str:
    name = u.get_full_name()
    return f"{name}（{u.username}）" if name else u.username


class UnitForm(forms.Form):
    name = forms.CharField(label=_("单位名称"), max_length=60)
    short_name = forms.CharField(label=_("简称"), max_length=20, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=UnitKind.choices)
    leader_id = forms.TypedChoiceField(label=_("主要领导"), coerce=int, required=False, empty_value=None, widget=QuickSelect,
                                       help_text=_("审核本单位答复和办结报告的领导"))
    supervising_leader_id = forms.TypedChoiceField(label=_("分管区领导"), coerce=int, required=False, empty_value=None, widget=QuickSelect)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    active = forms.BooleanField(label=_("启用（可被交办）"), required=False, initial=True)

    def __init__(self, *args, users=(), leaders=(), **kw):
        super().__init__(*args, **kw)
        self.fields["leader_id"].choices = [("", _("未设置"))] + [(u.pk, user_label(u)) for u in users]
        self.fields["supervising_leader_id"].choices = [("", _("未设置"))] + [(u.pk, user_label(u)) for u in leaders]


class LiaisonForm(forms.Form):
    user_id = forms.TypedChoiceField(label=_("联络员"), coerce=int, widget=QuickSelect)
    started_on = _date(_("起始日期"))
    replace = forms.BooleanField(label=_("接替现任联络员（其任期在前一天结束）"), required=False, initial=True)

    def __init__(self, *args, users=(), **kw):
        super().__init__(*args, **kw)
        self.fields["user_id"].choices = [("", _("请选择"))] + [(u.pk, user_label(u)) for u in users]


class EndLiaisonForm(forms.Form):
    ended_on = _date(_("任期最后一天"))


class PortfolioForm(forms.Form):
    # The unit picker, as on every page that chooses units (59 tick boxes per leader were a wall).
    unit_ids = forms.TypedMultipleChoiceField(label=_("分管单位"), coerce=int, required=False, widget=UnitPicker(multiple=True))

    def __init__(self, *args, units=(), choices=None, **kw):
        """choices: the page's UnitChoices, shared by the leaders' forms so its data is embedded once."""
        super().__init__(*args, **kw)
        units = list(units)
        self.fields["unit_ids"].choices = [(u.pk, u.name) for u in units]
        self.fields["unit_ids"].widget.units = choices or choices_of(units)


class TermForm(forms.Form):
    assembly = forms.ChoiceField(label=_("会别"), choices=Assembly.choices)
    ordinal = forms.IntegerField(label=_("届次"), min_value=1, max_value=99)
    name = forms.CharField(label=_("名称"), max_length=40, help_text=_("例如：第六届"))
    starts_on = _date(_("开始日期"))
    ends_on = _date(_("结束日期"), required=False)


class SessionForm(forms.Form):
    ordinal = forms.IntegerField(label=_("会次"), min_value=0, max_value=99, help_text=_("0 表示闭会期间"))
    name = forms.CharField(label=_("名称"), max_length=40, help_text=_("例如：第一次会议"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    opens_on = _date(_("开幕日期"))
    is_current = forms.BooleanField(label=_("设为当前会次（新提交的提案/建议归入此会次）"), required=False)


class NewSessionForm(SessionForm):
    term_id = forms.TypedChoiceField(label=_("所属届"), coerce=int)
    field_order = ["term_id"]

    def __init__(self, *args, terms=(), **kw):
        super().__init__(*args, **kw)
        self.fields["term_id"].choices = [("", _("请选择"))] + [(t.pk, str(t)) for t in terms]


class PolicyForm(forms.ModelForm):
    """The session's limits as the model declares them (labels, defaults, help); the action
    checks the ranges and the order of the two reminders."""

    class Meta:
        model = SessionPolicy
        fields = list(POLICY_FIELDS)

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        for name, field in self.fields.items():
            if name.endswith("_unit"):
                field.choices = PeriodUnit.choices
                field.label = _("计算方式")

    def _post_clean(self):
        pass  # the action validates and writes; the form's instance is only its initial values


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    complete = forms.BooleanField(label=_("该年度放假通知已完整录入"), required=False,
                                  help_text=_("勾选后该年度不再按周一至周五计算，待办页也不再提示。"))
    source = forms.CharField(label=_("依据"), max_length=200, required=False, help_text=_("例如：国办发明电〔2026〕7号"))
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CalendarDayForm(forms.Form):
    date = _date(_("日期"))
    is_working_day = forms.TypedChoiceField(label=_("该日"), choices=[("0", _("放假")), ("1", _("上班（调休上班日）"))],
                                            coerce=lambda v: v == "1", widget=forms.RadioSelect, initial="0")
    name = forms.CharField(label=_("名称"), max_length=50, required=False, help_text=_("例如：春节、国庆节、调休上班"))
    note = forms.CharField(label=_("备注"), required=False)


class ChannelMinimumForm(forms.Form):
    kind = forms.ChoiceField(label=_("通知类型"))
    sms = forms.BooleanField(label=_("必须发短信"), required=False)
    email = forms.BooleanField(label=_("必须发电子邮件"), required=False)
    note = forms.CharField(label=_("说明"), max_length=100, required=False)

    def __init__(self, *args, kinds=(), **kw):
        super().__init__(*args, **kw)
        self.fields["kind"].choices = [("", _("请选择"))] + [(code, f"{label}（{code}）" if label else code) for code, label in kinds]


class PreferenceForm(forms.Form):
    by_sms = forms.BooleanField(label=_("接收短信"), required=False)
    by_email = forms.BooleanField(label=_("接收电子邮件"), required=False)
    phone = forms.RegexField(label=_("手机号码"), regex=r"^\+?[0-9][0-9 -]{4,19}$", max_length=30, required=False,
                             error_messages={"invalid": _("请填写有效的手机号码。")}, help_text=_("留空则用委员/代表档案中的电话"))
    email = forms.EmailField(label=_("电子邮箱"), required=False, help_text=_("留空则用账号的电子邮箱"))
