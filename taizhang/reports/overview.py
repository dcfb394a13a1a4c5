"""The overview (督办总览) of an organisation and a unit's own view, computed in SQL from the
ledger's history (supervision/history.py): each figure in a constant number of queries
however many tasks, and each with the address of the list that counts it (links.py).

"Open" and "overdue" stand on the period's last day (or today while it runs: ``as_of``);
"closed" and the on-time rate count the tasks closed within the period. The lights are
today's (a light is not kept in the history); a past period shows what was overdue then.
"""

import datetime
import statistics

from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

from taizhang.org.models import Unit
from taizhang.supervision import history
from taizhang.supervision.choices import Light, SourceKind, Status, UnitRole
from taizhang.supervision.filters import working_days_ago
from taizhang.supervision.models import OPEN, Task, TaskUnit
from taizhang.utils.db import day_end
from taizhang.utils.workdays import add_working_days

from . import links

LIST_LENGTH = 10  # the overdue and the longest-open lists
TREND_MONTHS = 12
LIGHTS = (Light.RED, Light.YELLOW, Light.BLUE, Light.GREEN)


def rate(part, whole):
    return round(part / whole, 4) if whole else None


FIGURES = ("open", "overdue", "closed", "closed_on_time")


def _period_filters(period):
    return {"closed_after": period.start.isoformat(), "closed_before": period.end.isoformat()}


def _grouped(tasks, period):
    """Open and overdue on ``as_of``, closed and closed on time in the period, and today's
    lights, by lead unit and source: one query, read from an index (task_figures). Every
    task has one lead unit, so these rows add up to the organisation's figures as well as
    the units'. The running period reads less (``_grouped_now``)."""
    day = period.as_of
    if day == timezone.localdate():
        return _grouped_now(tasks, period)
    closed = history.closed_between(period.start, period.end)
    counts = {
        "open": Count("pk", filter=history.open_on(day)),
        "overdue": Count("pk", filter=history.overdue_on(day)),
        "closed": Count("pk", filter=closed),
        "closed_on_time": Count("pk", filter=closed & history.closed_on_time()),
    }
    running = Q(status__in=Status.open_states())
    lights = {light: Count("pk", filter=running & Q(light=light)) for light in LIGHTS}
    return list(tasks.values("lead", "source_kind").annotate(**counts, **lights).order_by())


def _grouped_now(tasks, period):
    """``_grouped`` as of today, in two smaller reads: the open tasks, which are today's
    running ones, and the closings of the period (task_closings)."""
    day = period.as_of
    key = ("lead", "source_kind")
    rows = {}
    running = (
        # OPEN is history.open_on(today) but for its ``assigned_at`` before the end of today,
        # which holds of every assigned task; with it the planner would read the tasks by
        # their assignment instead of task_figures alone.
        tasks.filter(OPEN)
        .values(*key)
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(deadline__lt=day)),
            **{light: Count("pk", filter=Q(light=light)) for light in LIGHTS},
        )
        .order_by()
    )
    for row in running:
        rows[row["lead"], row["source_kind"]] = {**row, "closed": 0, "closed_on_time": 0}
    closings = (
        tasks.filter(history.closed_between(period.start, period.end))
        .values(*key)
        .annotate(closed=Count("pk"), closed_on_time=Count("pk", filter=history.closed_on_time()))
        .order_by()
    )
    idle = {"open": 0, "overdue": 0, **dict.fromkeys(LIGHTS, 0)}
    for row in closings:
        found = rows.setdefault((row["lead"], row["source_kind"]), {**row, **idle})
        found.update(closed=row["closed"], closed_on_time=row["closed_on_time"])
    return list(rows.values())


def _summed(rows, keys):
    return {key: sum(row[key] for row in rows) for key in keys}


def ledger_figures(tasks, period, organisation_id):
    """The headline (open, overdue, closed, on time), the same by lead unit (with today's
    lights, ranked) and by source, from one grouped read (``_grouped``; two for the running
    period) and the units' names."""
    rows = _grouped(tasks, period)
    return {
        "headline": _headline(rows, period),
        "units": _by_unit(rows, period, organisation_id),
        "sources": _by_source(rows, period),
    }


