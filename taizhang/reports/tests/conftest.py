"""Fixtures of the reports' tests: a ledger whose history is known day by day."""

import datetime

import pytest
from django.utils import timezone

from taizhang.rectification.tests.conftest import make_plan  # noqa: F401 (the plans' fixture)
from taizhang.supervision.choices import Action
from taizhang.supervision.models import Task, TaskEvent


def moment(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def dated(task, *, assigned=None, closed=None, deadline=None):
    """The task's history moved to the given days (the conditions read these fields)."""
    fields = {}
    if assigned:
        fields["assigned_at"] = moment(assigned)
    if closed:
        fields["closed_at"] = moment(closed)
    if deadline:
        fields["deadline"] = deadline
    Task.objects.filter(pk=task.pk).update(**fields)
    return Task.objects.with_units().get(pk=task.pk)


D = datetime.date


@pytest.fixture
def history(make_task, units, people):
    """The ledger of late 2022, task by task (lead 统战部 unless said):

    - closed_on_time: assigned 10-01, due 11-15, closed 11-10
    - closed_late: assigned 10-01, due 11-15, closed 12-05 (open and overdue at the end of Nov)
    - running: assigned 11-20, due 2023-01-31, still running
    - later: assigned 12-10 (not yet open in November), lead 国资委
    - cancelled: assigned 10-01, due 11-01, cancelled 11-05
    - draft: never assigned
    """
    found = {
        "closed_on_time": dated(
            make_task("closed"),
            assigned=D(2022, 10, 1),
            deadline=D(2022, 11, 15),
            closed=D(2022, 11, 10),
        ),
        "closed_late": dated(
            make_task("closed"),
            assigned=D(2022, 10, 1),
            deadline=D(2022, 11, 15),
            closed=D(2022, 12, 5),
        ),
        "running": dated(
            make_task("in_progress"), assigned=D(2022, 11, 20), deadline=D(2023, 1, 31)
        ),
        "later": dated(
            make_task("in_progress", lead_unit=units["gzw"], responsible_units=[units["tzb"]]),
            assigned=D(2022, 12, 10),
        ),
        "cancelled": dated(
            make_task("cancelled"), assigned=D(2022, 10, 1), deadline=D(2022, 11, 1)
        ),
        "draft": make_task("draft"),
    }
    cancelled = moment(D(2022, 11, 5))
    TaskEvent.objects.filter(task=found["cancelled"], action=Action.CANCEL).update(
        created_at=cancelled
    )
    Task.objects.filter(pk=found["cancelled"].pk).update(cancelled_at=cancelled)
    return found
