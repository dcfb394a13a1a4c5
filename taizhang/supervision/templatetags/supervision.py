from django import template
from django.core.exceptions import FieldDoesNotExist

from ..models import Task
from ..services import UNIT_FIELDS

register = template.Library()


@register.filter
def field_label(name):
    """The user's word for a field named in a timeline change (deadline → 办理时限)."""
    if name in UNIT_FIELDS:
        return UNIT_FIELDS[name].label
    try:
        return Task._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return name
