"""Reading the search index: what a reader typed, the items that match it, best first, and the
text with the words marked.

A query is cut by the same tokenizer as the documents (banli.search.pieces) and every word of it
is required. The query string handed to the database is built here from pieces only (Chinese
characters, letters, digits), each quoted, so nothing the reader types (quotes, *, NEAR, AND, :,
parentheses, -) is ever read as the database's query syntax; a query with nothing searchable
matches nothing.

    items = matching(Item.objects.all(), "养老 停车", scope="staff").order_by("search_rank", "-id")

search_rank is lower for a better match on both databases, so that ascending order is best first,
as FTS5's own rank: bm25() on SQLite, minus ts_rank normalised by the document's length on
PostgreSQL. Both count how often the words occur and weigh a long document's occurrences less,
so they agree on which of two items is better where one clearly is (the figures differ)."""

from __future__ import annotations

import re
import unicodedata

from django.db import connection
from django.db.models import BooleanField, Case, Exists, F, FloatField, Func, QuerySet, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import keys, pieces

MAX_QUERY = 100  # characters read of what the reader typed, as the staff list did before


def terms(q) -> list[str]:
    """The words the reader typed (split on spaces, the first MAX_QUERY characters), each once,
    leaving out those with nothing searchable in them (punctuation only)."""
    out = []
    for word in str(q or "").strip()[:MAX_QUERY].split():
        if pieces.query_parts(word) and word not in out:
            out.append(word)
    return out


def _parts(q) -> list[tuple[tuple[str, ...], bool]]:
    """Every (pieces in sequence, is a prefix) the query requires, each once."""
    out = []
    for word in terms(q):
        for seq, prefix in pieces.query_parts(word):
            if (tuple(seq), prefix) not in out:
                out.append((tuple(seq), prefix))
    return out


def fts5_query(parts) -> str:
    # A quoted string of pieces is a phrase; a trailing * makes its last piece a prefix.
    # Juxtaposed phrases are all required (FTS5's implicit AND).
    return " ".join('"' + " ".join(seq).replace('"', '""') + '"' + (" *" if prefix else "") for seq, prefix in parts)


def tsquery(parts) -> str:
    # <-> requires the next lexeme at the next position (a phrase); :* is a prefix; & requires all.
    def lexeme(p):
        return "'" + p.replace("\\", "\\\\").replace("'", "''") + "'"

    return " & ".join("(" + " <-> ".join(lexeme(p) for p in seq) + (":*" if prefix else "") + ")" for seq, prefix in parts)


class _Match(Func):
    """tsvector @@ tsquery, as a condition filter() takes."""
    arg_joiner = " @@ "
    template = "%(expressions)s"
    output_field = BooleanField()


class _Vector(Func):
    """The document's stored tsvector: the column `vector` of the row whose `tokens` is given,
    which PostgreSQL computes from them (migration 0001; Django's model does not know it)."""

    def as_sql(self, compiler, connection, **extra):
        tokens = self.get_source_expressions()[0]
        return f"{compiler.quote_name_unless_alias(tokens.alias)}.{connection.ops.quote_name('vector')}", []


class _TsQuery(Func):
    template = "to_tsquery('simple'::regconfig, %(expressions)s)"


# How many matches a search ranks and lists at most: the best of the newest sessions' matches.
# A reader never pages past a few hundred; a common word (养老) is in tens of thousands of items
# over the years, and ranking or counting them all grows with the history. Beyond it the lists say
# "N 件以上" and suggest another word or a filter.
CANDIDATES = 500


def _matched(qs: QuerySet, parts, scope: str) -> QuerySet:
    """The items of qs whose document of this scope has every part, with search_rank."""
    # The condition and the scope in one filter(): one join to the documents, which the rank reuses.
    if connection.vendor == "sqlite":
        qs = qs.filter(search_documents__scope=scope, search_documents__fts__text__match=fts5_query(parts))
        return qs.annotate(search_rank=F("search_documents__fts__rank"))
    vector, rank = _ranked(parts)
    return qs.filter(_Match(vector, _TsQuery(Value(tsquery(parts)))), search_documents__scope=scope).annotate(search_rank=rank)


