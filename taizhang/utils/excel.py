"""What every Excel sheet shares: text that Excel can hold, a bound on the rows of an export,
the title-and-header layout of a ledger written as a stream, and the bounded, streamed
reading of an upload that every all-or-nothing import starts with.

Writing. Every ledger is a write-only workbook (``Workbook(write_only=True)``): rows go to a
temporary file as they come, so memory does not grow with the rows. The layout is the
offices' one: a title merged across the sheet, the time of export, the styled header row
(repeated on every printed page), bordered and wrapped data rows, frozen panes and the
columns' widths. openpyxl's generic writer spends about 20 µs on each cell (100,000 rows of
ten columns: half a minute), so data rows are rendered here as the same XML it would write
(the same styles, registered through openpyxl's style table; text always typed as text) and
appended to its stream; the title and header rows are ``WriteOnlyCell``\\ s. Without lxml
(``OPENPYXL_LXML=False``) every row goes through ``WriteOnlyCell``\\ s instead: slower, the
same file.
"""

import datetime
import decimal
import io
import logging
import zipfile
from copy import copy

import openpyxl
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.xml.constants import SHEET_MAIN_NS

from .errors import WorkflowError

logger = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd h:mm:ss"
PERCENT = "0.0%"
HEADER_ROW = 3  # data rows start at row 4
XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def excel_text(value):
    """The value as text without the characters an .xlsx file cannot hold. Cells given it are
    to be typed as strings, so that ``=HYPERLINK(…)`` stays text and is never a formula."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def check_export_rows(count):
    """Refuse an export larger than the configured rows (``TAIZHANG_EXPORT_MAX_ROWS``)."""
    limit = settings.TAIZHANG_EXPORT_MAX_ROWS
    if count > limit:
        raise WorkflowError(
            _("%(count)d rows are more than one export holds (%(limit)d): narrow the filter.")
            % {"count": count, "limit": limit}
        )


# ---- writing ---------------------------------------------------------------------------------


class _Rendered(tuple):
    """Rows already rendered as the sheet's XML (UTF-8), appended as they are."""


class _StreamWriter(WorksheetWriter):
    """openpyxl's sheet writer, on a file it opens itself so that rendered rows can be
    written between its own elements."""

    def get_stream(self):
        from lxml.etree import xmlfile

        with (
            open(self.out, "wb") as self._file,
            xmlfile(self._file) as xf,
            xf.element("worksheet", xmlns=SHEET_MAIN_NS),
        ):
            try:
                while True:
                    el = yield
                    if el is True:
                        yield xf
                    elif el is not None:
                        xf.write(el)
            except GeneratorExit:
                pass

    def write_row(self, xf, row, row_idx):
        if isinstance(row, _Rendered):
            xf.flush()  # what lxml holds (<sheetData>, the header rows) goes first
            self._file.write(row[0])
        else:
            super().write_row(xf, row, row_idx)


class _StreamSheet(WriteOnlyWorksheet):
    def _get_writer(self):
        if self._writer is None:
            self._writer = _StreamWriter(self)
            self._writer.write_top()

    def _values_to_row(self, values, row_idx):
        if isinstance(values, _Rendered):
            return values
        return super()._values_to_row(values, row_idx)


def _naive(moment):
    if moment.tzinfo is not None:
        moment = timezone.localtime(moment).replace(tzinfo=None)
    return moment


