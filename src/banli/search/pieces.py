"""The tokenizer of the search index: the same function cuts what is indexed and what is asked.

Chinese has no spaces, so a word must be found wherever it stands. Each run of Chinese characters
becomes its overlapping two-character pieces, plus the run's last character on its own:

    养老服务中心 -> 养老 老服 服务 务中 中心 心

- A two-character word (养老, 停车) is one piece: found wherever it stands, 停车 inside 停车场
  or 路边停车 alike.
- A longer word is its pieces in sequence, asked as a phrase: 加装电梯 is 加装 装电 电梯 at
  consecutive positions, so it matches the text 加装电梯 and not 电梯…加装.
- A one-character word is asked as a prefix (老*): every character of a run starts some piece,
  the last one thanks to the single piece that ends the run. That single piece also keeps a
  phrase from running on from one run into the next (no piece spans the gap).
- Letters and digits become lowercased words (5G -> 5g, asked as a prefix). Text is NFKC-
  normalised first, so full-width ＡＢＣ１２３ is abc123 and a full-width comma separates.

The pieces are joined by spaces; both databases split them back on spaces, unchanged (SQLite
FTS5 unicode61 and PostgreSQL's 'simple' configuration keep a run of letters, Chinese or not, as
one token; tests/search/test_tokens.py checks it on each).

Why bigrams and not a segmenter (jieba 0.42, measured on 10,000 texts made as the benchmark makes
them, the demo's topics: title, 案由, 建议 and reply, 194 characters on average):

                                  bigrams      jieba (accurate)   jieba (search mode)
    tokens per item               171          88                 102
    cut time per 10k items        0.6 s        6.0 s              6.1 s  (+0.8 s to load jieba)
    SQLite FTS5 index, 10k items  9.4 MB       4.7 MB             5.4 MB
    PostgreSQL GIN index          5.6 MB       2.2 MB             2.5 MB
    recall 停车 / 学校 / 车位      1 / 1 / 1    0.67 / 0.60 / 0    1 / 1 / 1
    recall, 300 random 2-4
    character strings of the text  1.000       0.689              0.729
    false hits 加装电梯 / 垃圾分类   0 / 0        104 / 118 (the words apart, unless asked as a phrase)

A segmenter cuts 停车场 or 车位 into words of its own, so 停车 inside 停车场 is found only
where the segmenter happened to cut it out; a third of what a reader may type from a text does
not find that text. Bigrams find every string of two or more Chinese characters (a substring is
a sequence of pieces: recall 1 by construction), need no 20 MB dictionary in every process, and
cut ten times faster; they cost twice the index, which is small (under 1 KB an item).
"""

from __future__ import annotations

import re
import unicodedata

# Chinese (Han) characters: the unified ideographs with their extensions and compatibility forms,
# and 〇 (the ideographic zero of 二〇二五).
HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# A run of Han characters, or of other letters and digits (any script), after normalising.
RUN = re.compile(rf"([{HAN}]+)|([^\W_{HAN}]+)")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def runs(text: str) -> list[tuple[str, bool]]:
    """The runs of the normalised text, each with whether it is Chinese. Cut first and normalised
    run by run, where needed: NFKC over a whole text is slow (~0.3 µs a character, and Chinese text
    always needs it for its full-width punctuation), while the runs almost never need it, and
    what it does to punctuation does not matter here: punctuation only separates."""
    out = []
    for m in RUN.finditer((text or "").lower()):
        if unicodedata.is_normalized("NFKC", m.group(0)):
            out.append((m.group(0), m.group(1) is not None))
        else:  # full-width letters or digits, compatibility forms: normalise, cut again
            out += [(r.group(0), r.group(1) is not None) for r in RUN.finditer(normalise(m.group(0)))]
    return out


def _pairs(run: str) -> list[str]:
    return list(map(str.__add__, run, run[1:]))


def pieces(text: str) -> list[str]:
    """What a text is indexed as (see the module's docstring)."""
    out = []
    for run, han in runs(text):
        if han and len(run) > 1:
            out += _pairs(run)
        out.append(run[-1] if han else run)
    return out


def document(*texts: str) -> str:
    """The indexed form of some texts: their pieces joined by spaces (each text is cut on its own,
    so no piece spans two of them)."""
    return " ".join(joined for t in texts if (joined := " ".join(pieces(t))))


def query_parts(word: str) -> list[tuple[list[str], bool]]:
    """What one word of a query asks for: each of its runs as (pieces in sequence, is a prefix).
    A Chinese run of two or more characters is its pieces without the trailing single one (the
    text may go on after it); one character, or letters and digits, are a prefix."""
    out = []
    for run, han in runs(word):
        if han and len(run) > 1:
            out.append((_pairs(run), False))
        else:
            out.append(([run], True))
    return out
