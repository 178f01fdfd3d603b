"""Importing the year (banli.imports): the shipped 500-row file and the reference file, as a district
would receive them (tests/imports/make_files.py). The preview names every error and writes
nothing; the import is all or nothing, names its file in one audit row, and a second import of
the same file changes nothing. Who may import is checked on the server."""

import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from banli.audit.models import AuditRecord
from banli.deadlines.models import Deadline
from banli.errors import BanliError
from banli.imports import actions as I
from banli.imports.models import ImportBatch
from banli.imports.plan import CREATE, ERROR, UNCHANGED
from banli.org.models import Person, Unit, UnitLiaison
from banli.proposals.models import CoSigner, Item, ItemState
from banli.search.models import SearchDocument
from tests.imports.make_files import ERRORS

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def inline(request, settings):
    """Imports run within the call, except in the test of the background path (a thread needs
    committed rows: transaction=True)."""
    if "background" not in request.node.name:
        settings.BANLI_IMPORT_INLINE_ROWS = 100_000


def upload(user, name, kind="items", session=None):
    f = SimpleUploadedFile(name, (DATA / name).read_bytes(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return I.upload(user, kind=kind, upload_file=f, session_id=session.pk if session else None)


def import_reference(world):
    batch, plan = upload(world.gov_office, "reference.xlsx", kind="reference")
    I.start(world.gov_office, batch.pk)
    assert wait_done(batch.pk).state == ImportBatch.State.DONE
    return batch, plan


def wait_done(batch_id, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        b = ImportBatch.objects.get(pk=batch_id)
        if b.state in (ImportBatch.State.DONE, ImportBatch.State.FAILED):
            return b
        time.sleep(0.2)
    raise AssertionError("the import did not finish")


@pytest.mark.django_db
def test_reference_file_previews_then_imports_and_a_second_import_changes_nothing(world):
    units_before, people_before = Unit.objects.count(), Person.objects.count()
    batch, plan = upload(world.gov_office, "reference.xlsx", kind="reference")
    # The test district already has 区教育局: that row updates it (its liaison, its phone), the others are new.
    assert plan.ok and plan.counts[CREATE] == 58 + 220 and plan.counts["update"] == 1 and batch.state == ImportBatch.State.PREVIEWED
    edu_row = next(r for r in plan.rows if r.outcome == "update")
    assert edu_row.label.endswith("区教育局") and "新增联络员 jyj_ll（今日起任）" in edu_row.notes
    assert Unit.objects.count() == units_before  # the preview wrote nothing
    I.start(world.gov_office, batch.pk)
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.DONE
    assert Unit.objects.count() == units_before + 58 and Person.objects.count() == people_before + 220
    edu = Unit.objects.get(name="区教育局")
    # Both liaisons serve now: the import adds, it never ends a service (the office does, with a date).
    assert set(UnitLiaison.objects.filter(unit=edu, ended_on__isnull=True).values_list("user__username", flat=True)) == {"outsider_liaison", "jyj_ll"}
    row = AuditRecord.objects.get(action="import_reference")
    assert "reference.xlsx" in row.note and row.actor_id == world.gov_office.pk
    assert row.after["units_created"] == 58 and row.after["units_updated"] == 1 and row.after["accounts_created"] == 59
    audits = AuditRecord.objects.count()
    again, plan2 = upload(world.gov_office, "reference.xlsx", kind="reference")
    assert plan2.counts[UNCHANGED] == 59 + 220 and plan2.counts[CREATE] == 0 and plan2.ok
    I.start(world.gov_office, again.pk)
    assert Unit.objects.count() == units_before + 58 and Person.objects.count() == people_before + 220
    assert AuditRecord.objects.count() == audits


@pytest.mark.django_db
def test_a_changed_phone_is_shown_as_an_update_and_audited_with_before_and_after(world):
    import_reference(world)
    p = Person.objects.filter(assembly="cppcc", phone__startswith="1").exclude(name__in=["王委员", "李委员", "赵委员"]).first()
    old = p.phone
    Person.objects.filter(pk=p.pk).update(phone="13000000000")
    batch, plan = upload(world.gov_office, "reference.xlsx", kind="reference")
    changed = [r for r in plan.rows if r.outcome == "update"]
    assert len(changed) == 1 and f"电话：13000000000 → {old}" in changed[0].notes
    I.start(world.gov_office, batch.pk)
    p.refresh_from_db()
    assert p.phone == old
    row = AuditRecord.objects.get(action="update_person")
    assert row.before == {"phone": "13000000000"} and row.after == {"phone": old}


@pytest.mark.django_db
def test_every_error_of_the_spoiled_file_is_named_in_its_row_and_nothing_is_imported(world):
    import_reference(world)
    items_before = Item.objects.count()
    batch, plan = upload(world.cppcc_office, "items_500_errors.xlsx", session=world.cppcc_session)
    bad = {r.row: " ".join(r.errors) for r in plan.rows if r.errors}
    assert set(bad) == set(ERRORS)
    for row, (_, _, words) in ERRORS.items():
        assert words in bad[row], (row, bad[row])
    assert "是否为“区教育局”" in bad[5] or "是否为" in bad[5]  # a close name is offered
    assert plan.counts[ERROR] == len(ERRORS) and plan.counts[CREATE] == 500 - len(ERRORS)
    with pytest.raises(BanliError) as e:
        I.start(world.cppcc_office, batch.pk)
    assert "没有导入任何内容" in e.value.zh
    assert Item.objects.count() == items_before
    assert ImportBatch.objects.get(pk=batch.pk).state == ImportBatch.State.PREVIEWED


@pytest.mark.django_db
def test_who_may_import_what(world):
    for user in (world.lead_liaison, world.member, world.district_leader):
        with pytest.raises(BanliError) as e:
            upload(user, "items_500.xlsx", session=world.cppcc_session)
        assert e.value.code in ("forbidden", "invalid") and e.value.status in (400, 403)
    # An assembly office imports its own assembly's items, never the other's, nor reference data.
    with pytest.raises(BanliError):
        upload(world.npc_office, "items_500.xlsx", session=world.cppcc_session)
    with pytest.raises(BanliError) as e:
        upload(world.cppcc_office, "reference.xlsx", kind="reference")
    assert e.value.code == "forbidden"
    assert ImportBatch.objects.count() == 0
    # Someone else's batch is not found, and cannot be started.
    batch, _ = upload(world.gov_office, "reference.xlsx", kind="reference")
    with pytest.raises(BanliError) as e:
        I.start(world.cppcc_office, batch.pk)
    assert e.value.code == "not_found"
    assert not Unit.objects.filter(name="区住房和城乡建设局").exists()


@pytest.mark.django_db
def test_a_file_that_is_not_excel_is_refused_in_words_and_not_kept(world):
    f = SimpleUploadedFile("items.xls", b"\xd0\xcf\x11\xe0 old excel", content_type="application/vnd.ms-excel")
    with pytest.raises(BanliError) as e:
        I.upload(world.cppcc_office, kind="items", upload_file=f, session_id=world.cppcc_session.pk)
    assert "另存为 .xlsx" in e.value.zh and ImportBatch.objects.count() == 0


@pytest.mark.django_db
def test_rows_without_a_number_arrive_for_registration_and_match_by_title_and_proposer(world):
    import io

    from openpyxl import load_workbook

    import_reference(world)
    wb = load_workbook(DATA / "items_500.xlsx")
    ws = wb.active
    ws.delete_rows(22, ws.max_row)  # 20 rows
    for row in ws.iter_rows(min_row=2):
        row[0].value = None  # not yet registered: no number
    data = io.BytesIO()
    wb.save(data)
    f = lambda: SimpleUploadedFile("received.xlsx", data.getvalue())  # noqa: E731
    batch, plan = I.upload(world.cppcc_office, kind="items", upload_file=f(), session_id=world.cppcc_session.pk)
    assert plan.ok and plan.counts[CREATE] == 20 and all("待立案审查" in r.notes[0] for r in plan.rows)
    I.start(world.cppcc_office, batch.pk)
    items = Item.objects.filter(session=world.cppcc_session)
    assert items.count() == 20 and set(items.values_list("state", flat=True)) == {ItemState.SUBMITTED}
    assert set(items.values_list("number", flat=True)) == {None}
    assert Deadline.objects.filter(item__in=items, kind="register", state="open").count() == 20
    again, plan2 = I.upload(world.cppcc_office, kind="items", upload_file=f(), session_id=world.cppcc_session.pk)
    assert plan2.counts[UNCHANGED] == 20


def test_with_a_broker_a_large_import_goes_to_the_workers_task(settings, monkeypatch):
    from banli.celery import app
    from banli.imports import jobs
    from banli.imports.tasks import run_import

    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, args=None, kwargs=None, **options: sent.append((name, list(args))))
    settings.CELERY_TASK_ALWAYS_EAGER = False
    jobs.dispatch(42)
    assert sent == [("banli.run_import", [42])]
    assert run_import.name == "banli.run_import" and "banli.run_import" in app.tasks
