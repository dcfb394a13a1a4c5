"""整改进展: the figures offices count by hand today, computed from the problems and their
measures' tasks in SQL (a constant number of queries whatever the plan's size).

A problem is done (已完成) when it is closed or every measure not dropped is verified; a
measure is done when its task is verified and closed (销号). Rates are fractions (0–1), or
None when there is nothing to count. Each figure names the filter of the list behind it
(``filters.ProblemFilterSet`` / ``MeasureFilterSet``), so pages can link every number.
"""

import datetime

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from taizhang.org.models import Unit
from taizhang.supervision.choices import Status as TaskStatus
from taizhang.supervision.choices import UnitRole

from .choices import ProblemState, Progress
from .models import Measure, Problem


def rate(done, total):
    return done / total if total else None


def _measure_counts(measures, today):
    open_states = TaskStatus.open_states()
    return measures.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(task__status=TaskStatus.CLOSED)),
        on_time=Count(
            "pk",
            filter=Q(
                task__status=TaskStatus.CLOSED, task__closed_at__date__lte=F("task__deadline")
            ),
        ),
        overdue=Count("pk", filter=Q(task__status__in=open_states, task__deadline__lt=today)),
    )


def _problem_counts(problems):
    return problems.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(is_done=True)),
        closed=Count("pk", filter=Q(status=ProblemState.CLOSED)),
        overdue=Count("pk", filter=Q(progress=Progress.OVERDUE)),
    )


def plan_figures(plan, today=None):
    """The plan's headline: the contract's figures and the open problems with their dates."""
    today = today or timezone.localdate()
    problems = Problem.objects.filter(plan=plan).with_progress(today)
    p = _problem_counts(problems)
    m = _measure_counts(Measure.objects.filter(plan=plan).counted(), today)
    open_problems = list(
        problems.filter(is_done=False)
        .order_by("number")
        .values("pk", "number", "description", "committed_date", "progress")
    )
    open_measures = list(
        Measure.objects.filter(plan=plan)
        .counted()
        .exclude(task__status=TaskStatus.CLOSED)
        .order_by("problem__number", "position")
        .values("pk", "problem__number", "task__number", "task__title", "task__deadline")
    )
    return {
        "aspects_total": plan.aspects.count(),
        "problems_total": p["total"],
        "problems_done": p["done"],
        "problems_closed": p["closed"],
        "problems_overdue": p["overdue"],
        "problems_rate": rate(p["done"], p["total"]),
        "measures_total": m["total"],
        "measures_done": m["done"],
        "measures_on_time": m["on_time"],
        "measures_overdue": m["overdue"],
        "measures_rate": rate(m["done"], m["total"]),
        "measures_on_time_rate": rate(m["on_time"], m["done"]),
        "open_problems": open_problems,
        "open_measures": open_measures,
    }


def by_aspect(plan, today=None):
    """Per aspect: problems done and measures done, in the plan's order."""
    today = today or timezone.localdate()
    problems = {
        row["aspect"]: row
        for row in Problem.objects.filter(plan=plan)
        .with_progress(today)
        .values("aspect")
        .annotate(
            problems_total=Count("pk"),
            problems_done=Count("pk", filter=Q(is_done=True)),
            problems_overdue=Count("pk", filter=Q(progress=Progress.OVERDUE)),
        )
        .order_by()
    }
    measures = {
        row["problem__aspect"]: row
        for row in Measure.objects.filter(plan=plan)
        .counted()
        .values("problem__aspect")
        .annotate(
            measures_total=Count("pk"),
            measures_done=Count("pk", filter=Q(task__status=TaskStatus.CLOSED)),
        )
        .order_by()
    }
    rows = []
    for aspect in plan.aspects.order_by("position"):
        p = problems.get(aspect.pk, {})
        m = measures.get(aspect.pk, {})
        row = {
            "aspect": aspect,
            "problems_total": p.get("problems_total", 0),
            "problems_done": p.get("problems_done", 0),
            "problems_overdue": p.get("problems_overdue", 0),
            "measures_total": m.get("measures_total", 0),
            "measures_done": m.get("measures_done", 0),
        }
        row["problems_rate"] = rate(row["problems_done"], row["problems_total"])
        row["measures_rate"] = rate(row["measures_done"], row["measures_total"])
        rows.append(row)
    return rows


def by_unit(plan, today=None):
    """Per unit that leads measures (the 责任清单's units): measures done, on time, overdue,
    and the problems it leads; ordered by measures, most first."""
    today = today or timezone.localdate()
    open_states = TaskStatus.open_states()
    measures = (
        Measure.objects.filter(plan=plan, task__task_units__role=UnitRole.LEAD)
        .counted()
        .values("task__task_units__unit")
        .annotate(
            measures_total=Count("pk"),
            measures_done=Count("pk", filter=Q(task__status=TaskStatus.CLOSED)),
            measures_overdue=Count(
                "pk", filter=Q(task__status__in=open_states, task__deadline__lt=today)
            ),
        )
        .order_by()
    )
    problems = {
        row["lead_unit"]: row
        for row in Problem.objects.filter(plan=plan)
        .with_progress(today)
        .values("lead_unit")
        .annotate(problems_total=Count("pk"), problems_done=Count("pk", filter=Q(is_done=True)))
        .order_by()
    }
    by_id = {row["task__task_units__unit"]: row for row in measures}
    units = Unit.objects.in_bulk(set(by_id) | set(problems))
    rows = []
    for unit_id, unit in units.items():
        m, p = by_id.get(unit_id, {}), problems.get(unit_id, {})
        row = {
            "unit": unit,
            "measures_total": m.get("measures_total", 0),
            "measures_done": m.get("measures_done", 0),
            "measures_overdue": m.get("measures_overdue", 0),
            "problems_total": p.get("problems_total", 0),
            "problems_done": p.get("problems_done", 0),
        }
        row["measures_rate"] = rate(row["measures_done"], row["measures_total"])
        rows.append(row)
    rows.sort(key=lambda r: (-r["measures_total"], r["unit"].code))
    return rows


def _months(first, last):
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def by_month(plan, today=None):
    """Month by month since the first measure was verified (or the plan began): measures
    and problems done that month, and the cumulative rates at its end."""
    today = today or timezone.localdate()
    measures = Measure.objects.filter(plan=plan).counted()
    total_measures = measures.count()
    verified = dict(
        measures.filter(task__status=TaskStatus.CLOSED)
        .annotate(month=TruncMonth("task__closed_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
        .order_by()
    )
    problems = Problem.objects.filter(plan=plan).with_progress(today)
    total_problems = problems.count()
    done = dict(
        problems.filter(is_done=True)
        .annotate(month=TruncMonth("done_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
        .order_by()
    )
    months = {_as_date(m) for m in [*verified, *done] if m is not None}
    start = min(months, default=plan.created_at.date())
    end = max([today, *months])
    verified = {_as_date(k): v for k, v in verified.items() if k is not None}
    done = {_as_date(k): v for k, v in done.items() if k is not None}
    rows, measures_so_far, problems_so_far = [], 0, 0
    for month in _months(start, end):
        measures_so_far += verified.get(month, 0)
        problems_so_far += done.get(month, 0)
        rows.append(
            {
                "month": month,
                "measures_done": verified.get(month, 0),
                "problems_done": done.get(month, 0),
                "measures_rate": rate(measures_so_far, total_measures),
                "problems_rate": rate(problems_so_far, total_problems),
            }
        )
    return rows


def _as_date(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value
