"""The ledger's pages at scale, for a supervisor and a handler: server time, queries, and the
SQL a person would write by hand for the same page.

    .venv/bin/python benchmarks/ledger.py [--tasks 100000] [--runs 40]
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/ledger.py

The data is ``taizhang seed-scale --tasks N --organisations 2`` (80 % of it in ``scale1``),
built once in ``var/bench-N/`` (SQLite) or in the empty PostgreSQL database given, and reused.
The supervisor is ``scale1-duban``; the handler is the busiest unit's (``scale1-u01``: it
takes part in about a third of the organisation's tasks).

Each page is requested in-process through Django's test client (``--runs`` times after one
warm-up): median and p95 of the whole request, its number of queries and the time they took
in the database ("sql"). "raw" is the hand-written SQL returning the same rows (the page's
count, its rows and their units), and "×raw" the page's SQL time against it: the cost of
how the ORM asks, not of rendering.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OPEN = "('assigned','signed','in_progress','returned','completion_reported')"
ACTING = "('lead','responsible','cooperating')"
ROWS = "t.id, t.number, t.title, t.priority, t.deadline, t.progress_percent, t.status, t.light"


def ranked(name):
    """A rank of supervision/ordering.py written as its index has it (SQLite matches an
    indexed expression as written), then deadline and number: the ledger's orders."""
    from taizhang.supervision import ordering

    rank = getattr(ordering, name)
    return f"{rank.sql_template() % {'expressions': f't.{rank.column}'}}, t.deadline, t.number"


