"""The results of a unit cycle, one unit's points with the events behind each, and appeals.

Supervisors and leaders see every unit; a handler, from 公示 on, only its own units' rows,
points and appeals (404 for the others). The chart and the grade distribution rank units,
never persons."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max, Prefetch, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from taizhang.meetings.forms import unseen_errors
from taizhang.suggestions.models import Suggestion
from taizhang.supervision.models import Task
from taizhang.utils.errors import WorkflowError

from . import rules, stats
from . import services as appraisal
from .choices import (
    Action,
    AppealAction,
    AppealStatus,
    Grade,
    IndicatorKind,
    Metric,
    ScorerKind,
    Subject,
)
from .forms import AppealForm, DecideForm
from .models import Appeal, ManualScore, Point, PointEvent, Result
from .pages import get_cycle, grade_filter, headline, pct, points_url
from .rules import quota_allowed

# Scorers named to the unit scored: leaders and the panel sign their scores; peer units and
# 民主测评 score anonymously (the office and the leaders see every name).
NAMED_SCORERS = {ScorerKind.LEADER, ScorerKind.PANEL}


# ---- results ----------------------------------------------------------------------------------


def _means(cycle, indicators):
    """The organisation's rate p̄ of each rate indicator, which the smoothing pulls towards.

    p̄ is not stored: it is read back from the points (one query), as the units' successes
    over their n — the very figures services._rate_points divided. With no workload at all,
    every point's smoothed rate is p̄ itself, so it is read from a point, not decided again."""
    rates = [i for i in indicators if i.metric in Metric.rates()]
    if not rates:
        return {}
    sums = (
        Point.objects.filter(cycle=cycle, indicator__in=rates)
        .values("indicator_id")
        .annotate(hits=Sum("successes"), n=Sum("n"), smoothed=Max("normalised"))
    )
    means = {}
    for row in sums:
        if row["n"]:
            means[row["indicator_id"]] = Decimal(row["hits"] or 0) / row["n"]
        elif row["smoothed"] is not None:
            means[row["indicator_id"]] = row["smoothed"]
    return means


def _cells(cycle, rows, indicators, user):
    """{unit_id: [cell per indicator]}: the score and, for rates, n and the smoothed rate."""
    points = {
        (p.unit_id, p.indicator_id): p
        for p in Point.objects.visible_to(user)
        .filter(cycle=cycle, unit_id__in=[r.unit_id for r in rows])
        .only("id", "unit_id", "indicator_id", "score", "adjusted_score", "n", "raw", "normalised")
    }
    cells = {}
    for row in rows:
        line = []
        for indicator in indicators:
            point = points.get((row.unit_id, indicator.pk))
            line.append(
                {
                    "point": point,
                    "url": points_url(cycle, row.unit, point) if point else "",
                    "rate": indicator.metric in Metric.rates(),
                    "raw": pct(point.raw) if point else "",
                    "smoothed": pct(point.normalised) if point else "",
                    "adjusted": point is not None and point.adjusted_score is not None,
                }
            )
        cells[row.unit_id] = line
    return cells


def _distribution(cycle):
    """Each grade of the scheme: how many got it, its band and the most its quota allows."""
    bands = {b.grade: b for b in cycle.bands.all()}
    total = stats.appraised_count(cycle)
    breaches = {
        str(label)
        for label, _count, _allowed in rules.quota_breaches(cycle, rules.graded_rows(cycle))
    }
    rows = []
    for grade, label, count in stats.grade_distribution(cycle):
        band = bands.get(grade)
        share = band.max_share if band else None
        rows.append(
            {
                "grade": grade,
                "label": label,
                "colour": Grade.colour(grade),
                "count": count,
                "band": band,
                "allowed": quota_allowed(total, share),
                "over": str(label) in breaches,
            }
        )
    return rows


def _chart(cycle, rows):
    """The units ranked by their total (a bar each, best on top)."""
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 48, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "min": 0},
        "yAxis": {"type": "category", "inverse": True, "data": [str(r.unit) for r in rows]},
        "series": [
            {
                "name": str(_("Score")),
                "type": "bar",
                "data": [float(r.score) for r in rows],
                "label": {"show": True, "position": "right"},
            }
        ],
    }


