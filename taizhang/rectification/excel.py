"""The three lists offices keep for a rectification plan, as Excel in their usual layout, and
the plan's all-or-nothing import from one sheet. No views here: ``excel_views`` serves them.

Exports (rows already visible to the user and filtered by the list's filter set):
- 问题清单: 序号 | 方面 | 问题描述 | 反馈原文 | 严重程度 | 责任领导 | 牵头单位 | 责任单位 |
  完成时限(承诺) | 整改进展 | 销号情况;
- 任务清单: 序号 | 方面 | 问题序号 | 整改措施 | 措施类型 | 牵头单位 | 责任单位 | 配合单位 |
  完成时限 | 任务编号 | 办理状态 | 复核销号时间 | 最新进展;
- 责任清单: per problem 序号 | 问题 | 责任领导 | 牵头单位 | 责任单位 | 措施数 | 已完成,
  and sheets of the totals per lead unit and per responsible leader.

Import: one row per measure; a problem's cells may be merged over its measures or repeated on
each of them. Every bad row is listed with its reason and nothing is imported; a good file
makes the plan, its aspects, problems and measures through the services, in one transaction.
"""

import calendar
import datetime
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from taizhang.org.choices import Role
from taizhang.org.models import Unit
from taizhang.supervision.choices import Status as TaskStatus
from taizhang.supervision.choices import UnitRole
from taizhang.supervision.excel import STATUS_LABELS, deadline_cell, read_cell, units_cell
from taizhang.supervision.models import TaskUnit
from taizhang.supervision.services import check_deadline, check_working_days
from taizhang.utils.errors import NotAllowed, WorkflowError
from taizhang.utils.excel import (
    DATE,
    PERCENT,
    XLSX,
    ImportFailed,
    Ledger,
    check_data_rows,
    check_export_rows,
    read_rows,
    read_upload,
    refuse_import,
)
from taizhang.utils.services import field_limit, optional_text

from . import rules, services
from .choices import MeasureKind, ProblemState, Progress, Seriousness
from .models import Aspect

__all__ = ["XLSX", "ImportFailed", "SHEETS", "export_response", "import_plan", "template_response"]

# Chinese labels are the layout's, whatever the user's language.
SERIOUSNESS_LABELS = {
    Seriousness.GENERAL: "一般",
    Seriousness.SERIOUS: "较重",
    Seriousness.GRAVE: "严重",
}
PROGRESS_LABELS = {
    Progress.RECTIFYING: "整改中",
    Progress.OVERDUE: "逾期未完成",
    Progress.DONE: "已完成",
    Progress.CLOSED: "已销号",
}
KIND_LABELS = {
    MeasureKind.SCHEDULED: "限期整改",
    MeasureKind.IMMEDIATE: "立行立改",
    MeasureKind.ONGOING: "长期坚持",
}
# What a 措施类型 cell may say (and the 严重程度 one), beyond the labels above.
KIND_WORDS = {
    **{label: kind for kind, label in KIND_LABELS.items()},
    "限期": MeasureKind.SCHEDULED,
    "限时整改": MeasureKind.SCHEDULED,
    "立即整改": MeasureKind.IMMEDIATE,
    "立行": MeasureKind.IMMEDIATE,
    "长期": MeasureKind.ONGOING,
    "长期整改": MeasureKind.ONGOING,
    "持续整改": MeasureKind.ONGOING,
}
SERIOUSNESS_WORDS = {
    **{label: s for s, label in SERIOUSNESS_LABELS.items()},
    "较严重": Seriousness.SERIOUS,
    "较重问题": Seriousness.SERIOUS,
    "严重问题": Seriousness.GRAVE,
    "一般问题": Seriousness.GENERAL,
}

