"""The statistics page (会议统计): a year's meetings, each mechanism's plan against what was
held, the decisions, and each unit's attendance. Reads go through ``visible_to``."""

from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import rules, stats, stats_excel
from .choices import MeetingKind
from .models import Mechanism, Meeting


def _year(request):
    """The year asked for (?year=), else the current one."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _list_url(year, **filters):
    """The meetings held that a figure counts, as the meeting list filters them."""
    query = urlencode({"year": year, "held": "true", **filters})
    return f"{reverse('meetings:list')}?{query}"


def _month_chart(by_month):
    months = [_("Month %(month)d") % {"month": m} for m in range(1, 13)]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": months},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": str(label), "type": "bar", "stack": "held", "data": by_month[kind]}
            for kind, label in MeetingKind.choices
            if kind in by_month
        ],
    }


def _attendance_chart(units):
    rows = [u for u in units if u.invited]
    return {
        "tooltip": {"trigger": "axis"},
        # Room on the right for a full bar's label ("100.0%"), which containLabel ignores.
        "grid": {"left": 8, "right": 56, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "min": 0, "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "yAxis": {"type": "category", "inverse": True, "data": [str(u.unit) for u in rows]},
        "series": [
            {
                "name": str(_("Attendance rate")),
                "type": "bar",
                "data": [u.attendance_rate for u in rows],
                "label": {"show": True, "position": "right", "formatter": "{c}%"},
            }
        ],
    }


@login_required
def stats_page(request):
    """会议统计: a year's meetings held by kind, each mechanism's plan against what was held,
    the decisions and how many are closed, and each unit's attendance and decisions. A fixed
    number of queries, however many meetings, decisions or invited."""
    if not rules.can_see_stats(request.user):
        raise PermissionDenied
    meetings = Meeting.objects.visible_to(request.user)
    years = sorted({d.year for d in meetings.dates("date", "year")} | {timezone.localdate().year})
    year = _year(request)
    figures = stats.organisation_figures(meetings, year)
    mechanisms = stats.mechanism_rows(
        Mechanism.objects.visible_to(request.user).filter(active=True), meetings, year
    )
    units = stats.unit_figures(meetings, year)
    # A mechanism's plan is all its meetings, while a handler counts only the meetings they
    # see: set side by side the two would not add up, so the plan is for those who see all.
    whole_plan = request.user.sees_whole_organisation
    if not whole_plan:
        mechanisms = [replace(row, planned=None, held_as_planned=None) for row in mechanisms]
    if request.GET.get("export") == "xlsx":
        return stats_excel.stats_response(year, figures, mechanisms, units)
    kinds = [
        (label, figures["kinds"][kind], _list_url(year, kind=kind))
        for kind, label in MeetingKind.choices
        if figures["kinds"][kind]
    ]
    context = {
        "year": year,
        "years": sorted({*years, year}, reverse=True),
        "figures": figures,
        "kinds": kinds,
        "list_url": _list_url(year),
        "export_url": f"?{urlencode({'year': year, 'export': 'xlsx'})}",
        "mechanisms": [(row, _list_url(year, mechanism=row.mechanism.pk)) for row in mechanisms],
        "whole_plan": whole_plan,
        "units": units,
        "charts": {
            "months": _month_chart(stats.held_by_month(meetings, year)),
            "attendance": _attendance_chart(units),
        },
    }
    return render(request, "meetings/stats.html", context)