class LedgerSheet:
    """One sheet of a ``Ledger``: title (row 1, merged across), time of export and ``note``
    (row 2), header (row 3, repeated on every printed page), then the rows ``append``\\ ed.

    ``formats`` maps a column (1-based) to its number format; a date without one is shown
    as yyyy-mm-dd. ``freeze`` is the top-left cell that stays scrollable; ``auto_filter``
    puts the header's filter over every row written; ``fit_to_page`` prints the sheet one
    page wide and as long as it is; ``footer`` is the printed footer's centre ("第 &P 页 共 &N
    页": the page and the pages).
    """

    def __init__(
        self,
        ledger,
        name,
        title,
        headers,
        widths,
        *,
        note="",
        freeze=None,
        formats=None,
        auto_filter=False,
        fit_to_page=False,
        footer="",
    ):
        wb = ledger.workbook
        self.fast = openpyxl.LXML
        if self.fast:
            self.ws = _StreamSheet(parent=wb, title=name)
            wb._add_sheet(self.ws)
        else:
            self.ws = wb.create_sheet(name)
        self.columns = len(headers)
        self.formats = dict(formats or {})
        self.auto_filter = auto_filter
        self.last_row = HEADER_ROW
        self._styles = {}
        self._letters = [get_column_letter(c) for c in range(1, self.columns + 1)]
        ws = self.ws
        for column, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(column)].width = width
        last = self._letters[-1]
        ws.merged_cells.add(f"A1:{last}1")
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        if fit_to_page:
            ws.page_setup.fitToHeight = 0
            ws.sheet_properties.pageSetUpPr.fitToPage = True
        if freeze:
            ws.freeze_panes = freeze
        if footer:
            ws.HeaderFooter.oddFooter.center.text = footer
            ws.HeaderFooter.evenFooter.center.text = footer
        if auto_filter:
            ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW}"
        heading = WriteOnlyCell(ws, value=excel_text(title))
        heading.font = Font(name="黑体", size=16, bold=True)
        heading.alignment = Alignment(horizontal="center")
        ws.append([heading])
        stamp = _("Exported at %(time)s") % {
            "time": timezone.localtime().strftime("%Y-%m-%d %H:%M")
        }
        ws.append([self._text_cell(f"{stamp} · {note}" if note else stamp)])
        header = []
        for text in headers:
            cell = self._text_cell(text)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="D9E1F2")
            cell.border = BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            header.append(cell)
        ws.append(header)

    def _text_cell(self, value):
        cell = WriteOnlyCell(self.ws, value=excel_text(value))
        cell.data_type = "s"
        return cell

    def _style(self, number_format, fill):
        """A data cell's style (bordered, wrapped, with the format and fill), as a prototype
        cell; its id in the workbook's style table is registered once."""
        key = (number_format, fill)
        found = self._styles.get(key)
        if found is None:
            cell = WriteOnlyCell(self.ws)
            cell.border = BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if number_format:
                cell.number_format = number_format
            if fill:
                cell.fill = PatternFill("solid", fgColor=fill)
            found = self._styles[key] = (cell, str(cell.style_id))
        return found

    def append(self, values, *, formats=None, fills=None):
        """A bordered, wrapped data row. Text is always written as text: what a user typed
        (=HYPERLINK(…), +1, @SUM) is never a formula in someone else's Excel. ``formats``
        and ``fills`` ({column: number format or colour}) apply to this row only."""
        self.last_row += 1
        cells = self._cells(values, formats or {}, fills or {})
        if self.fast:
            self.ws.append(_Rendered((self._render(cells),)))
        else:
            self.ws.append([self._write_only_cell(*cell) for cell in cells])

    def _cells(self, values, formats, fills):
        """(column, value, number format, fill) of each cell, the values as Excel takes them."""
        found = []
        for column, value in enumerate(values, 1):
            fmt = formats.get(column) or self.formats.get(column)
            if isinstance(value, str):
                value = excel_text(value)
            elif isinstance(value, datetime.datetime):
                value, fmt = _naive(value), fmt or DATETIME
            elif isinstance(value, datetime.date):
                fmt = fmt or DATE
            elif isinstance(value, decimal.Decimal):
                value = float(value)
            found.append((column, value, fmt, fills.get(column)))
        return found

    def _render(self, cells):
        r = str(self.last_row)
        parts = [f'<row r="{r}">']
        for column, value, fmt, fill in cells:
            ref = f"{self._letters[column - 1]}{r}"
            sid = self._style(fmt, fill)[1]
            if value is None or value == "":
                parts.append(f'<c r="{ref}" s="{sid}"/>')
            elif isinstance(value, str):
                space = ' xml:space="preserve"' if value != value.strip() else ""
                text = value.translate(XML_ESCAPES)
                parts.append(
                    f'<c r="{ref}" s="{sid}" t="inlineStr"><is><t{space}>{text}</t></is></c>'
                )
            elif isinstance(value, bool):
                parts.append(f'<c r="{ref}" s="{sid}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, (datetime.date, datetime.time)):
                parts.append(f'<c r="{ref}" s="{sid}" t="n"><v>{to_excel(value)}</v></c>')
            else:
                parts.append(f'<c r="{ref}" s="{sid}" t="n"><v>{value!r}</v></c>')
        parts.append("</row>")
        return "".join(parts).encode()

    def _write_only_cell(self, column, value, fmt, fill):
        prototype = self._style(fmt, fill)[0]
        cell = WriteOnlyCell(self.ws, value=None if value == "" else value)
        if isinstance(value, str):
            cell.data_type = "s"
        cell._style = copy(prototype._style)
        return cell

    def finish(self):
        if self.auto_filter:
            self.ws.auto_filter.ref = f"A{HEADER_ROW}:{self._letters[-1]}{self.last_row}"


class Ledger:
    """An .xlsx of ``LedgerSheet``\\ s, written as a stream; ``save`` it once."""

    def __init__(self):
        self.workbook = Workbook(write_only=True)
        self.sheets = []

    def sheet(self, name, title, headers, widths, **options):
        sheet = LedgerSheet(self, name, title, headers, widths, **options)
        self.sheets.append(sheet)
        return sheet

    def save(self, target=None):
        """Write the workbook to ``target`` (a path or a binary file); bytes without one."""
        for sheet in self.sheets:
            sheet.finish()
        if target is not None:
            self.workbook.save(target)
            return target
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


# ---- reading ---------------------------------------------------------------------------------


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
