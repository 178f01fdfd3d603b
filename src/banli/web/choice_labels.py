"""get_<field>_display() without re-translating every choice on every call.

Django's Model._get_FIELD_display builds dict(make_hashable(field.flatchoices)) on each call; the
labels are lazy translations, so hashing them translates every label of the field, each time: 40 to
150 us for one state label (ItemState has 14). The item list reads it per row (state, the session's
assembly, each unit's role), the API list per item; it was a tenth of the API list's CPU.

install() gives every model field with fixed choices a get_<field>_display that builds the
value -> label table once per language and then only looks the value up. The answer is the same
string Django's own gives (tests/web/test_choice_labels.py compares them for every field in both
languages). A model that defines its own get_<field>_display keeps it, and choices given as a
callable (re-evaluated by Django on each use) keep Django's own method."""

from django.db.models.base import Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

_ORIGINAL = Model._get_FIELD_display


def _fast_display(field):
    tables: dict[str | None, dict] = {}

    def display(self):
        language = get_language()
        table = tables.get(language)
        if table is None:
            # Built under the active language: the labels are translated once, then kept per language.
            table = tables[language] = {make_hashable(value): force_str(label, strings_only=True) for value, label in field.flatchoices}
        value = getattr(self, field.attname)
        return force_str(table.get(make_hashable(value), value), strings_only=True)

    display.__name__ = f"get_{field.name}_display"
    display.banli_fast_display = True
    return display


def _uses_djangos_display(model, field) -> bool:
    own = model.__dict__.get(f"get_{field.name}_display")
    return own is not None and getattr(own, "func", None) is _ORIGINAL


def _fixed_choices(field) -> bool:
    from django.utils.choices import CallableChoiceIterator

    return field.choices is not None and not isinstance(field.choices, CallableChoiceIterator)


def install(models) -> int:
    """Replace Django's get_<field>_display on the given models' choice fields; returns how many."""
    count = 0
    for model in models:
        for field in model._meta.concrete_fields:
            if field.choices and field.model is model and _fixed_choices(field) and _uses_djangos_display(model, field):
                setattr(model, f"get_{field.name}_display", _fast_display(field))
                count += 1
    return count
