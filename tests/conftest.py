"""Fixtures every Banli test can use: reference data, the named personas of DOMAIN.md §2, and the
`world` they live in. Builders that drive an item through the actions are in tests/builders.py;
shared assertions (audit rows, "refused and nothing changed") in tests/checks.py.

    def test_register(world, cppcc_office):
        item = make_item(world, state="submitted")
        actions.register(cppcc_office, item.pk)

Persona fixtures return django Users, all built together by `world` (asking for one builds the
whole world once per test). Every persona logs in with builders.PASSWORD, e.g. for API tests:
`client.force_login(member)` or `client.login(username="member", password=PASSWORD)`.

| fixture          | who                                                                         |
|------------------|-----------------------------------------------------------------------------|
| member           | CPPCC member (委员) filing items; Person with phone and address               |
| cosigner         | another CPPCC member, to be invited as co-signer                             |
| other_member     | an unrelated CPPCC member                                                    |
| deputy           | NPC deputy (代表) filing suggestions                                          |
| cppcc_office     | StaffRole assembly_office for cppcc (政协提案委)                               |
| npc_office       | StaffRole assembly_office for npc (人大代表工委)                               |
| gov_office       | StaffRole gov_office (区府办)                                                 |
| lead_liaison     | liaison (UnitLiaison) of world.lead_unit, the unit builders assign as lead   |
| lead_head        | Unit.leader of world.lead_unit                                               |
| co_liaison       | liaison of world.co_unit, the co-handling unit                               |
| co_head          | Unit.leader of world.co_unit                                                 |
| district_leader  | StaffRole district_leader; Unit.supervising_leader of lead_unit and co_unit  |
| outsider_liaison | liaison of world.outsider_unit, which never handles the test items          |
| spare_liaison    | liaison of world.spare_unit, the unit an adjustment request names            |
| other_leader     | district leader whose portfolio is outsider_unit and spare_unit              |
| admin_user       | superuser                                                                    |
| public           | AnonymousUser                                                                |

The world also holds the units (lead_unit, co_unit, outsider_unit, spare_unit), the Person rows
(member_person, ...), the sessions and the reference data; see tests/builders.World.

Mind: banli.proposals.access.actor_for caches a user's roles on the User object. A test that
changes someone's roles mid-way (a new liaison, a new unit leader) must act through a freshly
loaded User, e.g. `User.objects.get(pk=world.lead_liaison.pk)`.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.builders import World, build_world, make_reference_data


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Creating a dozen users per test must not cost a dozen PBKDF2 rounds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads written by any test land in a throw-away folder, never in the project's media/."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _no_delivery_thread_on_commit(settings):
    """Transactional outbox (issue 15.5): a test that runs on-commit callbacks must not start a
    delivery thread racing its own assertions on the outbox; the tests that want it turn it on."""
    settings.BANLI_NOTIFY_DELIVER_ON_COMMIT = False


@pytest.fixture(scope="session", autouse=True)
def _second_factor_off_for_the_session():
    """Two-factor (issue 15.1): the suite's staff log in with force_login and the browser helper's
    password form, without a phone. Session-wide too, for module-scoped fixtures that open pages
    before any test's own fixtures run (tests/web/test_page_queries.py)."""
    from django.test import override_settings

    with override_settings(BANLI_2FA_REQUIRED=False):
        yield


@pytest.fixture(autouse=True)
def _second_factor_off(settings):
    """The same for each test; tests/security/test_twofactor*.py turn the requirement on."""
    settings.BANLI_2FA_REQUIRED = False


@pytest.fixture(autouse=True)
def _empty_cache():
    """The public pages' cache starts empty: a page cached by an earlier test, whose database rows
    are rolled back, must not be served to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reference_data(db):
    """Reply types A/B/C, grades 好/较好/一般/差, categories per assembly, and the sessions:
    a current CPPCC session (plus an earlier one of the same term) and a current NPC session."""
    return make_reference_data()


@pytest.fixture
def world(reference_data) -> World:
    """Every persona, unit and session; see tests/builders.World."""
    return build_world(reference_data)


def _persona(name):
    def fixture(world):
        return getattr(world, name)

    fixture.__name__ = name
    fixture.__doc__ = f"The `{name}` user of the test world (see the table in tests/conftest.py)."
    return pytest.fixture(fixture, name=name)


member = _persona("member")
cosigner = _persona("cosigner")
other_member = _persona("other_member")
deputy = _persona("deputy")
cppcc_office = _persona("cppcc_office")
npc_office = _persona("npc_office")
gov_office = _persona("gov_office")
lead_liaison = _persona("lead_liaison")
lead_head = _persona("lead_head")
co_liaison = _persona("co_liaison")
co_head = _persona("co_head")
district_leader = _persona("district_leader")
outsider_liaison = _persona("outsider_liaison")
spare_liaison = _persona("spare_liaison")
other_leader = _persona("other_leader")
admin_user = _persona("admin_user")


@pytest.fixture
def public():
    """Someone not logged in: reads the portal and nothing else."""
    return AnonymousUser()


def _db_mode(item) -> str | None:
    """"transactional", "rollback" or None (no database)."""
    fixtures = set(getattr(item, "fixturenames", ()))
    marker = item.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or {"transactional_db", "live_server"} & fixtures:
        return "transactional"
    if marker or "db" in fixtures:
        return "rollback"
    return None


def _reload_serialized_cleanly():
    """serialized_rollback reloads the migrated rows (content types, permissions, the editable
    defaults) with their original ids. A transactional test without it ends with a flush whose
    post_migrate re-creates content types and permissions under new ids, and the reload then
    fails on their unique names (seen when a live-server test ran before the schema fuzzing in
    one worker). So the reload starts by removing those re-created rows: it puts back every one."""
    from django.db.backends.base.creation import BaseDatabaseCreation

    reload = BaseDatabaseCreation.deserialize_db_from_string

    def deserialize_db_from_string(self, data):
        from django.contrib.auth.models import Permission
        from django.contrib.contenttypes.models import ContentType

        alias = self.connection.alias
        Permission.objects.using(alias).all().delete()
        ContentType.objects.using(alias).all().delete()
        ContentType.objects.clear_cache()
        reload(self, data)
        ContentType.objects.clear_cache()

    BaseDatabaseCreation.deserialize_db_from_string = deserialize_db_from_string


_reload_serialized_cleanly()


def pytest_collection_modifyitems(items):
    """A file's tests are all transactional or none are. pytest-django runs transactional tests
    last, because each ends by emptying the database (the migrated defaults too); but `make test`
    hands whole files to its two workers (--dist loadfile), so a mixed file would run its
    transactional test early, and every rollback-mode test after it in that worker would find no
    reply types or categories (CI failed so on tests/org/test_defaults). Put such tests in a
    file of their own."""
    modes: dict[str, set[str | None]] = {}
    for item in items:
        modes.setdefault(str(item.path), set()).add(_db_mode(item))
    mixed = sorted(path for path, m in modes.items() if {"transactional", "rollback"} <= m)
    if mixed:
        raise pytest.UsageError("these test files mix transactional and rollback-mode tests; move the transactional ones to a file of their own: " + ", ".join(mixed))
