"""Pages of long lists read in two steps: the page's ids, then its rows.

Ordering whole rows to keep twenty made the database carry every column (a task's body text
included) through the sort of every visible row; ordering ids alone walks an index, or sorts
narrow tuples, and the twenty rows are then read by primary key.
"""

from django.core.paginator import Paginator


def in_order(queryset, ids):
    """The rows with these ids, in this order, with ``queryset``'s joins and prefetches (not its
    annotations or deferred fields: the rows are read afresh by primary key)."""
    if not ids:
        return []
    rows = queryset.model._default_manager.filter(pk__in=ids)
    if queryset.query.select_related:
        rows.query.select_related = queryset.query.select_related
    rows = rows.prefetch_related(*queryset._prefetch_related_lookups)
    found = {row.pk: row for row in rows}
    return [found[pk] for pk in ids if pk in found]


def ids_first(queryset):
    """The rows of a sliced ``queryset``: its ids in its order, then those rows."""
    return in_order(queryset, list(queryset.values_list("pk", flat=True)))


class IdsFirstPaginator(Paginator):
    def _get_page(self, object_list, *args, **kwargs):
        return super()._get_page(ids_first(object_list), *args, **kwargs)
