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
_Y4 = r"\d{4}|[〇零一二三四五六七八九]{4}"
# A year as written, or counted from the document's year: 明年一季度, 次年6月底前.
YEAR = rf"(?:(?:(?P<year>{_Y4})\s*年|(?P<rel>明年|次年|今年|本年|当年|下一年|翌年))\s*(?:度)?\s*)"


def _year(n: int) -> str:
    return YEAR.replace("<year>", f"<year{n}>").replace("<rel>", f"<rel{n}>")


BEFORE = r"(?:之前|以前|前|内|止)?"
DEADLINE = re.compile(
    # Every form starts with a numeral, a relative year, 第/上/下/年/本/每, or follows 在/于: the
    # look-ahead lets the search skip other characters at once.
    r"(?=[\d〇零一二两三四五六七八九十百明次今本当下翌第上年每]|(?<=[在于]))"
    rf"(?:(?:{YEAR}?(?P<month>{N})\s*月\s*(?P<day>{N})\s*日\s*(?P<d_before>{BEFORE}))"
    rf"|(?:{_year(2)}?(?P<month2>{N})\s*月\s*(?:底|末|份)\s*{BEFORE})"
    rf"|(?:{_year(3)}?(?:第)?(?P<quarter>[一二三四1-4])\s*季度\s*(?:末|底)?\s*{BEFORE})"
    rf"|(?:{_year(4)}?(?P<half>上半年|下半年)\s*{BEFORE})"
    # 年底前, 2024年底, 明年底; not 5年内 (a span of years) nor 近年内
    rf"|(?:(?:(?P<year5>{_Y4})\s*年|(?P<rel5>明|次|今|本|当)年|(?<![\d〇零一二两三四五六七八九十百个多几近每])年)"
    rf"\s*(?:底|末|内)\s*{BEFORE})"
    rf"|(?:(?P<workdays>{N})\s*个\s*工作日\s*(?:内|以内)?)"
    rf"|(?:(?P<days>{N})\s*(?:日|天)\s*(?:内|以内))"
    rf"|(?:(?P<weeks>{N})\s*(?:个)?\s*(?:周|星期|礼拜)\s*(?:内|以内))"
    rf"|(?:(?P<months>{N})\s*个\s*月\s*(?:内|以内))"
    # Relative or conditional: kept as written, with no day (本月底以前, 在国卫复审暗访以前)
    r"|(?P<relative>本(?:月|季度|周|年度)\s*(?:底|末|内)?\s*(?:之前|以前|前))"
    r"|(?:(?<=[在于])(?P<event>[^\d,。;:()\s]{2,12}?)(?:以前|之前))"
    r"|(?P<recurring>每(?:季度|月|半年|年|周)(?:末|底|初)?))"
)
# What marks a date as a deadline rather than the date of a meeting: 6月30日前完成.
DUE_WORDS = r"(?:前|之前|以前|内|止|完成|办结|到位|截止)"
DUE = re.compile(rf"\s*{DUE_WORDS}")
DUE_AT_END = re.compile(rf"{DUE_WORDS}\s*$")
REPORT = re.compile(r"\s*报")  # "6月30日报送": the day it is due
MONTH_ONLY = re.compile(rf"{YEAR}?(?P<m>{N})\s*月(?:份)?")
# As-of dates and starting points are not deadlines: 截至6月底, 从三季度起, 自2025年1月1日起.
NOT_BEFORE = re.compile(r"(?:截至|截止到|从|自|自从|始于)\s*$")
NOT_AFTER = re.compile(r"\s*(?:起|以来|开始|至|到|—|-|~)")
_M_D = r"(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日"
# 民国 years are written with or without 民国: 中华民国113年9月12日, 113年5月8日.
_ROC = r"(?:(?:中华)?民国\s*(?P<roc>\d{2,3})|(?<!\d)(?P<roc2>\d{2,3}))"
DATE = re.compile(rf"(?:{_ROC}|(?P<year>{_Y4}))\s*年\s*{_M_D}")
# A line that is only a date (a signature's or an issue date), or a "日期：2021-08-01" line;
# 105-08-04 is a year of the Republic of China (民国).
DATE_LINE = re.compile(
    rf"^[ \t]*(?:(?:日期|时间|发布时间|发文日期|印发日期|成文日期)\s*:\s*)?"
    rf"(?:(?:{_ROC}|(?P<year>{_Y4}))\s*年\s*{_M_D}"
    r"|(?P<iso_year>\d{4}|\d{2,3})[-./](?P<iso_month>\d{1,2})[-./](?P<iso_day>\d{1,2}))",
    re.M,
)
# The year in a 文号 (国发〔2018〕39号, 华政发[2021]2号) or a title's first line.
DOC_NUMBER_YEAR = re.compile(r"[\[〔((【](\d{4})[\]〕))】]\s*\d{1,4}\s*号")
ANY_YEAR = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(?=\s*年)")


