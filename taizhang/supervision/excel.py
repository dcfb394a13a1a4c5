"""The ledger as an Excel sheet, in the layout supervision offices use, both ways.

Export writes 序号, 事项名称, 来源, 牵头单位, 责任单位, 配合单位, 办理时限, 进展情况, 状态, 督办灯.
Import reads the same layout (the computed columns 进展情况, 状态 and 督办灯 are ignored) and
registers each row as a draft task; if any row is bad, nothing is imported and every bad row
is reported with its reason.
"""

import datetime
import io
import logging
import re
import zipfile

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from taizhang.org.models import Unit
from taizhang.utils.errors import NotAllowed, WorkflowError
from taizhang.utils.excel import check_export_rows, excel_text
from taizhang.utils.text import clean_text

from . import rules, services
from .choices import Light, SourceKind, Status

logger = logging.getLogger(__name__)

HEADERS = [
    "序号",
    "事项名称",
    "来源",
    "牵头单位",
    "责任单位",
    "配合单位",
    "办理时限",
    "进展情况",
    "状态",
    "督办灯",
]
WIDTHS = [6, 40, 18, 16, 22, 22, 14, 40, 12, 8]
LIGHT_FILLS = {
    Light.RED: "FFC7CE",
    Light.YELLOW: "FFEB9C",
    Light.BLUE: "BDD7EE",
    Light.GREEN: "C6EFCE",
}
# Chinese labels are the layout's, whatever the user's language.
STATUS_LABELS = {
    Status.DRAFT: "立项",
    Status.APPROVED: "已审核",
    Status.ASSIGNED: "已交办",
    Status.SIGNED: "已签收",
    Status.IN_PROGRESS: "办理中",
    Status.RETURNED: "已退回",
    Status.COMPLETION_REPORTED: "已报办结",
    Status.CLOSED: "已销号",
    Status.CANCELLED: "已中止",
}
LIGHT_LABELS = {
    Light.NONE: "",
    Light.GREEN: "绿灯",
    Light.BLUE: "蓝灯",
    Light.YELLOW: "黄灯",
    Light.RED: "红灯",
}
SOURCE_LABELS = {
    SourceKind.MEETING: "会议",
    SourceKind.SPEECH: "讲话",
    SourceKind.DOCUMENT: "文件",
    SourceKind.INSTRUCTION: "领导批示",
    SourceKind.PLAN: "计划",
    SourceKind.SUGGESTION: "建言献策",
}
# Words in a 来源 cell that tell its kind, checked in this order.
SOURCE_WORDS = [
    ("批示", SourceKind.INSTRUCTION),
    ("建议", SourceKind.SUGGESTION),
    ("建言", SourceKind.SUGGESTION),
    ("讲话", SourceKind.SPEECH),
    ("计划", SourceKind.PLAN),
    ("方案", SourceKind.PLAN),
    ("要点", SourceKind.PLAN),
    ("会", SourceKind.MEETING),
    ("纪要", SourceKind.MEETING),
    ("文", SourceKind.DOCUMENT),
    ("通知", SourceKind.DOCUMENT),
]
# A ledger's columns are few; a sheet declaring A1:XFD1048576 is read only this far.
MAX_COLUMNS = 30
HEADER_SEARCH_ROWS = 10
UNIT_SEPARATORS = re.compile(r"[、，,；;/\n]+")
EXTRA_BODY_HEADERS = ("工作要求", "具体内容", "主要内容", "任务内容")


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


def _names(units):
    return "、".join(u.name for u in units)


