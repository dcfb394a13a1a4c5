"""The ledger list's column headers (sortable where the page sorts)."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, key, label, css=""):
    """A ``<th>``: a link sorting by ``key`` (again: the other way) on a page that sorts
    (the ledger: ``query_without_sort`` in the context), the label alone elsewhere."""
    classes = format_html(' class="{}"', css) if css else ""
    if "query_without_sort" not in context:
        return format_html("<th{}>{}</th>", classes, label)
    current = context.get("sort") or ""
    ascending = current == key
    target = f"-{key}" if ascending else key
    query = context["query_without_sort"]
    url = f"?{query}&sort={target}" if query else f"?sort={target}"
    state, arrow = "none", ""
    if current in (key, f"-{key}"):
        state, arrow = ("ascending", " ↑") if ascending else ("descending", " ↓")
    return format_html(
        '<th{} aria-sort="{}"><a class="sort-link" href="{}" hx-get="{}" hx-target="#ledger-table"'
        ' hx-push-url="true" data-sort="{}" title="{}">{}{}</a></th>',
        classes,
        state,
        url,
        url,
        key,
        _("Sort by %(column)s") % {"column": label},
        label,
        arrow,
    )