PROBLEM_HEADERS = [
    "序号",
    "方面",
    "问题描述",
    "反馈原文",
    "严重程度",
    "责任领导",
    "牵头单位",
    "责任单位",
    "完成时限(承诺)",
    "整改进展",
    "销号情况",
]
PROBLEM_WIDTHS = [6, 22, 40, 36, 8, 12, 18, 22, 14, 22, 18]
MEASURE_HEADERS = [
    "序号",
    "方面",
    "问题序号",
    "整改措施",
    "措施类型",
    "牵头单位",
    "责任单位",
    "配合单位",
    "完成时限",
    "任务编号",
    "办理状态",
    "复核销号时间",
    "最新进展",
]
MEASURE_WIDTHS = [6, 20, 8, 40, 10, 18, 22, 18, 12, 16, 10, 14, 36]
RESPONSIBILITY_HEADERS = ["序号", "问题", "责任领导", "牵头单位", "责任单位", "措施数", "已完成"]
RESPONSIBILITY_WIDTHS = [6, 48, 14, 20, 26, 8, 8]
UNIT_TOTAL_HEADERS = ["序号", "责任单位", "牵头问题数", "措施数", "已完成", "逾期未完成", "完成率"]
UNIT_TOTAL_WIDTHS = [6, 30, 12, 10, 10, 12, 10]
LEADER_TOTAL_HEADERS = [
    "序号",
    "责任领导",
    "问题数",
    "已完成问题",
    "措施数",
    "已完成措施",
    "完成率",
]
LEADER_TOTAL_WIDTHS = [6, 20, 10, 12, 10, 12, 10]

# sheet (the URL's) → the list's name in the file and on the page.
SHEETS = {"problems": "问题清单", "measures": "任务清单", "responsibilities": "责任清单"}

IMPORT_HEADERS = [
    "方面",
    "问题序号",
    "问题描述",
    "反馈原文",
    "严重程度",
    "责任领导",
    "牵头单位",
    "责任单位",
    "完成时限(承诺)",
    "整改措施",
    "措施类型",
    "完成时限",
]
IMPORT_WIDTHS = [20, 8, 40, 36, 8, 12, 18, 22, 14, 40, 10, 14]
COMMITTED = "完成时限(承诺)"  # the problem's committed date, named as the 问题清单 names it
# The names offices give these columns; the key is the layout's own. A name is matched as
# written before its parentheses are dropped, so 完成时限(承诺) is the problem's date and
# 完成时限(2026年) the measure's.
HEADER_VARIANTS = {
    "方面": ("方面", "问题方面", "所属方面", "问题类别", "类别"),
    "问题序号": ("问题序号", "问题编号", "问题号"),
    "问题描述": ("问题描述", "问题", "存在问题", "具体问题", "问题表现", "主要问题"),
    "反馈原文": ("反馈原文", "反馈意见", "原文表述", "反馈问题原文", "巡视反馈原文"),
    "严重程度": ("严重程度", "问题程度", "程度"),
    "责任领导": ("责任领导", "牵头领导", "分管领导", "责任领导同志"),
    "牵头单位": ("牵头单位", "牵头部门", "主责单位", "主责部门", "牵头责任单位"),
    "责任单位": ("责任单位", "责任部门", "配合责任单位"),
    COMMITTED: (
        COMMITTED,
        "完成时限（承诺）",
        "承诺完成时限",
        "承诺完成时间",
        "承诺时限",
        "问题完成时限",
        "整改完成时限(问题)",
        "整改完成时限（问题）",
    ),
    "整改措施": ("整改措施", "措施", "具体措施", "整改举措", "整改任务"),
    "措施类型": ("措施类型", "整改类型", "措施分类", "类型"),
    "完成时限": ("完成时限", "完成时间", "整改时限", "整改期限", "时限要求", "完成期限"),
}
HEADER_NAMES = {variant: key for key, names in HEADER_VARIANTS.items() for variant in names}
# A problem's cells, merged over its measures or repeated on each: the template's columns
# from 问题描述 up to the first measure column.
PROBLEM_COLUMNS = tuple(
    IMPORT_HEADERS[IMPORT_HEADERS.index("问题描述") : IMPORT_HEADERS.index("整改措施")]
)
DATE_COLUMNS = (COMMITTED, "完成时限")
MAX_COLUMNS = 30
HEADER_SEARCH_ROWS = 10
MONTH_END = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(底|末|底前|末前|前|份)?")
PARENTHESES = re.compile(r"[（(][^）)]*[）)]")


# ---- export ------------------------------------------------------------------------------


def _names(units):
    return "、".join(u.name for u in units)


def _local_date(moment):
    return timezone.localtime(moment).date() if moment else None


def _sheet(ledger, name, title, headers, widths, freeze, **options):
    return ledger.sheet(
        name, title, headers, widths, freeze=freeze, auto_filter=True, fit_to_page=True, **options
    )


def _title(plan, sheet):
    return f"{plan.title}{SHEETS[sheet]}"


