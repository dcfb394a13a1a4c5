from django import template
from django.core.exceptions import FieldDoesNotExist

from ..choices import UnitPart
from ..models import Suggestion

register = template.Library()

UNIT_CHANGES = {
    "lead_unit": UnitPart.LEAD,
    "joint_units": UnitPart.JOINT,
    "assisting_units": UnitPart.ASSISTING,
}


@register.filter
def change_label(name):
    """The user's word for a field named in a timeline change (deadline → 答复期限)."""
    if name in UNIT_CHANGES:
        return UNIT_CHANGES[name].label
    try:
        return Suggestion._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return name


@register.filter
def change_value(value):
    """A value as recorded in a change: lists joined, nothing as a dash."""
    if isinstance(value, (list, tuple)):
        value = "、".join(str(v) for v in value)
    return value if value not in (None, "") else "—"
