"""The ledger as an Excel sheet, in the layout supervision offices use, both ways.

Export writes 序号, 编号, 事项名称, 来源, 紧急程度, 牵头单位, 责任单位, 配合单位, 办理时限,
签收情况, 承办人, 联系电话, 进展情况, 状态, 督办灯, 备注, under a title block that names the
filter which produced it; the header has an auto-filter and repeats on every printed page,
the footer numbers the pages, and the sheet prints landscape, one page wide.

Import reads the same layout (the computed columns are ignored) and plans every row before
anything is saved (``plan_import``): a row whose 编号 is a task of the organisation, or else
whose 事项名称 + 牵头单位 + 来源 are one task's, is that task (updated through
``services.update_task`` where a column differs, or skipped); any other row is a new draft. If
any row is bad, nothing is imported and every bad row is reported with its reason.
"""

import datetime
import io
import re
import tempfile
from dataclasses import dataclass, field
from urllib.parse import quote

from django.db import transaction
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.org.choices import Role
from taizhang.org.models import Membership, Unit
from taizhang.utils.errors import NotAllowed, WorkflowError
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
from .choices import Light, Priority, SourceKind, Status, UnitRole
from .filters import describe_filters
from .models import Task, TaskUnit

__all__ = ["XLSX", "ImportFailed", "export_ledger", "import_ledger", "plan_import"]

