"""The reports' pages at scale: the overview (督办总览) for this month, a past year and a
quarter, a unit's view, the burden meter, the contract's JSON and the year-end summary, for
the supervisor and a leader of a 100k-task ledger: median and p95 of the whole request and its
number of queries (which must not grow with the ledger).

    .venv/bin/python benchmarks/reports.py [--tasks 100000] [--runs 20]
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/reports.py

The data is ledger.py's (``taizhang seed-scale``, built once in ``var/bench-N/`` and reused).
Target (issue 13): p95 ≤ 150 ms for the overview at 100k tasks.
"""

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ledger import measure, setup  # noqa: E402 (the benchmarks' shared set-up)


def pages(year):
    return [
        ("overview, this month", "/reports/"),
        (f"overview, year {year}", f"/reports/?period={year}"),
        (f"overview, {year}-Q2 (as of)", f"/reports/?period={year}-Q2"),
        ("unit view (busiest unit)", "/reports/unit/?unit=scale1-u01"),
        ("burden meter, this month", "/reports/burden/"),
        ("API overview", "/api/reports/overview"),
        (f"API year summary {year}", f"/api/reports/year-summary?year={year}"),
        (f"year summary page {year}", f"/reports/year-summary/?year={year}"),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    setup(args.tasks)

    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from taizhang.org.models import User
    from taizhang.supervision.models import Task

    year = timezone.localdate().year
    print(f"{connection.vendor}, {Task.objects.count():,} tasks; {args.runs} runs a page (ms)\n")
    header = f"{'page':<32}{'user':<12}{'median':>8}{'p95':>8}{'queries':>9}{'sql':>8}"
    print(header)
    print("-" * len(header))
    for username in ("scale1-duban", "scale1-lingdao"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        for name, url in pages(year):
            totals, sql, counts = measure(client, url, args.runs)
            p95 = statistics.quantiles(totals, n=20)[-1]
            queries = "/".join(str(c) for c in sorted(counts))
            label = username.removeprefix("scale1-")
            print(
                f"{name:<32}{label:<12}{1000 * statistics.median(totals):>8.1f}"
                f"{1000 * p95:>8.1f}{queries:>9}{1000 * sql:>8.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
