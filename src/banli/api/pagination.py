from rest_framework.pagination import PageNumberPagination

from banli.paging import ListPaginator


class ItemPagination(PageNumberPagination):
    django_paginator_class = ListPaginator  # a search's total comes with its page (banli.paging)
    page_size_query_param = "page_size"
    max_page_size = 200