def results_context(request, cycle):
    user = request.user
    rows = stats.results_table(cycle, user)
    whole = user.sees_whole_organisation
    if not rows and not whole:
        raise Http404
    grades = grade_filter(cycle, request.GET)
    if grades is not None:
        rows = [r for r in rows if r.grade in grades]
    indicators = list(cycle.indicators.all())
    means = _means(cycle, indicators)
    cells = _cells(cycle, rows, indicators, user)
    return {
        "cycle": cycle,
        "whole": whole,
        "headline": headline(cycle) if whole else None,
        "filtered": grades is not None,
        "indicators": indicators,
        "rows": [
            {"result": r, "cells": cells[r.unit_id], "url": points_url(cycle, r.unit)} for r in rows
        ],
        "rates": [
            {
                "indicator": i,
                "mean": pct(means[i.pk]),
                "lower": i.metric in Metric.lower_is_better(),
            }
            for i in indicators
            if i.pk in means
        ],
        "counts": [i for i in indicators if i.metric in Metric.counts()],
        "manual": [i for i in indicators if i.kind == IndicatorKind.MANUAL],
        "distribution": _distribution(cycle) if whole else [],
        "chart": _chart(cycle, rows) if whole and rows else None,
        "commendations": list(cycle.commendations.select_related("unit")),
        "can_export": bool(rows),
    }


@login_required
def results(request, pk):
    """The results table: per unit its score, grade, rank and per-indicator scores, with the
    method of normalisation; the grade distribution against the quotas; the units ranked in
    a chart; ``?print=1`` the sheet read out at 宣读."""
    cycle = get_cycle(request, pk)
    if cycle.subject == Subject.STAFF:
        return redirect("appraisal:staff", cycle.pk)
    context = results_context(request, cycle)
    template = (
        "appraisal/results_print.html" if request.GET.get("print") else "appraisal/results.html"
    )
    return render(request, template, context)


# ---- one unit's points ------------------------------------------------------------------------


def _the_unit(cycle, code):
    unit = next((cu.unit for cu in cycle.cycle_units.all() if cu.unit.code == code), None)
    if unit is None:
        raise Http404
    return unit


def _appeal_rows(user, cycle, point, failed):
    rows = []
    for appeal in point.appeals.all():
        appeal.cycle = cycle  # the rules read the cycle: no query for it
        form = None
        if appeal.status == AppealStatus.LODGED and rules.APPEAL_LIFECYCLE.can(
            user, AppealAction.UPHOLD, appeal
        ):
            form = failed.get(f"decide:{appeal.pk}") or DecideForm(
                auto_id=f"id_d{appeal.pk}_%s",
                initial={
                    "appeal": appeal.pk,
                    "adjusted_score": point.effective_score,
                    "version": appeal.version,
                },
            )
        rows.append({"appeal": appeal, "form": form})
    return rows


def _plain(value):
    """A count or an average without trailing zeros: 10, 87.5."""
    if value is None:
        return "—"
    return f"{value.quantize(Decimal('0.01')).normalize():f}"


