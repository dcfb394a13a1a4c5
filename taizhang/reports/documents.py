"""The Word files of the reports in the official layout (official.py): the 督办通报 and the
工作简报 (bulletins), the year-end summary with its appendix of figures and sources, and a
task's 督办单 and 催办单 from the facts the printed sheets show (supervision/printing.py)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.supervision import printing

from . import summary
from .choices import Kind
from .official import HEADING_1, HEADING_2, OfficialDocument, chinese_date

# The heading word of each kind in the 版头 after the issuer's name.
HEADING = {Kind.NOTICE: "督办通报", Kind.BRIEFING: "工作简报"}


def _distribution(bulletin):
    return [("报", bulletin.report_to), ("送", bulletin.send_to), ("发", bulletin.issue_to)]


def bulletin_document(bulletin, facts, issuer):
    """A 督办通报 (its facts: notices.py) or a 工作简报 (its items), as bytes."""
    doc = OfficialDocument(title_for_properties=bulletin.title, author=issuer)
    heading = HEADING.get(bulletin.kind, "")
    number = bulletin.number_label or _("(not issued: draft)")
    doc.heading(f"{issuer}{heading}" if heading not in issuer else issuer, number)
    doc.title(bulletin.title)
    if bulletin.body:
        doc.text(bulletin.body)
    if bulletin.kind == Kind.NOTICE:
        _notice_sections(doc, facts)
    else:
        for position, item in enumerate(bulletin.items, 1):
            doc.paragraph(f"{_chinese_number(position)}、{item.get('title', '')}", font="黑体")
            doc.text(item.get("text", ""))
    day = bulletin.issued_on or timezone.localdate()
    doc.signature(issuer, day)
    doc.colophon(
        distribution=_distribution(bulletin) if bulletin.kind == Kind.BRIEFING else (),
        copy_to=bulletin.copy_to,
        printed_by=issuer,
        printed_on=day,
    )
    return doc.save()


def _notice_sections(doc, facts):
    if not facts:
        return
    doc.paragraph(
        _(
            "In %(period)s, %(closed)d tasks were closed, %(on_time)d of them on time "
            "(on-time rate %(rate)s); on %(as_of)s, %(open)d tasks were open, %(overdue)d of "
            "them overdue."
        )
        % {
            "period": facts["period"],
            "closed": facts["closed_count"],
            "on_time": facts["on_time_count"],
            "rate": _percent(facts["on_time_rate"]),
            "as_of": facts["as_of"],
            "open": facts["open_count"],
            "overdue": facts["overdue_count"],
        }
    )
    doc.paragraph(_("I. Units praised"), font="黑体")
    if facts["praised"]:
        for row in facts["praised"]:
            doc.paragraph(
                _("%(unit)s: %(closed)d tasks closed, on-time rate %(rate)s.")
                % {
                    "unit": row["unit"],
                    "closed": row["closed"],
                    "rate": _percent(row["on_time_rate"]),
                }
            )
    else:
        doc.paragraph(_("No unit met the organisation's rule for praise in this period."))
    doc.paragraph(_("II. Units criticised"), font="黑体")
    if facts["criticised"]:
        for row in facts["criticised"]:
            doc.paragraph(
                _("%(unit)s: %(overdue)d tasks overdue; to be closed without delay.")
                % {"unit": row["unit"], "overdue": row["overdue"]}
            )
    else:
        doc.paragraph(_("No unit reached the organisation's rule for criticism in this period."))
    doc.paragraph(_("III. Overdue tasks"), font="黑体")
    _task_table(doc, facts["overdue"], overdue=True, total=facts["overdue_count"])
    doc.paragraph(_("IV. Tasks closed"), font="黑体")
    _task_table(doc, facts["closed"], overdue=False, total=facts["closed_count"])
    if facts.get("more"):
        doc.paragraph(facts["more"])


def _task_table(doc, rows, overdue, total):
    if not rows:
        doc.paragraph(_("None."))
        return
    if overdue:
        headers = [_("No."), _("Task"), _("Lead unit"), _("Deadline"), _("Days overdue")]
        body = [[r["number"], r["title"], r["lead"], r["deadline"], r["days"]] for r in rows]
    else:
        headers = [_("No."), _("Task"), _("Lead unit"), _("Closed on"), _("On time")]
        body = [
            [
                r["number"],
                r["title"],
                r["lead"],
                r["closed_on"],
                _("Yes") if r["on_time"] else _("No"),
            ]
            for r in rows
        ]
    doc.table(headers, body)
    if total > len(rows):  # a notice attaches so many rows at most (notices.LIST_ROWS)
        doc.paragraph(
            _("The first %(shown)d of %(total)d are listed; the ledger lists them all.")
            % {"shown": len(rows), "total": total}
        )


def _percent(fraction):
    return "—" if fraction is None else f"{100 * fraction:.1f}%"


CHINESE_DIGITS = "〇一二三四五六七八九"


def _chinese_number(n):
    """1 → 一, 12 → 十二, 25 → 二十五 (item numbers of a briefing)."""
    if n < 10:
        return CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_DIGITS[tens]
    return f"{head}十{CHINESE_DIGITS[ones] if ones else ''}"


def year_summary_document(
    organisation, year, text, figures, issuer, *, frozen_at=None, base_url=""
):
    """The year-end summary: the text with each figure footnoted, then the appendix table of
    every figure it states with its source (the list behind it)."""
    found = summary.paragraphs(text, figures, organisation, year)
    doc = OfficialDocument(title_for_properties=f"{organisation} {year}", author=issuer)
    lines = iter(found)
    first = next(lines, None)
    if first is not None:
        doc.title("".join(_part_text(p) for p in first))
    for line in lines:
        segments = []
        for part in line:
            segments.append(_part_text(part))
            if part.figure is not None:
                segments.append((f"[{part.note}]", {"superscript": True}))
        plain = "".join(s for s in segments if isinstance(s, str))
        font = (
            "黑体"
            if summary_heading(plain) == 1
            else "楷体_GB2312"
            if summary_heading(plain) == 2
            else "仿宋_GB2312"
        )
        doc.paragraph(segments, font=font)
    day = timezone.localdate(frozen_at) if frozen_at else timezone.localdate()
    doc.signature(issuer, day)
    doc.page_break()
    doc.paragraph(_("Appendix: the figures and their sources"), indent=False, font="黑体")
    rows = [
        [
            f"[{n}]",
            f.label,
            summary.figure_text(f)
            if f.value is None
            else f"{f.value}{f.unit if f.unit == '%' else ''}",
            f"{base_url}{f.source}" if f.source else f.missing,
        ]
        for n, f in enumerate(summary.noted(found), 1)
    ]
    doc.table([_("Note"), _("Figure"), _("Value"), _("Source")], rows)
    if frozen_at:
        doc.paragraph(
            _("Figures frozen on %(day)s.") % {"day": chinese_date(timezone.localdate(frozen_at))},
            indent=False,
        )
    else:
        doc.paragraph(
            _(
                "Draft: the figures are those of %(day)s and follow the ledgers "
                "until the draft is frozen."
            )
            % {"day": chinese_date(timezone.localdate())},
            indent=False,
        )
    return doc.save()


def _part_text(part):
    return summary.figure_text(part.figure) if part.figure is not None else part.text


def summary_heading(line):
    return 1 if HEADING_1.match(line) else 2 if HEADING_2.match(line) else 0


def task_sheet_document(task, user, sheet):
    """督办单 (``sheet="duban"``) or 催办单 (``"cuiban"``) of one task, as bytes."""
    today = printing.today()
    issuer = printing.issuer(task)
    heading = "督办单" if sheet == "duban" else "催办单"
    doc = OfficialDocument(title_for_properties=f"{heading} {task.number}", author=issuer)
    doc.heading(f"{task.organisation.name}{heading}", _("No. %(number)s") % {"number": task.number})
    doc.title(task.title)
    rows = [
        [_("Source"), printing.source_text(task, user)],
        [_("Requirements"), task.body or "—"],
        *[
            [label, "、".join(tu.unit.name for tu in parts)]
            for label, parts in printing.units_by_role(task)
        ],
        [_("Deadline"), chinese_date(task.deadline)],
        [
            _("Assigned on"),
            chinese_date(timezone.localdate(task.assigned_at)) if task.assigned_at else "",
        ],
        [_("Urgency"), task.get_priority_display()],
    ]
    if sheet == "duban":
        for event in printing.instructions(task):
            rows.append([_("Leader instructions"), f"{event.comment}——{event.actor}"])
    else:
        state = printing.deadline_state(task, today)
        missing = printing.missing(task, today)
        if state.overdue:
            rows.append([_("Overdue"), _("%(days)d working days") % {"days": state.overdue}])
        elif state.left is not None:
            rows.append([_("Working days left"), str(state.left)])
        if missing.unsigned:
            rows.append([_("Not signed for"), "、".join(tu.unit.name for tu in missing.unsigned)])
        if missing.quiet:
            rows.append(
                [
                    _("No progress report for %(days)d days") % {"days": missing.quiet_days},
                    "、".join(tu.unit.name for tu in missing.quiet),
                ]
            )
        reminded = printing.reminders(task)
        rows.append([_("Reminders sent"), str(len(reminded.by_hand) + reminded.digests)])
    doc.table([_("Item"), _("Content")], rows)
    doc.signature(issuer, today)
    return doc.save()
