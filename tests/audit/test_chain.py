"""The audit trail's SM3 hash chain (issue 15.2): an intact chain passes `verify_audit`; an UPDATE
or a DELETE of a row by raw SQL, behind the application's back, is caught and the row named."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from banli.audit.chain import GENESIS, canonical, digest, sm3
from banli.audit.models import AuditRecord
from banli.audit.service import record, record_many

pytestmark = pytest.mark.django_db


def test_sm3_is_the_national_standard_hash():
    # GB/T 32905-2016, appendix A.1: SM3("abc").
    assert sm3(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def write_rows(user, n=5):
    return [record(actor=user, action="update_unit", target=user, before={"phone": f"021-{i}"}, after={"phone": f"021-{i + 1}", "when": datetime.date(2026, 1, i + 1)},
                   note=f"第{i}次") for i in range(n)]


def verify():
    """(exit status, what the command printed)."""
    import io

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", "--batch", "2", stdout=out, stderr=err)
    except CommandError as e:
        return e.returncode, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def table():
    return connection.ops.quote_name(AuditRecord._meta.db_table)


def test_each_row_carries_the_hash_of_its_content_and_of_the_row_before(world):
    rows = write_rows(world.gov_office)
    stored = list(AuditRecord.objects.order_by("id").values())
    assert stored[0]["prev_hash"] == GENESIS or stored[0]["id"] != rows[0].pk
    for before, row in zip(stored, stored[1:]):
        assert row["prev_hash"] == before["hash"]
    for row in stored:
        assert len(row["hash"]) == 64 and row["hash"] == digest(row)
    # The canonical form is JSON with sorted keys over the named fields, the previous hash included.
    body = canonical(**{k: stored[-1][k] for k in ("id", "at", "actor_id", "action", "item_id", "target_type", "target_id", "before",
                                                      "after", "note", "prev_hash")})
    assert body.startswith(b'{"action":"update_unit","actor_id":') and f'"prev":"{stored[-2]["hash"]}"'.encode() in body


def test_an_intact_chain_passes(world):
    write_rows(world.gov_office)
    status, out = verify()
    assert status == 0 and out.startswith("OK") and f"共 {AuditRecord.objects.count()} 条" in out


def test_an_update_of_a_row_by_raw_sql_is_caught_and_the_row_named(world):
    rows = write_rows(world.gov_office)
    victim = rows[2]
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {table()} SET after = %s WHERE id = %s", ['{"phone": "13900000000"}', victim.pk])
    status, out = verify()
    assert status == 1
    assert f"第 {victim.pk} 号记录" in out and "update_unit" in out and "记录内容被改动" in out


def test_an_update_that_also_recomputes_the_hash_is_caught_at_the_next_row(world):
    rows = write_rows(world.gov_office)
    victim = rows[2]
    row = AuditRecord.objects.values().get(pk=victim.pk)
    row["note"] = "改过"
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {table()} SET note = %s, hash = %s WHERE id = %s", ["改过", digest(row), victim.pk])
    status, out = verify()
    assert status == 1 and f"第 {rows[3].pk} 号记录" in out and "上一条记录的哈希与本条所记不符" in out


def test_a_delete_of_a_row_by_raw_sql_is_caught_and_the_next_row_named(world):
    rows = write_rows(world.gov_office)
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {table()} WHERE id = %s", [rows[1].pk])
    status, out = verify()
    assert status == 1 and f"第 {rows[2].pk} 号记录" in out and "之前的记录缺失" in out and f"上一条为 {rows[0].pk} 号" in out


def test_a_row_inserted_by_hand_is_caught(world):
    write_rows(world.gov_office, 2)
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {table()} (at, actor_id, action, item_id, target_type, target_id, before, after, note, prev_hash, hash) "
                    f"VALUES (%s, NULL, 'forged', NULL, '', NULL, %s, %s, '', '', '')",
                    [datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), "{}", "{}"])
    status, out = verify()
    assert status == 1 and "forged" in out


def test_the_bulk_path_chains_in_list_order_and_continues_after_single_rows(world):
    from django.db import transaction

    write_rows(world.gov_office, 2)
    with transaction.atomic():
        rows = record_many([AuditRecord(actor_id=world.gov_office.pk, action="ask_question", target_type="question", target_id=i,
                                        after={"to_unit": i}, at=datetime.datetime(2025, 3, 1, 8, i, tzinfo=datetime.UTC)) for i in range(5)])
    assert [r.pk for r in rows] == sorted(r.pk for r in rows)
    write_rows(world.gov_office, 1)
    assert verify()[0] == 0


def test_security_events_are_chained_with_the_rest(world, rf):
    from banli.audit.security import security_event

    write_rows(world.gov_office, 1)
    request = rf.get("/login/", REMOTE_ADDR="10.1.2.3")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    security_event("login_failed", request=request, username="nobody")
    row = AuditRecord.objects.order_by("-id").first()
    assert row.action == "security.login_failed" and row.after["ip"] == "10.1.2.3" and row.hash == digest(AuditRecord.objects.values().get(pk=row.pk))
    assert verify()[0] == 0


def test_an_anchor_from_an_earlier_run_catches_the_newest_rows_deleted(world):
    rows = write_rows(world.gov_office, 4)
    anchor = f"{rows[-1].pk}:{rows[-1].hash}"
    import io

    out = io.StringIO()
    call_command("verify_audit", "--expect", anchor, stdout=out)
    assert out.getvalue().startswith("OK")
    with connection.cursor() as cur:  # the newest two rows: the chain before them is whole
        cur.execute(f"DELETE FROM {table()} WHERE id >= %s", [rows[-2].pk])
    assert verify()[0] == 0
    err = io.StringIO()
    with pytest.raises(CommandError) as e:
        call_command("verify_audit", "--expect", anchor, stdout=io.StringIO(), stderr=err)
    assert e.value.returncode == 1 and f"第 {rows[-1].pk} 号记录（上次校验的最后一条）已不在链中" in err.getvalue()