def export_ledger(tasks, title="督查督办事项台账"):
    """An .xlsx of the given tasks (already filtered and permitted), as bytes."""
    wb = Workbook()
    ws = wb.active
    ws.title = "督办台账"
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(
        [_("Exported at %(time)s") % {"time": timezone.localtime().strftime("%Y-%m-%d %H:%M")}]
    )
    ws.append(HEADERS)
    for col, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
        cell = ws.cell(row=3, column=col)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for n, task in enumerate(tasks, 1):
        source = SOURCE_LABELS[task.source_kind]
        if task.source_ref:
            source = f"{source}：{task.source_ref}"
        progress = task.latest_progress
        if task.progress_percent:
            progress = f"（{task.progress_percent}%）{progress}"
        values = [
            n,
            task.title,
            source,
            task.lead_unit.name if task.lead_unit else "",
            _names(task.responsible_units),
            _names(task.cooperating_units),
            task.deadline,
            progress,
            STATUS_LABELS[task.status],
            LIGHT_LABELS[task.light],
        ]
        row = n + 3  # after the title, the time and the header
        for col, value in enumerate(values, 1):
            cell = write_cell(ws, row, col, value)
            cell.border = border
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        ws.cell(row=row, column=7).number_format = "yyyy-mm-dd"
        if fill := LIGHT_FILLS.get(task.light):
            ws.cell(row=row, column=10).fill = PatternFill("solid", fgColor=fill)
    ws.freeze_panes = "C4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ledger_response(tasks):
    """The export as a download, the same for the page and the API; refused (WorkflowError)
    when it would hold more rows than an export may."""
    check_export_rows(tasks.count())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(export_ledger(tasks), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ledger-{stamp}.xlsx"'
    return response


class ImportFailed(WorkflowError):
    """The file was not imported; ``errors`` lists every bad row, ``(row, message)``."""

    def __init__(self, errors):
        self.errors = sorted(errors, key=lambda e: e[0] or 0)
        super().__init__(
            _("Nothing was imported: %(count)d problem(s) found.") % {"count": len(errors)}
        )


def _refuse(message):
    return ImportFailed([(None, message)])


def _check_archive(data):
    """Refuse what no ledger is before openpyxl parses it: an oversized upload, a zip that is
    not one, or parts that inflate far beyond any real sheet (a zip bomb)."""
    limit = settings.TAIZHANG_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise _refuse(_("The file is larger than %(limit)s MB.") % {"limit": limit // 2**20})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _refuse(
            _("The file is not an Excel .xlsx workbook (%(error)s).")
            % {"error": exc.__class__.__name__}
        ) from None
    if inflated > 20 * limit:
        raise _refuse(_("The workbook expands to more data than any ledger holds."))


def _read_rows(data):
    """The first sheet's rows as values, read in streaming mode and bounded: at most the
    configured number of rows and the columns a ledger can have, whatever the sheet declares."""
    _check_archive(data)
    max_rows = settings.TAIZHANG_IMPORT_MAX_ROWS
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            if not wb.worksheets:
                raise _refuse(_("The workbook has no sheet."))
            ws = wb.worksheets[0]
            # One more than allowed, to tell a full sheet from one that is too long; a header
            # row may sit under a title, so allow a few rows above the data.
            rows = list(
                ws.iter_rows(
                    max_row=max_rows + HEADER_SEARCH_ROWS + 1, max_col=MAX_COLUMNS, values_only=True
                )
            )
        finally:
            wb.close()
    except ImportFailed:
        raise
    except Exception as exc:  # broken XML, forbidden entities, missing parts: all unreadable
        logger.info("Unreadable workbook: %r", exc)
        raise _refuse(
            _("The workbook could not be read (%(error)s). Save it again from Excel as .xlsx.")
            % {"error": exc.__class__.__name__}
        ) from None
    while rows and not any(c not in (None, "") for c in rows[-1]):
        rows.pop()  # the empty rows a far-away declared cell drags along
    return rows


def _header_row(rows):
    """The index of the header row (the one naming 事项名称) and its column map."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = [str(c).strip() if c is not None else "" for c in row]
        if "事项名称" in cells:
            return index, {name: i for i, name in enumerate(cells) if name}
    return None, None


def _source(text):
    text = text.strip()
    for kind, label in SOURCE_LABELS.items():
        if text == label:
            return kind, ""
        if text.startswith(f"{label}：") or text.startswith(f"{label}:"):
            return kind, text[len(label) + 1 :].strip()
    for word, kind in SOURCE_WORDS:
        if word in text:
            return kind, text
    return SourceKind.DOCUMENT, text


def _deadline(value):
    """(date, working days) from a cell: a date, 2023-12-31, 2023年12月31日, 15个工作日."""
    if isinstance(value, datetime.datetime):
        return value.date(), None
    if isinstance(value, datetime.date):
        return value, None
    text = str(value or "").strip()
    if m := re.fullmatch(r"(\d+)\s*个?工作日(内)?", text):
        return None, int(m.group(1))
    if m := re.fullmatch(
        r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(前|之前)?", text
    ):
        try:
            return datetime.date(*map(int, m.groups()[:3])), None
        except ValueError:
            pass
    raise ValueError(text)


def _cell(row, columns, name):
    i = columns.get(name)
    if i is None or i >= len(row) or row[i] is None:
        return ""
    value = row[i]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value
    return clean_text(str(value)).strip()


def _units(text, units, errors, line, column):
    found = []
    for name in filter(None, (" ".join(n.split()) for n in UNIT_SEPARATORS.split(text or ""))):
        unit = units.get(name)
        if unit is None:
            errors.append(
                (
                    line,
                    _("%(column)s “%(name)s” is not a unit of this organisation.")
                    % {"column": column, "name": name},
                )
            )
        else:
            found.append(unit)
    return found


def parse_ledger(data, organisation):
    """Rows of the sheet as keyword arguments for ``create_task``, and the errors found."""
    rows = _read_rows(data)
    header, columns = _header_row(rows)
    if header is None:
        raise ImportFailed(
            [(None, _("No header row with “事项名称” was found in the first sheet."))]
        )
    if len(rows) - header - 1 > settings.TAIZHANG_IMPORT_MAX_ROWS:
        raise _refuse(
            _("The sheet has more than %(limit)d rows; split it into several files.")
            % {"limit": settings.TAIZHANG_IMPORT_MAX_ROWS}
        )
    units = Unit.objects.filter(organisation=organisation).by_name()
    body_column = next((h for h in EXTRA_BODY_HEADERS if h in columns), None)
    parsed, errors = [], []
    for offset, row in enumerate(rows[header + 1 :], start=header + 2):
        if not any(c not in (None, "") for c in row):
            continue
        title = _cell(row, columns, "事项名称")
        if not title:
            errors.append((offset, _("事项名称 is empty.")))
        kind, ref = _source(_cell(row, columns, "来源"))
        lead = _units(_cell(row, columns, "牵头单位"), units, errors, offset, "牵头单位")
        if not lead and not _cell(row, columns, "牵头单位"):
            errors.append((offset, _("牵头单位 is empty.")))
        elif len(lead) > 1:
            errors.append((offset, _("Only one 牵头单位 per task.")))
        try:
            deadline, working_days = _deadline(_cell(row, columns, "办理时限"))
        except ValueError as exc:
            errors.append(
                (
                    offset,
                    _(
                        "办理时限 “%(value)s” is not a date such as 2024-06-30 or "
                        "a number of working days such as 15个工作日."
                    )
                    % {"value": exc.args[0]},
                )
            )
            deadline = working_days = None
        parsed.append(
            (
                offset,
                {
                    "title": title,
                    "source_kind": kind,
                    "source_ref": ref[:300],
                    "body": _cell(row, columns, body_column) if body_column else "",
                    "lead_unit": lead[0] if lead else None,
                    "responsible_units": _units(
                        _cell(row, columns, "责任单位"), units, errors, offset, "责任单位"
                    ),
                    "cooperating_units": _units(
                        _cell(row, columns, "配合单位"), units, errors, offset, "配合单位"
                    ),
                    "deadline": deadline,
                    "deadline_working_days": working_days,
                },
            )
        )
    if not parsed and not errors:
        errors.append((None, _("The sheet has no task rows.")))
    return parsed, errors


def import_upload(upload, *, by):
    """Import an uploaded file, refusing an oversized one before reading it into memory."""
    if upload.size > settings.TAIZHANG_IMPORT_MAX_BYTES:
        raise _refuse(
            _("The file is larger than %(limit)s MB.")
            % {"limit": settings.TAIZHANG_IMPORT_MAX_BYTES // 2**20}
        )
    return import_ledger(upload.read(), by=by)


def import_ledger(data, *, by):
    """Register every row as a draft task, or none of them. Returns the new tasks."""
    if not rules.can_create(by):
        raise NotAllowed(_("Only a supervisor may register tasks."))
    parsed, errors = parse_ledger(data, by.organisation)
    if errors:
        raise ImportFailed(errors)
    created = []
    with transaction.atomic():  # ImportFailed raised inside rolls every row back
        for line, fields in parsed:
            try:
                created.append(services.create_task(by=by, organisation=by.organisation, **fields))
            except WorkflowError as exc:
                errors.append((line, exc.message))
        if errors:
            raise ImportFailed(errors)
    return created
