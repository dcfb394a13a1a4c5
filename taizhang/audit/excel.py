"""The audit log as an Excel sheet, written row by row (write-only mode, constant memory).

Every text cell is written as text: a value such as ``=HYPERLINK(…)`` stays a string and never
becomes a formula, and characters Excel cannot hold are dropped.
"""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from taizhang.utils.excel import excel_text

from .display import describe_changes, describe_extra, type_label

WIDTHS = [8, 20, 16, 14, 18, 30, 10, 60, 16, 34]


def text_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=excel_text(value))
    cell.data_type = "s"
    return cell


def export(records):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Audit log"))
    for i, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + i)].width = width
    headers = [
        _("Number"),
        _("Time"),
        _("User"),
        _("Action"),
        _("Object type"),
        _("Object"),
        _("Object id"),
        _("Changes"),
        _("Address"),
        _("Request"),
    ]
    sheet.append([text_cell(sheet, h) for h in headers])
    for record in records.iterator(chunk_size=2000):
        details = "; ".join(filter(None, [describe_changes(record), describe_extra(record)]))
        row = [
            record.seq,
            timezone.localtime(record.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            record.actor,
            record.get_action_display(),
            type_label(record.object_type),
            record.object_repr,
            record.object_id,
            details,
            record.address,
            record.request_id,
        ]
        sheet.append([row[0], *(text_cell(sheet, v) for v in row[1:])])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
