"""The proposer's draft form: title, text, category, suggested units and co-signers. The action
functions check everything again; this form gives the messages beside the fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from banli.errors import BanliError
from banli.org.models import Category, Person, Unit
from banli.proposals.submission import REQUIRED_TO_SUBMIT

from .forms import field_errors
from .widgets import UnitPicker

CONSENT = [("", _("暂不决定")), ("true", _("同意公开")), ("false", _("不同意公开"))]
# Action fields that a draft-form field reports for.
FIELD_OF = {"person_ids": "cosigners", "suggested_unit_ids": "suggested_units"}


class CategoryChoice(forms.ModelChoiceField):
    def label_from_instance(self, c):
        return f"{c.parent.name} · {c.name}" if c.parent_id else c.name


class DraftForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    category = CategoryChoice(label=_("类别"), queryset=Category.objects.none(), required=False, empty_label=_("请选择"))
    reason = forms.CharField(label=_("案由"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    suggestions = forms.CharField(label=_("建议内容"), widget=forms.Textarea(attrs={"rows": 8}), required=False)
    suggested_units = forms.ModelMultipleChoiceField(label=_("建议承办单位"), queryset=Unit.objects.filter(active=True).order_by("kind", "name"),
                                                     required=False, widget=UnitPicker(multiple=True))
    cosigners = forms.ModelMultipleChoiceField(label=_("联名人"), queryset=Person.objects.none(), required=False)
    urgent = forms.BooleanField(label=_("紧急"), required=False)
    consent_publish = forms.TypedChoiceField(label=_("是否同意公开"), choices=CONSENT, required=False, empty_value=None,
                                             coerce=lambda v: v == "true", widget=forms.RadioSelect)

    def __init__(self, *args, assembly, item=None, **kwargs):
        self.invited_ids = set()
        if item is not None and not args[0]:
            cos = list(item.cosigners.filter(state__in=("invited", "confirmed")).select_related("person"))
            self.invited_ids = {c.person_id for c in cos}
            kwargs["initial"] = {"title": item.title, "category": item.category_id, "reason": item.reason, "suggestions": item.suggestions,
                                 "suggested_units": list(item.suggested_units.values_list("pk", flat=True)), "urgent": item.urgent,
                                 "consent_publish": "" if item.consent_publish is None else str(item.consent_publish).lower(),
                                 "cosigners": [c.person_id for c in cos]}
        elif item is not None:
            self.invited_ids = set(item.cosigners.filter(state__in=("invited", "confirmed")).values_list("person_id", flat=True))
        super().__init__(*args, **kwargs)
        self.assembly = assembly
        self.fields["category"].queryset = Category.objects.filter(assembly=assembly, active=True).select_related("parent").order_by("parent__position", "parent_id", "position", "id")
        people = Person.objects.filter(assembly=assembly, active=True)
        if item is not None:
            people = people.exclude(pk=item.proposer_id)
        self.fields["cosigners"].queryset = people
        # Marked as required: what submitting needs (the title is needed to save at all). The
        # draft may be saved without the rest, so only the title carries the browser's `required`.
        for name in self.needed_to_submit:
            self.fields[name].widget.attrs["aria-required"] = "true"
        self.fields["title"].widget.attrs["required"] = True

    @property
    def needed_to_submit(self) -> list[str]:
        return [name for name, _zh, _en in REQUIRED_TO_SUBMIT]

    def draft_fields(self) -> dict:
        """What the drafting actions take, from the cleaned form (co-signers are invited apart)."""
        d = self.cleaned_data
        return {"title": d["title"], "reason": d["reason"], "suggestions": d["suggestions"],
                "category": d["category"].pk if d["category"] else None, "urgent": d["urgent"],
                "consent_publish": d["consent_publish"], "suggested_unit_ids": [u.pk for u in d["suggested_units"]]}

    def picked_people(self):
        """The co-signers to show as chips: what was posted, or who is invited already."""
        ids = self.data.getlist("cosigners") if self.is_bound else self.initial.get("cosigners", [])
        ids = [int(i) for i in ids if str(i).isdigit()]
        return list(Person.objects.filter(pk__in=ids).only("id", "name", "sector")) if ids else []

    def add_banli_error(self, err: BanliError):
        errors = field_errors(err)
        if not errors:
            self.add_error(None, err.message)
        for name, msgs in errors.items():
            target = FIELD_OF.get(name, name)
            for m in msgs:
                self.add_error(target if target in self.fields else None, m)
