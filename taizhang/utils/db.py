"""What the database needs beside the schema: fresh planner statistics."""

from django.db import connections


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
