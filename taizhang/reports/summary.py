"""The year-end summary's text: the office's template with ``{key}`` where a figure goes
(year.py's keys, and ``{organisation}``, ``{year}``, ``{next_year}``), read into paragraphs of
text and figures, for the page (a link and a footnote on each figure) and the Word file (a
footnote number, and the table of figures and sources in the appendix)."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from taizhang.utils.errors import WorkflowError

PLACE = re.compile(r"\{([a-z_]+)\}")
CONTEXT_KEYS = ("organisation", "year", "next_year")

# The default text, in the style of the federation's own summary (seed 000), written here.
DEFAULT_TEMPLATE = """{organisation}{year}年督查督办工作总结
一、督查督办工作
全年完成文件、会议督办{supervised_items}项，编发了{briefings}期工作简报，及时通报重点工作推进情况，督促各部门按期办结。
二、巡视整改工作
针对巡视反馈的{rectification_aspects}个方面{rectification_problems}个重点问题，逐项制定整改措施、明确责任部门和完成时限。目前问题已完成{rectification_problems_rate}%，整改措施已完成{rectification_measures_rate}%；尚有{rectification_open_problems}个问题、{rectification_open_measures}项措施正在推进，均已明确完成时限。
三、考核评价工作
组织开展年度部门考评，{departments_appraised}个部门中有{departments_grade_b_or_above}个部门获得B级以上评价；开展职工年度考核，{staff_commended}人获评年度优秀员工。
四、建言献策与专家会商
全年组织{consultation_meetings}次专家经济会商会，收到建言献策{suggestions_received}件，采纳{suggestions_adopted}件。
五、{next_year}年工作打算
（由办公室补充。）"""


@dataclass
class Part:
    text: str = ""
    figure: object = None  # a year.Figure
    note: int = 0  # its footnote's number


def check_template(template, figures):
    """Refuse a template naming a figure there is not, listing the ones there are."""
    known = {f.key for f in figures} | set(CONTEXT_KEYS)
    unknown = sorted({key for key in PLACE.findall(template)} - known)
    if unknown:
        raise WorkflowError(
            _("The text names figures there are not: %(unknown)s. The figures are: %(known)s.")
            % {"unknown": "、".join(unknown), "known": "、".join(sorted(known))}
        )


def paragraphs(template, figures, organisation, year):
    """[[Part]] per line; each figure once numbered, in the order it first appears."""
    by_key = {f.key: f for f in figures}
    context = {"organisation": str(organisation), "year": str(year), "next_year": str(year + 1)}
    notes = {}
    found = []
    for line in template.splitlines():
        if not line.strip():
            continue
        parts, at = [], 0
        for match in PLACE.finditer(line):
            key = match[1]
            parts.append(Part(line[at : match.start()]))
            if key in context:
                parts.append(Part(context[key]))
            elif key in by_key:
                notes.setdefault(key, len(notes) + 1)
                parts.append(Part(figure=by_key[key], note=notes[key]))
            else:
                parts.append(Part(match[0]))
            at = match.end()
        parts.append(Part(line[at:]))
        found.append([p for p in parts if p.text or p.figure])
    return found


def figure_text(figure):
    """A figure as the text states it, or where it is missing, which one and why."""
    if figure.value is None:
        return _("[missing: %(label)s — %(reason)s]") % {
            "label": figure.label,
            "reason": figure.missing,
        }
    return str(figure.value)


def noted(found):
    """The figures that carry a footnote, in its order."""
    seen = {}
    for line in found:
        for part in line:
            if part.figure is not None:
                seen.setdefault(part.note, part.figure)
    return [seen[n] for n in sorted(seen)]
