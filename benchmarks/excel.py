"""Excel at scale: the ledger's export of 10k/50k/100k rows and an import of 10k rows.

    DATABASE_URL=sqlite:////tmp/excel-bench.sqlite3 .venv/bin/python benchmarks/excel.py \
        [--export 10000,50000,100000] [--import-rows 10000] [--reimport-rows 10000]

Migrates the database named by DATABASE_URL (use a scratch one) and builds the tasks the
largest export needs: with ``taizhang seed-scale`` (organisation scale1) when the command
exists, else (or with BENCH_OWN_DATA=1) its own bulk data (an organisation ``xlbench`` with
12 units, every task with a lead, two responsible and one cooperating unit, progress text and
a light). Each measurement runs in a
fresh process and prints seconds (wall and CPU: the machine may be shared), queries, the
process's peak memory above what it held before (ru_maxrss − RSS at start, MB) and the
file's size. The import is rolled back.
"""

import argparse
import datetime
import io
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command, get_commands  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from taizhang.org.choices import Role  # noqa: E402
from taizhang.org.models import Membership, Organisation, Unit, User  # noqa: E402
from taizhang.supervision import excel  # noqa: E402
from taizhang.supervision.choices import Light, Status, UnitRole  # noqa: E402
from taizhang.supervision.models import Task, TaskUnit  # noqa: E402

ORG = "xlbench"
STATUSES = [Status.DRAFT, Status.ASSIGNED, Status.IN_PROGRESS, Status.COMPLETION_REPORTED]
LIGHTS = [Light.GREEN, Light.BLUE, Light.YELLOW, Light.RED, Light.NONE]


def rss_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def seeded():
    """Whether ``taizhang seed-scale`` builds the data (organisation scale1), not this file."""
    return "seed-scale" in get_commands() and not os.environ.get("BENCH_OWN_DATA")


def organisation():
    """The organisation measured, its units and a supervisor of it."""
    if seeded():
        org = Organisation.objects.filter(code="scale1").first()
        if org is None:
            return None, [], None
        units = list(Unit.objects.filter(organisation=org).order_by("code"))
        supervisor = User.objects.filter(organisation=org, role=Role.SUPERVISOR).first()
        return org, units, supervisor
    org, _new = Organisation.objects.get_or_create(code=ORG, defaults={"name": "基准测试市"})
    units = list(Unit.objects.filter(organisation=org).order_by("code"))
    if not units:
        units = Unit.objects.bulk_create(
            Unit(organisation=org, code=f"u{n:02d}", name=f"测试市第{n}局", short_name=f"第{n}局")
            for n in range(12)
        )
    supervisor = User.objects.filter(organisation=org, role=Role.SUPERVISOR).first()
    if supervisor is None:
        supervisor = User.objects.create_user(
            "xlbench-duban", password="taizhang2026", organisation=org, role=Role.SUPERVISOR
        )
        Membership.objects.create(user=supervisor, unit=units[0])
    return org, units, supervisor


def build(count):
    """Tasks until the organisation has ``count``: ``taizhang seed-scale`` where it exists,
    else in bulk here (benchmark data, not audited)."""
    org, units, supervisor = organisation()
    have = Task.objects.filter(organisation=org).count() if org else 0
    if have >= count:
        return
    if seeded():
        print(f"building {count:,} tasks with taizhang seed-scale …", flush=True)
        call_command("seed-scale", "--tasks", str(count))
        return
    print(f"building {count - have:,} tasks …", flush=True)
    today = timezone.localdate()
    for start in range(have, count, 5000):
        tasks = [
            Task(
                organisation=org,
                number=f"XLB-{n:07d}",
                title=f"关于落实第{n}项重点工作任务的督办事项",
                source_kind="meeting",
                source_ref=f"第{n % 40 + 1}次联席会议",
                deadline=today + datetime.timedelta(days=n % 365),
                status=STATUSES[n % len(STATUSES)],
                light=LIGHTS[n % len(LIGHTS)],
                progress_percent=n % 100,
                latest_progress="已召开专题会议部署，正在按计划推进，预计按期完成。",
                created_by=supervisor,
            )
            for n in range(start, min(count, start + 5000))
        ]
        Task.objects.bulk_create(tasks)
        links = []
        for i, task in enumerate(tasks):
            picked = [units[(i + k) % len(units)] for k in range(4)]
            roles = [
                UnitRole.LEAD,
                UnitRole.RESPONSIBLE,
                UnitRole.RESPONSIBLE,
                UnitRole.COOPERATING,
            ]
            links += [
                TaskUnit(task=task, unit=u, role=r) for u, r in zip(picked, roles, strict=True)
            ]
        TaskUnit.objects.bulk_create(links, batch_size=5000)


