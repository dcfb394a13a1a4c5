"""The ledger as an Excel sheet, in the layout supervision offices use, both ways.

Export writes 序号, 事项名称, 来源, 牵头单位, 责任单位, 配合单位, 办理时限, 进展情况, 状态, 督办灯.
Import reads the same layout (the computed columns 进展情况, 状态 and 督办灯 are ignored) and
registers each row as a draft task; if any row is bad, nothing is imported and every bad row
is reported with its reason.
"""

import datetime
import re
import tempfile

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.org.models import Unit
from taizhang.utils.errors import NotAllowed
from taizhang.utils.excel import (
    DATE,
    XLSX,
    ImportFailed,
    Ledger,
    check_data_rows,
    check_export_rows,
    header_row,
    read_rows,
    read_upload,
)
from taizhang.utils.text import clean_text

from . import rules, services
from .choices import Light, SourceKind, Status, UnitRole
from .models import TaskUnit

__all__ = ["XLSX", "ImportFailed", "export_ledger", "import_ledger"]

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
    SourceKind.RECTIFICATION: "整改",
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
    # Last: "巡视整改专题会议" is a meeting, "关于整改工作的批示" an instruction.
    ("整改", SourceKind.RECTIFICATION),
]
# A ledger's columns are few; a sheet declaring A1:XFD1048576 is read only this far.
MAX_COLUMNS = 30
HEADER_SEARCH_ROWS = 10
UNIT_SEPARATORS = re.compile(r"[、，,；;/\n]+")
EXTRA_BODY_HEADERS = ("工作要求", "具体内容", "主要内容", "任务内容")


EXPORT_FIELDS = (
    "pk",
    "title",
    "source_kind",
    "source_ref",
    "deadline",
    "latest_progress",
    "progress_percent",
    "status",
    "light",
)
EXPORTED_UNIT_ROLES = (UnitRole.LEAD, UnitRole.RESPONSIBLE, UnitRole.COOPERATING)
CHUNK_SIZE = 2000


def _unit_names(task_ids):
    """{task id: {role: [unit names]}} of the tasks, in one query, in the ledger's order."""
    names = {}
    rows = (
        TaskUnit.objects.filter(task_id__in=task_ids, role__in=EXPORTED_UNIT_ROLES)
        .order_by("id")
        .values_list("task_id", "role", "unit__name")
    )
    for task_id, role, name in rows:
        names.setdefault(task_id, {}).setdefault(role, []).append(name)
    return names


def ledger_rows(tasks, chunk_size=CHUNK_SIZE):
    """The sheet's rows of ``tasks`` (a queryset, already filtered and permitted): values
    read in chunks, each chunk's units in one more query, never a model instance."""
    values = tasks.prefetch_related(None).values_list(*EXPORT_FIELDS)
    chunk = []
    for row in values.iterator(chunk_size=chunk_size):
        chunk.append(row)
        if len(chunk) == chunk_size:
            yield from _chunk_rows(chunk)
            chunk = []
    if chunk:
        yield from _chunk_rows(chunk)


def _chunk_rows(chunk):
    units = _unit_names([row[0] for row in chunk])
    for pk, title, kind, ref, deadline, progress, percent, status, light in chunk:
        source = f"{SOURCE_LABELS[kind]}：{ref}" if ref else SOURCE_LABELS[kind]
        if percent:
            progress = f"（{percent}%）{progress}"
        names = units.get(pk, {})
        lead = names.get(UnitRole.LEAD, ())
        yield (
            light,
            [
                title,
                source,
                lead[0] if lead else "",
                "、".join(names.get(UnitRole.RESPONSIBLE, ())),
                "、".join(names.get(UnitRole.COOPERATING, ())),
                deadline,
                progress,
                STATUS_LABELS[status],
                LIGHT_LABELS[light],
            ],
        )


