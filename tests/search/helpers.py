"""What the search tests share: the ids an Item search finds, best first."""

from banli.proposals.models import Item
from banli.search.query import matching


def found(q, scope="staff", qs=None) -> list[int]:
    qs = Item.objects.all() if qs is None else qs
    return list(matching(qs, q, scope=scope).order_by("search_rank", "-id").values_list("pk", flat=True))
