"""The yearly report's figures (DOMAIN §6.1) as pure functions over the records, for a session, a
term or a year, each beside the previous one: exact numbers for a world worked out by hand
(tests/reports/known_world.py), and what does not count as received."""

import pytest
from django.utils import timezone

from banli.org.models import Session
from banli.proposals import actions
from banli.proposals.models import Item, ItemState
from banli.reports import service
from banli.reports.periods import period, previous
from banli.reports.statistics import NOT_RECEIVED, received, yearly_figures
from tests.builders import make_item, new_draft, submit
from tests.reports import known_figures as kw_
from tests.reports.known_world import build_known_world

pytestmark = pytest.mark.django_db


def with_period(figures: dict, **p) -> dict:
    return {**figures, "period": {**figures["period"], **p}}


def test_figures_of_a_session_a_term_and_a_year_beside_the_one_before(world):
    kw = build_known_world(world)
    p = period("session", kw.session.pk)
    figures = yearly_figures(p)
    assert figures["as_of"] == timezone.localdate().isoformat()
    assert figures["current"] == kw_.session_figures(kw)
    assert figures["previous"] == kw_.previous_session_figures(kw)
    assert figures == {"as_of": figures["as_of"], "current": kw_.session_figures(kw), "previous": kw_.previous_session_figures(kw)}

    # Received: exactly i1-i10; the draft, submitted, rejected, merged, converted and withdrawn are not.
    got = set(Item.objects.filter(received(p)).values_list("pk", flat=True))
    assert got == {kw.items[f"i{n}"].pk for n in range(1, 11)}

    # Pure: the same records give the same figures, whoever asks and whenever.
    assert yearly_figures(p) == figures
    # As of yesterday: what TODAY's steps recorded does not count (see known_world).
    before = yearly_figures(p, as_of=kw.yesterday)
    assert before == {"as_of": kw.yesterday.isoformat(), "current": kw_.session_figures(kw, yesterday=True),
                      "previous": kw_.previous_session_figures(kw)}
    params = {"kind": "session", "value": str(kw.session.pk)}
    for user in (world.gov_office, world.cppcc_office, world.district_leader, world.admin_user):
        assert service.figures_for(user, params) == figures
    # Without a value: the current session of the user's assembly.
    assert service.figures_for(world.cppcc_office, {}) == figures

    # The session before P is in the term before (sessions follow one another across terms).
    before_p = yearly_figures(period("session", kw.previous_session.pk))
    assert before_p["current"] == kw_.previous_session_figures(kw)
    assert before_p["previous"]["period"] == kw_.period_dict("session", "cppcc", kw.older_session.pk, "区政协第五届第三次会议")
    assert before_p["previous"]["received"] == 1
    assert previous(period("session", kw.older_session.pk)) is None

    # -- a term, a year, the other assembly (the same world: building it is the slow part) --------
    year = timezone.localdate().year
    term = yearly_figures(period("term", world.ref.cppcc_term.pk))
    assert term["current"] == kw_.term_figures(kw)
    assert term["previous"] == kw_.older_term_figures(kw)
    assert yearly_figures(period("term", kw.older_term.pk))["previous"] is None

    # This year's CPPCC items are S's; last year's are P's.
    this_year = yearly_figures(period("year", year, "cppcc"))
    label = f"{year}年区政协"
    assert this_year["current"] == with_period(kw_.session_figures(kw), kind="year", value=year, label=label)
    assert this_year["previous"] == with_period(kw_.previous_session_figures(kw), kind="year", value=year - 1, label=f"{year - 1}年区政协")
    three_back = yearly_figures(period("year", year - 3, "cppcc"))
    assert three_back["current"] == with_period(kw_.older_term_figures(kw), kind="year", value=year - 3, label=f"{year - 3}年区政协")
    # A year with no session at all is still a year before: every figure zero.
    assert three_back["previous"]["received"] == 0 and three_back["previous"]["by_category"] == []
    assert three_back["previous"]["period"] == kw_.period_dict("year", "cppcc", year - 4, f"{year - 4}年区政协")

    # The congress's suggestions never count for the CPPCC, nor the other way round.
    npc = yearly_figures(period("session", world.npc_session.pk))
    assert npc["current"] == kw_.npc_figures(kw)
    assert npc["previous"] is None
    npc_year = yearly_figures(period("year", year, "npc"))["current"]
    assert with_period(npc_year, kind="session", value=world.npc_session.pk, label="区人大第七届第五次会议") == kw_.npc_figures(kw)
    assert term["current"]["received"] == 14  # n1, n2 not among them


