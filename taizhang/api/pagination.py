from rest_framework.pagination import LimitOffsetPagination

from taizhang.utils.paging import in_order

# Beyond any database's integer, a limit or offset is a client's mistake, not a query.
MAX_OFFSET = 2**31 - 1


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """``?limit=&offset=`` with a ceiling on both, so no number can overflow the query."""

    max_limit = 500

    def get_offset(self, request):
        return min(super().get_offset(request), MAX_OFFSET)


class IdsFirstPagination(BoundedLimitOffsetPagination):
    """The same, for long lists: the page's ids first, then its rows (``utils.paging``)."""

    def paginate_queryset(self, queryset, request, view=None):
        rows = super().paginate_queryset(queryset.values_list("pk", flat=True), request, view)
        if not rows:
            return rows
        return in_order(queryset, rows)
