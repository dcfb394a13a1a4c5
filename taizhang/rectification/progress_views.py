"""整改进展: a plan's figures by aspect, unit and month, with a chart. Every number links to
the 问题清单 or 任务清单 filtered to the rows behind it (the filter sets read them by the same
rules as ``stats`` counts them). A constant number of queries, whatever the plan's size."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from . import stats
from .models import Plan


def _lister(name, plan):
    base = reverse(f"rectification:{name}")

    def url(**params):
        return f"{base}?{urlencode({'plan': plan.pk, **params})}"

    return url


def _percent(value):
    return None if value is None else round(value * 100, 1)


def _charts(aspects, months):
    """The ECharts options drawn from the page's own figures (the tables stay the record)."""
    problems, measures = _("Problems done"), _("Measures done")
    axis = {"type": "value", "min": 0, "max": 100, "axisLabel": {"formatter": "{value}%"}}
    return {
        "months": {
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 8, "right": 16, "bottom": 8, "containLabel": True},
            "xAxis": {"type": "category", "data": [m["month"].strftime("%Y-%m") for m in months]},
            "yAxis": axis,
            "series": [
                {
                    "name": name,
                    "type": "line",
                    "data": [_percent(m[key]) for m in months],
                }
                for name, key in [(problems, "problems_rate"), (measures, "measures_rate")]
            ],
        },
        "aspects": {
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 8, "right": 16, "bottom": 8, "containLabel": True},
            "xAxis": axis,
            "yAxis": {
                "type": "category",
                "inverse": True,
                "data": [a["label"][:16] for a in aspects],
            },
            "series": [
                {"name": name, "type": "bar", "data": [_percent(a[key]) for a in aspects]}
                for name, key in [(problems, "problems_rate"), (measures, "measures_rate")]
            ],
        },
    }


@login_required
def progress(request, pk):
    plan = get_object_or_404(
        Plan.objects.visible_to(request.user).select_related("office", "leader"), pk=pk
    )
    user = request.user
    figures = stats.plan_figures(plan, user)
    aspects = stats.by_aspect(plan, user)
    units = stats.by_unit(plan, user)
    months = stats.by_month(plan, user)
    problems, measures = _lister("problems", plan), _lister("measures", plan)
    for row in aspects:
        aspect = row["aspect"].pk
        row["label"] = row["aspect"].label
        row["urls"] = {
            "problems": problems(aspect=aspect),
            "problems_done": problems(aspect=aspect, done="true"),
            "problems_overdue": problems(aspect=aspect, progress="overdue"),
            "measures": measures(aspect=aspect, state="counted"),
            "measures_done": measures(aspect=aspect, state="done"),
        }
    for row in units:
        unit = row["unit"].pk
        row["urls"] = {
            "measures": measures(unit=unit, state="counted"),
            "measures_done": measures(unit=unit, state="done"),
            "measures_overdue": measures(unit=unit, state="overdue"),
            "problems": problems(lead_unit=unit),
            "problems_done": problems(lead_unit=unit, done="true"),
        }
    for row in months:
        month = row["month"].strftime("%Y-%m")
        row["url"] = measures(month=month)
        row["problems_url"] = problems(done_month=month)
    context = {
        "plan": plan,
        "figures": figures,
        "aspects": aspects,
        "units": units,
        "months": months,
        "charts": _charts(aspects, months),
        "urls": {
            "problems": problems(),
            "problems_done": problems(done="true"),
            "problems_open": problems(done="false"),
            "problems_overdue": problems(progress="overdue"),
            "problems_closed": problems(progress="closed"),
            "measures": measures(state="counted"),
            "measures_done": measures(state="done"),
            "measures_open": measures(state="open"),
            "measures_on_time": measures(state="on_time"),
            "measures_overdue": measures(state="overdue"),
        },
        "exports": [
            (reverse("rectification:export", args=[plan.pk, sheet]), name)
            for sheet, name in [
                ("problems", _("Problem list")),
                ("measures", _("Measure list")),
                ("responsibilities", _("Responsibility list")),
            ]
        ],
    }
    return render(request, "rectification/progress.html", context)
