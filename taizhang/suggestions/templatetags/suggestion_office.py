"""``{% load suggestion_office %}``: the office pages' figures, and the links to its tools."""

from django import template

from .. import rules

register = template.Library()


@register.filter
def rate(value):
    """A rate from ``stats`` (0.75) as people read it (75.0%); a dash when nothing was counted."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"


@register.inclusion_tag("suggestions/office/tools.html", takes_context=True)
def suggestion_office_tools(context):
    """The buttons of the office's tools the user may use, for the ledger's page header; the
    export keeps the list's filters (the query string)."""
    request = context["request"]
    user = request.user
    return {
        "query": request.GET.urlencode(),
        "can_export": user.is_authenticated and not user.is_administrator,
        "office": bool(rules.can_enter(user)),
        "sees_figures": user.is_authenticated and user.sees_whole_organisation,
    }
