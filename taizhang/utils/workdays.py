"""Working days on China's official holiday calendar (法定节假日与调休).

chinese-calendar knows the State Council's yearly holiday notice, including the make-up
working weekends (调休). For a year it has no data for yet, we fall back to Monday–Friday,
which is what an office assumes until the notice is published.
"""

import datetime
import functools

import chinese_calendar


@functools.lru_cache(maxsize=4096)  # a pure function of the date, asked for again and again
def is_working_day(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(start: datetime.date, count: int) -> datetime.date:
    """The date that is ``count`` working days after ``start`` (``start`` itself not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    while count:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when end < start."""
    if end < start:
        return -working_days_between(end, start)
    days = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        days += is_working_day(day)
    return days