def export_ledger(tasks, target=None, *, title="督查督办事项台账", progress=None, every=1000):
    """An .xlsx of ``tasks`` (a queryset, already filtered and permitted), written as a
    stream to ``target`` (a path or binary file; bytes without one). ``progress(rows)`` is
    called every ``every`` rows."""
    ledger = Ledger()
    sheet = ledger.sheet("督办台账", title, HEADERS, WIDTHS, freeze="C4", formats={7: DATE})
    n = 0
    for n, (light, values) in enumerate(ledger_rows(tasks), 1):
        fill = LIGHT_FILLS.get(light)
        sheet.append([n, *values], fills={10: fill} if fill else None)
        if progress is not None and n % every == 0:
            progress(n)
    if progress is not None:
        progress(n)
    return ledger.save(target)


def file_name():
    return f"ledger-{timezone.localtime().strftime('%Y%m%d-%H%M')}.xlsx"


def ledger_response(tasks, count=None):
    """The export as a download streamed from a temporary file, the same for the page and
    the API; refused (WorkflowError) when it would hold more rows than an export may."""
    check_export_rows(tasks.count() if count is None else count)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    export_ledger(tasks, spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=file_name(), content_type=XLSX)


def _read_rows(data):
    return read_rows(data, max_columns=MAX_COLUMNS, rows_above=HEADER_SEARCH_ROWS)


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


def deadline_cell(value):
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


def read_cell(row, columns, name, *, date=False):
    """The cell of the column ``name`` ("" where there is none) as text: a date as
    2026-06-30, a whole number without .0. In a ``date`` column a date stays a date."""
    i = columns.get(name)
    if i is None or i >= len(row) or row[i] is None:
        return ""
    value = row[i]
    if isinstance(value, datetime.datetime):
        if date:
            return value.date()
        value = value.date() if value.time() == datetime.time() else value.isoformat(" ", "minutes")
    if isinstance(value, datetime.date):
        return value if date else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value)).strip()


def units_cell(text, units, errors, line, column):
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
    header, columns = header_row(rows, "事项名称", HEADER_SEARCH_ROWS)
    if header is None:
        raise ImportFailed(
            [(None, _("No header row with “事项名称” was found in the first sheet."))]
        )
    check_data_rows(rows, header)
    units = Unit.objects.filter(organisation=organisation).by_name()
    body_column = next((h for h in EXTRA_BODY_HEADERS if h in columns), None)
    parsed, errors = [], []
    for offset, row in enumerate(rows[header + 1 :], start=header + 2):
        if not any(c not in (None, "") for c in row):
            continue
        title = read_cell(row, columns, "事项名称")
        if not title:
            errors.append((offset, _("事项名称 is empty.")))
        kind, ref = _source(read_cell(row, columns, "来源"))
        lead = units_cell(read_cell(row, columns, "牵头单位"), units, errors, offset, "牵头单位")
        if not lead and not read_cell(row, columns, "牵头单位"):
            errors.append((offset, _("牵头单位 is empty.")))
        elif len(lead) > 1:
            errors.append((offset, _("Only one 牵头单位 per task.")))
        try:
            deadline, working_days = deadline_cell(read_cell(row, columns, "办理时限", date=True))
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
                    "body": read_cell(row, columns, body_column) if body_column else "",
                    "lead_unit": lead[0] if lead else None,
                    "responsible_units": units_cell(
                        read_cell(row, columns, "责任单位"), units, errors, offset, "责任单位"
                    ),
                    "cooperating_units": units_cell(
                        read_cell(row, columns, "配合单位"), units, errors, offset, "配合单位"
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
    return import_ledger(read_upload(upload), by=by)


def import_ledger(data, *, by, total=None):
    """Register every row as a draft task, or none of them. Returns the new tasks.

    The rows are checked and written in bulk (``services.create_tasks``): a few queries
    per file, not per row. ``total(rows)`` is told the rows read before they are written."""
    if not rules.can_create(by):
        raise NotAllowed(_("Only a supervisor may register tasks."))
    parsed, errors = parse_ledger(data, by.organisation)
    if errors:
        raise ImportFailed(errors)
    if total is not None:
        total(len(parsed))
    try:
        return services.create_tasks(parsed, by=by, organisation=by.organisation)
    except services.TasksRefused as exc:
        raise ImportFailed(exc.errors) from None