def problem_rows(problems):
    """What the 问题清单 and 责任清单 read, in constant queries."""
    return (
        problems.select_related("aspect", "lead_unit", "responsible_leader")
        .prefetch_related("units")
        .order_by("number")
    )


def _progress_text(problem):
    label = PROGRESS_LABELS[problem.progress]
    counted = problem.measures_counted
    done = counted - problem.measures_open
    return f"{label}（措施已完成{done}/{counted}项）" if counted else label


def _closing_text(problem):
    if problem.status == ProblemState.CLOSED:
        day = _local_date(problem.closed_at)
        return f"已销号（{day.isoformat()}）" if day else "已销号"
    return "未销号"


def export_problems(plan, problems):
    """问题清单: ``problems`` annotated ``with_progress`` (the filter set's queryset)."""
    ledger = Ledger()
    ws = _sheet(
        ledger,
        "问题清单",
        _title(plan, "problems"),
        PROBLEM_HEADERS,
        PROBLEM_WIDTHS,
        "D4",
        formats={9: DATE},
    )
    for problem in problem_rows(problems):
        ws.append(
            [
                problem.number,
                problem.aspect.title,
                problem.description,
                problem.wording,
                SERIOUSNESS_LABELS[problem.seriousness],
                problem.leader_label,
                problem.lead_unit.name,
                _names(problem.units.all()),
                problem.committed_date,
                _progress_text(problem),
                _closing_text(problem),
            ],
        )
    return ledger.save()


def measure_rows(measures):
    units = Prefetch("task__task_units", queryset=TaskUnit.objects.select_related("unit"))
    return (
        measures.select_related("task", "problem__aspect")
        .prefetch_related(units)
        .order_by("problem__number", "position")
    )


def export_measures(plan, measures):
    """任务清单: one row per measure, its task's units, deadline, state and latest progress."""
    ledger = Ledger()
    ws = _sheet(
        ledger,
        "任务清单",
        _title(plan, "measures"),
        MEASURE_HEADERS,
        MEASURE_WIDTHS,
        "E4",
        formats={9: DATE, 12: DATE},
    )
    for n, measure in enumerate(measure_rows(measures), 1):
        task = measure.task
        progress = task.latest_progress
        if task.progress_percent and task.status != TaskStatus.CLOSED:
            progress = f"（{task.progress_percent}%）{progress}"
        ws.append(
            [
                n,
                measure.problem.aspect.title,
                measure.problem.number,
                task.title,
                KIND_LABELS[measure.kind],
                task.lead_unit.name if task.lead_unit else "",
                _names(task.responsible_units),
                _names(task.cooperating_units),
                task.deadline,
                task.number,
                STATUS_LABELS[task.status],
                _local_date(task.closed_at) if task.status == TaskStatus.CLOSED else None,
                progress,
            ],
        )
    return ledger.save()


def unit_totals(problems, measures, today=None):
    """Per lead unit: the problems it leads among ``problems``, and the measures it leads
    among ``measures`` (counted, done, overdue); most measures first."""
    today = today or timezone.localdate()
    led = dict(
        problems.order_by()
        .values("lead_unit")
        .annotate(n=Count("pk", distinct=True))
        .values_list("lead_unit", "n")
    )
    rows = {
        row["task__task_units__unit"]: row
        for row in measures.counted()
        .filter(task__task_units__role=UnitRole.LEAD)
        .order_by()
        .values("task__task_units__unit")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(task__status=TaskStatus.CLOSED)),
            overdue=Count(
                "pk",
                filter=Q(task__status__in=TaskStatus.open_states(), task__deadline__lt=today),
            ),
        )
    }
    units = Unit.objects.in_bulk(set(led) | set(rows))
    totals = []
    for unit_id, unit in units.items():
        m = rows.get(unit_id, {})
        totals.append(
            {
                "unit": unit,
                "problems": led.get(unit_id, 0),
                "total": m.get("total", 0),
                "done": m.get("done", 0),
                "overdue": m.get("overdue", 0),
            }
        )
    totals.sort(key=lambda r: (-r["total"], -r["problems"], r["unit"].code))
    return totals


