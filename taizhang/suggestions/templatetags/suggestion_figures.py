from django import template

register = template.Library()


@register.filter
def rate(value):
    """A rate from ``stats`` (0.75) as people read it (75.0%); a dash when nothing was counted."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"
