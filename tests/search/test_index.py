"""Keeping the index (banli.search.index): inside each action's transaction, from the records,
in bulk; the public documents hold only what the public site shows; the command rebuilds it."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from banli.errors import BanliError
from banli.proposals import actions
from banli.search.index import fill_if_empty, reindex
from banli.search.models import SearchDocument
from tests.builders import make_item
from tests.search.helpers import found

pytestmark = pytest.mark.django_db


def test_a_new_draft_is_searchable_by_its_proposer_s_words_at_once(world):
    item = make_item(world, state="draft", title="关于规范共享单车停放的建议")
    assert found("共享单车") == [item.pk]
    assert set(SearchDocument.objects.filter(item=item).values_list("scope", flat=True)) == {"staff"}


def test_editing_a_draft_changes_what_finds_it(world, member):
    item = make_item(world, state="draft", title="关于规范共享单车停放的建议")
    actions.edit_draft(member, item.pk, title="关于增设充电桩的建议")
    assert found("充电桩") == [item.pk]
    assert found("共享单车") == []


def test_the_index_changes_inside_the_action_s_transaction_and_rolls_back_with_it(world, member):
    item = make_item(world, state="draft", title="关于规范共享单车停放的建议")
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.edit_draft(member, item.pk, title="关于增设充电桩的建议")
        assert found("充电桩") == [item.pk]  # searchable within the transaction that wrote it
        raise RuntimeError("what follows the action fails: the whole transaction is undone")
    assert found("充电桩") == []
    assert found("共享单车") == [item.pk]


def test_a_refused_action_leaves_the_index_as_it_was(world, other_member):
    item = make_item(world, state="draft", title="关于规范共享单车停放的建议")
    before = list(SearchDocument.objects.values_list("pk", "tokens"))
    with pytest.raises(BanliError):
        actions.edit_draft(other_member, item.pk, title="关于增设充电桩的建议")
    assert list(SearchDocument.objects.values_list("pk", "tokens")) == before


def test_a_repeated_reindex_writes_nothing(world):
    item = make_item(world, state="draft")
    assert reindex([item.pk]) == {"written": 0, "deleted": 0}


def published(world, **fields):
    item = make_item(world, state="replied", consent_publish=True, **fields)
    actions.decide_publication(world.gov_office, item.pk, publish=True)
    return item


def test_public_search_finds_only_published_items_and_what_the_public_sees_of_them(world):
    item = published(world, title="关于增设公共充电桩的建议")
    hidden = make_item(world, state="replied", consent_publish=True, title="关于增设小区充电桩的建议")
    assert found("充电桩", scope="staff") == [hidden.pk, item.pk]
    assert found("充电桩", scope="public") == [item.pk]
    assert found("经研究答复", scope="public") == [item.pk]  # the published reply's words
    assert found(world.lead_unit.name, scope="public") == [item.pk]  # the handling unit
    assert found("12345678", scope="public") == []  # the reply's contact phone is never public
    assert found("经研究答复", scope="staff") == []  # the staff list searches title, 案由 and 建议 only


def test_a_revoked_publication_leaves_public_search_at_once(world, gov_office):
    item = published(world, title="关于增设公共充电桩的建议")
    actions.revoke_publication(gov_office, item.pk, reason="委员要求撤下")
    assert found("充电桩", scope="public") == []
    assert found("充电桩", scope="staff") == [item.pk]
    assert not SearchDocument.objects.filter(item=item, scope="public").exists()


def test_reindex_runs_a_fixed_number_of_queries_whatever_the_number_of_items(world):
    ids = [published(world, title=f"关于第{n}处充电桩的建议").pk for n in range(3)]
    ids += [make_item(world, state="submitted").pk]

    def queries(some):
        SearchDocument.objects.filter(item_id__in=some).update(tokens="")  # each is rewritten
        with CaptureQueriesContext(connection) as ctx:
            reindex(some)
        return len(ctx)

    assert queries(ids[:1] + ids[-1:]) == queries(ids)


def test_the_command_rebuilds_a_lost_index(world):
    item = published(world, title="关于增设公共充电桩的建议")
    SearchDocument.objects.all().delete()
    assert found("充电桩") == found("充电桩", scope="public") == []
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert found("充电桩") == found("充电桩", scope="public") == [item.pk]
    assert "items=1 written=2 deleted=0 staff=1 public=1" in out.getvalue()
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)  # again: nothing to write
    assert "written=0" in out.getvalue()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table is SQLite's")
def test_the_command_restores_an_emptied_fts_index(world):
    item = make_item(world, state="draft", title="关于增设公共充电桩的建议")
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")
    assert found("充电桩") == []
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert found("充电桩") == [item.pk]


def test_a_database_with_items_and_no_index_is_indexed_after_migrate(world):
    item = make_item(world, state="draft", title="关于增设公共充电桩的建议")
    SearchDocument.objects.all().delete()
    fill_if_empty()
    assert found("充电桩") == [item.pk]


def test_the_public_list_searches_the_public_documents_best_first(world):
    from banli.portal.selectors import item_list

    once = published(world, title="关于城市更新的建议", reason="本区正推进城市更新，" * 10 + "兼顾充电桩布点。")
    often = published(world, title="关于增设公共充电桩的建议", reason="充电桩数量不足。")
    make_item(world, state="replied", consent_publish=True, title="关于增设小区充电桩的建议")  # not published
    page = item_list({"q": "充电桩"})
    assert [row["id"] for row in page.rows] == [often.pk, once.pk] and page.total == 2
    assert page.rows[0]["title_marked"] == "关于增设公共<mark>充电桩</mark>的建议"
