"""Items like a given one: duplicates for the office to merge knowingly (并案) while registering,
the same subject for a proposer while drafting, and the past items whose handling units are worth
suggesting (banli.proposals.suggestions).

Two steps, the same on both databases:

1. **Candidates from the index.** The title's subject (关于…的提案 without its frame) is cut into
   four-character phrases (three consecutive pieces: 加装电梯, 老旧小区), and the index is asked for
   documents with ANY of them, best first (bm25 on SQLite, ts_rank on PostgreSQL), within a pool
   of sessions named by their keys (banli.search.keys), so the GIN index narrows by session too.
   A phrase, not a single piece: 加快 or 工作 is in every other item; 加装电梯 is a subject.
2. **Scored in Python**, for at most POOL candidates: the share of two-character pieces the titles
   share (Dice), and the same for the bodies, the title weighing more. Generic pieces of proposal
   writing (关于, 加强, 推进…) count a fifth. The words shown as the reason are the longest runs of
   the title that the other item also has (养老服务, 加装电梯), never only generic ones.

The score does not depend on the database's own rank, which differs between the two (bm25 knows
how rare a word is, ts_rank does not): the rank only picks which POOL candidates are scored."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F, FloatField, Func, QuerySet, Value

from . import keys, pieces
from .query import _Match, _TsQuery, _Vector

POOL = 40  # candidates scored in Python: a session's near duplicates rank within its first few
MATCHED = 1000  # PostgreSQL: matches ranked at most (see candidates)
MIN_SCORE = 0.3  # below it two items share a place or a generic phrase, not a subject (tuned on the demo: same-subject pairs score 0.67 and up there, others at most 0.35)
TITLE_WEIGHT = 0.65
GENERIC_WEIGHT = 0.2

# The frame of a title, which every item has: 关于……的提案 / 的建议 / 的意见.
_FRAME = re.compile(r"^\s*关于|(?:的)?(?:提案|建议|议案|意见)\s*$")
# Pieces of proposal writing that say nothing of the subject (from the demo's and a real district's
# titles: each is in more than one title in twenty whatever the subject).
GENERIC = frozenset(
    "关于 提案 建议 的提 的建 于加 于推 于进 于做 于优 于完 于提 加强 推进 进一 一步 加快 推动 强化 优化 完善 提升 提高 "
    "做好 促进 我区 全区 工作 问题 有关 相关 进行 的问 题的 建设 管理 服务 发展 体系 机制 能力 水平 质量 实施 落实 "
    "保障 规范 支持 力度 一些 进一 的工 工作 作的 和发 设的 理的".split())

LEADING = ("进一步", "关于", "加强", "推进", "加快", "推动", "强化", "优化", "完善", "提升", "提高", "做好", "促进", "规范",
           "支持", "实施", "落实", "稳妥", "切实", "着力", "积极")
TRAILING = ("工作", "问题", "的", "和")


@dataclass
class Similar:
    item_id: int
    score: float  # 0..1
    shared: list[str]  # the words the two share, longest first
    row: dict = field(default_factory=dict)  # the candidate's fields as the caller asked for them


def subject(title: str) -> str:
    """The title without its frame: 关于加快既有住宅加装电梯工作的提案 -> 加快既有住宅加装电梯工作."""
    return _FRAME.sub("", _FRAME.sub("", title or "")).strip()


def _han_pairs(text: str) -> list[str]:
    return [p for p in pieces.pieces(text) if len(p) == 2 and pieces.RUN.fullmatch(p).group(1)]


def phrases(text: str, size: int = 3) -> list[tuple[str, ...]]:
    """Phrases of `size` consecutive pieces (size + 1 characters) of the text's Chinese runs, each
    once, leaving out those made only of generic pieces."""
    out = []
    for run, han in pieces.runs(text):
        if not han or len(run) < size + 1:
            continue
        pairs = [run[i:i + 2] for i in range(len(run) - 1)]
        for k in range(len(pairs) - size + 1):
            phrase = tuple(pairs[k:k + size])
            if phrase not in out and not all(p in GENERIC for p in phrase):
                out.append(phrase)
    return out


def _asked(title: str) -> list[tuple[str, ...]]:
    """What the index is asked for: four-character phrases of the subject (加装电梯, 老旧小区), which
    few unrelated items share even among a province's hundreds of thousands; three-character ones
    when the subject is too short to give two of those."""
    core = subject(title) or title
    found = phrases(core, 3)
    if len(found) < 2:
        found = phrases(core, 2) or phrases(title, 2)
    return found[:40]  # a title is short; a pasted paragraph is not a title


def _fts5(phrase_list) -> str:
    return " OR ".join('"' + " ".join(p) + '"' for p in phrase_list)


def _tsquery(phrase_list, session_ids) -> str:
    anyof = " | ".join("(" + " <-> ".join(f"'{x}'" for x in p) + ")" for p in phrase_list)
    if session_ids:
        return "(" + " | ".join(keys.session_key(s) for s in session_ids) + f") & ({anyof})"
    return anyof


def candidates(qs: QuerySet, title: str, *, fields, scope: str = "staff", session_ids=None, limit: int = POOL) -> list[dict]:
    """At most `limit` items of qs whose document shares a phrase of the title's subject, best
    first by the database's rank, as dicts of `fields` (plus title, reason, suggestions). One query."""
    found = _asked(title)
    if not found:
        return []
    want = list(dict.fromkeys(["pk", "title", "reason", "suggestions", *fields]))
    if session_ids is not None:
        qs = qs.filter(session_id__in=list(session_ids))
    if connection.vendor == "sqlite":
        qs = qs.filter(search_documents__scope=scope, search_documents__fts__text__match=_fts5(found))
        return list(qs.order_by("search_documents__fts__rank", "-pk").values(*want)[:limit])
    # Characters of a phrase are Chinese only (see phrases): nothing to quote.
    query = _TsQuery(Value(_tsquery(found, session_ids)))
    vector = _Vector(F("search_documents__tokens"))
    # Ranking reads every matched document; the index finds them for far less. So the matches are
    # found first, at most MATCHED of them (the newest), and only those are ranked: in a province's
    # sessions a common phrase can still match thousands, and the likeliest duplicates share several.
    matched = list(qs.filter(_Match(vector, query), search_documents__scope=scope).order_by("-pk").values_list("pk", flat=True)[:MATCHED])
    rank = Func(vector, query, Value(1), function="ts_rank", output_field=FloatField())
    ranked = qs.filter(pk__in=matched, search_documents__scope=scope).annotate(similar_rank=rank)
    return list(ranked.order_by("-similar_rank", "-pk").values(*want)[:limit])