def _ranked(parts, tokens: str = "search_documents__tokens"):
    """PostgreSQL: the document's vector, and its rank for the words (lower is better); `tokens`
    names the documents' column from the query's model (the items', or the documents' own)."""
    vector = _Vector(F(tokens))
    # Normalisation 1: divided by 1 + log(length), as bm25 weighs long documents less; negated,
    # as bm25 is (lower is better).
    return vector, -Func(vector, _TsQuery(Value(tsquery(parts))), Value(1), function="ts_rank", output_field=FloatField())


class _KeyedTsQuery(Func):
    """PostgreSQL: the words AND the key of the session `sess.id` of the enclosing LATERAL join
    (see _newest_sessions_first), or, for a unit's staff, AND one of their units' keys of that
    session (banli.search.keys), as a tsquery. A key is letters and digits: no quotes needed."""
    output_field = FloatField()  # never read: only the right side of @@

    def __init__(self, words: str, units=()):
        super().__init__(Value(words))
        self.units = sorted(int(u) for u in units)

    def as_sql(self, compiler, connection, **extra):
        words, params = compiler.compile(self.get_source_expressions()[0])
        session = f"sess.{connection.ops.quote_name('id')}"
        if self.units:
            either = " || ' | ' || ".join(f"'{keys.UNIT_PREFIX}{u}s' || {session}" for u in self.units)
            narrowed = f"' & (' || {either} || ')'"
        else:
            narrowed = f"' & {keys.SESSION_PREFIX}' || {session}"
        return f"to_tsquery('simple'::regconfig, {words} || {narrowed})", params


def _newest_sessions_first(qs: QuerySet, parts, scope: str, units) -> list[int]:
    """PostgreSQL: the ids of at most CANDIDATES matches, the best of the newest session first.

    For each session, newest first (a LATERAL join: one probe per session, in order), the index
    is asked for the words AND the session's key (or one of the units' keys of the session): the GIN index
    intersects the lists, so a probe reads only its session's matches, ranked by the words alone
    (a key in the rank would favour short documents), and the LIMIT stops the probes once it has
    enough. Each match's item is then tested against qs (may this reader read it, do the other
    filters hold) by key (banli.proposals.access.by_key): a join of the documents to
    qs let PostgreSQL hash all of qs instead once its statistics were fresh (the public search at
    1M items read the 613,592 published items' index for each session: 205 ms). The ids come back
    to Python: the list's own query, with its many joins, then starts from them (PostgreSQL would
    otherwise join every item before the few it needs)."""
    from banli.org.models import Session
    from banli.proposals.access import by_key

    from .models import SearchDocument

    vector, rank = _ranked(parts, tokens="tokens")
    # As a CASE, which PostgreSQL leaves a test of each match: a bare EXISTS it turns into a join,
    # and so may hash all of qs again (a unit's liaison: 16 s at 1M).
    readable = Case(When(Exists(qs.order_by().filter(by_key("pk", "item_id"))), then=Value(True)), default=Value(False),
                    output_field=BooleanField())
    probe = (SearchDocument.objects.filter(_Match(vector, _KeyedTsQuery(tsquery(parts), units or ())), readable, scope=scope)
             .annotate(search_rank=rank).order_by("search_rank", "-item_id").values("item_id")[:CANDIDATES])
    sql, params = probe.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT found.item_id FROM (SELECT id FROM {Session._meta.db_table} ORDER BY opens_on DESC, id DESC) AS sess "
                       f"CROSS JOIN LATERAL ({sql}) AS found LIMIT {CANDIDATES}", params)
        return [row[0] for row in cursor.fetchall()]


