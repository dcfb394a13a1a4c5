"""The ledger as it stood on a past day, read from the history each task keeps.

A task is open on a day (在办) when it had been assigned (交办) by the end of that day and was
neither closed (销号) nor cancelled (中止) by then; it is overdue on that day when it was open
and its deadline had passed. Closing is ``closed_at``; cancelling is its CANCEL event. The
deadline is the task's current one (an extension granted later moves it). The ledger's filters
(``open_on``, ``overdue_on``, ``closed``) and the reports' figures use these same conditions,
so that every figure equals the length of the list it links to. Days are the office's days
(``__date`` reads the active time zone, Asia/Shanghai by default).

Each condition reads a task's fields; ``task="task__"`` reads them from a model that points to
the task (a unit's part in it: the figures by unit).
"""

from django.db.models import Exists, F, OuterRef, Q

from .choices import Action, Status, UnitRole
from .models import TaskEvent, TaskUnit


def _q(task, **lookups):
    return Q(**{f"{task}{name}": value for name, value in lookups.items()})


def cancelled_by(day, task=""):
    return Exists(
        TaskEvent.objects.filter(
            task=OuterRef(f"{task}pk"), action=Action.CANCEL, created_at__date__lte=day
        )
    )


def open_on(day, task=""):
    """Assigned by the end of ``day``, not closed nor cancelled by then."""
    not_closed = _q(task, closed_at__isnull=True) | _q(task, closed_at__date__gt=day)
    return _q(task, assigned_at__date__lte=day) & not_closed & ~cancelled_by(day, task)


def overdue_on(day, task=""):
    """Open on ``day`` with its deadline before it (逾期)."""
    return open_on(day, task) & _q(task, deadline__lt=day)


def closed_between(start, end, task=""):
    """Closed (销号, not cancelled) between the two days, both included."""
    condition = _q(task, status=Status.CLOSED, closed_at__isnull=False)
    if start:
        condition &= _q(task, closed_at__date__gte=start)
    if end:
        condition &= _q(task, closed_at__date__lte=end)
    return condition


def closed_on_time(task=""):
    """Closed on or before its deadline (按期办结)."""
    return _q(task, status=Status.CLOSED, closed_at__date__lte=F(f"{task}deadline"))


def unsigned_since(moment):
    """Running tasks with an acting unit that has not signed for them (未签收), assigned before
    ``moment``."""
    waiting = TaskUnit.objects.filter(
        task=OuterRef("pk"), role__in=UnitRole.acting(), signed_at__isnull=True
    )
    return Q(status__in=Status.open_states(), assigned_at__lt=moment) & Exists(waiting)
