"""The statistics page as an .xlsx: a summary sheet, one by mechanism and one by unit, in the
offices' ledger layout (``utils.excel``). It holds what the page shows, nothing more."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from taizhang.utils.excel import PERCENT, XLSX, Ledger

from .choices import MeetingKind


def _rate(value):
    return "" if value is None else value / 100


def _summary(ledger, year, figures):
    d = figures["decisions"]
    ws = ledger.sheet(
        _("Summary"),
        _("Meeting statistics %(year)s") % {"year": year},
        [_("Item"), _("Value")],
        [36, 16],
    )
    rows = [(_("Meetings held"), figures["held"])]
    rows += [
        (label, figures["kinds"][kind])
        for kind, label in MeetingKind.choices
        if figures["kinds"][kind]
    ]
    rows += [
        (_("Decisions"), d.total),
        (pgettext("meeting figures", "Open"), d.open),
        (_("Overdue"), d.overdue),
        (pgettext("meeting figures", "Closed"), d.closed),
        (_("Closing rate"), _rate(d.closing_rate)),
        (_("Days to minutes issued"), figures["days_to_minutes"]),
    ]
    for n, values in enumerate(rows, 1):
        closing_rate = n == len(rows) - 1
        ws.append([str(values[0]), values[1]], formats={2: PERCENT} if closing_rate else None)


def _mechanisms(ledger, year, mechanisms):
    headers = [
        _("Mechanism"),
        _("Planned"),
        _("Held"),
        _("Held as planned"),
        _("Decisions"),
        pgettext("meeting figures", "Closed"),
        _("Closing rate"),
        _("Days to minutes issued"),
    ]
    widths = [40, 10, 10, 14, 10, 10, 12, 16]
    ws = ledger.sheet(
        _("By mechanism"), _("By mechanism"), headers, widths, note=str(year), formats={7: PERCENT}
    )
    for row in mechanisms:
        d = row.decisions
        values = [str(row.mechanism), row.planned, row.held, row.held_as_planned, d.total, d.closed]
        ws.append([*values, _rate(d.closing_rate), row.days_to_minutes])


def _units(ledger, year, units):
    headers = [
        _("Unit"),
        _("Invited"),
        _("Present"),
        _("Excused"),
        _("Absent"),
        _("Attendance rate"),
        _("Decisions led"),
        _("Overdue"),
        pgettext("meeting figures", "Closed"),
        _("Closing rate"),
    ]
    ws = ledger.sheet(
        _("By unit"),
        _("By unit"),
        headers,
        [30, 8, 8, 8, 8, 12, 12, 8, 8, 12],
        note=str(year),
        formats={6: PERCENT, 10: PERCENT},
    )
    for u in units:
        d = u.decisions
        ws.append(
            [
                str(u.unit),
                u.invited,
                u.present,
                u.excused,
                u.absent,
                _rate(u.attendance_rate),
                d.total,
                d.overdue,
                d.closed,
                _rate(d.closing_rate),
            ],
        )


def stats_response(year, figures, mechanisms, units):
    """The page's figures (``mechanisms`` as stats.mechanism_rows, ``units`` as
    stats.unit_figures) as a download."""
    ledger = Ledger()
    _summary(ledger, year, figures)
    _mechanisms(ledger, year, mechanisms)
    _units(ledger, year, units)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(ledger.save(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="meeting-stats-{year}-{stamp}.xlsx"'
    return response
