from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render

from taizhang.supervision.choices import Light, Status, UnitRole

from .models import Unit


def unit_tree(units):
    """Nested ``(unit, children)`` pairs from a flat list, in one pass."""
    children = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)

    def branch(parent_id):
        return [(u, branch(u.pk)) for u in children.get(parent_id, [])]

    return branch(None)


@login_required
def units(request):
    """单位树: the organisation's units with their open and red tasks."""
    open_states = Status.open_states()
    rows = Unit.objects.filter(organisation_id=request.user.organisation_id).annotate(
        open_tasks=Count(
            "task_units",
            distinct=True,
            filter=Q(
                task_units__role__in=UnitRole.acting(), task_units__task__status__in=open_states
            ),
        ),
        red_tasks=Count(
            "task_units",
            distinct=True,
            filter=Q(task_units__role__in=UnitRole.acting(), task_units__task__light=Light.RED),
        ),
    )
    return render(request, "org/units.html", {"tree": unit_tree(rows)})
