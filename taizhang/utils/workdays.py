"""Working days on China's official holiday calendar (法定节假日与调休).

chinese-calendar knows the State Council's yearly holiday notice, including the make-up
working weekends (调休). For a year it has no data for yet, we fall back to Monday–Friday,
which is what an office assumes until the notice is published.

Counting is arithmetic: the weekdays of a span by formula, then the few dated exceptions of
the holiday table inside it (a holiday on a weekday, a make-up working weekend) looked up by
bisection. A span of any length costs the same, so no input can make it loop for long.
"""

import bisect
import datetime
import functools

import chinese_calendar
from django.utils import timezone

# Dates the holiday table changes from the Monday–Friday rule, sorted for bisection.
_HOLIDAY_WEEKDAYS = sorted(d for d in chinese_calendar.holidays if d.weekday() < 5)
_WORKING_WEEKENDS = sorted(d for d in chinese_calendar.workdays if d.weekday() >= 5)


@functools.lru_cache(maxsize=4096)  # a pure function of the date, asked for again and again
def is_working_day(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def _weekdays_after(start: datetime.date, end: datetime.date) -> int:
    """Monday–Friday days after ``start`` up to and including ``end`` (end >= start)."""
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    first = start.weekday()
    return weeks * 5 + sum((first + i) % 7 < 5 for i in range(1, rest + 1))


def _dated_in(dates, start, end):
    """How many of the sorted ``dates`` fall after ``start`` up to and including ``end``."""
    return bisect.bisect_right(dates, end) - bisect.bisect_right(dates, start)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when end < start."""
    if end < start:
        return -working_days_between(end, start)
    return (
        _weekdays_after(start, end)
        - _dated_in(_HOLIDAY_WEEKDAYS, start, end)
        + _dated_in(_WORKING_WEEKENDS, start, end)
    )


def add_working_days(start: datetime.date, count: int) -> datetime.date:
    """The date that is ``count`` working days after ``start`` (``start`` itself not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    if count == 0:
        return start
    # The answer lies within 2·count + 30 calendar days (no year has fewer working days than
    # half its days, and no holiday runs longer than a fortnight): bisect the first day by which
    # ``count`` working days have passed.
    low, high = count, 2 * count + 30
    while low < high:
        middle = (low + high) // 2
        if working_days_between(start, start + datetime.timedelta(days=middle)) >= count:
            high = middle
        else:
            low = middle + 1
    return start + datetime.timedelta(days=low)


def working_days_before(end: datetime.date, count: int) -> datetime.date:
    """The latest date from which ``count`` working days have passed by ``end``: what was
    assigned before it has waited at least ``count`` working days (未签收 after N days)."""
    if count < 0:
        raise ValueError("count must not be negative")
    if count == 0:
        return end
    low, high = count, 2 * count + 30  # calendar days back, as in add_working_days
    while low < high:
        middle = (low + high) // 2
        if working_days_between(end - datetime.timedelta(days=middle), end) >= count:
            high = middle
        else:
            low = middle + 1
    return end - datetime.timedelta(days=low)


def deadline_is_past(day):
    """A deadline before today: whoever enters it must change or confirm it (the task form,
    文件解析's accept, the import)."""
    return day is not None and day < timezone.localdate()
