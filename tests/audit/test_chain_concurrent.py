"""Two writers at once keep the chain whole (PostgreSQL: the advisory lock orders the rows by
commit). Transactional: each thread has its own connection and commits for real."""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction

from banli.audit.chain import verify
from banli.audit.models import AuditRecord
from banli.audit.service import record

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writing transactions by itself (BEGIN IMMEDIATE)")
def test_two_concurrent_writers_keep_the_chain_valid():
    user = get_user_model().objects.create(username="writer")
    errors, per_thread = [], 25

    def writer(name):
        try:
            for i in range(per_thread):
                with transaction.atomic():
                    record(actor=user, action="update_unit", target=user, after={"writer": name, "i": i})
                    time.sleep(0.002)  # hold the transaction open: the other writer must wait, not fork the chain
        except Exception as e:  # reported below
            errors.append(e)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = verify(batch=7)
    assert result.broken is None and result.count == AuditRecord.objects.count() == 2 * per_thread
    writers = list(AuditRecord.objects.order_by("id").values_list("after__writer", flat=True))
    assert writers.count("a") == writers.count("b") == per_thread