def _responsibility_sheet(ledger, plan, problems):
    """The per-problem sheet; returns the totals per responsible leader, in first-seen order."""
    ws = _sheet(
        ledger,
        "责任清单",
        _title(plan, "responsibilities"),
        RESPONSIBILITY_HEADERS,
        RESPONSIBILITY_WIDTHS,
        "C4",
    )
    leaders = {}
    for problem in problem_rows(problems):
        counted = problem.measures_counted
        done = counted - problem.measures_open
        ws.append(
            [
                problem.number,
                problem.description,
                problem.leader_label,
                problem.lead_unit.name,
                _names(problem.units.all()),
                counted,
                done,
            ],
        )
        if problem.leader_label:
            total = leaders.setdefault(problem.leader_label, [0, 0, 0, 0])
            total[0] += 1
            total[1] += 1 if problem.is_done else 0
            total[2] += counted
            total[3] += done
    return leaders


def _rate(done, total):
    return done / total if total else None


def export_responsibilities(plan, problems, measures):
    """责任清单: who answers for each problem and how far its measures are; then the totals
    per lead unit and per responsible leader, a sheet each."""
    ledger = Ledger()
    leaders = _responsibility_sheet(ledger, plan, problems)
    units = _sheet(
        ledger,
        "责任单位汇总",
        f"{plan.title}责任单位汇总",
        UNIT_TOTAL_HEADERS,
        UNIT_TOTAL_WIDTHS,
        "C4",
        formats={7: PERCENT},
    )
    for n, total in enumerate(unit_totals(problems, measures), 1):
        units.append(
            [
                n,
                total["unit"].name,
                total["problems"],
                total["total"],
                total["done"],
                total["overdue"],
                _rate(total["done"], total["total"]),
            ],
        )
    sheet = _sheet(
        ledger,
        "责任领导汇总",
        f"{plan.title}责任领导汇总",
        LEADER_TOTAL_HEADERS,
        LEADER_TOTAL_WIDTHS,
        "C4",
        formats={7: PERCENT},
    )
    for n, (name, (problems_total, problems_done, total, done)) in enumerate(leaders.items(), 1):
        sheet.append([n, name, problems_total, problems_done, total, done, _rate(done, total)])
    return ledger.save()


def _download(data, name):
    response = HttpResponse(data, content_type=XLSX)
    # RFC 5987 (filename*=utf-8''…) for the Chinese name; the audit middleware reads it.
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def _file_name(plan, sheet):
    title = re.sub(r'[\\/:*?"<>|\r\n\t]+', "", plan.title).strip() or "整改方案"
    return f"{title[:80]}-{SHEETS[sheet]}-{timezone.localdate().isoformat()}.xlsx"


def export_response(plan, sheet, *, problems, measures):
    """The list ``sheet`` of the plan as a download, from the rows the user sees as the
    list's filter set filters them; refused (WorkflowError) beyond the export's bound."""
    if sheet == "measures":
        check_export_rows(measures.count())
        data = export_measures(plan, measures)
    elif sheet == "problems":
        check_export_rows(problems.count())
        data = export_problems(plan, problems)
    else:
        check_export_rows(problems.count())
        data = export_responsibilities(plan, problems, measures)
    return _download(data, _file_name(plan, sheet))


# ---- the import template -----------------------------------------------------------------

TEMPLATE_NOTE = (
    "每行一项整改措施；一个问题有多项措施时，问题的各列可合并单元格或逐行重复。"
    "方面、问题描述、牵头单位、整改措施必填；严重程度填一般/较重/严重（空为一般）；"
    "问题序号填整数，一个序号只用于一个问题（空则接前一个问题编号）；完成时限(承诺)为问题承诺完成的日期，可空；"
    "措施类型填限期整改/立行立改/长期坚持（空为限期整改）；完成时限如2026-06-30、2026年6月底或15个工作日，"
    "空则取方案的整改时限；单位填本组织单位的全称、简称或别名，多个用、分隔。"
)


def template_response():
    """An empty import sheet: the title block, a line on how to fill it in, the header."""
    ledger = Ledger()
    ledger.sheet(
        "整改方案",
        "整改问题及措施清单",
        IMPORT_HEADERS,
        IMPORT_WIDTHS,
        note=TEMPLATE_NOTE,
        freeze="A4",
    )
    return _download(ledger.save(), "整改方案导入模板.xlsx")


# ---- import ------------------------------------------------------------------------------


def _header_name(cell):
    text = "".join(str(cell or "").split()).strip("*＊")
    return HEADER_NAMES.get(text) or HEADER_NAMES.get(PARENTHESES.sub("", text))