def _headline(rows, period):
    day = period.as_of
    figures = _summed(rows, FIGURES)
    figures["on_time_rate"] = rate(figures["closed_on_time"], figures["closed"])
    closed = _period_filters(period)
    figures["links"] = {
        "open": links.ledger(open_on=day.isoformat()),
        "overdue": links.ledger(overdue_on=day.isoformat()),
        "closed": links.ledger(**closed),
        "closed_on_time": links.ledger(**closed, on_time="true"),
    }
    return figures


def _by_unit(rows, period, organisation_id):
    """Each lead unit's (牵头单位) figures and today's lights, ranked by red then yellow. A
    unit counts the tasks it leads, as ``?unit=&unit_role=lead`` lists them."""
    day, now = period.as_of, period.as_of == timezone.localdate()
    grouped = {}
    for row in rows:
        # A unit with nothing open, closed or lit in the period has no line (as the running
        # period's reads leave it out); nor has a task without a lead unit.
        if row["lead"] is not None and any(row[key] for key in (*FIGURES, *LIGHTS)):
            grouped.setdefault(row["lead"], []).append(row)
    units = Unit.objects.filter(organisation_id=organisation_id).in_bulk(list(grouped))
    found = []
    closed = _period_filters(period)
    for unit_id, parts in grouped.items():
        unit = units[unit_id]
        row = _summed(parts, FIGURES)
        mine = {"unit": unit.code, "unit_role": UnitRole.LEAD}
        row["on_time_rate"] = rate(row["closed_on_time"], row["closed"])
        row["lights"] = _summed(parts, LIGHTS)
        row["links"] = {
            "open": links.ledger(**mine, open_on=day.isoformat()),
            "overdue": links.ledger(**mine, overdue_on=day.isoformat()),
            "closed": links.ledger(**mine, **closed),
            "closed_on_time": links.ledger(**mine, **closed, on_time="true"),
            **{f"light_{light}": links.ledger(**mine, light=light) for light in LIGHTS},
        }
        found.append({"unit": unit, "now": now, **row})
    found.sort(
        key=lambda r: (
            (
                -r["lights"][Light.RED],
                -r["lights"][Light.YELLOW],
                -r["overdue"],
                -r["open"],
                r["unit"].code,
            )
            if now
            else (-r["overdue"], -r["open"], r["unit"].code)
        )
    )
    return found


def _by_source(rows, period):
    """Open on ``as_of`` and closed in the period, by where the task came from."""
    day = period.as_of
    found = []
    for kind, label in SourceKind.choices:
        row = _summed([r for r in rows if r["source_kind"] == kind], ("open", "closed"))
        found.append(
            {
                "source": kind,
                "label": label,
                **row,
                "links": {
                    "open": links.ledger(source=kind, open_on=day.isoformat()),
                    "closed": links.ledger(source=kind, **_period_filters(period)),
                },
            }
        )
    return found


def trend(tasks, period):
    """Tasks closed, and closed on time, in each of the months up to the period's end (at
    least the last twelve): one query."""
    months = list(period.months())
    first = months[0]
    while len(months) < TREND_MONTHS:
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        months.insert(0, first)
    spans = [(start, min(_month_end(start), period.end)) for start in months]
    # Each closing's month, from the months' bounds (the database's own comparisons).
    month = Case(
        *(When(closed_at__lt=day_end(end), then=Value(i)) for i, (_, end) in enumerate(spans)),
        output_field=IntegerField(),
    )
    rows = {
        row["month"]: row
        for row in tasks.filter(history.closed_between(first, period.end))
        .annotate(month=month)
        .order_by()
        .values("month")
        .annotate(closed=Count("pk"), on_time=Count("pk", filter=history.closed_on_time()))
    }
    found = []
    for i, (start, end) in enumerate(spans):
        row = rows.get(i, {"closed": 0, "on_time": 0})
        closed, on_time = row["closed"], row["on_time"]
        span = {"closed_after": start.isoformat(), "closed_before": end.isoformat()}
        found.append(
            {
                "month": start,
                "closed": closed,
                "on_time": on_time,
                "on_time_rate": rate(on_time, closed),
                "links": {
                    "closed": links.ledger(**span),
                    "on_time": links.ledger(**span, on_time="true"),
                },
            }
        )
    return found


