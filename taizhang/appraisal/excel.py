"""A cycle's results as Excel, in the offices' ledger layout (``utils.excel``): one sheet of
the results (名次, 单位, each indicator's score, 总分, 等级) and one of every point with its
method; a staff assessment's sheet of persons for those who may see the table. It holds
what the results page shows the user, nothing more."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.utils.errors import WorkflowError
from taizhang.utils.excel import PERCENT, XLSX, Ledger, check_export_rows

from . import rules, stats
from .choices import Metric, Subject
from .models import Point
from .pages import get_cycle


def _number(value):
    return float(value) if value is not None else ""


def _results_sheet(ledger, cycle, rows, indicators, points):
    headers = [_("Rank"), _("Unit"), *[i.name for i in indicators], _("Total"), _("Grade")]
    widths = [6, 28, *[12 for _i in indicators], 10, 8]
    title = _("%(title)s: results") % {"title": cycle.title}
    ws = ledger.sheet("考评结果", title, headers, widths, freeze="C4")
    for result in rows:
        scores = []
        for indicator in indicators:
            point = points.get((result.unit_id, indicator.pk))
            scores.append(_number(point.effective_score) if point else "")
        ws.append(
            [
                result.rank,
                result.unit.name,
                *scores,
                _number(result.score),
                result.get_grade_display(),
            ],
        )


def _points_sheet(ledger, cycle, rows, indicators, points):
    headers = [
        _("Unit"),
        _("Indicator"),
        _("Workload (n)"),
        _("Raw value"),
        _("Normalised value"),
        _("Score"),
        _("Adjusted score"),
        _("Method"),
    ]
    ws = ledger.sheet(
        "计分明细",
        _("%(title)s: points") % {"title": cycle.title},
        headers,
        [28, 20, 10, 12, 12, 10, 10, 80],
    )
    for result in rows:
        for indicator in indicators:
            point = points.get((result.unit_id, indicator.pk))
            if point is None:
                continue
            rate = indicator.metric in Metric.rates()
            ws.append(
                [
                    result.unit.name,
                    indicator.name,
                    point.n,
                    _number(point.raw),
                    _number(point.normalised),
                    _number(point.score),
                    _number(point.adjusted_score),
                    point.method,
                ],
                formats={4: PERCENT, 5: PERCENT} if rate else None,
            )


def _staff_sheet(ledger, cycle):
    headers = [
        _("No."),
        _("Name"),
        _("Unit"),
        _("Position"),
        _("Unit's score"),
        _("Leaders' score"),
        _("Total"),
        _("Grade"),
    ]
    ws = ledger.sheet("职工考核", cycle.title, headers, [6, 14, 28, 18, 10, 10, 10, 8])
    for n, person in enumerate(cycle.assessees.all(), 1):
        ws.append(
            [
                n,
                person.name,
                person.unit.name,
                person.position,
                _number(person.unit_score),
                _number(person.leader_score),
                _number(person.total),
                person.get_grade_display(),
            ],
        )


def export_cycle(cycle, user):
    """The workbook as bytes; refused (WorkflowError) when larger than an export may be."""
    ledger = Ledger()
    if cycle.subject == Subject.STAFF:
        check_export_rows(len(cycle.assessees.all()))
        _staff_sheet(ledger, cycle)
    else:
        rows = stats.results_table(cycle, user)
        indicators = list(cycle.indicators.all())
        check_export_rows(len(rows) * max(1, len(indicators)))
        points = {
            (p.unit_id, p.indicator_id): p
            for p in Point.objects.visible_to(user).filter(cycle=cycle)
        }
        _results_sheet(ledger, cycle, rows, indicators, points)
        _points_sheet(ledger, cycle, rows, indicators, points)
    return ledger.save()


@login_required
def export(request, pk):
    """The results as Excel: the rows the user may see (a handler its own units'); a staff
    assessment's persons for supervisors and leaders only."""
    cycle = get_cycle(request, pk)
    user = request.user
    if cycle.subject == Subject.STAFF:
        if not rules.can_see_staff(user, cycle):
            raise Http404
    elif not user.sees_whole_organisation and not stats.results_table(cycle, user):
        raise Http404
    try:
        content = export_cycle(cycle, user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect("appraisal:results", cycle.pk)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="appraisal-{cycle.pk}-{stamp}.xlsx"'
    return response
