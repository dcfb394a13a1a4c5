"""What a 督办通报 states for its period: the tasks closed and whether on time, those overdue
at its end, and the units praised and criticised by the organisation's rules (ReportSettings).
Computed live for a draft; frozen into the bulletin when it is issued."""

from django.utils import timezone

from taizhang.supervision import history
from taizhang.supervision.models import Task

from . import overview, periods

LIST_ROWS = 500  # rows of each attached list at most; the ledger lists the rest


def notice_facts(user, start, end, settings):
    period = periods.custom(start, end)
    tasks = Task.objects.visible_to(user)
    figures = overview.ledger_figures(tasks, period, user.organisation_id)
    head, units = figures["headline"], figures["units"]
    praised = [
        {"unit": row["unit"].name, "closed": row["closed"], "on_time_rate": row["on_time_rate"]}
        for row in units
        if row["closed"] >= settings.praise_min_closed
        and row["overdue"] == 0
        and (row["on_time_rate"] or 0) * 100 >= settings.praise_on_time_percent
    ]
    criticised = [
        {"unit": row["unit"].name, "overdue": row["overdue"]}
        for row in sorted(units, key=lambda r: -r["overdue"])
        if row["overdue"] >= settings.criticise_overdue
    ]
    day = period.as_of
    closed = (
        tasks.filter(history.closed_between(start, end))
        .annotate(lead_name=overview._lead_name())
        .order_by("closed_at", "number")[:LIST_ROWS]
    )
    overdue = (
        tasks.filter(history.overdue_on(day))
        .annotate(lead_name=overview._lead_name())
        .order_by("deadline", "number")[:LIST_ROWS]
    )
    return {
        "period": period.label,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "as_of": day.isoformat(),
        "open_count": head["open"],
        "overdue_count": head["overdue"],
        "closed_count": head["closed"],
        "on_time_count": head["closed_on_time"],
        "on_time_rate": head["on_time_rate"],
        "links": head["links"],
        "praised": praised,
        "criticised": criticised,
        "closed": [
            {
                "number": t.number,
                "title": t.title,
                "lead": t.lead_name or "",
                "closed_on": timezone.localdate(t.closed_at).isoformat(),
                "on_time": timezone.localdate(t.closed_at) <= t.deadline,
            }
            for t in closed
        ],
        "overdue": [
            {
                "number": t.number,
                "title": t.title,
                "lead": t.lead_name or "",
                "deadline": t.deadline.isoformat(),
                "days": (day - t.deadline).days,
            }
            for t in overdue
        ],
    }