def _month_end(first):
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def _lead_name():
    return Subquery(
        TaskUnit.objects.filter(task=OuterRef("pk"), role=UnitRole.LEAD)
        .order_by("pk")
        .values("unit__name")[:1]
    )


def overdue_list(tasks, period):
    """The longest overdue on ``as_of``, with their days overdue: one query."""
    day = period.as_of
    rows = (
        tasks.filter(history.overdue_on(day))
        .annotate(lead_name=_lead_name())
        .order_by("deadline", "number")
        .only("pk", "number", "title", "deadline", "light", "status")[:LIST_LENGTH]
    )
    return [{"task": t, "days": (day - t.deadline).days} for t in rows]


def longest_open(tasks, period):
    """The open tasks assigned longest ago, with the days since: one query."""
    day = period.as_of
    rows = (
        tasks.filter(history.open_on(day))
        .annotate(lead_name=_lead_name())
        .order_by("assigned_at", "number")
        .only("pk", "number", "title", "deadline", "assigned_at", "light", "status")[:LIST_LENGTH]
    )
    return [{"task": t, "days": (day - timezone.localdate(t.assigned_at)).days} for t in rows]


def unsigned(tasks, working_days):
    """Running tasks that a unit has not signed for after ``working_days`` (today): one query."""
    count = tasks.filter(history.unsigned_since(working_days_ago(working_days))).count()
    return {"count": count, "days": working_days, "link": links.ledger(unsigned_days=working_days)}


def organisation_overview(user, period, settings):
    """Everything of the leader's and the supervisor's overview except the other modules'
    parts (modules.py): eight queries (nine for the running period)."""
    tasks = Task.objects.visible_to(user)
    return {
        **ledger_figures(tasks, period, user.organisation_id),
        "trend": trend(tasks, period),
        "overdue": overdue_list(tasks, period),
        "longest": longest_open(tasks, period),
        "unsigned": unsigned(tasks, settings.unsigned_working_days),
    }


def unit_view(user, unit, period, units):
    """A unit's own view: its tasks (any part) by state, those due in the next ten working
    days, and its on-time rate as lead against the median of the organisation's lead units
    (``units``: ``by_unit``'s rows)."""
    today = timezone.localdate()
    mine = Task.objects.visible_to(user).filter(
        pk__in=TaskUnit.objects.filter(unit=unit).values("task_id")
    )
    states = dict(mine.order_by().values_list("status").annotate(n=Count("pk")))
    by_state = [
        {
            "status": value,
            "label": label,
            "count": states.get(value, 0),
            "link": links.ledger(unit=unit.code, status=value),
        }
        for value, label in Status.choices
        if states.get(value)
    ]
    horizon = add_working_days(today, 10)
    due = mine.filter(status__in=Status.open_states(), deadline__gte=today, deadline__lte=horizon)
    due_rows = list(
        due.order_by("deadline", "number").only(
            "pk", "number", "title", "deadline", "light", "status"
        )[:50]
    )
    rates = [row["on_time_rate"] for row in units if row["on_time_rate"] is not None]
    own = next((row for row in units if row["unit"].pk == unit.pk), None)
    return {
        "unit": unit,
        "by_state": by_state,
        "total": sum(states.values()),
        "total_link": links.ledger(unit=unit.code),
        "due": due_rows,
        "due_count": due.count(),
        "due_link": links.ledger(
            unit=unit.code,
            status=links.running_states(),
            deadline_after=today.isoformat(),
            deadline_before=horizon.isoformat(),
        ),
        "horizon": horizon,
        "on_time_rate": own["on_time_rate"] if own else None,
        "own": own,
        "median_rate": round(statistics.median(rates), 4) if rates else None,
    }
