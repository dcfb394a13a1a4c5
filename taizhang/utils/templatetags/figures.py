"""Figures as the reports and the modules' statistics pages show them: ``{% load figures %}``."""

from django import template

register = template.Library()


@register.filter
def pct(rate):
    """A rate (0–1) as a percentage to one decimal where it needs one (89.1%, 50%), honestly
    rounded: never 100% while something is left, never 0% once something is done; a dash
    when nothing is counted."""
    if rate is None:
        return "—"
    value = round(rate * 100, 1)
    if value == 100 and rate < 1:
        value = 99.9
    elif value == 0 and rate > 0:
        value = 0.1
    return f"{value:.1f}".removesuffix(".0") + "%"
