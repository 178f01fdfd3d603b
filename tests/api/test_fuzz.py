"""Bad input never gives a 500: every action endpoint and the list filters, fed random JSON
by hypothesis, answer JSON with a code and a 4xx (or 200 where the input happens to be valid)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from banli.proposals.commands import COMMANDS
from tests.builders import make_item

pytestmark = pytest.mark.django_db

ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=8,
)


def fields_of(name):
    return sorted(COMMANDS[name].inputs)


ACTIONS = sorted(n for n in COMMANDS if n != "add_attachment")


@pytest.mark.parametrize("action", ACTIONS)
def test_action_endpoints_never_500(world, action):
    item = make_item(world, "handling")
    clients = {}
    for who in ("gov_office", "lead_liaison", "member"):
        clients[who] = APIClient()
        clients[who].force_login(getattr(world, who))
    keys = fields_of(action) + ["assignment", "x"]

    @settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(who=st.sampled_from(sorted(clients)), body=st.dictionaries(st.sampled_from(keys), ANY_JSON, max_size=len(keys)))
    def run(who, body):
        r = clients[who].post(f"/api/items/{item.pk}/actions/{action}/", body, format="json")
        assert r.status_code < 500, (action, body, r.content[:300])
        assert r.status_code == 200 or r.json()["code"]

    run()


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(params=st.dictionaries(st.sampled_from(["session", "assembly", "category", "unit", "state", "reply_type", "key", "q", "mine",
                                               "ordering", "page", "page_size"]),
                              st.text(max_size=12) | st.integers(min_value=-(2**70), max_value=2**70).map(str), max_size=5))
def test_list_filters_never_500(world, params):
    c = APIClient()
    c.force_login(world.gov_office)
    r = c.get("/api/items/", params)
    assert r.status_code in (200, 400, 404), (params, r.status_code, r.content[:300])
    assert r.status_code == 200 or r.json()["code"]
