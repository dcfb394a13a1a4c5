"""What every Excel sheet shares: text that Excel can hold, a bound on the rows of an export,
the title-and-header layout of a ledger, and the bounded, streamed reading of an upload that
every all-or-nothing import starts with."""

import io
import logging
import zipfile

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .errors import WorkflowError

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def excel_text(value):
    """The value as text without the characters an .xlsx file cannot hold. Cells given it are
    to be typed as strings, so that ``=HYPERLINK(…)`` stays text and is never a formula."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def check_export_rows(count):
    """Refuse an export larger than the configured rows: it is built within one request."""
    limit = settings.TAIZHANG_EXPORT_MAX_ROWS
    if count > limit:
        raise WorkflowError(
            _("%(count)d rows are more than one export holds (%(limit)d): narrow the filter.")
            % {"count": count, "limit": limit}
        )


def write_cell(ws, row, column, value):
    """Put a value in a cell; text always as text, so that what a user typed (=HYPERLINK(…),
    +1, @SUM) is never a formula in someone else's Excel, and never a broken file."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = excel_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def start_ledger(ws, title, headers, widths, note=""):
    """The offices' layout: a title across the sheet, the time of export (and ``note``), then
    the styled header row (row 3), repeated on every printed page. Data rows start at row 4."""
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    stamp = _("Exported at %(time)s") % {"time": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
    ws.append([f"{stamp} · {note}" if note else stamp])
    ws.append(headers)
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
        cell = ws.cell(row=3, column=col)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1


def write_row(ws, row, values):
    """A bordered, wrapped data row."""
    for col, value in enumerate(values, 1):
        cell = write_cell(ws, row, col, value)
        cell.border = BORDER
        cell.alignment = Alignment(vertical="top", wrap_text=True)


class ImportFailed(WorkflowError):
    """The file was not imported; ``errors`` lists every bad row, ``(row, message)``."""

    def __init__(self, errors):
        self.errors = sorted(errors, key=lambda e: e[0] or 0)
        super().__init__(
            _("Nothing was imported: %(count)d problem(s) found.") % {"count": len(errors)}
        )


def refuse_import(message):
    """An ImportFailed about the whole file rather than a row."""
    return ImportFailed([(None, message)])


def _too_large():
    return refuse_import(
        _("The file is larger than %(limit)s MB.")
        % {"limit": settings.TAIZHANG_IMPORT_MAX_BYTES // 2**20}
    )


def read_upload(upload):
    """The bytes of an uploaded file, refusing an oversized one before reading it."""
    if upload.size > settings.TAIZHANG_IMPORT_MAX_BYTES:
        raise _too_large()
    return upload.read()


def check_archive(data):
    """Refuse what no ledger is before openpyxl parses it: an oversized upload, a zip that is
    not one, or parts that inflate far beyond any real sheet (a zip bomb)."""
    limit = settings.TAIZHANG_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise _too_large()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise refuse_import(
            _("The file is not an Excel .xlsx workbook (%(error)s).")
            % {"error": exc.__class__.__name__}
        ) from None
    if inflated > 20 * limit:
        raise refuse_import(_("The workbook expands to more data than any ledger holds."))


def read_rows(data, *, max_columns, rows_above):
    """The first sheet's rows as values, read in streaming mode and bounded: at most the
    configured number of rows (plus ``rows_above`` for a title over the header) and
    ``max_columns``, whatever the sheet declares."""
    check_archive(data)
    max_rows = settings.TAIZHANG_IMPORT_MAX_ROWS
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            if not wb.worksheets:
                raise refuse_import(_("The workbook has no sheet."))
            ws = wb.worksheets[0]
            # One more than allowed, to tell a full sheet from one that is too long.
            rows = list(
                ws.iter_rows(
                    max_row=max_rows + rows_above + 1, max_col=max_columns, values_only=True
                )
            )
        finally:
            wb.close()
    except ImportFailed:
        raise
    except Exception as exc:  # broken XML, forbidden entities, missing parts: all unreadable
        logger.info("Unreadable workbook: %r", exc)
        raise refuse_import(
            _("The workbook could not be read (%(error)s). Save it again from Excel as .xlsx.")
            % {"error": exc.__class__.__name__}
        ) from None
    while rows and not any(c not in (None, "") for c in rows[-1]):
        rows.pop()  # the empty rows a far-away declared cell drags along
    return rows


def header_row(rows, marker, search_rows):
    """The index of the header row (the one with a cell ``marker``) among the first
    ``search_rows``, and its column map {header: index}; (None, None) without one."""
    for index, row in enumerate(rows[:search_rows]):
        cells = [str(c).strip() if c is not None else "" for c in row]
        if marker in cells:
            return index, {name: i for i, name in enumerate(cells) if name}
    return None, None


def check_data_rows(rows, header):
    """Refuse a sheet with more data rows under its header than one import takes."""
    if len(rows) - header - 1 > settings.TAIZHANG_IMPORT_MAX_ROWS:
        raise refuse_import(
            _("The sheet has more than %(limit)d rows; split it into several files.")
            % {"limit": settings.TAIZHANG_IMPORT_MAX_ROWS}
        )
