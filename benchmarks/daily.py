"""The daily lights job at scale: time, peak memory and rows written.

    DATABASE_URL=sqlite:////tmp/daily-bench.sqlite3 python benchmarks/daily.py [--tasks 100000]

Builds the data in the database named by DATABASE_URL (use a scratch one) with
``taizhang seed-scale --tasks N`` when that command exists, else with a small builder of its own
(one organisation, 200 units with a handler each, running tasks due from 60 days ago to 120
days ahead, a lead unit, often a responsible and a cooperating one), in a child process so
that the job's memory is its own. Then runs ``refresh_lights`` on the first day (every stale
light corrected), again the same day (it must write nothing), and on the next day (the usual
run), and prints for each: seconds, peak memory growth of the process (MB), queries, and the
rows written (notifications, reminders, timeline events, audit records). The peak memory is
the process's (ru_maxrss), SQLite's page cache and sorter included; ``--tracemalloc`` also
prints the Python heap's peak (what the batches bound), at the cost of a slower run.
"""

import argparse
import datetime
import os
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command, get_commands  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from taizhang.audit.models import AuditRecord  # noqa: E402
from taizhang.notify.models import Notification  # noqa: E402
from taizhang.org.choices import Role  # noqa: E402
from taizhang.org.models import Membership, Organisation, Unit, User  # noqa: E402
from taizhang.supervision.choices import Light, Status, UnitRole  # noqa: E402
from taizhang.supervision.jobs import refresh_lights  # noqa: E402
from taizhang.supervision.models import Task, TaskEvent, TaskUnit, UnitReminder  # noqa: E402

UNITS = 200
TRACE = False
OPEN = [Status.ASSIGNED, Status.SIGNED, Status.IN_PROGRESS, Status.RETURNED]


def build(tasks):
    """Running tasks in bulk (no history): what the job reads."""
    rng = random.Random(13)
    org, _new = Organisation.objects.get_or_create(code="bench", defaults={"name": "基准测试"})
    if Task.objects.filter(organisation=org).count() >= tasks:
        return
    office = User.objects.filter(organisation=org, role=Role.SUPERVISOR).first()
    if office is None:
        office = User.objects.create_user("bench-duban", organisation=org, role=Role.SUPERVISOR)
    units = []
    for n in range(UNITS):
        unit, created = Unit.objects.get_or_create(
            organisation=org, code=f"b{n:03d}", defaults={"name": f"基准单位{n:03d}"}
        )
        if created:
            user = User.objects.create_user(f"bench-{n:03d}", organisation=org, role=Role.HANDLER)
            Membership.objects.create(user=user, unit=unit)
        units.append(unit.pk)
    today = timezone.localdate()
    now = timezone.now()
    done = Task.objects.filter(organisation=org).count()
    for start in range(done, tasks, 5000):
        with transaction.atomic():
            rows = []
            for i in range(start, min(start + 5000, tasks)):
                deadline = today + datetime.timedelta(days=rng.randint(-60, 120))
                rows.append(
                    Task(
                        organisation=org,
                        number=f"BENCH-{i + 1:06d}",
                        title=f"基准事项{i + 1}",
                        deadline=deadline,
                        status=rng.choice(OPEN),
                        light=rng.choice([Light.GREEN, Light.RED, Light.YELLOW]),
                        progress_percent=rng.choice([0, 20, 40, 60, 80]),
                        assigned_at=now - datetime.timedelta(days=rng.randint(5, 90)),
                        created_by=office,
                    )
                )
            created = Task.objects.bulk_create(rows)
            parts = []
            for t in created:
                chosen = rng.sample(units, 3)
                parts.append(TaskUnit(task=t, unit_id=chosen[0], role=UnitRole.LEAD))
                if rng.random() < 0.5:
                    parts.append(TaskUnit(task=t, unit_id=chosen[1], role=UnitRole.RESPONSIBLE))
                if rng.random() < 0.5:
                    parts.append(TaskUnit(task=t, unit_id=chosen[2], role=UnitRole.COOPERATING))
            TaskUnit.objects.bulk_create(parts)


def counts():
    return {
        "notifications": Notification.objects.count(),
        "reminders": UnitReminder.objects.count(),
        "events": TaskEvent.objects.count(),
        "audit": AuditRecord.objects.count(),
    }


def maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(day):
    before = counts()
    rss = maxrss_mb()
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    if TRACE:
        tracemalloc.start()
    start = time.perf_counter()
    with connection.execute_wrapper(count):
        result = refresh_lights.call(day=day.isoformat())
    seconds = time.perf_counter() - start
    if TRACE:
        heap = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"  Python heap peak {heap:.0f} MB (tracemalloc; the time is slower with it)")
    queries = len(queries)
    after = counts()
    written = {k: after[k] - before[k] for k in after}
    return seconds, maxrss_mb() - rss, queries, result, written


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also print the Python heap's peak"
    )
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    global TRACE
    TRACE = options.tracemalloc
    if options.build_only:
        call_command("migrate", verbosity=0)
        if "seed-scale" in get_commands():
            call_command("seed-scale", tasks=options.tasks)
        else:
            build(options.tasks)
        return
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, __file__, "--tasks", str(options.tasks), "--build-only"], check=True
    )
    print(f"data built in {time.perf_counter() - start:.0f} s")
    open_tasks = Task.objects.filter(status__in=Status.open_states()).count()
    print(
        f"{connection.vendor}: {Task.objects.count()} tasks, {open_tasks} running, "
        f"{TaskUnit.objects.count()} task–unit rows, {Unit.objects.count()} units"
    )
    today = timezone.localdate()
    header = "| run | s | peak MB | queries | relit | units reminded | notifications "
    header += "| reminders | timeline events | audit records |"
    print(header)
    print("|" + " --- |" * 10)
    for label, day in (
        ("first day", today),
        ("same day again", today),
        ("next day", today + datetime.timedelta(days=1)),
    ):
        seconds, peak, queries, result, written = run(day)
        print(
            f"| {label} | {seconds:.1f} | {peak:.0f} | {queries} | {result['changed']} "
            f"| {result['reminded']} | {written['notifications']} | {written['reminders']} "
            f"| {written['events']} | {written['audit']} |"
        )


if __name__ == "__main__":
    main()
