from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    """Keyset pages over the primary key, newest first: stable under inserts, no OFFSET."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
