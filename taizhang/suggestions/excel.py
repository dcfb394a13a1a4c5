"""The 建言献策台账 as an Excel sheet, both ways.

Export writes the layout offices keep (序号, 编号, 标题, 建言人, 建言人单位, 渠道, 收到日期, 类别,
状态, 主办/会办/协办单位, 答复期限, 答复类别, 答复日期, 是否按期, 评价, 是否采纳, 成果转化,
效益（万元）, 表彰). Import reads a batch of offline suggestions (标题, 内容, 建言人账号 or
建言人姓名, 联名建言人, 渠道, 收到日期, 类别, 联系方式), each row entered through
``services.create_suggestion`` by the importing office; if any row is bad, nothing is
imported and every bad row is reported with its reason.
"""

import datetime
import io
import re

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from taizhang.org.choices import Role
from taizhang.org.models import User
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
from .choices import Channel, CommendationKind, Extent, Rating, ReplyClass, Status
from .models import Commendation

__all__ = ["XLSX", "ImportFailed", "export_ledger", "import_suggestions", "template_workbook"]

HEADERS = [
    "序号",
    "编号",
    "标题",
    "建议内容",
    "建言人",
    "建言人单位",
    "渠道",
    "收到日期",
    "类别",
    "状态",
    "主办单位",
    "会办单位",
    "协办单位",
    "答复期限",
    "答复类别",
    "答复日期",
    "答复内容",
    "是否按期",
    "评价",
    "是否采纳",
    "成果转化",
    "效益（万元）",
    "表彰",
]
WIDTHS = [6, 18, 36, 48, 16, 20, 10, 12, 12, 12, 20, 22, 22, 12, 10, 12, 48, 8, 12, 10, 36, 12, 20]
DATE_COLUMNS = (8, 14, 16)
BENEFIT_COLUMN = 22
MAX_CELL_TEXT = 2000  # a cell holds the gist; the page has the whole text
ANONYMOUS = "匿名"

# Chinese labels are the layout's, whatever the user's language.
STATUS_LABELS = {
    Status.SUBMITTED: "待受理",
    Status.WITHDRAWN: "已撤回",
    Status.ACCEPTED: "已立案",
    Status.REFUSED: "不予立案",
    Status.MERGED: "已并案",
    Status.ASSIGNED: "已交办",
    Status.RETURNED: "退回待交办",
    Status.IN_HAND: "办理中",
    Status.REPLY_REVIEW: "答复审核中",
    Status.REPLIED: "已答复",
    Status.CLOSED: "已办结",
}
CHANNEL_LABELS = {
    Channel.ONLINE: "网上提交",
    Channel.LETTER: "来信",
    Channel.SYMPOSIUM: "座谈会",
    Channel.RESEARCH: "调研",
    Channel.FORUM: "论坛",
    Channel.MEETING: "会议",
    Channel.HOTLINE: "热线",
    Channel.OTHER: "其他",
}
# What an office may write in a 渠道 cell besides the label and the code.
CHANNEL_WORDS = {
    "信件": Channel.LETTER,
    "来函": Channel.LETTER,
    "座谈": Channel.SYMPOSIUM,
    "调研走访": Channel.RESEARCH,
    "会上": Channel.MEETING,
    "电话": Channel.HOTLINE,
    "热线电话": Channel.HOTLINE,
    "其它": Channel.OTHER,
}
REPLY_CLASS_LABELS = {ReplyClass.A: "A类", ReplyClass.B: "B类", ReplyClass.C: "C类"}
RATING_LABELS = {
    Rating.SATISFIED: "满意",
    Rating.BASICALLY_SATISFIED: "基本满意",
    Rating.DISSATISFIED: "不满意",
}
EXTENT_LABELS = {Extent.WHOLE: "全部采纳", Extent.PART: "部分采纳"}
COMMENDATION_LABELS = {CommendationKind.NOTICE: "通报表扬", CommendationKind.REWARD: "物质奖励"}

