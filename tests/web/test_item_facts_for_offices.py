"""What the next person needs is on the item page (issue 14): the proposer's suggested units,
urgency and consent to publish for every reader of the item (the offices and the units above
all), never for an outsider or on the public site; each consultation under its own unit, with its date, kind,
form, participants and what the proposer said; the consultation date limited to the unit's
window; the deadlines card in date order (running first, soonest due on top; then done, in the
order they were done). The API's item detail shows the same to the same readers."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from banli.deadlines.models import Deadline
from banli.proposals import actions as A
from banli.proposals.models import Assignment
from tests.builders import lead_assignment, make_item, today
from tests.web.pages import form_block, login, text

pytestmark = pytest.mark.django_db


def filed_with_wishes(world, state="handling", **kw):
    return make_item(world, state, suggested_unit_ids=[world.spare_unit.pk, world.lead_unit.pk], urgent=True, consent_publish=False, **kw)


def wishes(page: str) -> dict | None:
    """The proposer's wishes as the side column shows them, or None when not shown."""
    m = re.search(r'<dl class="facts wishes"[^>]*>(.*?)</dl>', page, re.S)
    if not m:
        return None
    dd = dict(re.findall(r'<dd data-fact="([a-z_]+)">(.*?)</dd>', m.group(1), re.S))
    return {"units": re.findall(r'<span class="tag">([^<]+)</span>', dd["suggested_units"]),
            "urgent": "紧急" in dd["urgent"], "consent": re.sub(r"<[^>]+>", "", dd["consent"]).strip()}


@pytest.mark.parametrize("persona", ["gov_office", "cppcc_office", "lead_liaison", "co_liaison", "lead_head", "district_leader",
                                     "member", "cosigner"])
def test_everyone_who_reads_the_item_sees_what_the_proposer_asked_for(world, persona):
    """The offices assign and publish by it, the units handle by it; the district leader and the
    proposer's side read the same item. The page and the API show the same."""
    item = filed_with_wishes(world, cosigners=[world.cosigner])
    page = text(login(getattr(world, persona)).get(f"/items/{item.pk}/"))
    shown = wishes(page)
    assert shown is not None, persona
    assert sorted(shown["units"]) == sorted([world.spare_unit.name, world.lead_unit.name])
    assert (shown["urgent"], shown["consent"]) == (True, "不同意公开")

    api = APIClient()
    api.force_login(getattr(world, persona))
    body = api.get(f"/api/items/{item.pk}/").json()
    assert sorted(u["name"] for u in body["suggested_units"]) == sorted([world.spare_unit.name, world.lead_unit.name])
    assert (body["urgent"], body["consent_publish"]) == (True, False)


def test_an_outsider_unit_and_the_public_see_nothing_of_it(world, outsider_liaison):
    item = make_item(world, "closed", suggested_unit_ids=[world.spare_unit.pk], urgent=True, consent_publish=True)
    A.decide_publication(world.gov_office, item.pk, publish=True)
    assert login(outsider_liaison).get(f"/items/{item.pk}/").status_code == 404
    public = Client().get(f"/public/items/{item.pk}/")
    assert public.status_code == 200
    page = text(public)
    assert world.spare_unit.name not in page and "建议承办单位" not in page and "紧急" not in page
    data = Client().get("/public/data/items.json").content.decode()
    assert "suggested" not in data and "urgent" not in data


def test_a_draft_without_wishes_says_so(world, gov_office):
    item = make_item(world, "registered")
    shown = wishes(text(login(gov_office).get(f"/items/{item.pk}/")))
    assert shown == {"units": [], "urgent": False, "consent": "暂不决定"}


# -- consultations under their own unit ----------------------------------------------------------

def unit_entries(page: str) -> dict[str, str]:
    """Each unit's <li> in the 承办单位 card, by unit name."""
    card = re.search(r'<ul class="units">(.*?)</ul>\s*</section>', page, re.S).group(1)
    out = {}
    for chunk in re.split(r'\n      <li class="', card)[1:]:
        out[re.search(r"<strong>([^<]+)</strong>", chunk).group(1)] = chunk
    return out


