"""Every page that chooses units uses the unit picker (banli.web.widgets.UnitPicker: a filter by
name or pinyin initials over a grouped list), an item's own few units are tick boxes, and no page
has a plain list box of units or a Ctrl-click hint (issue 14). Each page is rendered as the person
who uses it, and its HTML is read the way a browser gets it."""

import re

import pytest

from banli.org.models import Unit
from banli.proposals import actions as A
from banli.proposals.models import Assignment
from tests.builders import lead_assignment, make_item, new_draft
from tests.web.pages import login, text

pytestmark = pytest.mark.django_db

PICKER = re.compile(r'<div class="unit-picker" data-unit-picker[^>]*>\s*<select name="([^"]+)"')


def pickers(page: str) -> set[str]:
    return set(PICKER.findall(page))


def plain_unit_selects(page: str, names: set[str]) -> list[str]:
    """Names of <select>s that offer units (or anything, several at once) outside a picker."""
    inside = pickers(page)
    out = []
    for name, attrs, body in re.findall(r'<select name="([^"]+)"([^>]*)>(.*?)</select>', page, re.S):
        if name in inside:
            continue
        offers_units = any(f">{n}</option>" in body for n in names)
        if offers_units or re.search(r"\smultiple\b", attrs):
            out.append(name)
    return out


def check(page: str, expected: set[str], world) -> None:
    names = set(Unit.objects.values_list("name", flat=True))
    assert "Ctrl" not in page and "⌘" not in page
    assert plain_unit_selects(page, names) == []
    assert expected <= pickers(page), f"pickers {pickers(page)}, expected {expected}"
    if expected:
        # The unit data is embedded once, however many pickers the page has.
        assert page.count('type="application/json" id="unit-data-') == 1


def test_the_members_pages(world, member):
    c = login(member)
    check(text(c.get("/items/new/")), {"suggested_units"}, world)
    draft = new_draft(world)
    check(text(c.get(f"/items/{draft.pk}/edit/")), {"suggested_units"}, world)
    check(text(c.get("/questions/")), {"to_unit_id"}, world)


def test_the_government_office_assigns_and_reassigns_with_the_picker(world, gov_office):
    c = login(gov_office)
    registered = make_item(world, "registered")
    check(text(c.get(f"/items/{registered.pk}/")), {"lead", "co", "separate"}, world)

    handling = make_item(world, "handling")
    page = text(c.get(f"/items/{handling.pk}/"))
    check(page, {"lead", "co", "separate"}, world)
    # Taking a unit off: the item's own units as tick boxes, named.
    block = re.search(r'<details class="action[^"]*" id="do-reassign".*?</details>', page, re.S).group(0)
    ticks = re.findall(r'<input type="checkbox" name="remove" value="(\d+)"[^>]*>\s*([^<]+)</label>', block)
    active = Assignment.objects.filter(item=handling).exclude(state="ended").select_related("unit")
    assert sorted((int(v), n.strip()) for v, n in ticks) == sorted((a.pk, a.unit.name) for a in active)


def test_adjustment_request_and_decision_use_the_picker(world, lead_liaison, gov_office):
    item = make_item(world, "assigned")
    check(text(login(lead_liaison).get(f"/items/{item.pk}/")), {"suggested_unit_id"}, world)
    A.request_adjustment(lead_liaison, item.pk, assignment=lead_assignment(item).pk, reason="属区建委职责。", suggested_unit_id=world.spare_unit.pk)
    check(text(login(gov_office).get(f"/items/{item.pk}/")), {"new_unit_id"}, world)


def test_the_office_lists_and_filters(world, gov_office):
    c = login(gov_office)
    make_item(world, "handling")
    check(text(c.get("/items/")), {"unit"}, world)
    for path in ("/deadlines/", "/reports/", "/office/units/", f"/office/users/{world.lead_liaison.pk}/", f"/office/units/{world.lead_unit.pk}/"):
        r = c.get(path)
        assert r.status_code == 200, path
        check(text(r), set(), world)


def test_the_bulk_assignment_page(world, gov_office):
    items = [make_item(world, "registered") for _ in range(2)]
    r = login(gov_office).post("/items/bulk/", {"action": "assign", "item": [i.pk for i in items]})
    assert r.status_code == 200
    check(text(r), {"lead", "co"}, world)


def test_the_leaders_portfolios_use_the_picker_and_still_save(world, gov_office):
    c = login(gov_office)
    leaders = [world.district_leader, world.other_leader]
    page = text(c.get("/office/leaders/"))
    check(page, {f"p{u.pk}-unit_ids" for u in leaders}, world)
    # Each leader's picker starts with the units in the portfolio chosen.
    mine = re.search(r'<select name="p%d-unit_ids".*?</select>' % world.district_leader.pk, page, re.S).group(0)
    chosen = set(re.findall(r'<option value="(\d+)"[^>]* selected>', mine))
    assert chosen == {str(world.lead_unit.pk), str(world.co_unit.pk)}

    leader = world.other_leader
    r = c.post(f"/office/leaders/{leader.pk}/", {f"p{leader.pk}-unit_ids": [world.spare_unit.pk, world.outsider_unit.pk, world.lead_unit.pk]})
    assert r.status_code == 302
    assert set(Unit.objects.filter(supervising_leader=leader).values_list("pk", flat=True)) == {
        world.spare_unit.pk, world.outsider_unit.pk, world.lead_unit.pk}
