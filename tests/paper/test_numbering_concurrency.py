"""文号 under concurrent requests: eight threads at once never share a number. Threads need committed
rows, so this file runs with a transactional database, apart from tests/paper/test_numbering.py."""

import threading

import pytest
from django.db import connection

from banli.paper.models import DocumentKind, DocumentNumber, NumberCounter
from tests.paper.test_numbering import PATTERN, _office
from banli.paper.numbering import number_documents


# serialized_rollback: the flush after it would otherwise drop the migrated defaults for the tests after it
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_requests_at_the_same_moment_never_share_a_number(reference_data):
    """Eight requests at once, each for two documents of its own and all for one shared document:
    the shared one gets one number, the others sixteen different ones, with no gap."""
    from tests.builders import build_world
    world = build_world(reference_data)
    start, errors, results = threading.Barrier(8), [], []

    def request(k):
        try:
            start.wait(timeout=10)
            results.append(number_documents(DocumentKind.NOTICE, _office([1000, 2 * k + 1, 2 * k + 2]), pattern=PATTERN, actor=world.gov_office))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=request, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert len({r[1000].number for r in results}) == 1
    numbers = sorted(DocumentNumber.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 18))
    assert NumberCounter.objects.get().last == 17
