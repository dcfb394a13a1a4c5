"""The burden meter (减负): what the system itself asks of each unit in a period — tasks
assigned, progress reports written, reminders received, the same task registered twice —
and how many working days its sign-for (签收) took after 交办. The organisation sets the
thresholds (ReportSettings); a unit above one is flagged, so that the supervisor sees it
before assigning more (整治形式主义为基层减负: no 过度留痕, no 多头填报).

Each figure is one grouped query over the organisation's units, whatever their number."""

import statistics

from django.db.models import CharField, Count, Exists, F, OuterRef, Q, StringAgg, Value
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.org.models import Unit
from taizhang.supervision import history
from taizhang.supervision.choices import Action, UnitRole
from taizhang.supervision.filters import ACTING
from taizhang.supervision.models import ProgressReport, Task, TaskEvent, TaskUnit, UnitReminder
from taizhang.utils.db import day_end, day_start
from taizhang.utils.workdays import working_days_between

from . import links, periods
from .models import ReportSettings

FIGURES = {
    "assigned": _("Tasks assigned"),
    "reports": _("Progress reports written"),
    "reminders": _("Reminders received"),
    "duplicates": _("Tasks registered twice"),
    "sign_days": _("Working days to sign for (mean)"),
}


def _by_unit(queryset, field="unit"):
    return dict(queryset.order_by().values_list(field).annotate(n=Count("pk")))


def unit_burden(user, period, settings, units=None):
    """A row per unit of the organisation (or of ``units``, ids), the flagged first: its
    figures, each against the threshold that applies, with the list behind it where there is
    one. Seven queries.

    A unit is asked for work where it acts (lead, responsible, cooperating); a supervising
    part asks nothing of it."""
    # The period's first and last moments in the office's days, compared as bounds.
    since, until = day_start(period.start), day_end(period.end)
    tasks = Task.objects.visible_to(user)
    chosen = Unit.objects.filter(organisation_id=user.organisation_id)
    if units is not None:
        chosen = chosen.filter(pk__in=units)
    parts = TaskUnit.objects.filter(task__in=tasks, role__in=UnitRole.acting())
    if units is not None:
        parts = parts.filter(unit__in=units)
    months = max(1, len(list(period.months())))
    assigned = _by_unit(parts.filter(history.assigned_between(period.start, period.end, "task__")))
    # The visible tasks' rows of the period, read from the time index (``task__in`` would
    # have the planner read every task's instead).
    of_tasks = Exists(tasks.filter(pk=OuterRef("task_id")))
    reports = _by_unit(
        ProgressReport.objects.filter(
            of_tasks, unit__in=chosen, created_at__gte=since, created_at__lt=until
        )
    )
    # 催办: the daily digests, and those sent by hand (each names the unit it reminds).
    reminders = _by_unit(
        UnitReminder.objects.filter(unit__in=chosen, day__gte=period.start, day__lte=period.end)
    )
    by_hand = _by_unit(
        TaskEvent.objects.filter(
            of_tasks,
            action=Action.REMIND,
            unit__in=chosen,
            created_at__gte=since,
            created_at__lt=until,
        )
    )
    # 多头填报: two registrations of one task (the same title) for the same unit, one
    # of them assigned in the period.
    twice = {}
    for unit_id, title, ids in _duplicates(parts, since, until):
        twice.setdefault(unit_id, []).append({"title": title, "ids": ids})
    signed = {}
    for unit_id, assigned_at, signed_at in (
        parts.filter(signed_at__gte=since, signed_at__lt=until, task__assigned_at__isnull=False)
        .order_by()
        .values_list("unit", "task__assigned_at", "signed_at")
    ):
        days = working_days_between(timezone.localdate(assigned_at), timezone.localdate(signed_at))
        signed.setdefault(unit_id, []).append(max(days, 0))
    rows = []
    for unit in chosen.order_by("sort_order", "code"):
        pk = unit.pk
        count = {
            "assigned": assigned.get(pk, 0),
            "reports": reports.get(pk, 0),
            "reminders": reminders.get(pk, 0) + by_hand.get(pk, 0),
            "duplicates": len(twice.get(pk, [])),
        }
        days = signed.get(pk, [])
        sign_days = round(statistics.fmean(days), 1) if days else None
        per_month = {
            "reports": round(count["reports"] / months, 1),
            "reminders": round(count["reminders"] / months, 1),
        }
        flags = [
            name
            for name, over in (
                ("reports", per_month["reports"] > settings.burden_reports_per_month),
                ("reminders", per_month["reminders"] > settings.burden_reminders_per_month),
                ("duplicates", count["duplicates"] > 0),
                ("sign_days", sign_days is not None and sign_days > settings.unsigned_working_days),
            )
            if over
        ]
        if not any(count.values()) and sign_days is None:
            continue
        rows.append(
            {
                "unit": unit,
                **count,
                "per_month": per_month,
                "sign_days": sign_days,
                "signed": len(days),
                "twice": twice.get(pk, []),
                "flags": flags,
                "links": {
                    "assigned": links.ledger(
                        unit=unit.code,
                        unit_role=ACTING,
                        assigned_after=period.start.isoformat(),
                        assigned_before=period.end.isoformat(),
                    ),
                    "duplicates": links.ledger(
                        id=",".join(str(i) for d in twice.get(pk, []) for i in d["ids"])
                    )
                    if pk in twice
                    else "",
                },
            }
        )
    rows.sort(key=lambda r: (-len(r["flags"]), -r["reminders"], -r["reports"], r["unit"].code))
    return {"rows": rows, "months": months, "settings": settings}


def _duplicates(parts, since, until):
    """(unit, title, [task ids]) for each title a unit has twice among its tasks alive in
    the period (assigned before it ended, not closed nor cancelled before it began), one of
    them assigned in the period: one query."""
    alive = (
        parts.filter(task__assigned_at__lt=until)
        .exclude(task__closed_at__lt=since)
        .exclude(task__cancelled_at__lt=since)
    )
    groups = (
        alive.order_by()
        .values("unit", title=F("task__title"))
        .annotate(
            n=Count("pk"),
            recent=Count("pk", filter=Q(task__assigned_at__gte=since)),
            ids=StringAgg(Cast("task_id", CharField()), Value(",")),
        )
        .filter(n__gt=1, recent__gt=0)
    )
    return sorted(
        (g["unit"], g["title"], sorted(int(i) for i in g["ids"].split(","))) for g in groups
    )


def before_assigning(task, user):
    """减负 at the moment of 交办: the task's acting units over a threshold this month, each
    with what it is over (supervision/hints.py shows them above the assign button)."""
    settings = ReportSettings.of(user.organisation_id)
    units = [tu.unit_id for tu in task.task_units.all() if tu.role in UnitRole.acting()]
    meter = unit_burden(user, periods.parse(None), settings, units=units)
    page = reverse("reports:burden")
    return [
        (row["unit"], [_over(flag, row, settings) for flag in row["flags"]], page)
        for row in meter["rows"]
        if row["flags"]
    ]


def _over(flag, row, settings):
    value, limit = {
        "reports": (row["per_month"]["reports"], settings.burden_reports_per_month),
        "reminders": (row["per_month"]["reminders"], settings.burden_reminders_per_month),
        "duplicates": (row["duplicates"], 0),
        "sign_days": (row["sign_days"], settings.unsigned_working_days),
    }[flag]
    return _("%(figure)s %(value)s, above %(limit)s") % {
        "figure": FIGURES[flag],
        "value": value,
        "limit": limit,
    }
