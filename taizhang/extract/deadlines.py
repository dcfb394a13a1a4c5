"""Deadlines as written (2024年6月底前, 年底前, 三季度, 5个工作日内) and the day they resolve to.

Dates without a year take the document's year: the year of its date line, else the year it
names most often. Working days count on chinese-calendar from the document's date.
"""

import calendar
import datetime
import re
from collections import Counter
from dataclasses import dataclass

from taizhang.utils.workdays import add_working_days

from .labels import DEADLINE as DEADLINE_LABEL
from .labels import find_labels
from .numerals import CN_NUMBER, cn_to_int

N = rf"(?:\d{{1,4}}|{CN_NUMBER}{{1,4}})"
YEAR = r"(?:(?P<year>\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*)"
BEFORE = r"(?:之前|以前|前|内|止)?"
DEADLINE = re.compile(
    rf"(?:{YEAR}?(?P<month>{N})\s*月\s*(?P<day>{N})\s*日\s*(?P<d_before>{BEFORE}))"
    rf"|(?:{YEAR.replace('year', 'year2')}?(?P<month2>{N})\s*月\s*(?:底|末|份)\s*{BEFORE})"
    rf"|(?:{YEAR.replace('year', 'year3')}?(?:第)?(?P<quarter>[一二三四1-4])\s*季度\s*(?:末|底)?\s*{BEFORE})"
    rf"|(?:{YEAR.replace('year', 'year4')}?(?P<half>上半年|下半年)\s*{BEFORE})"
    rf"|(?:(?P<year5>\d{{4}}|[〇零一二三四五六七八九]{{4}})?\s*年\s*(?:底|末|内)\s*{BEFORE})"
    rf"|(?:(?P<workdays>{N})\s*个\s*工作日\s*(?:内|以内)?)"
    rf"|(?:(?P<days>{N})\s*(?:日|天)\s*(?:内|以内))"
    r"|(?P<recurring>每(?:季度|月|半年|年|周))"
)
DATE_LINE = re.compile(
    r"(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
)
ANY_YEAR = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(?=\s*年)")


@dataclass
class Deadline:
    text: str
    date: datetime.date | None
    start: int
    end: int


def document_date(norm: str) -> tuple[int | None, datetime.date | None]:
    """The document's year and, when it has a date line, its date."""
    dates = []
    for m in DATE_LINE.finditer(norm):
        try:
            dates.append(
                datetime.date(cn_to_int(m.group(1)), cn_to_int(m.group(2)), cn_to_int(m.group(3)))
            )
        except (TypeError, ValueError):
            continue
    # The date line of a notice is near its top or its end; the first full date is the meeting's.
    if dates:
        return dates[0].year, dates[0]
    years = Counter(int(y) for y in ANY_YEAR.findall(norm))
    if not years:
        return None, None
    top = max(years.values())
    return max(y for y, n in years.items() if n == top), None


def last_day(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def resolve(m: re.Match, year: int | None, issued: datetime.date | None) -> datetime.date | None:
    g = m.groupdict()
    y = next(
        (cn_to_int(g[k]) for k in ("year", "year2", "year3", "year4", "year5") if g.get(k)), year
    )
    try:
        if g["month"]:
            return datetime.date(y, cn_to_int(g["month"]), cn_to_int(g["day"])) if y else None
        if g["month2"]:
            return last_day(y, cn_to_int(g["month2"])) if y else None
        if g["quarter"]:
            q = cn_to_int(g["quarter"])
            return last_day(y, q * 3) if y else None
        if g["half"]:
            return last_day(y, 6 if g["half"] == "上半年" else 12) if y else None
        if g["workdays"]:
            return add_working_days(issued, cn_to_int(g["workdays"])) if issued else None
        if g["days"]:
            return issued + datetime.timedelta(days=cn_to_int(g["days"])) if issued else None
        if g["recurring"]:
            return None
        return datetime.date(y, 12, 31) if y else None  # 年底前, 年内
    except (TypeError, ValueError):
        return None


def is_deadline(m: re.Match, norm: str) -> bool:
    """A date is a deadline when the text says so (…前, 月底, 季度末, …内), not a date of record."""
    g = m.groupdict()
    if (g["workdays"] or g["days"]) and re.search(
        r"(?:至|在|为|到|缩短|压缩)\s*$", norm[max(0, m.start() - 3) : m.start()]
    ):
        return False  # "办理时间压缩至3个工作日": a target, not a deadline
    if g["month"] and not g["d_before"]:
        return bool(re.match(r"\s*(?:完成|办结|到位|报|前|截止)", norm[m.end() : m.end() + 4]))
    return True


def find_deadline(
    norm: str, start: int, end: int, year: int | None, issued: datetime.date | None
) -> Deadline | None:
    """The item's deadline: a labelled one (完成时限：…) first, else the first one in its text."""
    labelled = next(
        (label for label in find_labels(norm, start, end) if label.kind == DEADLINE_LABEL), None
    )
    if labelled and not DEADLINE.search(norm, labelled.value_start, labelled.value_end):
        # "完成时限：长期坚持", "立行立改": as written, with no day to resolve
        value = norm[labelled.value_start : labelled.value_end]
        return Deadline(value.strip(), None, labelled.value_start, labelled.value_end)
    # A date under a deadline label is the deadline, written with 前 or not ("完成时限：2025年9月30日").
    spans = [(labelled.value_start, labelled.value_end, True)] if labelled else []
    spans.append((start, end, False))
    recurring = None
    for s, e, labelled_span in spans:
        for m in DEADLINE.finditer(norm, s, e):
            if not labelled_span and not is_deadline(m, norm):
                continue
            found = Deadline(m.group().strip(), resolve(m, year, issued), m.start(), m.end())
            if m.group("recurring"):
                recurring = recurring or found
                continue
            return found
    return recurring