IMPORT_HEADERS = [
    "标题",
    "内容",
    "建言人账号",
    "建言人姓名",
    "联名建言人",
    "渠道",
    "收到日期",
    "类别",
    "联系方式",
]
IMPORT_WIDTHS = [30, 60, 14, 14, 20, 10, 12, 12, 20]
IMPORT_MAX_COLUMNS = 20
CHUNK_SIZE = 2000
HEADER_SEARCH_ROWS = 10
NAME_SEPARATORS = re.compile(r"[、，,；;/\s]+")
EARLIEST_YEAR = 2000  # an earlier 收到日期 is a typing error, not an old letter
LIMITS = {"标题": 200, "内容": 20000, "类别": 60, "建言人姓名": 100, "联系方式": 100}


# ---- export ------------------------------------------------------------------------------------


def export_rows(queryset):
    """The queryset with everything a ledger row shows, in a fixed number of queries."""
    return queryset.for_lists().prefetch_related(
        "outcomes",
        "replies",
        Prefetch(
            "commendations",
            queryset=Commendation.objects.filter(approved_at__isnull=False),
            to_attr="approved_commendations",
        ),
    )


def _names(units):
    return "、".join(u.name for u in units)


def _submitters(suggestion):
    # The sheet's words are Chinese whatever the reader's language: 匿名, not "Anonymous".
    return ANONYMOUS if suggestion.anonymous else suggestion.submitter_display


def _yes_no(value):
    return "" if value is None else ("是" if value else "否")


def _rating(suggestion):
    label = RATING_LABELS.get(suggestion.rating, "")
    return f"{label}（逾期未评，视为）" if label and suggestion.rating_auto else label


def _reply_text(suggestion):
    """The reply the submitter received (the latest approved one)."""
    sent = [r for r in suggestion.replies.all() if r.approved]
    return sent[-1].text[:MAX_CELL_TEXT] if sent else ""


def _outcomes(suggestion):
    return "；".join(o.text for o in suggestion.outcomes.all())


def _benefit(suggestion):
    amounts = [o.benefit_amount for o in suggestion.outcomes.all() if o.benefit_amount is not None]
    return float(sum(amounts)) if amounts else None


def _commendations(suggestion):
    parts = []
    for c in suggestion.approved_commendations:
        label = COMMENDATION_LABELS[c.kind]
        parts.append(f"{label}（{c.amount:,.2f}元）" if c.amount else label)
    return "；".join(parts)


def _row(n, s):
    return [
        n,
        s.number,
        s.title,
        s.body[:MAX_CELL_TEXT],
        _submitters(s),
        "" if s.anonymous or not s.affiliation else s.affiliation.name,
        CHANNEL_LABELS[s.channel],
        s.received_on,
        s.topic,
        STATUS_LABELS[s.status],
        s.lead_unit.name if s.lead_unit else "",
        _names(s.joint_units),
        _names(s.assisting_units),
        s.deadline,
        REPLY_CLASS_LABELS.get(s.reply_class, ""),
        timezone.localdate(s.replied_at) if s.replied_at else None,
        _reply_text(s),
        _yes_no(s.replied_on_time),
        _rating(s),
        EXTENT_LABELS.get(s.adoption_extent, "否") if s.adopted_at else "否",
        _outcomes(s),
        _benefit(s),
        _commendations(s),
    ]


def export_ledger(suggestions, title="建言献策台账"):
    """An .xlsx of the given suggestions (already filtered, permitted and prefetched with
    ``export_rows``), as bytes; a queryset is read in chunks, each with its prefetches."""
    ledger = Ledger()
    formats = dict.fromkeys(DATE_COLUMNS, DATE) | {BENEFIT_COLUMN: "#,##0.00"}
    # The header and 序号, 编号, 标题 stay in view.
    sheet = ledger.sheet("建言献策台账", title, HEADERS, WIDTHS, freeze="D4", formats=formats)
    if hasattr(suggestions, "iterator"):
        suggestions = suggestions.iterator(chunk_size=CHUNK_SIZE)
    for n, suggestion in enumerate(suggestions, 1):
        sheet.append(_row(n, suggestion))
    return ledger.save()


def _download(data, name):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
    return response


