"""The burden meter (减负): what the system itself asks of each unit in a period — tasks
assigned, progress reports written, reminders received, the same task registered twice —
and how many working days its sign-for (签收) took after 交办. The organisation sets the
thresholds (ReportSettings); a unit above one is flagged, so that the supervisor sees it
before assigning more (整治形式主义为基层减负: no 过度留痕, no 多头填报).

Each figure is one grouped query over the organisation's units, whatever their number."""

import statistics

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.org.models import Unit
from taizhang.supervision.choices import Action
from taizhang.supervision.models import ProgressReport, Task, TaskUnit, UnitReminder
from taizhang.utils.workdays import working_days_between

from . import links

FIGURES = {
    "assigned": _("Tasks assigned"),
    "reports": _("Progress reports written"),
    "reminders": _("Reminders received"),
    "duplicates": _("Tasks registered twice"),
    "sign_days": _("Working days to sign for (mean)"),
}


def _by_unit(queryset, field="unit"):
    return dict(queryset.order_by().values_list(field).annotate(n=Count("pk")))


def unit_burden(user, period, settings):
    """A row per unit of the organisation, the flagged first: its figures, each against the
    threshold that applies, with the list behind it where there is one. Seven queries."""
    start, end = period.start, period.end  # days of the office's time zone
    tasks = Task.objects.visible_to(user)
    parts = TaskUnit.objects.filter(task__in=tasks)
    months = max(1, len(list(period.months())))
    assigned = _by_unit(
        parts.filter(task__assigned_at__date__gte=start, task__assigned_at__date__lte=end)
    )
    reports = _by_unit(
        ProgressReport.objects.filter(
            task__in=tasks, created_at__date__gte=start, created_at__date__lte=end
        )
    )
    # 催办: the daily digests, and those sent by hand on a task the unit has a part in.
    reminders = _by_unit(
        UnitReminder.objects.filter(
            unit__organisation_id=user.organisation_id, day__gte=period.start, day__lte=period.end
        )
    )
    by_hand = dict(
        parts.filter(
            task__events__action=Action.REMIND,
            task__events__created_at__date__gte=start,
            task__events__created_at__date__lte=end,
        )
        .order_by()
        .values_list("unit")
        .annotate(n=Count("task__events"))
    )
    # 多头填报: two registrations of one task (the same title) for the same unit, one
    # of them assigned in the period.
    twice = {}
    for unit_id, title, ids in _duplicates(parts, start, end):
        twice.setdefault(unit_id, []).append({"title": title, "ids": ids})
    signed = {}
    for unit_id, assigned_at, signed_at in (
        parts.filter(
            signed_at__date__gte=start, signed_at__date__lte=end, task__assigned_at__isnull=False
        )
        .order_by()
        .values_list("unit", "task__assigned_at", "signed_at")
    ):
        days = working_days_between(timezone.localdate(assigned_at), timezone.localdate(signed_at))
        signed.setdefault(unit_id, []).append(max(days, 0))
    units = Unit.objects.filter(organisation_id=user.organisation_id).order_by("sort_order", "code")
    rows = []
    for unit in units:
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


def _duplicates(parts, start, end):
    """(unit, title, [task ids]) for each title a unit has twice among its running or
    recent tasks, one of them assigned in the period: one query."""
    groups = (
        parts.filter(task__assigned_at__date__lte=end)
        .exclude(task__closed_at__date__lt=start)
        .order_by()
        .values("unit", title=F("task__title"))
        .annotate(
            n=Count("pk"),
            recent=Count("pk", filter=Q(task__assigned_at__date__gte=start)),
        )
        .filter(n__gt=1, recent__gt=0)
    )
    found = []
    keys = [(g["unit"], g["title"]) for g in groups]
    if not keys:
        return found
    ids = {}
    wanted = Q()
    for unit_id, title in keys:
        wanted |= Q(unit_id=unit_id, task__title=title)
    for unit_id, title, task_id in (
        parts.filter(wanted).order_by("task_id").values_list("unit", "task__title", "task_id")
    ):
        ids.setdefault((unit_id, title), []).append(task_id)
    return [(unit_id, title, ids[(unit_id, title)]) for unit_id, title in keys]
