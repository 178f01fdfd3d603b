"""The search index: one document per item and reader scope, holding the item's searchable text
cut into pieces (banli.search.pieces). The full-text index over it is the database's own:

- SQLite: an FTS5 table (search_fts) whose content is this table, kept in step by triggers (migration
  0001), so a document is in the index within the transaction that writes it, for others once it
  commits, and never if it rolls back.
- PostgreSQL: the tokens' tsvector, a column PostgreSQL computes on every write (`vector`,
  GENERATED ... STORED), with a GIN index per scope.

Both are written only by banli.search.index and read only by banli.search.query."""

from django.db import models
from django.db.models import Lookup

from banli.proposals.models import Item


class SearchDocument(models.Model):
    class Scope(models.TextChoices):
        # Staff: what the staff list's q= searched before the index (title, 案由, 建议), for
        # everyone who may see the item; public: what the public site shows of a published item.
        STAFF = "staff", "工作人员"
        PUBLIC = "public", "公众"

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="search_documents")
    scope = models.CharField(max_length=6, choices=Scope.choices)
    tokens = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "scope"], name="search_document_one_per_scope")]

    def __str__(self):
        return f"{self.item_id}/{self.scope}"


class FtsMatchField(models.TextField):
    """FTS5's hidden column named as its table, which takes `MATCH query` (lookup `match`)."""


@FtsMatchField.register_lookup
class Match(Lookup):
    # A lookup rather than an expression, so that Django joins the FTS table with an inner join
    # (the condition can only hold for a row that is there), and SQLite drives the query from it.
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class FtsRow(models.Model):
    """The SQLite FTS5 table as Django sees it, so that a query can join it to the documents and
    read its match and rank through ordinary lookups (banli.search.query). Not managed: the
    migration creates it on SQLite only; PostgreSQL never reads it."""

    document = models.OneToOneField(SearchDocument, primary_key=True, db_column="rowid", on_delete=models.DO_NOTHING,
                                    related_name="fts", db_constraint=False)
    # FTS5's hidden columns: the one named as the table takes MATCH, `rank` is bm25() (lower is better).
    text = FtsMatchField(db_column="search_fts")
    rank = models.FloatField(db_column="rank")

    class Meta:
        managed = False
        db_table = "search_fts"