def ledger_response(queryset):
    """The export as a download, for the page and the API; refused (WorkflowError) when it
    would hold more rows than an export may."""
    check_export_rows(queryset.count())
    return _download(export_ledger(export_rows(queryset)), "suggestions")


# ---- the import template -----------------------------------------------------------------------


def template_workbook():
    """An empty import sheet with its header, a list of channels to pick from, and a second
    sheet that says what each column takes (only the first sheet is read)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "建言献策导入"
    ws.append(IMPORT_HEADERS)
    for col, width in enumerate(IMPORT_WIDTHS, 1):
        ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = width
        ws.cell(row=1, column=col).font = Font(bold=True)
    ws.freeze_panes = "A2"
    offline = ",".join(CHANNEL_LABELS[c] for c in Channel.offline())
    choose = DataValidation(type="list", formula1=f'"{offline}"', allow_blank=False)
    choose.error = "请从列表中选择渠道"
    ws.add_data_validation(choose)
    choose.add(f"F2:F{settings.TAIZHANG_IMPORT_MAX_ROWS + 1}")
    for row in range(2, 202):
        ws.cell(row=row, column=7).number_format = "yyyy-mm-dd"
    notes = wb.create_sheet("填写说明")
    for line in [
        ("列", "填写说明"),
        ("标题", "必填，不超过200字"),
        ("内容", "必填，建议的具体内容"),
        ("建言人账号", "建言人在本系统的账号（角色为建言人）；与建言人姓名二选一"),
        ("建言人姓名", "没有账号的建言人姓名；有账号时可不填"),
        ("联名建言人", "其他建言人的账号，多个用顿号“、”分隔"),
        ("渠道", "必填：" + "、".join(CHANNEL_LABELS[c] for c in Channel.offline())),
        ("收到日期", "必填，如 2026-11-03，不能晚于今天"),
        ("类别", "选填，如 产业发展、营商环境"),
        ("联系方式", "选填，没有账号的建言人的电话或地址"),
        ("", "任何一行有误时整批不导入，并列出每一行的问题。"),
    ]:
        notes.append(line)
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 70
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def template_response():
    return _download(template_workbook(), "suggestions-import-template")


# ---- import ------------------------------------------------------------------------------------


def _cell(row, columns, name):
    i = columns.get(name)
    if i is None or i >= len(row) or row[i] is None:
        return ""
    value = row[i]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed into a number cell
    return clean_text(str(value)).strip()


def _channel(text):
    text = " ".join(str(text).split())
    by_label = {label: code for code, label in CHANNEL_LABELS.items()}
    found = by_label.get(text) or CHANNEL_WORDS.get(text)
    if not found and text.lower() in Channel.values:
        found = text.lower()
    if not found:
        labels = {str(c.label): c.value for c in Channel}  # the user's language's label
        found = labels.get(text)
    return found


def _date(value):
    """A date from a cell: a date, 2026-11-03, 2026/11/3, 2026.11.3 or 2026年11月3日."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", str(value))
    if m:
        try:
            return datetime.date(*map(int, m.groups()))
        except ValueError:
            pass
    raise ValueError(value)


class _Row:
    """One sheet row being read: its fields and what is wrong with it."""

    def __init__(self, line, row, columns):
        self.line, self.row, self.columns = line, row, columns
        self.errors = []

    def text(self, name, *, required=False):
        value = _cell(self.row, self.columns, name)
        if isinstance(value, (datetime.date, datetime.datetime)):
            value = value.isoformat()[:10]
        if required and not value:
            self.fail(_("%(column)s is empty.") % {"column": name})
        limit = LIMITS.get(name)
        if limit and len(value) > limit:
            self.fail(
                _("%(column)s is too long: %(count)d characters, at most %(limit)d.")
                % {"column": name, "count": len(value), "limit": limit}
            )
        return value

    def fail(self, message):
        self.errors.append((self.line, message))


def _accounts(organisation):
    """User name → submitter account of the organisation, read once for the whole sheet."""
    return {
        u.username: u
        for u in User.objects.filter(
            organisation=organisation, role=Role.SUBMITTER, is_active=True
        ).only("username")
    }