def test_items_that_never_were_or_are_no_longer_received_are_not_counted(world):
    """Rejected, merged away, converted, withdrawn (even after assignment), drafts and submitted
    items: none is received, none brings a unit, a category, a key item or an urge."""
    from tests.builders import lead_assignment

    general = Item._meta.get_field("category").related_model.objects.get(assembly="cppcc", parent=None, name="综合")
    counted = make_item(world, "handling", co=False, category=world.category("cppcc", 0))
    new_draft(world, category=general)
    submit(world, new_draft(world, category=general))
    rejected = submit(world, new_draft(world, category=general))
    actions.reject(world.cppcc_office, rejected.pk, reason="不属于提案范围")
    merged = submit(world, new_draft(world, category=general))
    actions.merge(world.cppcc_office, merged.pk, into_id=counted.pk)
    converted = submit(world, new_draft(world, category=general))
    actions.convert(world.cppcc_office, converted.pk, to="意见建议")
    withdrawn = make_item(world, "handling", co=True, separate=False, category=general)
    actions.mark_key(world.gov_office, withdrawn.pk, leader_id=world.district_leader.pk)
    actions.urge(world.gov_office, withdrawn.pk, assignment=lead_assignment(withdrawn).pk, text="请抓紧。")
    actions.request_withdrawal(world.member, withdrawn.pk, reason="问题已解决")
    actions.decide_withdrawal(world.cppcc_office, withdrawn.pk, approve=True)
    states = set(Item.objects.values_list("state", flat=True))
    assert states == {"handling", "draft", "submitted", "not_registered", "merged", "converted", "withdrawn"}
    assert Item.objects.get(pk=withdrawn.pk).registered_at is not None  # registered, then withdrawn

    cur = yearly_figures(period("session", world.cppcc_session.pk))["current"]
    assert cur["received"] == 1
    assert cur["units_involved"] == 1  # the withdrawn item's co unit is not involved
    assert cur["by_category"] == [{"name": "经济", "count": 1, "share": 100}]
    assert cur["key_items"] == 0
    assert [u["id"] for u in cur["top_units"]] == [world.lead_unit.pk] and cur["top_units"][0]["items"] == 1
    from banli.reports.units import unit_table

    rows = unit_table(period("session", world.cppcc_session.pk))
    assert [(r["id"], r["lead"], r["co"], r["urges"]) for r in rows] == [(world.lead_unit.pk, 1, 0, 0)]


def test_every_state_is_either_received_or_not():
    """A new state must be placed on one side or the other deliberately."""
    received_states = {ItemState.REGISTERED, ItemState.ASSIGNED, ItemState.HANDLING, ItemState.REPLIED, ItemState.EVALUATED,
                       ItemState.REHANDLING, ItemState.CLOSED}
    assert set(NOT_RECEIVED) == set(ItemState) - received_states
    assert set(NOT_RECEIVED) >= {ItemState.NOT_REGISTERED, ItemState.MERGED, ItemState.CONVERTED, ItemState.WITHDRAWN,
                                 ItemState.DRAFT, ItemState.SUBMITTED}


def test_a_bad_period_is_refused_with_a_reason(world):
    from banli.errors import BanliError

    cases = [("week", 1, None, "kind"), ("session", "x", None, "value"), ("session", 0, None, "value"), ("term", 999999, None, "value"),
             ("year", 2026, None, "assembly"), ("year", 2026, "senate", "assembly"), ("year", 1900, "cppcc", "value")]
    for kind, value, assembly, field in cases:
        with pytest.raises(BanliError) as info:
            period(kind, value, assembly)
        assert info.value.field == field and info.value.zh and info.value.en, (kind, value, assembly)
    assert Session.objects.count() == 3  # nothing made up
