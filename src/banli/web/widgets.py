"""The unit picker (单位选择器): a form widget for choosing one or several units.

It renders a real <select> (grouped by kind: 委办局 / 街镇 / 其他), so a page works and posts the
same fields without script; static/web/unitpicker.js turns it into a box that filters by name,
short name and pinyin initials as one types, with the chosen units as removable chips. The unit
data the filter reads is embedded once per page as JSON (banli.web.unit_choices).

Suggested units (the proposer's, or those that handled similar items) are given as an ordered
list of (unit id, reason): they come first, in a group of their own ("建议"), each with its reason,
and are not repeated in their kind's group. On the item page's action forms (partials/field.html)
the picker takes them from the bound field's `suggested` attribute: set it on the assign form's
lead/co fields (banli.web.item_page) to show suggestions there; nothing sets it yet."""

from __future__ import annotations

from django import forms
from django.utils.html import escape
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .unit_choices import SUGGESTED, UnitChoices, unit_choices

KIND_LABELS = {"bureau": _("委办局"), "town": _("街镇"), "other": _("其他"), SUGGESTED: _("建议")}


class UnitPicker(forms.Widget):
    template_name = "web/widgets/unit_picker.html"

    def __init__(self, *, multiple: bool = False, units: UnitChoices | None = None, blank=None, suggested=(), size: int = 8,
                 attrs=None):
        """units: the page's UnitChoices (shared by its pickers; read when first rendered if not given).
        blank: the label of an empty option for a single choice ("请选择", "全部"), or None.
        suggested: [(unit id, reason)], best first."""
        super().__init__(attrs)
        self.allow_multiple_selected = multiple
        self.units = units
        self.blank = blank
        self.suggested = list(suggested)
        self.size = size

    def value_from_datadict(self, data, files, name):
        if self.allow_multiple_selected:
            getter = getattr(data, "getlist", None)
            return getter(name) if getter else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        # An unticked multiple choice posts nothing: that is "none chosen", not "left out".
        return False if self.allow_multiple_selected else name not in data

    def format_value(self, value) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, (list, tuple, set)):
            value = [value]
        return [str(getattr(v, "pk", v)) for v in value if v not in (None, "")]

    def get_context(self, name, value, attrs):
        ctx = super().get_context(name, value, attrs)
        if self.units is None:
            self.units = unit_choices()
        units = self.units
        picked = set(ctx["widget"]["value"])
        by_id = units.by_id()
        suggested = [(by_id[int(i)], reason) for i, reason in self.suggested if int(i) in by_id]
        shown = {o.id for o, _ in suggested}
        groups = [(SUGGESTED, KIND_LABELS[SUGGESTED], suggested)] if suggested else []
        groups += [(kind, KIND_LABELS.get(kind, label), [(o, "") for o in options]) for kind, label, options in units.groups(exclude=shown)]
        embed = not units.embedded
        units.embedded = True
        ctx["widget"].update({
            "multiple": self.allow_multiple_selected, "blank": self.blank, "picked": picked, "size": self.size,
            "options": _options_html(groups, picked), "embed": embed, "data_id": units.data_id, "data": units.data,
        })
        return ctx

    def id_for_label(self, id_):
        return id_


def _options_html(groups, picked: set[str]) -> str:
    """The <optgroup>s and <option>s, escaped, made here rather than in a template loop: a city has
    hundreds of units and a page several pickers, and the template language is slow at that."""
    out = []
    lp, rp = (" (", ")") if (translation.get_language() or "").startswith("en") else ("（", "）")
    for key, label, options in groups:
        out.append(f'<optgroup label="{escape(label)}" data-group="{key}">')
        for o, reason in options:
            chosen = " selected" if str(o.id) in picked else ""
            if reason:
                out.append(f'<option value="{o.id}" data-reason="{escape(reason)}"{chosen}>{escape(o.name)}{lp}{escape(reason)}{rp}</option>')
            else:
                out.append(f'<option value="{o.id}"{chosen}>{escape(o.name)}</option>')
        out.append("</optgroup>\n")
    return mark_safe("".join(out))
