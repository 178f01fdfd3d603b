"""The tokenizer: the same pieces for the text and the query (banli.search.pieces)."""

import pytest
from hypothesis import given, strategies as st

from banli.search.pieces import document, pieces, query_parts

pytestmark = pytest.mark.django_db


def test_a_chinese_run_becomes_overlapping_pairs_and_its_last_character():
    assert pieces("养老服务") == ["养老", "老服", "服务", "务"]
    assert pieces("车") == ["车"]
    # Punctuation (half- or full-width) and spaces end a run: no piece spans them.
    assert pieces("停车场，养老院") == ["停车", "车场", "场", "养老", "老院", "院"]


def test_letters_and_digits_become_lowercased_words_after_nfkc():
    assert pieces("5G基站 WiFi6 ＡＢＣ１２３ café") == ["5g", "基站", "站", "wifi6", "abc123", "café"]
    assert pieces("二〇二五年") == ["二〇", "〇二", "二五", "五年", "年"]
    assert pieces("…！？<>\"'") == []


def test_a_document_cuts_each_text_on_its_own():
    assert document("养老", "服务") == "养老 老 服务 务"


def test_a_query_word_is_its_runs_each_a_phrase_or_a_prefix():
    assert query_parts("加装电梯") == [(["加装", "装电", "电梯"], False)]
    assert query_parts("梯") == [(["梯"], True)]
    assert query_parts("5G基站") == [(["5g"], True), (["基站"], False)]
    assert query_parts("“（）”") == []


HAN = st.text(alphabet=st.sampled_from("养老服务停车场加装电梯垃圾分类"), min_size=1, max_size=12)


@given(text=HAN, start=st.integers(0, 11), size=st.integers(2, 6))
def test_every_chinese_substring_is_a_sequence_of_the_texts_pieces(text, start, size):
    """Why bigrams recall every word: a substring of two or more characters of a run is its pairs,
    and they stand in the text's pieces at consecutive positions."""
    word = text[start:start + size]
    if len(word) < 2:
        return
    (seq, prefix), = query_parts(word)
    got = pieces(text)
    assert not prefix
    assert any(got[i:i + len(seq)] == seq for i in range(len(got)))
