"""Template helpers of the rectification pages: ``{% load rectification_pages %}``."""

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from ..choices import MeasureKind, Progress, Seriousness
from ..models import Plan, Problem

register = template.Library()

# Changes the services record that are not a field of a plan or a problem.
OTHER_CHANGES = {
    "aspects": _("Aspect"),
    "tasks": _("Tasks"),
    "units": _("Responsible units"),
}


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


@register.filter
def change_label(name):
    """The user's word for a field named in a timeline change."""
    if name in OTHER_CHANGES:
        return OTHER_CHANGES[name]
    for model in (Plan, Problem):
        try:
            return model._meta.get_field(name).verbose_name
        except FieldDoesNotExist:
            continue
    return name


@register.filter
def change_value(value):
    return value if value not in (None, "") else "—"


@register.filter
def seriousness_colour(value):
    return Seriousness.colour(value)


@register.filter
def kind_colour(value):
    return MeasureKind.colour(value)


@register.filter
def progress_colour(value):
    return Progress.colour(value)


@register.filter
def progress_label(value):
    """A problem's ``progress`` annotation in the user's words."""
    return Progress(value).label if value in Progress.values else ""