@dataclass
class Deadline:
    text: str
    date: datetime.date | None
    start: int
    end: int


def document_date(norm: str) -> tuple[int | None, datetime.date | None]:
    """The document's year and, when it has one, its date (the date of issue or signature).

    The date is a line that is only a date — the issue date under a title or the signature's
    at the end (the last one wins, as a signature dates the text) — not the first date in the
    body, which is usually a meeting's or a deadline's. Without one, the year comes from the
    文号, then from a meeting's date at the top, a full date, the title, and at last from the
    year the text names most often.
    """
    dated = [d for d in map(_line_date, DATE_LINE.finditer(norm)) if d and _alone(norm, d[1])]
    if dated:
        issued = dated[-1][0] if dated[-1][1] > len(norm) // 2 else dated[0][0]
        return issued.year, issued
    number = DOC_NUMBER_YEAR.search(norm)
    if number:
        return int(number.group(1)), None
    first = next(
        filter(
            None, map(_full_date, (m for m in DATE.finditer(norm) if not DUE.match(norm, m.end())))
        ),
        None,
    )
    if first and first.start < OPENING:
        # Minutes open with the meeting's date ("2025年5月9日上午，市长主持召开…"): theirs.
        return first.day.year, first.day
    if first:
        return first.day.year, None
    headings = [line for line in norm.lstrip()[:OPENING].split("\n")[:2] if "。" not in line]
    title = ANY_YEAR.search("\n".join(line for line in headings if len(line) <= 40))
    if title:
        return int(title.group(1)), None  # "2024年工作要点"
    years = Counter(int(y) for y in ANY_YEAR.findall(norm))
    if not years:
        return None, None
    top = max(years.values())
    return max(y for y, n in years.items() if n == top), None


def _line_date(m: re.Match) -> tuple[datetime.date, int] | None:
    g = m.groupdict()
    try:
        if g["iso_year"]:
            year = int(g["iso_year"])
            year += 1911 if year < 1000 else 0  # 105-08-04
            day = datetime.date(year, int(g["iso_month"]), int(g["iso_day"]))
        else:
            day = datetime.date(_year_written(m), cn_to_int(m.group(4)), cn_to_int(m.group(5)))
    except (TypeError, ValueError):
        return None
    return day, m.end()


def _year_written(m: re.Match) -> int | None:
    roc = m.group("roc") or m.group("roc2")
    return int(roc) + 1911 if roc else cn_to_int(m.group("year"))


def _alone(norm: str, end: int) -> bool:
    """Nothing but a time of day or a source follows the date on its line."""
    rest = norm[end : norm.find("\n", end) if "\n" in norm[end : end + 80] else end + 80]
    return not rest.strip() or bool(
        re.match(r"\s*(?:\d{1,2}:\d{2}|来源|资料来源|\(星期|\(周|[上下]午|[)）])", rest)
    )


@dataclass
class FullDate:
    day: datetime.date
    start: int


OPENING = 300  # characters at the top of a text where a meeting's date stands


def _full_date(m: re.Match) -> FullDate | None:
    try:
        day = datetime.date(_year_written(m), cn_to_int(m.group(4)), cn_to_int(m.group(5)))
        return FullDate(day, m.start())
    except (TypeError, ValueError):
        return None