def points_context(request, cycle, code, failed=None):
    """The unit's points, each with its method, the events behind it (tasks linked where the
    user may open them), its manual scores and its appeals with their forms."""
    failed = failed or {}
    user = request.user
    unit = _the_unit(cycle, code)
    if not rules.can_see_unit(user, cycle, unit.pk):
        raise Http404
    points = list(
        Point.objects.visible_to(user)
        .filter(cycle=cycle, unit=unit)
        .select_related("indicator")
        .prefetch_related(
            Prefetch("events", queryset=PointEvent.objects.order_by("date", "id")),
            Prefetch(
                "appeals",
                queryset=Appeal.objects.select_related("lodged_by", "decided_by").order_by(
                    "-lodged_at", "-id"
                ),
            ),
        )
        .order_by("indicator__order", "indicator_id")
    )
    task_ids = {e.task_id for p in points for e in p.events.all() if e.task_id}
    openable = (
        set(
            Task.objects.visible_to(user, probe=True)
            .filter(pk__in=task_ids)
            .values_list("pk", flat=True)
        )
        if task_ids
        else set()
    )
    suggestions = _suggestion_links(user, cycle, points)
    scores = {}
    for score in ManualScore.objects.filter(cycle=cycle, unit=unit).select_related("scorer"):
        scores.setdefault(score.indicator_id, []).append(score)
    may_appeal = rules.can(user, Action.APPEAL, cycle) and unit.pk in rules.my_units(user, cycle)
    rows = []
    for point in points:
        appeals = _appeal_rows(user, cycle, point, failed)
        open_appeal = any(a["appeal"].status == AppealStatus.LODGED for a in appeals)
        indicator = point.indicator
        rows.append(
            {
                "point": point,
                "indicator": indicator,
                "computed": indicator.kind == IndicatorKind.COMPUTED,
                "rate": indicator.metric in Metric.rates(),
                "raw": pct(point.raw) if indicator.metric in Metric.rates() else _plain(point.raw),
                "smoothed": pct(point.normalised),
                "events": [
                    (e, _event_link(e, indicator, openable, suggestions))
                    for e in point.events.all()
                ],
                "scores": scores.get(indicator.pk, []),
                "named": user.sees_whole_organisation or indicator.scorer_kind in NAMED_SCORERS,
                "appeals": appeals,
                "appeal_form": (
                    failed.get(f"appeal:{point.pk}")
                    or AppealForm(
                        auto_id=f"id_a{point.pk}_%s",
                        initial={"point": point.pk, "version": cycle.version},
                    )
                )
                if may_appeal and not open_appeal
                else None,
            }
        )
    result = Result.objects.visible_to(user).filter(cycle=cycle, unit=unit).first()
    return {
        "cycle": cycle,
        "unit": unit,
        "result": result,
        "rows": rows,
        "total": sum((r["point"].effective_score for r in rows), Decimal(0)),
        "appeal_deadline": rules.appeal_deadline(cycle),
        "may_appeal": may_appeal,
        "appeal_refusal": None if may_appeal else _appeal_refusal(user, cycle, unit),
        "whole": user.sees_whole_organisation,
    }


SUGGESTION_METRICS = {Metric.SUGGESTIONS_ON_TIME, Metric.SUGGESTIONS_SATISFIED}


def _suggestion_links(user, cycle, points):
    """{number: url} of the suggestions the user may open behind the points' events: an
    event of a suggestions indicator has no task but the suggestion's (unique) number. A
    meeting's event keeps only the meeting's title and date, not enough to find it: no link."""
    numbers = {
        e.number
        for p in points
        if p.indicator.metric in SUGGESTION_METRICS
        for e in p.events.all()
        if e.number and not e.task_id
    }
    if not numbers:
        return {}
    found = (
        Suggestion.objects.visible_to(user)
        .filter(organisation_id=cycle.organisation_id, number__in=numbers)
        .only("id", "number")
    )
    return {s.number: s.get_absolute_url() for s in found}


def _event_link(event, indicator, openable, suggestions):
    """Where the event's number leads, if the user may open it: its task or suggestion."""
    if event.task_id:
        return (
            reverse("supervision:task", args=[event.task_id]) if event.task_id in openable else ""
        )
    if indicator.metric in SUGGESTION_METRICS:
        return suggestions.get(event.number, "")
    return ""


def _appeal_refusal(user, cycle, unit):
    """Why the unit's own handler cannot appeal now (the period is over…), for them only."""
    if unit.pk not in rules.my_units(user, cycle):
        return None
    return rules.why_not(user, Action.APPEAL, cycle)


@login_required
def points(request, pk, unit):
    cycle = get_cycle(request, pk)
    if cycle.subject != Subject.UNITS:
        raise Http404
    return render(request, "appraisal/points.html", points_context(request, cycle, unit))


# ---- appeals ----------------------------------------------------------------------------------