HEADERS = [
    "序号",
    "编号",
    "事项名称",
    "来源",
    "紧急程度",
    "牵头单位",
    "责任单位",
    "配合单位",
    "办理时限",
    "签收情况",
    "承办人",
    "联系电话",
    "进展情况",
    "状态",
    "督办灯",
    "备注",
]
WIDTHS = [6, 16, 40, 18, 8, 16, 22, 22, 12, 30, 12, 14, 40, 10, 8, 20]
DEADLINE_COLUMN = HEADERS.index("办理时限") + 1
LIGHT_COLUMN = HEADERS.index("督办灯") + 1
# What the importer reads (the rest is computed by the ledger and ignored).
TEMPLATE_HEADERS = [
    "序号",
    "编号",
    "事项名称",
    "来源",
    "紧急程度",
    "牵头单位",
    "责任单位",
    "配合单位",
    "办理时限",
    "工作要求",
]
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
PRIORITY_LABELS = {
    Priority.NORMAL: "一般",
    Priority.HIGH: "紧急",
    Priority.URGENT: "特急",
}
# What a 紧急程度 cell may say: the labels, the stored values, and the words offices use.
PRIORITY_WORDS = {
    **{label: value for value, label in PRIORITY_LABELS.items()},
    **{value.value: value for value in Priority},
    "": Priority.NORMAL,
    "普通": Priority.NORMAL,
    "急": Priority.HIGH,
    "加急": Priority.HIGH,
    "特提": Priority.URGENT,
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
FOOTER = "第 &P 页 共 &N 页"


EXPORT_FIELDS = (
    "pk",
    "number",
    "title",
    "source_kind",
    "source_ref",
    "priority",
    "deadline",
    "deadline_working_days",
    "assigned_at",
    "latest_progress",
    "progress_percent",
    "status",
    "light",
    "parent__number",
)
EXPORTED_UNIT_ROLES = (UnitRole.LEAD, UnitRole.RESPONSIBLE, UnitRole.COOPERATING)
CHUNK_SIZE = 2000


def source_text(kind, ref):
    """The 来源 cell as the export writes it (and the importer reads it back)."""
    return f"{SOURCE_LABELS[kind]}：{ref}" if ref else SOURCE_LABELS[kind]


def _task_units(task_ids):
    """{task id: {role: [(unit id, name, short name, signed at)]}}, in one query."""
    found = {}
    rows = (
        TaskUnit.objects.filter(task_id__in=task_ids, role__in=EXPORTED_UNIT_ROLES)
        .order_by("id")
        .values_list("task_id", "role", "unit_id", "unit__name", "unit__short_name", "signed_at")
    )
    for task_id, role, *unit in rows:
        found.setdefault(task_id, {}).setdefault(role, []).append(unit)
    return found


class _Handlers:
    """承办人 and 联系电话 of lead units: their handlers' names and phones, read once per unit
    for the whole export (one query per chunk for the units not read yet)."""

    def __init__(self):
        self.known = {}

    def of(self, unit_ids):
        missing = set(unit_ids) - self.known.keys()
        if missing:
            for unit_id in missing:
                self.known[unit_id] = ([], [])
            rows = (
                Membership.objects.filter(
                    unit_id__in=missing, user__role=Role.HANDLER, user__is_active=True
                )
                .order_by("user__username")
                .values_list("unit_id", "user__display_name", "user__username", "user__phone")
            )
            for unit_id, display, username, phone in rows:
                names, phones = self.known[unit_id]
                names.append(display or username)
                if phone:
                    phones.append(phone)
        return self.known


def ledger_rows(tasks, chunk_size=CHUNK_SIZE):
    """The sheet's rows of ``tasks`` (a queryset, already filtered and permitted): values
    read in chunks, each chunk's units and lead units' handlers in one more query each,
    never a model instance."""
    values = tasks.prefetch_related(None).values_list(*EXPORT_FIELDS)
    handlers = _Handlers()
    chunk = []
    for row in values.iterator(chunk_size=chunk_size):
        chunk.append(row)
        if len(chunk) == chunk_size:
            yield from _chunk_rows(chunk, handlers)
            chunk = []
    if chunk:
        yield from _chunk_rows(chunk, handlers)


def _signing(parts, assigned):
    """签收情况: "市国资委 已签收 11-02；市财政局 未签收" (nothing before 交办)."""
    if not assigned:
        return ""
    found = []
    for _unit_id, name, short, signed_at in parts:
        if signed_at:
            day = timezone.localtime(signed_at).strftime("%m-%d")
            found.append(f"{short or name} 已签收 {day}")
        else:
            found.append(f"{short or name} 未签收")
    return "；".join(found)


def _chunk_rows(chunk, handlers):
    units = _task_units([row[0] for row in chunk])
    leads = {parts[UnitRole.LEAD][0][0] for parts in units.values() if parts.get(UnitRole.LEAD)}
    people = handlers.of(leads)
    for (
        pk,
        number,
        title,
        kind,
        ref,
        priority,
        deadline,
        working_days,
        assigned_at,
        progress,
        percent,
        status,
        light,
        parent_number,
    ) in chunk:
        if percent:
            progress = f"（{percent}%）{progress}"
        parts = units.get(pk, {})
        lead = parts.get(UnitRole.LEAD, ())
        names, phones = people.get(lead[0][0], ((), ())) if lead else ((), ())
        notes = []
        if parent_number:
            notes.append(f"上级事项 {parent_number}")
        if working_days:
            notes.append(f"时限 {working_days}个工作日")
        acting = [p for role in EXPORTED_UNIT_ROLES for p in parts.get(role, ())]
        yield (
            light,
            [
                number,
                title,
                source_text(kind, ref),
                PRIORITY_LABELS.get(priority, priority),
                lead[0][1] if lead else "",
                "、".join(p[1] for p in parts.get(UnitRole.RESPONSIBLE, ())),
                "、".join(p[1] for p in parts.get(UnitRole.COOPERATING, ())),
                deadline,
                _signing(acting, assigned_at),
                "、".join(names),
                "、".join(phones),
                progress,
                STATUS_LABELS[status],
                LIGHT_LABELS[light],
                "；".join(notes),
            ],
        )


def filter_line(filterset):
    """The filter that produced an export, for its title block: "筛选：状态=办理中；灯=红灯"
    (empty without one). ``filterset`` is a bound ledger filterset."""
    if filterset is None:
        return ""
    parts = [f"{label}={shown}" for label, shown in describe_filters(filterset)]
    return _("Filter: %(filters)s") % {"filters": "；".join(parts)} if parts else ""


def export_ledger(
    tasks, target=None, *, title="督查督办事项台账", note="", progress=None, every=1000
):
    """An .xlsx of ``tasks`` (a queryset, already filtered and permitted), written as a
    stream to ``target`` (a path or binary file; bytes without one). ``note`` (the filter)
    goes into the title block; ``progress(rows)`` is called every ``every`` rows."""
    ledger = Ledger()
    sheet = ledger.sheet(
        "督办台账",
        title,
        HEADERS,
        WIDTHS,
        note=note,
        freeze="D4",
        formats={DEADLINE_COLUMN: DATE},
        auto_filter=True,
        fit_to_page=True,
        footer=FOOTER,
    )
    n = 0
    for n, (light, values) in enumerate(ledger_rows(tasks), 1):
        fill = LIGHT_FILLS.get(light)
        sheet.append([n, *values], fills={LIGHT_COLUMN: fill} if fill else None)
        if progress is not None and n % every == 0:
            progress(n)
    if progress is not None:
        progress(n)
    return ledger.save(target)


def file_name():
    """督办台账-2026-12-01.xlsx"""
    return f"督办台账-{timezone.localdate().isoformat()}.xlsx"


def content_disposition(name):
    """An attachment named ``name``: RFC 5987's filename* for the Chinese name, and an
    ASCII fallback for clients that read only filename."""
    ascii_name = re.sub(r"[^\x20-\x7e]+|[\"\\\\]", "", name)
    if ascii_name == name:
        return f'attachment; filename="{name}"'
    fallback = f"ledger-{ascii_name.strip('-_ ')}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


def download(content, name):
    """A FileResponse of an .xlsx with the Chinese file name (content: an open binary file)."""
    response = FileResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition(name)
    return response


def ledger_response(tasks, count=None, *, note=""):
    """The export as a download streamed from a temporary file, the same for the page and
    the API; refused (WorkflowError) when it would hold more rows than an export may."""
    check_export_rows(tasks.count() if count is None else count)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    export_ledger(tasks, spool, note=note)
    spool.seek(0)
    return download(spool, file_name())


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


def _deadline_of(row, columns, errors, line):
    try:
        return deadline_cell(read_cell(row, columns, "办理时限", date=True))
    except ValueError as exc:
        errors.append(
            (
                line,
                _(
                    "办理时限 “%(value)s” is not a date such as 2024-06-30 or "
                    "a number of working days such as 15个工作日."
                )
                % {"value": exc.args[0]},
            )
        )
        return None, None


def _priority_of(row, columns, errors, line):
    word = read_cell(row, columns, "紧急程度")
    if word not in PRIORITY_WORDS:
        errors.append(
            (
                line,
                _("紧急程度 “%(value)s” is not one of %(allowed)s.")
                % {"value": word, "allowed": "、".join(PRIORITY_LABELS.values())},
            )
        )
    return PRIORITY_WORDS.get(word, Priority.NORMAL)


@dataclass
class Row:
    """One row of an imported sheet: its line, the fields of ``create_task`` and its 编号."""

    line: int
    fields: dict
    number: str = ""


def parse_ledger(data, organisation):
    """The sheet's rows (``Row``), the columns it has and the errors found."""
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
        deadline, working_days = _deadline_of(row, columns, errors, offset)
        fields = {
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
        }
        if "紧急程度" in columns:
            fields["priority"] = _priority_of(row, columns, errors, offset)
        parsed.append(Row(offset, fields, read_cell(row, columns, "编号")))
    if not parsed and not errors:
        errors.append((None, _("The sheet has no task rows.")))
    present = set(columns)
    if body_column:
        present.add("body")
    return parsed, present, errors


# ---- matching and planning ---------------------------------------------------------------

MATCH_CHUNK = 1000
ON_MATCH = ("update", "skip")


@dataclass
class Plan:
    """What an import does, decided before anything is saved: rows to ``create`` (``Row``),
    to ``update`` (``(row, task, changes, data)``: changes {column: (before, after)} as
    text, data for ``update_task``), to ``skip`` (``(row, task, reason)``), and the
    ``errors`` and ``warnings`` (``(line, message)``) found. After ``apply``: ``created``
    and ``updated`` tasks."""

    create: list = field(default_factory=list)
    update: list = field(default_factory=list)
    skip: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    units: dict = field(default_factory=dict, repr=False)
    unit_index: dict | None = field(default=None, repr=False)

    def counts(self):
        return {"create": len(self.create), "update": len(self.update), "skip": len(self.skip)}

    def versions(self):
        """{task id: version} of the tasks to update, as the preview saw them."""
        return {str(task.pk): task.version for _row, task, _c, _d in self.update}


def _chunks(items, size=MATCH_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _units_of(task_ids):
    """{task id: {role: [unit ids]}} of the tasks, one query per chunk."""
    found = {}
    for chunk in _chunks(list(task_ids)):
        rows = TaskUnit.objects.filter(task_id__in=chunk).order_by("id")
        for task_id, role, unit_id in rows.values_list("task_id", "role", "unit_id"):
            found.setdefault(task_id, {}).setdefault(role, []).append(unit_id)
    return found


def _match(rows, organisation):
    """{line: [tasks]}: the tasks each row is, by 编号, else by 事项名称 + 牵头单位 + 来源;
    and the tasks' units. A few queries per thousand rows, not per row."""
    tasks = Task.objects.filter(organisation=organisation)
    by_number = {}
    numbers = sorted({row.number for row in rows if row.number})
    for chunk in _chunks(numbers):
        by_number.update({t.number: t for t in tasks.filter(number__in=chunk)})
    rest = [row for row in rows if row.number not in by_number]
    candidates = {}
    titles = sorted({row.fields["title"] for row in rest if row.fields["title"]})
    for chunk in _chunks(titles):
        for task in tasks.filter(title__in=chunk).order_by("pk"):
            candidates.setdefault(task.title, []).append(task)
    ids = {t.pk for t in by_number.values()} | {
        t.pk for found in candidates.values() for t in found
    }
    units = _units_of(ids)
    matches = {}
    for row in rows:
        if row.number in by_number:
            matches[row.line] = [by_number[row.number]]
            continue
        lead = row.fields["lead_unit"]
        kind, ref = row.fields["source_kind"], row.fields["source_ref"]
        matches[row.line] = [
            task
            for task in candidates.get(row.fields["title"], ())
            if lead is not None
            and units.get(task.pk, {}).get(UnitRole.LEAD, [None])[0] == lead.pk
            and (task.source_kind, task.source_ref) == (kind, ref)
        ]
    return matches, units


def _names(unit_ids, names):
    return "、".join(sorted(names.get(pk, str(pk)) for pk in unit_ids))


def _title_change(fields, task, current, names):
    if fields["title"] != task.title:
        return (task.title, fields["title"]), {"title": fields["title"]}
    return None


def _source_change(fields, task, current, names):
    new = (fields["source_kind"], fields["source_ref"])
    if new != (task.source_kind, task.source_ref):
        shown = (source_text(task.source_kind, task.source_ref), source_text(*new))
        return shown, {"source_kind": new[0], "source_ref": new[1]}
    return None


def _priority_change(fields, task, current, names):
    if fields.get("priority", task.priority) != task.priority:
        shown = (PRIORITY_LABELS[task.priority], PRIORITY_LABELS[fields["priority"]])
        return shown, {"priority": fields["priority"]}
    return None


def _body_change(fields, task, current, names):
    if fields["body"] != task.body:
        return (task.body, fields["body"]), {"body": fields["body"]}
    return None


def _deadline_change(fields, task, current, names):
    days, day = fields["deadline_working_days"], fields["deadline"]
    if days and days != task.deadline_working_days:
        before = task.deadline.isoformat()
        if task.deadline_working_days:
            before = f"{task.deadline_working_days}个工作日"
        return (before, f"{days}个工作日"), {"deadline_working_days": days}
    if day and not days and day != task.deadline:
        shown = (task.deadline.isoformat(), day.isoformat())
        return shown, {"deadline": day, "deadline_working_days": None}
    return None


def _lead_change(fields, task, current, names):
    lead, before = fields["lead_unit"], current.get(UnitRole.LEAD, [])
    if lead is not None and [lead.pk] != before:
        return (_names(before, names), lead.name), {"lead_unit": lead}
    return None


def _units_change(name):
    role = services.UNIT_FIELDS[name]

    def change(fields, task, current, names):
        before, after = current.get(role, []), fields[name]
        if set(before) != {u.pk for u in after}:
            shown = (_names(before, names), _names([u.pk for u in after], names))
            return shown, {name: after}
        return None

    return change


# The columns compared with a matched task: (column, label in the preview, comparison).
COMPARED = (
    ("事项名称", "事项名称", _title_change),
    ("来源", "来源", _source_change),
    ("紧急程度", "紧急程度", _priority_change),
    ("body", "工作要求", _body_change),
    ("办理时限", "办理时限", _deadline_change),
    ("牵头单位", "牵头单位", _lead_change),
    ("责任单位", "责任单位", _units_change("responsible_units")),
    ("配合单位", "配合单位", _units_change("cooperating_units")),
)


def _differences(row, task, units, present, names):
    """The columns of ``row`` that differ from ``task``: ({column: (before, after)}, data
    for ``update_task``). Only the columns the sheet has are compared."""
    current = units.get(task.pk, {})
    changes, data = {}, {}
    for column, label, compare in COMPARED:
        if column in present and (found := compare(row.fields, task, current, names)):
            changes[label], more = found
            data.update(more)
    return changes, data


def _check_update(task, data, plan, organisation):
    """What ``update_task`` would refuse in ``data`` (the deadline, the units), or None."""
    try:
        if data.get("deadline_working_days"):
            services.resolve_deadline(None, data["deadline_working_days"])
        elif "deadline" in data:
            services.resolve_deadline(data["deadline"], None)
        if any(name in data for name in services.UNIT_FIELDS):
            if plan.unit_index is None:  # read once per import, not per row
                plan.unit_index = {u.pk: u for u in Unit.objects.filter(organisation=organisation)}
            by_pk = plan.unit_index
            current = plan.units.get(task.pk, {})
            merged = {
                name: data[name]
                if name in data
                else [by_pk[pk] for pk in current.get(role, ()) if pk in by_pk]
                for name, role in services.UNIT_FIELDS.items()
            }
            lead = merged["lead_unit"]
            merged["lead_unit"] = lead[0] if isinstance(lead, list) and lead else lead or None
            services.check_units(organisation, merged)
    except WorkflowError as exc:
        return exc.message
    return None


def _check_import(by, on_match):
    if not rules.can_create(by):
        raise NotAllowed(_("Only a supervisor may register tasks."))
    if on_match not in ON_MATCH:
        raise WorkflowError(
            _("on_match must be one of: %(allowed)s.") % {"allowed": ", ".join(ON_MATCH)}
        )


def plan_import(data, *, by, on_match="update"):
    """Read the sheet and decide every row, saving nothing: a ``Plan``.

    A row is a task the organisation has when its 编号 is one of the organisation's numbers,
    else when its 事项名称, 牵头单位 and 来源 (kind and reference, as the export writes them)
    are one task's. A matched row whose columns all agree with the task is skipped
    (unchanged); one that differs is updated (``on_match="update"``) or skipped
    (``"skip"``), and skipped with a reason when the task is closed, cancelled or not
    editable. Any other row is a new draft. A new or changed deadline before today is a
    warning."""
    _check_import(by, on_match)
    organisation = by.organisation
    rows, present, errors = parse_ledger(data, organisation)
    plan = Plan(errors=list(errors))
    bad_lines = {line for line, _message in errors}
    matches, units = _match([r for r in rows if r.line not in bad_lines], organisation)
    plan.units = units
    names = dict(Unit.objects.filter(organisation=organisation).values_list("pk", "name"))
    today = timezone.localdate()
    seen = {}
    for row in rows:
        if row.line in bad_lines:
            continue
        found = matches.get(row.line, [])
        if not found:
            plan.create.append(row)
            if (day := row.fields["deadline"]) and day < today:
                plan.warnings.append((row.line, _past_deadline(day)))
        elif len(found) > 1:
            plan.errors.append(
                (
                    row.line,
                    _("The row matches several tasks (%(numbers)s): give its 编号.")
                    % {"numbers": "、".join(t.number for t in found)},
                )
            )
        elif found[0].pk in seen:
            plan.errors.append(
                (
                    row.line,
                    _("The row is the same task (%(number)s) as row %(line)d.")
                    % {"number": found[0].number, "line": seen[found[0].pk]},
                )
            )
        else:
            seen[found[0].pk] = row.line
            changes, update = _differences(row, found[0], units, present, names)
            _plan_matched(plan, row, found[0], changes, update, by=by, on_match=on_match)
            day = update.get("deadline")
            if day and day < today and plan.update and plan.update[-1][0] is row:
                plan.warnings.append((row.line, _past_deadline(day)))
    if plan.create:
        plan.errors.extend(
            services.check_new_tasks(
                [(row.line, row.fields) for row in plan.create],
                by=by,
                organisation=organisation,
            )
        )
    plan.errors.sort(key=lambda e: e[0] or 0)
    return plan


def _plan_matched(plan, row, task, changes, update, *, by, on_match):
    """Skip (with the reason), update, or refuse a row that is ``task``."""
    if not changes:
        plan.skip.append((row, task, _("Unchanged.")))
    elif task.status in Status.final_states():
        reason = _("%(status)s: a closed or cancelled task is not changed.") % {
            "status": task.get_status_display()
        }
        plan.skip.append((row, task, reason))
    elif not rules.can_edit(by, task):
        plan.skip.append((row, task, _("You may not edit this task.")))
    elif on_match == "skip":
        plan.skip.append((row, task, _("Matched; left as it is (you chose to skip).")))
    elif problem := _check_update(task, update, plan, by.organisation):
        plan.errors.append((row.line, problem))
    else:
        plan.update.append((row, task, changes, update))


def _past_deadline(day):
    return _("The deadline %(day)s is already past.") % {"day": day.isoformat()}


def past_deadlines_refused(warnings):
    """The import refused for its past deadlines, each listed as a row's problem."""
    message = _("Tick “import past deadlines” (API: allow_past_deadlines=1) to import them.")
    return ImportFailed([*warnings, (None, message)])


def apply_plan(plan, *, by, versions=None, total=None):
    """Carry out ``plan`` in one transaction: the new drafts in bulk (``create_tasks``),
    each update through ``update_task`` (its checks, version, timeline and audit), as the
    preview saw them when ``versions`` ({task id: version}) is given. All or nothing."""
    if plan.errors:
        raise ImportFailed(plan.errors)
    if total is not None:
        total(len(plan.create) + len(plan.update))
    errors = []
    try:
        with transaction.atomic():
            if plan.create:
                try:
                    plan.created = services.create_tasks(
                        [(row.line, row.fields) for row in plan.create],
                        by=by,
                        organisation=by.organisation,
                    )
                except services.TasksRefused as exc:
                    errors.extend(exc.errors)
            for row, task, _changes, data in plan.update:
                version = (versions or {}).get(str(task.pk), task.version)
                try:
                    with transaction.atomic():
                        plan.updated.append(
                            services.update_task(task, by=by, version=version, **data)
                        )
                except WorkflowError as exc:
                    errors.append((row.line, f"{task.number}: {exc.message}"))
            if errors:
                raise ImportFailed(errors)
    except ImportFailed:
        plan.created, plan.updated = [], []
        raise
    return plan


def run_import(
    data, *, by, on_match="update", allow_past_deadlines=False, versions=None, total=None
):
    """Plan and carry out an import (all or nothing); the ``Plan``, with what was done."""
    plan = plan_import(data, by=by, on_match=on_match)
    if plan.errors:
        raise ImportFailed(plan.errors)
    if plan.warnings and not allow_past_deadlines:
        raise past_deadlines_refused(plan.warnings)
    return apply_plan(plan, by=by, versions=versions, total=total)


def import_upload(upload, *, by, **options):
    """Import an uploaded file, refusing an oversized one before reading it into memory."""
    return run_import(read_upload(upload), by=by, **options)


def import_ledger(data, *, by, total=None, allow_past_deadlines=False):
    """Import every row, or none of them (matched rows updated). Returns the new tasks."""
    plan = run_import(data, by=by, total=total, allow_past_deadlines=allow_past_deadlines)
    return plan.created


# ---- the template ------------------------------------------------------------------------


TEMPLATE_NAME = "督办事项导入模板.xlsx"


def template_workbook(organisation):
    """导入模板.xlsx (bytes): the headers the importer reads, a sample row, and a sheet of
    notes on the values each column takes (sources, 紧急程度, units, dates)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    units = list(Unit.objects.filter(organisation=organisation).order_by("name")[:200])
    sample_lead = units[0].short_name or units[0].name if units else "市委督查室"
    wb = Workbook()
    ws = wb.active
    ws.title = "督办事项"
    ws.append(["督查督办事项台账"])
    ws.append([])
    ws.append(TEMPLATE_HEADERS)
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
    ws.append(
        [
            1,
            "",
            "按期完成年度重点项目建设任务",
            "会议：市政府第五次常务会议",
            "一般",
            sample_lead,
            "",
            "",
            "15个工作日",
            "按月报送进展，年底前全面完成。",
        ]
    )
    for column, width in zip("ABCDEFGHIJ", [6, 16, 36, 28, 10, 18, 24, 24, 14, 40], strict=True):
        ws.column_dimensions[column].width = width
    notes = wb.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 80
    lines = [
        ("列", "填写说明"),
        ("编号", "留空为新事项；填写已有事项的编号（如导出台账中的编号）则更新该事项。"),
        ("事项名称", "必填。编号为空时，事项名称、牵头单位和来源都相同的事项视为同一事项。"),
        ("来源", "、".join(SOURCE_LABELS.values()) + "；可写作“会议：会议名称”。"),
        ("紧急程度", "、".join(PRIORITY_LABELS.values()) + "；留空为一般。"),
        ("牵头单位", "必填，一个单位，写全称或简称。"),
        ("责任单位", "可填多个，用“、”分隔。"),
        ("配合单位", "可填多个，用“、”分隔。"),
        ("办理时限", "日期 yyyy-mm-dd（如 2026-12-31），或 N个工作日（如 15个工作日）。"),
        ("工作要求", "选填。"),
        ("", ""),
        ("单位", "全称 / 简称"),
        *[(unit.short_name or "", unit.name) for unit in units],
    ]
    for line in lines:
        notes.append(list(line))
    notes["A1"].font = notes["B1"].font = Font(bold=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
