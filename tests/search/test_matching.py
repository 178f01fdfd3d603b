"""Finding items (banli.search.query.matching): words found wherever they stand, phrases in
order, every word required, best match first, and no query the reader can type raises."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banli.proposals.models import Item
from banli.search.query import MAX_QUERY, matching, terms
from tests.builders import make_item
from tests.search.helpers import found

pytestmark = pytest.mark.django_db


def draft(world, title, reason="", suggestions=""):
    return make_item(world, state="draft", title=title, reason=reason, suggestions=suggestions)


@pytest.fixture
def items(world):
    return {
        "parking": draft(world, "关于缓解医院周边停车难的建议", "医院停车场车位不足，路边停车占道。", "建设立体停车场。"),
        "elderly": draft(world, "关于发展社区养老服务的建议", "养老院床位紧张。", "推广居家养老。"),
        "lift": draft(world, "关于老旧小区加装电梯的建议", "老年居民上下楼难。", "简化加装电梯审批。"),
        "reversed": draft(world, "关于电梯维保的建议", "电梯老化，应加装监测装置。", ""),
        "latin": draft(world, "关于推进5G基站和WiFi6覆盖的建议", "ＡＢＣ１２３园区。", ""),
        "sorting": draft(world, "关于垃圾分类的建议", "推行垃圾分类。", ""),
    }


def test_two_character_words_are_found_inside_longer_words(items):
    assert set(found("停车")) == {items["parking"].pk}  # 停车场, 停车难, 路边停车
    assert set(found("养老")) == {items["elderly"].pk}  # 养老服务, 养老院, 居家养老
    assert set(found("车场")) == {items["parking"].pk}  # the middle of 停车场


def test_longer_words_are_phrases_in_order(items):
    assert found("加装电梯") == [items["lift"].pk]  # 电梯…加装 in "reversed" is not a match
    assert found("垃圾分类") == [items["sorting"].pk]
    assert found("养老服务") == [items["elderly"].pk]
    assert found("服务养老") == []


def test_one_character_is_found_anywhere_in_a_run(items):
    assert set(found("梯")) == {items["lift"].pk, items["reversed"].pk}  # the last character of 电梯 too
    assert items["elderly"].pk in found("居")


def test_latin_words_and_digits_are_found_by_their_start_whatever_their_case_or_width(items):
    pk = items["latin"].pk
    assert found("5G") == found("５ｇ") == found("wifi") == found("WiFi6") == found("abc123") == found("ABC") == [pk]
    assert found("wifi7") == found("bc123") == []


def test_every_word_is_required(items):
    assert found("停车 医院") == [items["parking"].pk]
    assert found("停车 养老") == []


def test_the_better_match_comes_first(world):
    once = draft(world, "关于城市更新的建议", "本区正推进城市更新，" * 20 + "其中涉及养老设施。", "统筹规划用地。" * 10)
    often = draft(world, "关于发展养老事业的建议", "养老床位不足，养老护理人员短缺。", "加大养老投入。")
    assert found("养老") == [often.pk, once.pk]
    ranks = dict(matching(Item.objects.all(), "养老", scope="staff").values_list("pk", "search_rank"))
    assert ranks[often.pk] < ranks[once.pk]  # lower is better, as bm25


@pytest.mark.parametrize("q", ["", "   ", "，。！？", "“”《》（）", "*", '"', "()", "-", ":", "^", "+", "'", "\\", "%", "_"])
def test_a_query_with_nothing_searchable_matches_nothing(items, q):
    assert terms(q) == []
    assert found(q) == []


@pytest.mark.parametrize("q", ['"停车', '停车"', "停车*", "(停车)", "-停车", "停车:", "停车^", "{停车}", "停车'", "停车\\", "停车 +医院",
                               "停车-医院", "[停车]"])
def test_query_syntax_is_never_read_as_syntax(items, q):
    """FTS5 and tsquery operators are just characters here: the words around them are searched."""
    assert found(q) == [items["parking"].pk]


@pytest.mark.parametrize("q", ["NEAR(停车 医院)", "停车 AND 医院", "停车 OR 养老", "NOT 养老", "col:停车", "title:停车"])
def test_operator_names_are_words_like_any_other(items, q):
    """AND, OR, NEAR, NOT, a column name: words the reader typed, required like the others, and
    in no item here."""
    assert found(q) == []


def test_what_is_read_of_the_query(items):
    assert terms("  停车  养老 停车 ，") == ["停车", "养老"]
    assert len("".join(terms("停车" * 200))) == MAX_QUERY


def test_matching_is_two_queries_whatever_it_finds(world):
    def run():
        with CaptureQueriesContext(connection) as ctx:
            list(matching(Item.objects.all(), "停车 建议", scope="staff").order_by("search_rank"))
        return len(ctx)

    draft(world, "关于停车的建议")
    one = run()
    for n in range(4):
        draft(world, f"关于第{n}处停车场的建议")
    # PostgreSQL reads the sessions (newest first), then the list's own query with one branch per
    # session; SQLite orders every match by session in one query.
    assert run() == one == (2 if connection.vendor == "postgresql" else 1)
