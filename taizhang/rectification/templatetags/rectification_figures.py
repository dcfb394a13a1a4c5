"""The rates of the 整改进展 page: ``{{ rate|percent }}`` writes 89.1% (— with nothing to count)."""

from django import template

register = template.Library()


@register.filter
def percent(value):
    if value is None:
        return "—"
    return f"{value * 100:.1f}%".replace(".0%", "%")