def last_day(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


RELATIVE_YEARS = {"明": 1, "次": 1, "下一": 1, "翌": 1, "今": 0, "本": 0, "当": 0}


def _year_of(g: dict, doc_year: int | None) -> int | None:
    for n in ("", "2", "3", "4", "5"):
        if g.get(f"year{n}"):
            return cn_to_int(g[f"year{n}"])
        rel = g.get(f"rel{n}")
        if rel:
            return doc_year + RELATIVE_YEARS[rel.rstrip("年")] if doc_year else None
    return doc_year


def resolve(m: re.Match, year: int | None, issued: datetime.date | None) -> datetime.date | None:
    g = m.groupdict()
    try:
        if g["workdays"] or g["days"] or g["weeks"] or g["months"]:
            return _counted_from(g, issued) if issued else None
        if g["recurring"] or g["relative"] or g["event"]:
            return None
        y = _year_of(g, year)
        return _calendar_day(g, y) if y else None
    except (TypeError, ValueError):
        return None


def _counted_from(g: dict, issued: datetime.date) -> datetime.date:
    """5个工作日内, 10日内, 二周内, 1个月内: counted from the document's date."""
    if g["workdays"]:
        return add_working_days(issued, cn_to_int(g["workdays"]))
    if g["days"]:
        return issued + datetime.timedelta(days=cn_to_int(g["days"]))
    if g["weeks"]:
        return issued + datetime.timedelta(weeks=cn_to_int(g["weeks"]))
    return _add_months(issued, cn_to_int(g["months"]))


def _calendar_day(g: dict, y: int) -> datetime.date:
    """6月30日前, 6月底前, 三季度末, 上半年, 年底前 in year y."""
    if g["month"]:
        return datetime.date(y, cn_to_int(g["month"]), cn_to_int(g["day"]))
    if g["month2"]:
        return last_day(y, cn_to_int(g["month2"]))
    if g["quarter"]:
        return last_day(y, cn_to_int(g["quarter"]) * 3)
    if g["half"]:
        return last_day(y, 6 if g["half"] == "上半年" else 12)
    return datetime.date(y, 12, 31)  # 年底前, 年内


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_deadline(m: re.Match, norm: str) -> bool:
    """A date is a deadline when the text says so (…前, 月底, 季度末, …内), not a date of record,
    an as-of date (截至6月底), a starting point (从三季度起) or one end of a period (1月1日至12月31日)."""
    g = m.groupdict()
    before = norm[max(0, m.start() - 4) : m.start()]
    if NOT_BEFORE.search(before) or re.search(r"至\s*$", before) and not g["d_before"]:
        return False
    if NOT_AFTER.match(norm, m.end()) and not DUE_AT_END.search(m.group()):
        return False
    if (g["workdays"] or g["days"] or g["weeks"] or g["months"]) and (
        re.search(
            r"(?:至|在|为|到|缩短|压缩|实现|达到)\s*$", norm[max(0, m.start() - 3) : m.start()]
        )
        or re.search(r"每[^,。;]{0,10}$", norm[max(0, m.start() - 12) : m.start()])
    ):
        return False  # "压缩至3个工作日", "实现1个工作日内办结": targets; "每季结束后一个月内": recurring
    if (
        (g["year5"] or g["rel5"] or "年" in m.group()[:2])
        and not g["quarter"]
        and not g["half"]
        and not g["month"]
        and not g["month2"]
        and not DUE_AT_END.search(m.group())
    ):
        # a bare 年底 is a deadline only where the text says it is due then ("年底完成")
        return bool(DUE.match(norm, m.end()))
    if g["month"] and not g["d_before"]:
        return bool(DUE.match(norm, m.end()) or REPORT.match(norm, m.end()))
    return True


def find_deadline(
    norm: str,
    start: int,
    end: int,
    year: int | None,
    issued: datetime.date | None,
    labelled_only: bool = False,
) -> Deadline | None:
    """The item's deadline: a labelled one (完成时限：…) first, else the one its text gives.

    Where an item names several dates, the whole item is due by the latest of them ("6月底前
    完成方案，12月底前全面完成"); a date that resolves wins over one kept as written, and a
    one-off date over a recurring one (每季度).
    """
    labelled = next(
        (label for label in find_labels(norm, start, end) if label.kind == DEADLINE_LABEL), None
    )
    if labelled and not DEADLINE.search(norm, labelled.value_start, labelled.value_end):
        # "完成时限：2025年12月" is that month's end; "长期坚持", "立行立改" stay as written
        value = norm[labelled.value_start : labelled.value_end]
        if not value.strip():
            return None
        month = MONTH_ONLY.fullmatch(value.strip())
        y = _year_of(month.groupdict(), year) if month else None
        day = (
            last_day(y, cn_to_int(month.group("m")))
            if y and 1 <= cn_to_int(month.group("m")) <= 12
            else None
        )
        return Deadline(value.strip(), day, labelled.value_start, labelled.value_end)
    if labelled_only and not labelled:
        return None
    span = (labelled.value_start, labelled.value_end) if labelled else (start, end)
    found = [
        Deadline(m.group().strip(), resolve(m, year, issued), m.start(), m.end())
        for m in DEADLINE.finditer(norm, *span)
        # a date under a deadline label is the deadline, with 前 or not: "完成时限：2025年9月30日"
        if (labelled and not m.group("recurring")) or is_deadline(m, norm)
    ]
    dated = [d for d in found if d.date]
    if dated:
        return max(dated, key=lambda d: d.date)
    recurring = [d for d in found if d.text.startswith("每")]
    return next((d for d in found if d not in recurring), None) or next(iter(recurring), None)