def _weighted(a: set, b: set) -> float:
    """Dice's coefficient with generic pieces counting GENERIC_WEIGHT."""
    def w(s):
        return sum(GENERIC_WEIGHT if p in GENERIC else 1.0 for p in s)
    total = w(a) + w(b)
    return 2 * w(a & b) / total if total else 0.0


def _trimmed(word: str) -> str:
    """The word without the verbs that open a title and the nouns that close one (加强青少年体育
    -> 青少年体育, 加装电梯工作 -> 加装电梯); "" when only generic pieces are left."""
    changed = True
    while changed:
        changed = False
        for verb in LEADING:
            if word.startswith(verb) and len(word) > len(verb):
                word, changed = word[len(verb):], True
        for noun in TRAILING:
            if word.endswith(noun) and len(word) > len(noun):
                word, changed = word[:-len(noun)], True
    pairs = {word[k:k + 2] for k in range(len(word) - 1)}
    return word if len(word) >= 2 and not pairs <= GENERIC else ""


def shared_words(text: str, other: set[str], *, shortest: int = 2) -> list[str]:
    """The longest runs of `text` whose every piece is in `other` (a set of pieces), longest first,
    each once, leaving out those of generic pieces only."""
    words = []
    for run, han in pieces.runs(subject(text)):
        if not han:
            continue
        i = 0
        while i < len(run) - 1:
            if run[i:i + 2] not in other:
                i += 1
                continue
            j = i + 1
            while j < len(run) - 1 and run[j:j + 2] in other:
                j += 1
            word = _trimmed(run[i:j + 1])
            if len(word) >= shortest and word not in words:
                words.append(word)
            i = j
    return sorted(words, key=lambda w: (-len(w), words.index(w)))


def score(title: str, body: str, rows: list[dict], *, limit: int, minimum: float = MIN_SCORE) -> list[Similar]:
    """The rows (candidates with title, reason, suggestions) scored against the title and body,
    best first, at most `limit` of them at or above `minimum`."""
    t = set(_han_pairs(subject(title)))
    b = set(_han_pairs(body))
    out = []
    for row in rows:
        rt = set(_han_pairs(subject(row["title"])))
        rb = set(_han_pairs(f"{row.get('reason') or ''}\n{row.get('suggestions') or ''}"))
        s = TITLE_WEIGHT * _weighted(t, rt) + (1 - TITLE_WEIGHT) * (_weighted(b, rb) if b and rb else _weighted(t, rb))
        if s >= minimum:
            out.append(Similar(row["pk"], round(s, 3), shared_words(title, rt | rb)[:5], row))
    out.sort(key=lambda s: (-s.score, -s.item_id))
    return out[:limit]


def similar(qs: QuerySet, *, title: str, body: str = "", fields=(), scope: str = "staff", session_ids=None,
            exclude=(), limit: int = 5) -> list[Similar]:
    """The items of qs most like the given title and body, best first (see the module's docstring)."""
    rows = [r for r in candidates(qs, title, fields=fields, scope=scope, session_ids=session_ids, limit=POOL + len(exclude))
            if r["pk"] not in set(exclude)]
    return score(title, body, rows, limit=limit)
