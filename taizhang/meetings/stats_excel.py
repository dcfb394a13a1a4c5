"""The statistics page as an .xlsx: a summary sheet, one by mechanism and one by unit, in the
offices' ledger layout (``utils.excel``). It holds what the page shows, nothing more."""

import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from taizhang.utils.excel import XLSX, start_ledger, write_row

from .choices import MeetingKind


def _rate(value):
    return "" if value is None else value / 100


def _percent_columns(ws, columns, rows):
    for row in range(4, 4 + rows):
        for column in columns:
            ws.cell(row=row, column=column).number_format = "0.0%"


def _summary(ws, year, figures):
    d = figures["decisions"]
    start_ledger(
        ws, _("Meeting statistics %(year)s") % {"year": year}, [_("Item"), _("Value")], [36, 16]
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
    for n, values in enumerate(rows, 4):
        write_row(ws, n, [str(values[0]), values[1]])
    ws.cell(row=4 + len(rows) - 2, column=2).number_format = "0.0%"  # the closing rate


def _mechanisms(ws, year, mechanisms):
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
    start_ledger(ws, _("By mechanism"), headers, widths, note=str(year))
    for n, row in enumerate(mechanisms, 4):
        d = row.decisions
        values = [str(row.mechanism), row.planned, row.held, row.held_as_planned, d.total, d.closed]
        write_row(ws, n, [*values, _rate(d.closing_rate), row.days_to_minutes])
    _percent_columns(ws, [7], len(mechanisms))


def _units(ws, year, units):
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
    start_ledger(ws, _("By unit"), headers, [30, 8, 8, 8, 8, 12, 12, 8, 8, 12], note=str(year))
    for n, u in enumerate(units, 4):
        d = u.decisions
        write_row(
            ws,
            n,
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
    _percent_columns(ws, [6, 10], len(units))


def stats_response(year, figures, mechanisms, units):
    """The page's figures (``mechanisms`` as stats.mechanism_rows, ``units`` as
    stats.unit_figures) as a download."""
    wb = Workbook()
    _summary(wb.active, year, figures)
    wb.active.title = _("Summary")
    _mechanisms(wb.create_sheet(_("By mechanism")), year, mechanisms)
    _units(wb.create_sheet(_("By unit")), year, units)
    buffer = io.BytesIO()
    wb.save(buffer)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="meeting-stats-{year}-{stamp}.xlsx"'
    return response
