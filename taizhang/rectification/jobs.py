"""The daily job of rectification: periodic reports of ongoing measures (长期坚持), and open
problems whose committed date has just passed."""

import datetime

from django.tasks import task
from django.utils import timezone

from taizhang.supervision.choices import Status as TaskStatus

from . import services
from .choices import MeasureKind, PlanStatus
from .models import Measure, Problem


@task
def refresh_rectification(day=None):
    """Idempotent: each reminder is sent once (per cadence, or the day after the date)."""
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    running = {"plan__status": PlanStatus.IN_PROGRESS}
    reports = 0
    ongoing = Measure.objects.filter(
        kind=MeasureKind.ONGOING, task__status__in=TaskStatus.open_states(), **running
    ).select_related("task")
    for measure in ongoing:
        if services.report_due(measure, today):
            reports += services.remind_report(measure, today=today)
    passed = Problem.objects.filter(committed_date=today - datetime.timedelta(days=1), **running)
    committed = sum(services.remind_committed(p, today=today) for p in passed)
    return {"day": today.isoformat(), "report_reminders": reports, "committed_passed": committed}
