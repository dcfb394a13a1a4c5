"""The ledger as it stood on a past day, read from the history each task keeps.

A task is open on a day (在办) when it had been assigned (交办) by the end of that day and was
neither closed (销号) nor cancelled (中止) by then; it is overdue on that day when it was open
and its deadline had passed. The moments are the task's ``assigned_at``, ``closed_at`` and
``cancelled_at``. The deadline is the task's current one (an extension granted later moves
it). The ledger's filters (``open_on``, ``overdue_on``, ``closed``) and the reports' figures
use these same conditions, so that every figure equals the length of the list it links to.
Days are the office's days (the active time zone, Asia/Shanghai by default), compared as
bounds (utils/db.py) so that each condition is the database's own comparison.

Each condition reads a task's fields; ``task="task__"`` reads them from a model that points to
the task (a unit's part in it: the figures by unit).
"""

from django.db.models import F, Q
from django.utils import timezone

from taizhang.utils.db import DayEnd, day_end, day_start

from .choices import Light, Status, UnitRole
from .models import TaskUnit


def _q(task, **lookups):
    return Q(**{f"{task}{name}": value for name, value in lookups.items()})


def open_on(day, task=""):
    """Assigned by the end of ``day``, not closed nor cancelled by then."""
    end = day_end(day)
    if day >= timezone.localdate():
        # Nothing is closed or cancelled later than now: open then is open now, which the
        # indexes of the open tasks serve (models.OPEN).
        return _q(task, assigned_at__lt=end, closed_at__isnull=True, cancelled_at__isnull=True)
    return (
        _q(task, assigned_at__lt=end)
        & (_q(task, closed_at__isnull=True) | _q(task, closed_at__gte=end))
        & (_q(task, cancelled_at__isnull=True) | _q(task, cancelled_at__gte=end))
    )


def overdue_on(day, task=""):
    """Open on ``day`` with its deadline before it (逾期)."""
    return open_on(day, task) & _q(task, deadline__lt=day)


def closed_between(start, end, task=""):
    """Closed (销号, not cancelled) between the two days, both included."""
    condition = _q(task, status=Status.CLOSED, closed_at__isnull=False)
    if start:
        condition &= _q(task, closed_at__gte=day_start(start))
    if end:
        condition &= _q(task, closed_at__lt=day_end(end))
    return condition


def assigned_between(start, end, task=""):
    """Assigned (交办) between the two days, both included."""
    condition = _q(task, assigned_at__isnull=False)
    if start:
        condition &= _q(task, assigned_at__gte=day_start(start))
    if end:
        condition &= _q(task, assigned_at__lt=day_end(end))
    return condition


def closed_on_time(task=""):
    """Closed by the end of its deadline day (按期办结)."""
    return _q(task, status=Status.CLOSED, closed_at__lt=DayEnd(F(f"{task}deadline")))


def unsigned_since(moment):
    """Running tasks with an acting unit that has not signed for them (未签收), assigned before
    ``moment``. Read from the unsigned parts of running tasks, which are few and indexed
    (task_unit_unsigned_by_light: a part carries its task's light, none unless it runs)."""
    waiting = TaskUnit.objects.filter(
        signed_at__isnull=True,
        light__in=[light for light in Light if light != Light.NONE],
        role__in=UnitRole.acting(),
    )
    return Q(
        status__in=Status.open_states(), assigned_at__lt=moment, pk__in=waiting.values("task_id")
    )