def _appeals_context(request, cycle, failed=None):
    failed = failed or {}
    user = request.user
    mine = rules.my_units(user, cycle)
    if not user.sees_whole_organisation and not any(
        rules.can_see_unit(user, cycle, unit_id) for unit_id in mine
    ):
        raise Http404
    appeals = list(
        Appeal.objects.visible_to(user)
        .filter(cycle=cycle)
        .select_related("unit", "point__indicator", "lodged_by", "decided_by")
    )
    rows = []
    for appeal in appeals:
        appeal.cycle = cycle
        form = None
        if appeal.status == AppealStatus.LODGED and rules.APPEAL_LIFECYCLE.can(
            user, AppealAction.UPHOLD, appeal
        ):
            form = failed.get(f"decide:{appeal.pk}") or DecideForm(
                auto_id=f"id_d{appeal.pk}_%s",
                initial={
                    "appeal": appeal.pk,
                    "adjusted_score": appeal.point.effective_score,
                    "version": appeal.version,
                },
            )
        rows.append(
            {"appeal": appeal, "form": form, "url": points_url(cycle, appeal.unit, appeal.point)}
        )
    return {
        "cycle": cycle,
        "rows": rows,
        "open": sum(1 for a in appeals if a.status == AppealStatus.LODGED),
        "appeal_deadline": rules.appeal_deadline(cycle),
    }


def _lodge(request, cycle):
    form = AppealForm(request.POST)
    point_id = request.POST.get("point", "")
    key = f"appeal:{point_id}"

    def run(d):
        point = Point.objects.visible_to(request.user).filter(cycle=cycle, pk=d["point"]).first()
        if point is None:
            raise Http404
        appeal_row = appraisal.lodge_appeal(
            point, by=request.user, reason=d["reason"], version=d["version"]
        )
        return appeal_row.point

    return key, form, run, _("Appeal lodged: the appraisal panel will decide it.")


def _decide(request, cycle):
    form = DecideForm(request.POST)
    key = f"decide:{request.POST.get('appeal', '')}"

    def run(d):
        appeal_row = (
            Appeal.objects.visible_to(request.user).filter(cycle=cycle, pk=d["appeal"]).first()
        )
        if appeal_row is None:
            raise Http404
        decided = appraisal.decide_appeal(
            appeal_row,
            by=request.user,
            uphold=d["decision"] == AppealAction.UPHOLD,
            comment=d["comment"],
            adjusted_score=d["adjusted_score"],
            version=d["version"],
        )
        return decided.point

    return key, form, run, _("Appeal decided.")


@login_required
def appeal(request, pk):
    """The cycle's appeals (the panel all, a unit its own) with the panel's decision forms;
    POST lodges (``lodge_appeal``) or decides (``decide_appeal``) one. From the points page
    (``back=points``) a refusal shows that page again with what was typed."""
    cycle = get_cycle(request, pk)
    if cycle.subject != Subject.UNITS:
        raise Http404
    if request.method != "POST":
        return render(request, "appraisal/appeals.html", _appeals_context(request, cycle))
    return _appeal_post(request, cycle)


def _appeal_post(request, cycle):
    handlers = {"lodge": _lodge, "decide": _decide}
    handler = handlers.get(request.POST.get("form", ""))
    if handler is None:
        raise Http404
    key, form, run, message = handler(request, cycle)
    back = request.POST.get("back", "")
    if not form.is_valid():
        return _appeal_failed(request, cycle, back, unseen_errors(form), 400, {key: form})
    try:
        point = run(form.cleaned_data)
    except WorkflowError as exc:
        return _appeal_failed(request, cycle, back, exc.message, exc.status_code, {key: form})
    messages.success(request, message)
    if back == "points":
        return redirect(points_url(cycle, point.unit, point))
    return redirect("appraisal:appeal", cycle.pk)


def _appeal_failed(request, cycle, back, message, status, failed):
    messages.error(request, message)
    cycle = get_cycle(request, cycle.pk)  # fresh: someone else's change may be the cause
    if back == "points":
        code = request.POST.get("unit", "")
        context = points_context(request, cycle, code, failed)
        return render(request, "appraisal/points.html", context, status=status)
    context = _appeals_context(request, cycle, failed)
    return render(request, "appraisal/appeals.html", context, status=status)
