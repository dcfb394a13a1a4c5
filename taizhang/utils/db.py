"""What the database needs beside the schema: fresh planner statistics, and the office's days
as bounds a query can compare with (the history's conditions, the reports)."""

import datetime
import functools
import zoneinfo

from django.db import NotSupportedError, connections
from django.db.models import DateTimeField, Func
from django.utils import timezone


def refresh_statistics(using="default"):
    """Let the query planner know the tables' sizes and spreads (ANALYZE).

    Without statistics SQLite guesses, and at a hundred thousand tasks a guess picks the
    wrong index for some pages (a task's children read through the ledger's order index
    took 70 ms instead of 8). Run after migrations and by the daily job; on SQLite a sample
    of each index (``analysis_limit``) keeps it to a fraction of a second at any size.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")


# ---- days of the office --------------------------------------------------------------------

# The days a bound may name: one more or less and the moment would leave datetime's range.
EARLIEST_DAY = datetime.date(1, 1, 2)
LATEST_DAY = datetime.date(9999, 12, 30)


def day_start(day):
    """The moment ``day`` begins in the office's (the active) time zone.

    Conditions on a timestamp's day compare it with these bounds rather than reading the
    day of every row (``__date``): the comparison is the database's own, an index can serve
    it, and on SQLite it spares a call into Python for each row.
    """
    day = min(max(day, EARLIEST_DAY), LATEST_DAY)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def day_end(day):
    """The moment ``day`` ends: the start of the next (excluded from the day)."""
    return day_start(min(max(day, EARLIEST_DAY), LATEST_DAY) + datetime.timedelta(days=1))


class DayEnd(Func):
    """The moment the day in a date column ends in the office's time zone, for comparing a
    timestamp with it (closed by the end of its deadline day: ``closed_at < DayEnd(deadline)``).

    PostgreSQL reads its time zone database; SQLite asks ``taizhang_day_end`` (registered on
    every connection, below), which answers from a cache: a few distinct days for many rows.
    """

    output_field = DateTimeField()

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"DayEnd is not implemented for {connection.vendor}.")

    def as_postgresql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        zone = timezone.get_current_timezone_name()
        return f"((({column}) + 1)::timestamp AT TIME ZONE %s)", (*params, zone)

    def as_sqlite(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        zone = timezone.get_current_timezone_name()
        return f"taizhang_day_end({column}, %s)", (*params, zone)


@functools.lru_cache(maxsize=8192)
def _sqlite_day_end(day, zone):
    """Stored the way Django's SQLite backend stores a timestamp: UTC, without the zone."""
    if day is None:
        return None
    moment = datetime.datetime.combine(
        min(datetime.date.fromisoformat(day[:10]), LATEST_DAY) + datetime.timedelta(days=1),
        datetime.time.min,
        tzinfo=zoneinfo.ZoneInfo(zone),
    )
    return str(moment.astimezone(datetime.UTC).replace(tzinfo=None))


def sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "taizhang_day_end", 2, _sqlite_day_end, deterministic=True
        )
