"""The good 500-row file imported in the background (a thread: it reads committed rows, so this file
runs with a transactional database; kept apart so the rest of tests/imports runs in rollback mode
and before the flush, see tests/conftest.py's check of mixed files)."""

import pytest

from banli.audit.models import AuditRecord
from banli.deadlines.models import Deadline
from banli.imports import actions as I
from banli.imports.models import ImportBatch
from banli.imports.plan import CREATE, UNCHANGED
from banli.proposals.models import CoSigner, Item, ItemState
from banli.search.models import SearchDocument
from tests.imports.test_import import import_reference, upload, wait_done


# serialized_rollback: the flush after it would otherwise drop the migrated defaults for the tests after it
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_good_file_imports_completely_in_the_background_and_again_changes_nothing(world):
    import_reference(world)
    batch, plan = upload(world.cppcc_office, "items_500.xlsx", session=world.cppcc_session)
    assert plan.ok and plan.counts[CREATE] == 500
    started = I.start(world.cppcc_office, batch.pk)  # 500 rows: in a thread, the page answers at once
    assert started.state in (ImportBatch.State.RUNNING, ImportBatch.State.DONE)
    done = wait_done(batch.pk)
    assert done.state == ImportBatch.State.DONE, done.error
    assert done.summary == {"items_created": 500, "items_unchanged": 0} and done.done == 500
    items = Item.objects.filter(session=world.cppcc_session)
    assert items.count() == 500 and set(items.values_list("state", flat=True)) == {ItemState.REGISTERED}
    assert sorted(items.values_list("number", flat=True)) == list(range(1, 501))
    world.cppcc_session.refresh_from_db()
    assert world.cppcc_session.last_number == 500  # the next registered item is 第0501号
    first = items.get(number=1)
    assert first.proposer.name and first.title.startswith("关于")
    assert CoSigner.objects.filter(item__session=world.cppcc_session, state=CoSigner.State.CONFIRMED).exists()
    assert Item.suggested_units.through.objects.filter(item__session=world.cppcc_session).exists()
    assert AuditRecord.objects.filter(action="import_item").count() == 500
    assert AuditRecord.objects.get(action="import_items").note.startswith("导入文件：items_500.xlsx")
    assert Deadline.objects.filter(item__session=world.cppcc_session, kind="register", state="met").count() == 500
    assert SearchDocument.objects.filter(item__session=world.cppcc_session, scope="staff").count() == 500
    # The same file again: every row matches, nothing is written.
    audits = AuditRecord.objects.count()
    again, plan2 = upload(world.cppcc_office, "items_500.xlsx", session=world.cppcc_session)
    assert plan2.counts[UNCHANGED] == 500 and plan2.ok
    I.start(world.cppcc_office, again.pk)
    assert wait_done(again.pk).summary == {"items_created": 0, "items_unchanged": 500}
    assert items.count() == 500 and AuditRecord.objects.count() == audits
