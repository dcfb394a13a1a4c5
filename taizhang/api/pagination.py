from rest_framework.pagination import LimitOffsetPagination

# Beyond any database's integer, a limit or offset is a client's mistake, not a query.
MAX_OFFSET = 2**31 - 1


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """``?limit=&offset=`` with a ceiling on both, so no number can overflow the query."""

    max_limit = 500

    def get_offset(self, request):
        return min(super().get_offset(request), MAX_OFFSET)