def _find_header(rows):
    """The header row's index and its columns {layout name: index} (the first column of a
    name wins), or (None, None)."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns = {}
        for i, cell in enumerate(row):
            name = _header_name(cell)
            if name and name not in columns:
                columns[name] = i
        if "问题描述" in columns and "整改措施" in columns:
            return index, columns
    return None, None


def _cell(row, columns, name):
    """A cell as text, or as a date in a date column (the ledger's reading)."""
    return read_cell(row, columns, name, date=name in DATE_COLUMNS)


def _deadline(value):
    """(date, working days) from a 完成时限 cell, as the ledger reads it, and also the
    month-end offices write (2026年6月底, 2026年6月前)."""
    try:
        return deadline_cell(value)
    except ValueError:
        text = str(value).strip()
        if m := MONTH_END.fullmatch(text):
            year, month = int(m.group(1)), int(m.group(2))
            if 1 <= month <= 12:
                return datetime.date(year, month, calendar.monthrange(year, month)[1]), None
        raise


def _check_deadline(column, day, working_days, line, errors):
    """The ledger's bounds on a deadline, checked while reading so that every bad row is
    listed at once, in words that name this sheet's column."""
    try:
        if working_days is not None:
            check_working_days(working_days)
        elif day is not None:
            check_deadline(day)
    except WorkflowError:
        if working_days is not None:
            message = _("%(column)s must be from 1 to %(limit)d working days.")
            values = {"limit": settings.TAIZHANG_MAX_WORKING_DAYS}
        else:
            message = _("%(column)s %(day)s is more than %(years)d years from today.")
            values = {"day": day.isoformat(), "years": settings.TAIZHANG_DEADLINE_MAX_YEARS}
        errors.append((line, message % {"column": column, **values}))


def _check_text(column, value, clean, line, errors):
    """``value`` as ``clean`` (a service's cleaner) takes it, or the refusal with the row."""
    if not value:
        return value
    try:
        return clean(value)
    except WorkflowError as exc:
        errors.append(
            (line, _("%(column)s: %(reason)s") % {"column": column, "reason": exc.message})
        )
        return value


def _problem_text(field):
    """The services' own cleaner of a problem's text field (length limits and all)."""
    clean = services.PROBLEM_FIELDS[field]
    return lambda value: clean(None, value)


def _aspect_text(value):
    return optional_text(value, field_limit(Aspect, "title"))


def _leaders(organisation):
    """Every leader of the organisation by display name and user name."""
    index = {}
    for user in get_user_model().objects.filter(
        organisation=organisation, role=Role.LEADER, is_active=True
    ):
        for name in (user.username, user.display_name):
            if name:
                index.setdefault(name, user)
    return index


def _leader(text, leaders):
    """(account, name kept as text): 张三（副会长） finds 张三's account; a name without one
    is kept as the list wrote it."""
    if not text:
        return None, ""
    bare = PARENTHESES.sub("", text).strip()
    user = leaders.get(text) or leaders.get(bare)
    if user is not None:
        return user, ""
    return None, text


class _Problem:
    """A problem as the sheet gives it: its first row's cells, its fields, its measures."""

    def __init__(self, line, aspect, cells):
        self.line, self.aspect, self.cells = line, aspect, cells
        self.number = None
        self.fields = {}
        self.measures = []

    def continues(self, aspect, cells):
        """Whether a row with these problem cells is another measure of this problem: the
        same aspect, and the same 问题序号 or (none given) the same or no 问题描述."""
        if aspect != self.aspect:
            return False
        if cells["问题序号"]:
            return cells["问题序号"] == self.cells["问题序号"]
        return cells["问题描述"] in ("", self.cells["问题描述"])

    def check_repeat(self, line, cells, errors):
        """A cell a measure row repeats must say what the problem's first row says."""
        for column, value in cells.items():
            if value not in ("", self.cells[column]):
                errors.append(
                    (
                        line,
                        _("%(column)s differs from row %(line)d, where this problem starts.")
                        % {"column": column, "line": self.line},
                    )
                )


def _number(text, line, numbers, errors):
    """The 问题序号 of a problem starting on ``line``; ``numbers`` {number: row} are those
    of the problems before it, which it joins."""
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        errors.append((line, _("问题序号 “%(value)s” is not a whole number.") % {"value": text}))
        return None
    number = int(text)
    if number in numbers:
        errors.append(
            (
                line,
                _("问题序号 %(number)d is already used in row %(line)d.")
                % {"number": number, "line": numbers[number]},
            )
        )
    else:
        numbers[number] = line
    return number


def _problem_fields(row, columns, line, units, leaders, errors):
    description = _check_text(
        "问题描述", _cell(row, columns, "问题描述"), _problem_text("description"), line, errors
    )
    if not description:
        errors.append((line, _("问题描述 is empty.")))
    seriousness_text = _cell(row, columns, "严重程度")
    seriousness = SERIOUSNESS_WORDS.get(seriousness_text or "一般")
    if seriousness is None:
        errors.append(
            (
                line,
                _("严重程度 “%(value)s” is not one of 一般, 较重, 严重.")
                % {"value": seriousness_text},
            )
        )
    lead_text = _cell(row, columns, "牵头单位")
    lead = units_cell(lead_text, units, errors, line, "牵头单位")
    if not lead_text:
        errors.append((line, _("牵头单位 is empty.")))
    elif len(lead) > 1:
        errors.append((line, _("Only one 牵头单位 per problem.")))
    responsible = units_cell(_cell(row, columns, "责任单位"), units, errors, line, "责任单位")
    leader, leader_name = _leader(_cell(row, columns, "责任领导"), leaders)
    leader_name = _check_text(
        "责任领导", leader_name, _problem_text("responsible_leader_name"), line, errors
    )
    lead_unit = lead[0] if len(lead) == 1 else None
    return {
        "description": description,
        "wording": _check_text(
            "反馈原文", _cell(row, columns, "反馈原文"), _problem_text("wording"), line, errors
        ),
        "seriousness": seriousness or Seriousness.GENERAL,
        "responsible_leader": leader,
        "responsible_leader_name": leader_name,
        "lead_unit": lead_unit,
        "units": [u for u in responsible if lead_unit is None or u.pk != lead_unit.pk],
        "committed_date": _committed_date(_cell(row, columns, COMMITTED), line, errors),
    }


def _committed_date(value, line, errors):
    """完成时限(承诺): a date (2026-06-30, 2026年6月底), not a count of working days."""
    if value == "":
        return None
    try:
        day, working_days = _deadline(value)
    except ValueError:
        day = working_days = None
    if working_days is not None or day is None:
        errors.append(
            (
                line,
                _("%(column)s “%(value)s” is not a date such as 2026-06-30 or 2026年6月底.")
                % {"column": COMMITTED, "value": value},
            )
        )
        return None
    _check_deadline(COMMITTED, day, None, line, errors)
    return day


def _measure_fields(row, columns, line, plan_deadline, errors):
    title = _cell(row, columns, "整改措施")
    if not title:
        errors.append((line, _("整改措施 is empty.")))
    kind_text = _cell(row, columns, "措施类型")
    deadline_cell = _cell(row, columns, "完成时限")
    if not kind_text and deadline_cell in KIND_WORDS:  # 完成时限: 长期坚持 / 立行立改
        kind_text, deadline_cell = deadline_cell, ""
    kind = KIND_WORDS.get(kind_text or KIND_LABELS[MeasureKind.SCHEDULED])
    if kind is None:
        errors.append(
            (
                line,
                _("措施类型 “%(value)s” is not one of 限期整改, 立行立改, 长期坚持.")
                % {"value": kind_text},
            )
        )
    deadline = working_days = None
    if deadline_cell == "":
        if kind != MeasureKind.IMMEDIATE:
            deadline = plan_deadline
    else:
        try:
            deadline, working_days = _deadline(deadline_cell)
        except ValueError as exc:
            errors.append(
                (
                    line,
                    _(
                        "完成时限 “%(value)s” is not a date such as 2026-06-30 or 2026年6月底, "
                        "or a number of working days such as 15个工作日."
                    )
                    % {"value": exc.args[0]},
                )
            )
        else:
            _check_deadline("完成时限", deadline, working_days, line, errors)
    fields = {
        "title": title[:300],
        "body": title if len(title) > 300 else "",
        "kind": kind or MeasureKind.SCHEDULED,
        "deadline": deadline,
        "deadline_working_days": working_days,
    }
    return fields


def _number_the_rest(problems):
    """Problems the sheet gives no 问题序号 are numbered after the one before them, around
    the numbers the sheet gives, so the plan's numbers follow the sheet's order."""
    given = {p.number for p in problems if p.number is not None}
    last = 0
    for problem in problems:
        if problem.number is None:
            problem.number = last + 1
            while problem.number in given:
                problem.number += 1
            given.add(problem.number)
        last = max(last, problem.number)
        problem.fields["number"] = problem.number


def parse_plan(data, organisation, plan_deadline):
    """The sheet as aspects → problems → measures, and every error found: ``(aspects,
    errors)`` with ``aspects`` a list of (title, [problems]) in the sheet's order."""
    rows = read_rows(data, max_columns=MAX_COLUMNS, rows_above=HEADER_SEARCH_ROWS)
    header, columns = _find_header(rows)
    if header is None:
        raise refuse_import(
            _(
                "No header row with “问题描述” (or 问题, 存在问题) and “整改措施” (or 措施) "
                "was found in the first sheet."
            )
        )
    missing = [name for name in ("方面", "牵头单位") if name not in columns]
    if missing:
        raise refuse_import(
            _("The sheet has no column %(columns)s.") % {"columns": "、".join(missing)}
        )
    check_data_rows(rows, header)
    units = Unit.objects.filter(organisation=organisation).by_name()
    leaders = _leaders(organisation)
    aspects, errors, numbers, order = {}, [], {}, []
    aspect = None
    problem = None
    for line, row in enumerate(rows[header + 1 :], start=header + 2):
        if not any(c not in (None, "") for c in row):
            continue
        aspect_title = _cell(row, columns, "方面")
        if aspect_title:
            aspect = _check_text("方面", aspect_title, _aspect_text, line, errors)
        elif aspect is None:
            errors.append((line, _("方面 is empty.")))
            aspect = ""
        cells = {name: _cell(row, columns, name) for name in ("问题序号", *PROBLEM_COLUMNS)}
        if problem is not None and problem.continues(aspect, cells):
            problem.check_repeat(line, cells, errors)
        else:
            problem = _Problem(line, aspect, cells)
            problem.number = _number(cells["问题序号"], line, numbers, errors)
            problem.fields = _problem_fields(row, columns, line, units, leaders, errors)
            aspects.setdefault(aspect, []).append(problem)
            order.append(problem)
        problem.measures.append((line, _measure_fields(row, columns, line, plan_deadline, errors)))
    if not aspects and not errors:
        errors.append((None, _("The sheet has no measure rows.")))
    _number_the_rest(order)
    return list(aspects.items()), errors


def import_upload(upload, **plan):
    """Import an uploaded file, refusing an oversized one before reading it into memory."""
    return import_plan(read_upload(upload), **plan)


def import_plan(data, *, by, title, kind, office, deadline, **plan_fields):
    """Make the plan with every aspect, problem and measure of the sheet, or nothing.
    Returns (plan, counts) with counts {aspects, problems, measures}."""
    if not rules.can_manage(by, by.organisation_id):
        raise NotAllowed(_("Only the rectification office (a supervisor) may do this."))
    aspects, errors = parse_plan(data, by.organisation, deadline)
    if errors:
        raise ImportFailed(errors)
    with transaction.atomic():  # ImportFailed raised inside rolls every row back
        try:
            plan = services.create_plan(
                by=by, title=title, kind=kind, office=office, deadline=deadline, **plan_fields
            )
        except WorkflowError as exc:
            raise refuse_import(exc.message) from None
        counts = _make(plan, by, aspects, errors)
        if errors:
            raise ImportFailed(errors)
    return plan, counts


def _make(plan, by, aspects, errors):
    """The aspects, problems and measures of a new plan; what the services refuse is added
    to ``errors`` with its row."""
    counts = {"aspects": 0, "problems": 0, "measures": 0}
    for aspect_title, problems in aspects:
        aspect = services.add_aspect(plan, by=by, title=aspect_title)
        counts["aspects"] += 1
        for problem in problems:
            try:
                made = services.add_problem(plan, by=by, aspect=aspect, **problem.fields)
            except WorkflowError as exc:
                errors.append((problem.line, exc.message))
                continue
            counts["problems"] += 1
            for line, fields in problem.measures:
                try:
                    services.add_measure(made, by=by, **fields)
                except WorkflowError as exc:
                    errors.append((line, exc.message))
                else:
                    counts["measures"] += 1
    return counts
