"""Template helpers of the rectification pages: ``{% load rectification_pages %}``."""

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from taizhang.utils.templatetags.figures import pct

from ..choices import MeasureKind, Progress, Seriousness
from ..models import Plan, Problem

register = template.Library()

# Changes the services record that are not a field of a plan or a problem.
OTHER_CHANGES = {
    "aspects": _("Aspect"),
    "tasks": _("Tasks"),
    "units": _("Responsible units"),
}


# One rounding of rates for every page that shows them.
register.filter("pct", pct)


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
