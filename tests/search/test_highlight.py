"""The text with the words marked (banli.search.query.highlight): always escaped, every
occurrence marked, optionally cut to a snippet around the first one."""

import pytest
from django.utils.safestring import SafeString

from banli.search.query import highlight

pytestmark = pytest.mark.django_db


def test_the_text_is_escaped_and_the_words_marked():
    out = highlight('<script>alert("养老")</script> & 停车场', "养老 停车")
    assert isinstance(out, SafeString)
    assert out == '&lt;script&gt;alert(&quot;<mark>养老</mark>&quot;)&lt;/script&gt; &amp; <mark>停车</mark>场'


def test_a_query_that_looks_like_html_marks_nothing_unescaped():
    assert highlight("a<b>c", "<b>") == "a&lt;<mark>b</mark>&gt;c"
    assert highlight("养老", "<mark>") == "养老"


def test_every_occurrence_is_marked_and_neighbours_merge():
    assert highlight("养老养老，居家养老", "养老") == "<mark>养老养老</mark>，居家<mark>养老</mark>"
    assert highlight("加装电梯", "加装 电梯") == "<mark>加装电梯</mark>"


def test_latin_words_are_marked_at_a_word_start_whatever_their_case_or_width():
    assert highlight("WiFi6 wifi ＷＩＦＩ xwifi 无线WiFi", "wifi") == (
        "<mark>WiFi</mark>6 <mark>wifi</mark> <mark>ＷＩＦＩ</mark> xwifi 无线<mark>WiFi</mark>")


def test_no_query_or_no_match_gives_the_escaped_text():
    assert highlight("a<b", "") == "a&lt;b"
    assert highlight("a<b", "养老") == "a&lt;b"
    assert highlight(None, "养老") == ""


def test_a_snippet_around_the_first_match():
    text = "一二三四五六七八九十" * 5 + "养老" + "甲乙丙丁戊己庚辛壬癸" * 5
    out = highlight(text, "养老", around=30)
    assert out.startswith("…") and out.endswith("…")
    assert "<mark>养老</mark>" in out
    assert len(out.replace("<mark>", "").replace("</mark>", "")) == 30 + 2
    # Near the start: no cut before; short text: no cut at all; no match: the beginning.
    assert highlight("养老" + "一" * 50, "养老", around=10) == "<mark>养老</mark>" + "一" * 8 + "…"
    assert highlight("短文养老", "养老", around=10) == "短文<mark>养老</mark>"
    assert highlight("一" * 50, "养老", around=10) == "一" * 10 + "…"
