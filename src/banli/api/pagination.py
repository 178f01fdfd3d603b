from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from banli.paging import STAFF_COUNT_CAP, StaffListPaginator


class ItemPagination(PageNumberPagination):
    # A search's total comes with its page; a list is counted up to STAFF_COUNT_CAP (banli.paging).
    django_paginator_class = StaffListPaginator
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_paginated_response(self, data):
        return Response({
            "count": self.page.paginator.count,
            "count_capped": self.page.paginator.count_capped,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        out = super().get_paginated_response_schema(schema)
        out["properties"]["count"]["description"] = (f"Matches, counted up to {STAFF_COUNT_CAP}; when count_capped is true there are "
                                                     f"more than count (a search's count is exact up to its candidates).")
        out["properties"] = {"count": out["properties"]["count"],
                             "count_capped": {"type": "boolean", "example": False,
                                              "description": f"true: more than {STAFF_COUNT_CAP} matches; count is {STAFF_COUNT_CAP}"},
                             **{k: v for k, v in out["properties"].items() if k != "count"}}
        out["required"] = [*out.get("required", []), "count_capped"]
        return out
