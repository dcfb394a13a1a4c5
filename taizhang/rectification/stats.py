"""整改进展: the figures offices count by hand today, computed from the problems and their
measures' tasks in SQL (a constant number of queries whatever the plan's size).

A problem is done (已完成) when it is closed or every measure not dropped is verified; a
measure is done when its task is verified and closed (销号). Rates are fractions (0–1), or
None when there is nothing to count. Each figure names the filter of the list behind it
(``filters.ProblemFilterSet`` / ``MeasureFilterSet``), so pages can link every number.
"""

import datetime

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from taizhang.org.models import Unit
from taizhang.supervision.choices import UnitRole

from .choices import ProblemState, Progress
from .models import VERIFIED, VERIFIED_ON_TIME, Aspect, Measure, Problem, overdue_on


def rate(done, total):
    return done / total if total else None


def _problems(plans, user):
    """The problems the figures count: all of the plans', or those ``user`` may see."""
    base = Problem.objects.all() if user is None else Problem.objects.visible_to(user)
    return base.filter(plan__in=plans)


def _measures(plans, user):
    base = Measure.objects.all() if user is None else Measure.objects.visible_to(user)
    return base.filter(plan__in=plans).counted()


def _measure_counts(today):
    """The aggregates of a measure queryset: what the lists' ``state`` filters select."""
    return {
        "measures_total": Count("pk"),
        "measures_done": Count("pk", filter=VERIFIED),
        "measures_on_time": Count("pk", filter=VERIFIED_ON_TIME),
        "measures_overdue": Count("pk", filter=overdue_on(today)),
    }


def _problem_counts():
    return {
        "problems_total": Count("pk"),
        "problems_done": Count("pk", filter=Q(is_done=True)),
        "problems_closed": Count("pk", filter=Q(status=ProblemState.CLOSED)),
        "problems_overdue": Count("pk", filter=Q(progress=Progress.OVERDUE)),
    }


def _with_rates(figures):
    figures["problems_rate"] = rate(figures["problems_done"], figures["problems_total"])
    figures["measures_rate"] = rate(figures["measures_done"], figures["measures_total"])
    figures["measures_on_time_rate"] = rate(figures["measures_on_time"], figures["measures_done"])
    return figures


def figures_for(plans, user=None, today=None):
    """{plan id: headline figures} for many plans in four queries whatever their number.
    With ``user``, of what they may see (a unit: its own problems and measures), so that
    every figure equals the length of the list it links to."""
    today = today or timezone.localdate()
    ids = [plan.pk for plan in plans]
    zero = {**dict.fromkeys(_problem_counts(), 0), **dict.fromkeys(_measure_counts(today), 0)}
    found = {pk: {**zero, "aspects_total": 0, "open_problems": []} for pk in ids}
    if not ids:
        return found
    problems = _problems(ids, user).with_progress(today)
    for row in problems.values("plan").annotate(**_problem_counts()).order_by():
        found[row.pop("plan")].update(row)
    for row in _measures(ids, user).values("plan").annotate(**_measure_counts(today)).order_by():
        found[row.pop("plan")].update(row)
    # Every aspect of the plan; for a reader who sees part of it, those their problems are in.
    aspects = (
        Aspect.objects.filter(plan__in=ids).values("plan").annotate(n=Count("pk"))
        if user is None or user.sees_whole_organisation
        else problems.values("plan").annotate(n=Count("aspect", distinct=True))
    )
    for row in aspects.order_by():
        found[row["plan"]]["aspects_total"] = row["n"]
    for row in (
        problems.filter(is_done=False)
        .order_by("plan", "number")
        .values("pk", "plan", "number", "description", "due_date", "progress")
    ):
        row["committed_date"] = row.pop("due_date")
        found[row.pop("plan")]["open_problems"].append({"id": row.pop("pk"), **row})
    return {pk: _with_rates(figures) for pk, figures in found.items()}


def plan_figures(plan, user=None, today=None):
    """One plan's headline: the contract's figures, the open problems with their committed
    dates and the open measures with their deadlines."""
    figures = figures_for([plan], user, today)[plan.pk]
    figures["open_measures"] = list(
        _measures([plan.pk], user)
        .exclude(VERIFIED)
        .order_by("problem__number", "position")
        .values("pk", "problem__number", "task__number", "task__title", "task__deadline")
    )
    return figures


def by_aspect(plan, user=None, today=None):
    """Per aspect: problems done and measures done, in the plan's order (the aspects the
    reader has problems in)."""
    today = today or timezone.localdate()
    problems = {
        row["aspect"]: row
        for row in _problems([plan.pk], user)
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
        for row in _measures([plan.pk], user)
        .values("problem__aspect")
        .annotate(measures_total=Count("pk"), measures_done=Count("pk", filter=VERIFIED))
        .order_by()
    }
    aspects = plan.aspects.order_by("position")
    if user is not None:
        aspects = aspects.filter(pk__in=problems)
    rows = []
    for aspect in aspects:
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


def by_unit(plan, user=None, today=None):
    """Per unit that leads measures (the 责任清单's units): measures done, on time, overdue,
    and the problems it leads; ordered by measures, most first."""
    today = today or timezone.localdate()
    measures = (
        _measures([plan.pk], user)
        .filter(task__task_units__role=UnitRole.LEAD)
        .values("task__task_units__unit")
        .annotate(
            measures_total=Count("pk"),
            measures_done=Count("pk", filter=VERIFIED),
            measures_overdue=Count("pk", filter=overdue_on(today)),
        )
        .order_by()
    )
    problems = {
        row["lead_unit"]: row
        for row in _problems([plan.pk], user)
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


def by_month(plan, user=None, today=None):
    """Month by month since the first measure was verified (or the plan began): measures
    and problems done that month, and the cumulative rates at its end."""
    today = today or timezone.localdate()
    measures = _measures([plan.pk], user)
    total_measures = measures.count()
    verified = dict(
        measures.filter(VERIFIED)
        .annotate(month=TruncMonth("task__closed_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
        .order_by()
    )
    problems = _problems([plan.pk], user).with_progress(today)
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
    start = min(months, default=timezone.localdate(plan.created_at))
    # Up to the last month anything was done (the rates stand still after it), or this one.
    end = max(months, default=today)
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