def measure_export(rows):
    org, _units, supervisor = organisation()
    ids = Task.objects.filter(organisation=org).order_by("pk").values_list("pk", flat=True)
    last = ids[rows - 1]
    tasks = Task.objects.visible_to(supervisor).filter(pk__lte=last).with_units()
    before, cpu = rss_mb(), cpu_seconds()
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries, io.BytesIO() as out:
        excel.export_ledger(tasks, out)
        size = out.tell()
    return {
        "seconds": time.perf_counter() - start,
        "cpu": cpu_seconds() - cpu,
        "queries": len(queries),
        "memory": peak_mb() - before,
        "size": size / 2**20,
    }


def import_sheet(rows, units):
    """A sheet as Excel saves one (with its dimension, which the streamed export lacks)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["督查督办事项台账"])
    sheet.append(["序号", "事项名称", "来源", "牵头单位", "责任单位", "配合单位", "办理时限"])
    for n in range(rows):
        sheet.append(
            [
                n + 1,
                f"导入的第{n}项督办事项",
                "会议：第三次联席会议",
                units[n % 12].name,
                f"{units[(n + 1) % 12].short_name}、{units[(n + 2) % 12].name}",
                units[(n + 3) % 12].name,
                "2026-12-31" if n % 2 else "15个工作日",
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def measure_import(rows):
    org, units, supervisor = organisation()
    data = import_sheet(rows, units)
    reverse("supervision:ledger")  # the URLconf loaded, as in a running server
    before, cpu = rss_mb(), cpu_seconds()
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        try:
            with transaction.atomic():
                created = excel.import_ledger(data, by=supervisor)
                elapsed, cpu = time.perf_counter() - start, cpu_seconds() - cpu
                assert len(created) == rows
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    return {
        "seconds": elapsed,
        "cpu": cpu,
        "queries": len(queries),
        "memory": peak_mb() - before,
        "size": len(data) / 2**20,
    }


def measure_reimport(rows):
    """The preview of a re-imported export (issue 14): every row matched, by 编号, in a few
    queries per thousand rows; nothing saved."""
    org, _units, supervisor = organisation()
    ids = Task.objects.filter(organisation=org).order_by("pk").values_list("pk", flat=True)
    tasks = Task.objects.visible_to(supervisor).filter(pk__lte=ids[rows - 1]).with_units()
    with io.BytesIO() as out:
        excel.export_ledger(tasks, out)
        data = out.getvalue()
    before, cpu = rss_mb(), cpu_seconds()
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        plan = excel.plan_import(data, by=supervisor)
    elapsed, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    assert plan.counts()["create"] == 0 and not plan.errors, (plan.counts(), plan.errors[:3])
    return {
        "seconds": elapsed,
        "cpu": cpu,
        "queries": len(queries),
        "memory": peak_mb() - before,
        "size": len(data) / 2**20,
    }


def child(kind, rows):
    measure = {"export": measure_export, "import": measure_import, "reimport": measure_reimport}
    print(json.dumps(measure[kind](rows)))


def run_child(kind, rows):
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(rows)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--export", default="10000,50000,100000")
    parser.add_argument("--import-rows", type=int, default=10000)
    parser.add_argument("--reimport-rows", type=int, default=10000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child[0], int(args.child[1]))
    sizes = [int(s) for s in args.export.split(",") if s]
    call_command("migrate", verbosity=0)
    build(max(sizes, default=0))
    print(f"database: {connection.vendor}; load average {os.getloadavg()[0]:.2f}")
    print(
        f"{'what':<8} {'rows':>8} {'seconds':>8} {'CPU s':>6} {'queries':>8} "
        f"{'memory MB':>10} {'file MB':>8}"
    )
    runs = [("export", n) for n in sizes]
    if args.import_rows:
        runs.append(("import", args.import_rows))
    if args.reimport_rows:
        build(args.reimport_rows)
        runs.append(("reimport", args.reimport_rows))
    for kind, rows in runs:
        r = run_child(kind, rows)
        print(
            f"{kind:<8} {rows:>8,} {r['seconds']:>8.1f} {r['cpu']:>6.1f} {r['queries']:>8} "
            f"{r['memory']:>10.1f} {r['size']:>8.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