def matching(qs: QuerySet, q, *, scope: str, units=None, among=None) -> QuerySet:
    """The items of qs whose document of this scope ("staff" or "public") has every word of q,
    annotated with search_rank (lower is better); at most CANDIDATES of them: the best matches of
    the newest session, then of the one before, and so on until there are enough. With `units`
    (banli.proposals.access.search_units), only documents of those units' items are read. With
    `among` (banli.proposals.access.search_among: the few ids a member may read, which qs is
    already limited to), the words are tested on those documents by key: the same matches in the
    same order, without probing every match of a common word in the index.

    The caller orders (by search_rank, then -id, for relevance). On PostgreSQL the matches are
    found first, by a query that costs what the newest sessions' matches cost, however many years
    are kept (_newest_sessions_first); on SQLite, the embedded default for a district, a subquery
    of the list's own orders every match by session and rank: the same result."""
    parts = _parts(q)
    if not parts:
        # Nothing to search for: nothing found, and still a search_rank to order by.
        return qs.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
    if connection.vendor == "sqlite" or among is not None:
        found = (_matched(qs, parts, scope).order_by("-session__opens_on", "-session_id", "search_rank", "-pk")
                 .values("pk")[:CANDIDATES])
        if connection.vendor == "sqlite":
            # The rank exists only beside a MATCH: the list asks it again, of at most CANDIDATES rows.
            return _matched(qs.filter(pk__in=found), parts, scope)
        # PostgreSQL, a few readable ids: their documents found by key, in the order the session
        # probes give (newest session first, best first), and ranked again as below.
        return qs.filter(pk__in=[r["pk"] for r in found], search_documents__scope=scope).annotate(search_rank=_ranked(parts)[1])
    # The list ranks only what was found: the same rank, read again for at most CANDIDATES documents.
    return qs.filter(pk__in=_newest_sessions_first(qs, parts, scope, units), search_documents__scope=scope).annotate(
        search_rank=_ranked(parts)[1])


_FULL_WIDTH = re.compile("[\uff01-\uff5e]")  # full-width ASCII: NFKC maps each to one ASCII character


def _normalised_with_offsets(text: str) -> tuple[str, list[int] | range]:
    """The text normalised as the tokenizer does, with for each character of the result the index
    of the text's character it came from. Most text needs only its full-width ASCII mapped and
    lowering, which keep lengths; otherwise character by character (NFKC may change lengths)."""
    quick = _FULL_WIDTH.sub(lambda m: chr(ord(m.group()) - 0xFEE0), text).lower()
    if len(quick) == len(text) and unicodedata.is_normalized("NFKC", quick):
        return quick, range(len(text))
    out, where = [], []
    for i, ch in enumerate(text):
        n = pieces.normalise(ch)
        out.append(n)
        where += [i] * len(n)
    return "".join(out), where


def _pattern(q) -> re.Pattern | None:
    """What to mark: each Chinese run of the query wherever it stands; letters and digits at the
    start of a word (they match as a prefix of one); longest first."""
    alts = []
    for seq, prefix in _parts(q):
        run = seq[0] + "".join(p[-1] for p in seq[1:])
        han = bool(pieces.RUN.fullmatch(run).group(1))
        alts.append((run, re.escape(run) if han else rf"(?<![^\W_{pieces.HAN}]){re.escape(run)}"))
    if not alts:
        return None
    return re.compile("|".join(p for _, p in sorted(alts, key=lambda a: -len(a[0]))))


def highlight(text, q, *, around: int | None = None) -> SafeString:
    """The text, HTML-escaped, with every occurrence of the query's words in <mark>; with `around`,
    cut to about that many characters around the first occurrence, with … where it was cut."""
    text = str(text or "")
    pattern = _pattern(q)
    spans = []
    if pattern is not None:
        norm, where = _normalised_with_offsets(text)
        for m in pattern.finditer(norm):
            start, end = where[m.start()], where[m.end() - 1] + 1
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
            else:
                spans.append((start, end))
    lo, hi = 0, len(text)
    if around is not None and len(text) > around:
        first = spans[0][0] if spans else 0
        lo = max(0, min(first - around // 3, len(text) - around))
        hi = lo + around
    out = ["…"] if lo > 0 else []
    pos = lo
    for start, end in spans:
        if end <= lo or start >= hi:
            continue
        start, end = max(start, lo), min(end, hi)
        out += [escape(text[pos:start]), "<mark>", escape(text[start:end]), "</mark>"]
        pos = end
    out.append(escape(text[pos:hi]))
    if hi < len(text):
        out.append("…")
    return mark_safe("".join(out))
