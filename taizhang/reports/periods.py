"""The period a report reads: a month (2026-11), a quarter (2026-Q4), a year (2026) or any
two days; and the day its "now" figures stand on (the period's last day, or today while the
period runs), so that a past period reads as it stood then, from the history."""

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.utils.errors import WorkflowError

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
YEAR = re.compile(r"^(\d{4})$")
FIRST_YEAR, LAST_YEAR = 2000, 2100
LONGEST = 3660  # days: ten years, the longest custom period


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, year, custom
    start: datetime.date
    end: datetime.date
    key: str  # as ?period= writes it

    @property
    def as_of(self):
        """The day the period's standing figures read: its end, or today if sooner."""
        return min(self.end, timezone.localdate())

    @property
    def label(self):
        if self.kind == "month":
            return _("%(year)d-%(month)02d") % {"year": self.start.year, "month": self.start.month}
        if self.kind == "quarter":
            return _("Q%(quarter)d %(year)d") % {
                "year": self.start.year,
                "quarter": (self.start.month - 1) // 3 + 1,
            }
        if self.kind == "year":
            return _("%(year)d") % {"year": self.start.year}
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    def months(self):
        """The first day of every month the period touches."""
        day = self.start.replace(day=1)
        while day <= self.end:
            yield day
            day = _next_month(day)

    def previous(self):
        length = self.end - self.start
        end = self.start - datetime.timedelta(days=1)
        if self.kind == "month":
            return month(end.year, end.month)
        if self.kind == "quarter":
            return quarter(end.year, (end.month - 1) // 3 + 1)
        if self.kind == "year":
            return year(end.year)
        return custom(end - length, end)


def _next_month(day):
    return (
        day.replace(year=day.year + 1, month=1)
        if day.month == 12
        else day.replace(month=day.month + 1)
    )


def _year_in_range(value):
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise WorkflowError(
            _("The year must be between %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return value


def month(y, m):
    start = datetime.date(_year_in_range(y), m, 1)
    return Period("month", start, _next_month(start) - datetime.timedelta(days=1), f"{y}-{m:02d}")


def quarter(y, q):
    start = datetime.date(_year_in_range(y), 3 * q - 2, 1)
    end = month(y, 3 * q).end
    return Period("quarter", start, end, f"{y}-Q{q}")


def year(y):
    _year_in_range(y)
    return Period("year", datetime.date(y, 1, 1), datetime.date(y, 12, 31), str(y))


def custom(start, end):
    if end < start:
        raise WorkflowError(_("The period ends before it starts."))
    if (end - start).days > LONGEST:
        raise WorkflowError(_("A period of at most ten years, please."))
    _year_in_range(start.year)
    _year_in_range(end.year)
    return Period("custom", start, end, f"{start.isoformat()}..{end.isoformat()}")


def parse(value, start=None, end=None):
    """The period ``?period=`` names, or ``?from=&to=`` for a custom one; the current month
    when neither is given. ``WorkflowError`` says what is wrong with one that is not a period."""
    value = (value or "").strip()
    if not value and (start or end):
        try:
            return custom(
                datetime.date.fromisoformat(start or end), datetime.date.fromisoformat(end or start)
            )
        except ValueError:
            raise WorkflowError(_("Dates as YYYY-MM-DD, please.")) from None
    if not value:
        today = timezone.localdate()
        return month(today.year, today.month)
    if found := MONTH.match(value):
        y, m = int(found[1]), int(found[2])
        if not 1 <= m <= 12:
            raise WorkflowError(_("“%(value)s” is not a month.") % {"value": value[:20]})
        return month(y, m)
    if found := QUARTER.match(value):
        return quarter(int(found[1]), int(found[2]))
    if found := YEAR.match(value):
        return year(int(found[1]))
    if ".." in value:
        first, _sep, last = value.partition("..")
        return parse("", first, last)
    raise WorkflowError(
        _("“%(value)s” is not a period: write 2026-11, 2026-Q4, 2026 or two dates.")
        % {"value": value[:20]}
    )


def shortcuts():
    """The periods the selector offers at a click: this and last month, this quarter, this
    and last year."""
    today = timezone.localdate()
    this_month = month(today.year, today.month)
    choices = [
        (this_month, _("This month")),
        (this_month.previous(), _("Last month")),
        (quarter(today.year, (today.month - 1) // 3 + 1), _("This quarter")),
        (year(today.year), _("This year")),
        (year(today.year - 1), _("Last year")),
    ]
    return [(period.key, label) for period, label in choices]