def setup(tasks):
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("TAIZHANG_VAR_DIR", str(ROOT / "var" / f"bench-{tasks}"))
        Path(os.environ["TAIZHANG_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
    os.environ["TAIZHANG_ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.core.management import call_command

    from taizhang.org.models import Organisation

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if not Organisation.objects.filter(code="scale1").exists():
        print(f"Building {tasks:,} tasks with taizhang seed-scale (once)…", flush=True)
        call_command("seed-scale", tasks=tasks, organisations=2)


class Timer:
    """Counts the queries of a request and the time they spend in the database."""

    def __init__(self):
        self.queries, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


def measure(client, url, runs):
    from django.db import connection

    client.get(url)  # warm-up: templates, translations, the planner's caches
    totals, sqls, counts = [], [], set()
    for _ in range(runs):
        timer = Timer()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            response = client.get(url)
            totals.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        sqls.append(timer.seconds)
        counts.add(timer.queries)
    return totals, statistics.median(sqls), counts


def raw_time(statements, runs):
    """Median time of the hand-written statements, each read to the end."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(runs + 1):
            started = time.perf_counter()
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()
            times.append(time.perf_counter() - started)
    return statistics.median(times[1:])


def page_statements(where, params, *, offset=0, limit=20, order=None):
    """Count, one page of rows, and the units of those rows: what a ledger page reads."""
    from django.db import connection

    order = order or ranked("LedgerRank")
    base = f"FROM supervision_task t WHERE {where}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.id {base} ORDER BY {order} LIMIT %s OFFSET %s", [*params, limit, offset]
        )
        ids = [row[0] for row in cursor.fetchall()] or [0]
    marks = ",".join(["%s"] * len(ids))
    return [
        (f"SELECT COUNT(*) {base}", params),
        (f"SELECT {ROWS} {base} ORDER BY {order} LIMIT %s OFFSET %s", [*params, limit, offset]),
        (
            "SELECT tu.task_id, tu.role, u.name FROM supervision_taskunit tu "
            f"JOIN org_unit u ON u.id = tu.unit_id WHERE tu.task_id IN ({marks})",
            ids,
        ),
    ]


def visible(user):
    """The visibility rule written by hand: the whole organisation, or the handler's part."""
    if user.sees_whole_organisation:
        return "t.organisation_id = %s", [user.organisation_id]
    units = sorted(user.unit_ids())
    marks = ",".join(["%s"] * len(units))
    return (
        "t.organisation_id = %s AND t.status NOT IN ('draft','approved') AND t.id IN ("
        f"SELECT m.task_id FROM supervision_taskunit m WHERE m.unit_id IN ({marks}) "
        f"AND m.role IN {ACTING})",
        [user.organisation_id, *units],
    )


def pages(user, task_id):
    """(name, url, hand-written statements) for each page measured."""
    from django.urls import reverse

    from taizhang import search
    from taizhang.supervision.indexing import KIND

    where, params = visible(user)
    ledger = reverse("supervision:ledger")
    # The keyword's hand-written form is the search index's own query.
    found, found_params = search.matching(KIND, "改革").query.sql_with_params()
    count_sql = f"SELECT COUNT(*) FROM supervision_task t WHERE {where}"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(count_sql, params)
        total = cursor.fetchone()[0]
    last = max(0, min(1000, (total + 19) // 20) - 1)
    role_counts = (
        f"SELECT COUNT(CASE WHEN t.status IN {OPEN} THEN 1 END), "
        "COUNT(CASE WHEN t.light = 'red' THEN 1 END), "
        "COUNT(CASE WHEN t.light = 'yellow' THEN 1 END), "
        f"COUNT(CASE WHEN t.status = 'closed' THEN 1 END) FROM supervision_task t WHERE {where}"
    )
    todo = [(role_counts, params)]
    for extra in ("t.light = 'blue'", "t.light = 'red'"):
        todo += page_statements(f"{where} AND {extra}", params, limit=50)[1:]
    tree = [
        (
            "SELECT tu.unit_id, COUNT(*), COUNT(CASE WHEN t.light = 'red' THEN 1 END) "
            "FROM supervision_taskunit tu JOIN supervision_task t ON t.id = tu.task_id "
            f"WHERE {where} AND t.status IN {OPEN} AND tu.role IN {ACTING} GROUP BY tu.unit_id",
            params,
        ),
        ("SELECT * FROM org_unit WHERE organisation_id = %s", [user.organisation_id]),
    ]
    detail = [
        (f"SELECT * FROM supervision_task t WHERE {where} AND t.id = %s", [*params, task_id]),
        ("SELECT * FROM supervision_taskunit WHERE task_id = %s", [task_id]),
        (
            "SELECT * FROM supervision_taskevent WHERE task_id = %s ORDER BY created_at DESC",
            [task_id],
        ),
        ("SELECT * FROM supervision_progressreport WHERE task_id = %s", [task_id]),
        (
            f"SELECT {ROWS} FROM supervision_task t WHERE {where} AND t.parent_id = %s",
            [*params, task_id],
        ),
    ]
    return [
        ("ledger page 1", ledger, page_statements(where, params)),
        (
            "ledger status=in_progress",
            f"{ledger}?status=in_progress",
            # One status: one rank, so the order is the status index's (deadline, number).
            page_statements(
                f"{where} AND t.status = 'in_progress'", params, order="t.deadline, t.number"
            ),
        ),
        (
            "ledger keyword 改革",
            f"{ledger}?q=改革",
            page_statements(f"{where} AND t.id IN ({found})", [*params, *found_params]),
        ),
        (
            f"ledger page {last + 1}",
            f"{ledger}?page={last + 1}",
            page_statements(where, params, offset=20 * last),
        ),
        (
            "ledger sort=-deadline",
            f"{ledger}?sort=-deadline",
            page_statements(where, params, order="t.deadline DESC, t.number DESC"),
        ),
        (
            "ledger sort=number",
            f"{ledger}?sort=number",
            page_statements(where, params, order="t.number"),
        ),
        (
            "ledger sort=status",
            f"{ledger}?sort=status",
            page_statements(where, params, order=ranked("StatusRank")),
        ),
        (
            "ledger sort=light",
            f"{ledger}?sort=light",
            page_statements(where, params, order=ranked("LightRank")),
        ),
        ("我的待办", reverse("supervision:todo"), todo),
        ("task page", reverse("supervision:task", args=[task_id]), detail),
        ("unit tree", reverse("supervision:units"), tree),
        ("GET /api/tasks", "/api/tasks", page_statements(where, params, limit=50)),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument(
        "--handler", default="scale1-u01", help="the handler (a unit's code; default the busiest)"
    )
    args = parser.parse_args()
    setup(args.tasks)

    from django.db import connection
    from django.test import Client

    from taizhang.org.models import User
    from taizhang.supervision.choices import Status, UnitRole
    from taizhang.supervision.models import Task

    supervisor = User.objects.get(username="scale1-duban")
    handler = User.objects.get(username=args.handler)
    task = (
        Task.objects.visible_to(handler)
        .filter(
            status=Status.IN_PROGRESS,
            task_units__role=UnitRole.LEAD,
            task_units__unit__code=args.handler,
        )
        .first()
    )
    tasks = Task.objects.count()
    print(f"{connection.vendor}, {tasks:,} tasks; {args.runs} runs a page (ms)\n")
    header = (
        f"{'page':<28}{'user':<12}{'median':>8}{'p95':>8}"
        f"{'queries':>9}{'sql':>8}{'raw':>8}{'×raw':>7}"
    )
    print(header)
    print("-" * len(header))
    for user in (supervisor, handler):
        client = Client()
        client.force_login(user)
        for name, url, statements in pages(user, task.pk):
            totals, sql, counts = measure(client, url, args.runs)
            raw = raw_time(statements, args.runs)
            p95 = statistics.quantiles(totals, n=20)[-1]
            queries = "/".join(str(c) for c in sorted(counts))
            label = "supervisor" if user is supervisor else "handler"
            print(
                f"{name:<28}{label:<12}{1000 * statistics.median(totals):>8.1f}{1000 * p95:>8.1f}"
                f"{queries:>9}{1000 * sql:>8.1f}{1000 * raw:>8.1f}{sql / raw:>7.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
