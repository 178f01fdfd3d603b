"""The office's batch of notices (打印交办单): the items the list shows with its current filter,
a page per notice in one PDF, or a ZIP of Word files; for one unit when the list is filtered by
unit. The same number of queries whatever the number of items."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from banli.paper.models import DocumentNumber
from tests.builders import make_item
from tests.web.pages import login

from .reading import assert_fonts_embedded, pdf_pages, pdf_text, word, word_text, zip_member, zip_names


def _queries(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, r.content[:300]
    return len(ctx.captured_queries), r


def test_one_page_per_notice_in_list_order_with_fonts_embedded(world):
    items = [make_item(world, "assigned", title=f"关于第{k}件事的建议") for k in range(3)]
    make_item(world, "submitted")  # not assigned: no notice
    r = login(world.gov_office).get(f"/items/notices.pdf?session={world.cppcc_session.pk}")
    assert pdf_pages(r.content) == 6  # lead and co-handling unit of each
    text = pdf_text(r.content)
    for item in items:
        assert item.title in text and item.display_number in text
    assert text.index(items[0].display_number) < text.index(items[2].display_number)
    assert DocumentNumber.objects.count() == 6
    assert_fonts_embedded(r.content)


def test_one_unit_of_the_list_filter_gets_its_own_notices_as_word_files(world):
    items = [make_item(world, "assigned") for _ in range(2)]
    r = login(world.gov_office).get(f"/items/notices.zip?unit={world.co_unit.pk}")
    names = zip_names(r.content)
    assert sorted(names) == sorted(f"交办单-{i.display_number}-区交通委.docx" for i in items)
    doc = word(zip_member(r.content, names[0]))
    assert "区交通委员会：" in word_text(doc) and "区住房和城乡建设委员会" in word_text(doc)  # the lead unit named on it


def test_nothing_assigned_says_so(world):
    make_item(world, "submitted")
    r = login(world.gov_office).get("/items/notices.pdf")
    assert r.status_code == 400 and "没有交办单可打印" in r.content.decode()


def test_the_batch_runs_a_fixed_number_of_queries(world):
    c = login(world.gov_office)
    make_item(world, "assigned")
    small, _ = _queries(c, "/items/notices.pdf")
    for _ in range(4):
        make_item(world, "assigned")
    large, r = _queries(c, "/items/notices.pdf")
    assert pdf_pages(r.content) == 10
    # session and user (2), the office's roles (actor_for: 1), the items' assignments with their
    # items, proposers, categories, sessions and units (1), the letterhead (1), numbering: begin,
    # counter insert-or-skip, lock, numbers already given, counter bump and read, new numbers,
    # audit row, commit (9); the audit row's place in the hash chain: the last row read (SQLite),
    # the chain's lock then the last row and the new id (PostgreSQL).
    chain = 2 if connection.vendor == "postgresql" else 1
    assert small == large == 14 + chain
    again, _ = _queries(c, "/items/notices.pdf")  # all numbered: no bump, no insert, no audit row
    assert again == 10
