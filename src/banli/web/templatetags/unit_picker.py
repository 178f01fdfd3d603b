"""{% unit_picker %}: the unit picker (banli.web.widgets.UnitPicker) in pages whose forms are
templates rather than Django forms (the item page's action forms, the list's filter, the bulk
pages), so every unit choice on every page is the same widget."""

from django import template

from ..widgets import UnitPicker

register = template.Library()


@register.simple_tag
def unit_picker(name, units, value=None, *, multiple=False, id="", blank=None, required=False, suggested=(), describedby=""):
    """units: the page's UnitChoices (banli.web.unit_choices); value: the chosen id or ids."""
    attrs = {"id": id or f"id_{name}"}
    if required:
        attrs["required"] = True
    if describedby:
        attrs["aria-describedby"] = describedby
    return UnitPicker(multiple=multiple, units=units, blank=blank, suggested=suggested).render(name, value, attrs)