def _check_accounts(row, names, accounts, column):
    for name in names:
        if name not in accounts:
            row.fail(
                _("%(column)s “%(name)s” is not a submitter account of this organisation.")
                % {"column": column, "name": name}
            )


def _received_on(row, value):
    if value in ("", None):
        row.fail(_("收到日期 is empty."))
        return None
    try:
        day = _date(value)
    except ValueError:
        row.fail(_("收到日期 “%(value)s” is not a date such as 2026-11-03.") % {"value": value})
        return None
    if day > timezone.localdate():
        row.fail(_("收到日期 %(day)s is in the future.") % {"day": day.isoformat()})
    elif day.year < EARLIEST_YEAR:
        row.fail(_("收到日期 %(day)s is implausibly early.") % {"day": day.isoformat()})
    return day


def _parse_row(row, accounts):
    account = row.text("建言人账号")
    name = row.text("建言人姓名")
    joint = [n for n in NAME_SEPARATORS.split(row.text("联名建言人")) if n]
    if account:
        _check_accounts(row, [account], accounts, "建言人账号")
    elif not name:
        row.fail(_("Name the submitter: 建言人账号 or 建言人姓名."))
    _check_accounts(row, joint, accounts, "联名建言人")
    channel_text = row.text("渠道", required=True)
    channel = _channel(channel_text) if channel_text else None
    if channel_text and not channel:
        row.fail(_("渠道 “%(value)s” is not a known channel.") % {"value": channel_text})
    elif channel == Channel.ONLINE:
        row.fail(_("渠道 网上提交: online suggestions are filed by their submitters."))
    return {
        "title": row.text("标题", required=True),
        "body": row.text("内容", required=True),
        "submitter": account or None,
        "submitter_name": "" if account else name,
        "co_submitters": joint,
        "channel": channel,
        "received_on": _received_on(row, _cell(row.row, row.columns, "收到日期")),
        "topic": row.text("类别"),
        "submitter_contact": row.text("联系方式"),
    }


def parse_suggestions(data, organisation):
    """Rows of the sheet as keyword arguments for ``create_suggestion``, and the errors found."""
    rows = read_rows(data, max_columns=IMPORT_MAX_COLUMNS, rows_above=HEADER_SEARCH_ROWS)
    header, columns = header_row(rows, "标题", HEADER_SEARCH_ROWS)
    if header is None or "内容" not in columns:
        raise ImportFailed(
            [(None, _("No header row with “标题” and “内容” was found in the first sheet."))]
        )
    check_data_rows(rows, header)
    accounts = _accounts(organisation)
    parsed, errors, seen = [], [], {}
    for line, values in enumerate(rows[header + 1 :], start=header + 2):
        if not any(c not in (None, "") for c in values):
            continue
        row = _Row(line, values, columns)
        fields = _parse_row(row, accounts)
        same = seen.setdefault((fields["title"], fields["body"]), line)
        if fields["title"] and same != line:
            row.fail(_("The same 标题 and 内容 as row %(row)d.") % {"row": same})
        errors.extend(row.errors)
        parsed.append((line, fields))
    if not parsed and not errors:
        errors.append((None, _("The sheet has no suggestion rows.")))
    return parsed, errors


def import_upload(upload, *, by):
    """Import an uploaded file, refusing an oversized one before reading it into memory."""
    return import_suggestions(read_upload(upload), by=by)


def import_suggestions(data, *, by):
    """Enter every row as a suggestion received offline, or none of them. Returns them."""
    if not rules.can_enter(by):
        raise NotAllowed(_("Only the office may import suggestions."))
    parsed, errors = parse_suggestions(data, by.organisation)
    if errors:
        raise ImportFailed(errors)
    created = []
    with transaction.atomic():  # ImportFailed raised inside rolls every row back
        for line, fields in parsed:
            try:
                suggestion, _code = services.create_suggestion(by=by, **fields)
            except WorkflowError as exc:
                errors.append((line, exc.message))
            else:
                created.append(suggestion)
        if errors:
            raise ImportFailed(errors)
    return created