def test_each_consultation_is_listed_under_its_own_unit_with_who_and_what_was_said(world, gov_office, lead_liaison, spare_liaison):
    item = make_item(world, "handling", separate=True)
    lead = Assignment.objects.get(item=item, unit=world.lead_unit)
    spare = Assignment.objects.get(item=item, unit=world.spare_unit)
    A.record_consultation(lead_liaison, item.pk, assignment=lead.pk, kind="before", form="visit", held_on=today(),
                          participants="王委员、建委副主任", proposer_views="希望年内启动试点。")
    A.record_consultation(spare_liaison, item.pk, assignment=spare.pk, kind="during", form="phone", held_on=today(),
                          participants="王委员、街道办主任", proposer_views="")

    units = unit_entries(text(login(gov_office).get(f"/items/{item.pk}/")))
    mine, theirs = units[world.lead_unit.name], units[world.spare_unit.name]
    [c] = re.findall(r'<li class="consult".*?</li>', mine, re.S)
    flat = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c))
    for shown in (today().isoformat(), "办前面商", "登门拜访", "参加人员", "王委员、建委副主任", "委员意见", "希望年内启动试点。"):
        assert shown in flat, shown
    assert "街道办主任" not in mine
    [c2] = re.findall(r'<li class="consult".*?</li>', theirs, re.S)
    assert "办中沟通" in c2 and "电话沟通" in c2 and "王委员、街道办主任" in c2 and "委员意见" not in c2
    assert "希望年内启动试点" not in theirs


def test_the_consultation_date_field_offers_the_units_window(world, lead_liaison):
    item = make_item(world, "handling")
    a = lead_assignment(item)
    Assignment.objects.filter(pk=a.pk).update(assigned_at=timezone.now() - datetime.timedelta(days=9))
    block = form_block(login(lead_liaison).get(f"/items/{item.pk}/"), f"do-record_consultation-{a.pk}")
    field = re.search(r'<input[^>]*type="date" name="held_on"[^>]*>', block).group(0)
    first = (today() - datetime.timedelta(days=9)).isoformat()
    assert f'min="{first}"' in field and f'max="{today().isoformat()}"' in field
    assert first in block and "交办日" in block  # said in words too


# -- the deadlines card ------------------------------------------------------------------------------

def deadline_groups(page: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(group heading, [(kind, date shown)])] in page order."""
    card = re.search(r'<section class="card" id="deadlines".*?</section>', page, re.S).group(0)
    out = []
    for head, body in re.findall(r'<h3 class="dl-group">(.*?)</h3>\s*<ul class="deadlines">(.*?)</ul>', card, re.S):
        rows = re.findall(r'<li class="dl-\w+" data-kind="(\w+)">.*?<span class="when">(.*?)</span>', body, re.S)
        out.append((head, [(k, re.search(r"\d{4}-\d\d-\d\d", w).group(0) if re.search(r"\d{4}-\d\d-\d\d", w) else w) for k, w in rows]))
    return out


def test_the_deadlines_card_lists_running_ones_by_due_date_then_done_ones_by_date_done(world, gov_office):
    item = make_item(world, "handling")
    rows = list(Deadline.objects.filter(item=item))
    running = sorted((d for d in rows if d.state in ("open", "late")), key=lambda d: (d.due_on, d.pk))
    done = sorted((d for d in rows if d.state in ("met", "waived")), key=lambda d: (d.met_on or d.due_on, d.pk))
    assert running and done  # e.g. consultation and reply running; co-signing, registration, signing done
    # Make the database order disagree with the date order: the first-made running row is due last.
    first = min(running, key=lambda d: d.pk)
    Deadline.objects.filter(pk=first.pk).update(due_on=today() + datetime.timedelta(days=400))
    first.due_on = today() + datetime.timedelta(days=400)
    running = sorted(running, key=lambda d: (d.due_on, d.pk))

    groups = deadline_groups(text(login(gov_office).get(f"/items/{item.pk}/")))
    assert [g for g, _ in groups] == ["进行中（按期限先后）", "已完成（按完成先后）"]
    assert groups[0][1] == [(d.kind, d.due_on.isoformat()) for d in running]
    assert [k for k, _ in groups[1][1]] == [d.kind for d in done]
    shown_dates = [d for _, d in groups[0][1]]
    assert shown_dates == sorted(shown_dates)
