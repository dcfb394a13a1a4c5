"""Keyword search at scale: the ledger's q through the search index against the old LIKE.

    DATABASE_URL=sqlite:////tmp/search-bench.sqlite3 python benchmarks/search.py [--tasks 100000]
        [--runs 30]

Migrates the database named by DATABASE_URL (use a scratch one). When it holds fewer than
--tasks tasks, it adds them with ``taizhang seed-scale`` when that command exists, otherwise with
its own generator (tasks of one organisation with a title, requirements and two progress
reports written from a vocabulary of supervision phrases, inserted in bulk), then rebuilds the
index with ``taizhang.search.rebuild("task")`` and prints how long that took. Then, for 2-, 3-
and 4-character words, a number, a number's prefix, two words and a unit's name, it runs the
ledger's first page for a supervisor (the count and the first 20 rows in the ledger's order, as
the page does) --runs times with the index and with the old ``LIKE '%…%'`` over five columns,
and prints median and p95 in ms, the rows found and the ratio.
"""

import argparse
import datetime
import os
import random
import statistics
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
from django.db.models import Q  # noqa: E402

from taizhang import search  # noqa: E402
from taizhang.org.choices import Role  # noqa: E402
from taizhang.org.models import Organisation, Unit, User  # noqa: E402
from taizhang.supervision.filters import TaskFilterSet  # noqa: E402
from taizhang.supervision.models import ProgressReport, Task  # noqa: E402

SUBJECTS = [
    "国有企业改革",
    "统战工作",
    "营商环境",
    "安全生产",
    "乡村振兴",
    "生态环境保护",
    "招商引资",
    "民营经济",
    "科技创新",
    "人才引进",
    "城市更新",
    "基层治理",
    "信访维稳",
    "财政预算",
    "产业链供应链",
    "数字政府",
    "民生实事",
    "教育均衡",
    "医疗卫生",
    "养老服务",
    "防汛抗旱",
    "耕地保护",
    "交通基础设施",
    "文化旅游",
    "对口支援",
    "统一战线",
    "党风廉政建设",
]
VERBS = ["深化", "推进", "落实", "加强", "完善", "加快", "优化", "统筹", "健全", "提升"]
TAILS = [
    "工作方案",
    "专项行动",
    "长效机制",
    "重点任务",
    "考核办法",
    "督查整改",
    "试点工作",
    "实施意见",
    "政策措施",
    "问题清单",
]
BODIES = [
    "由牵头单位制定具体方案，明确时间表和路线图，按月报送进展。",
    "各责任单位要细化分工，压实责任，确保年底前取得实质性进展。",
    "加强部门协同，建立联席会议制度，定期研究解决重大问题。",
    "聚焦群众反映强烈的突出问题，开展专项整治，形成可复制的经验。",
    "强化资金保障和政策支持，做好宣传引导，营造良好氛围。",
    "对照年度目标逐项梳理，建立台账，实行销号管理。",
]
PROGRESS = [
    "已召开专题会议研究部署，制定工作方案。",
    "完成调研报告初稿，正在征求相关部门意见。",
    "已完成阶段性目标，下一步将扩大试点范围。",
    "组织开展现场督导三次，发现问题已全部整改。",
    "配套资金已拨付到位，项目进入实施阶段。",
]


def _task_texts(rng):
    subject = rng.choice(SUBJECTS)
    title = f"{rng.choice(VERBS)}{subject}{rng.choice(TAILS)}"
    body = rng.choice(BODIES) + rng.choice(BODIES).replace("问题", f"{rng.choice(SUBJECTS)}问题")
    return title, body


@transaction.atomic
def _generate(count, year=2026):
    """Tasks in bulk (signals bypassed, as a bulk loader does), then ``search.rebuild``."""
    rng = random.Random(13)
    org, _ = Organisation.objects.get_or_create(code="bench", defaults={"name": "检索基准"})
    unit, _ = Unit.objects.get_or_create(
        code="bench-unit", defaults={"organisation": org, "name": "基准单位"}
    )
    user = User.objects.filter(username="bench-duban").first() or User.objects.create_user(
        "bench-duban", password="x", organisation=org, role=Role.SUPERVISOR
    )
    start = Task.objects.filter(organisation=org).count()
    day = datetime.date(year, 1, 1)
    for first in range(start, start + count, 5000):
        tasks = []
        for n in range(first, min(first + 5000, start + count)):
            title, body = _task_texts(rng)
            tasks.append(
                Task(
                    organisation=org,
                    number=f"BENCH-{year}-{n + 1:06d}",
                    title=title,
                    body=body,
                    source_ref=f"市委常委会第{n % 40 + 1}次会议",
                    deadline=day + datetime.timedelta(days=n % 365),
                    status="in_progress",
                    latest_progress=rng.choice(PROGRESS),
                    created_by=user,
                )
            )
        tasks = Task.objects.bulk_create(tasks)
        ProgressReport.objects.bulk_create(
            ProgressReport(task=t, unit=unit, author=user, percent=p, text=rng.choice(PROGRESS))
            for t in tasks
            for p in (30, 60)
        )
    return user


def _supervisor():
    return User.objects.filter(role=Role.SUPERVISOR, organisation__tasks__isnull=False).first()


class LikeFilterSet(TaskFilterSet):
    """The ledger's filters with the keyword as it was before the index."""

    def filter_keyword(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(body__icontains=word)
                | Q(number__icontains=word)
                | Q(source_ref__icontains=word)
                | Q(latest_progress__icontains=word)
            )
        return queryset


def _page(queryset):
    return queryset.count(), list(queryset.order_by("deadline", "number")[:20])


def _time(function, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    have = Task.objects.count()
    if have < options.tasks:
        start = time.perf_counter()
        if "seed-scale" in get_commands():
            call_command("seed-scale", "--tasks", str(options.tasks - have))
        else:
            _generate(options.tasks - have)
        print(f"added {options.tasks - have} tasks in {time.perf_counter() - start:.1f} s")
        start = time.perf_counter()
        with transaction.atomic():
            entries = search.rebuild("task")
        print(f"search.rebuild('task'): {entries} entries in {time.perf_counter() - start:.1f} s")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")
    user = _supervisor()
    visible = Task.objects.visible_to(user)
    sample = visible.order_by("?").values_list("number", flat=True).first()
    queries = [
        ("2 characters", "改革"),
        ("2 characters", "统战"),
        ("3 characters", "国资委"),  # rare: not in the generated text
        ("3 characters", "营商环"),
        ("4 characters", "安全生产"),
        ("4 characters", "调研报告"),
        ("number", sample),
        ("number prefix", sample.rsplit("-", 1)[0]),
        ("two words", "改革 方案"),
    ]
    # A unit named whole finds its tasks too (the LIKE baseline does not know units).
    unit = Unit.objects.filter(organisation_id=user.organisation_id).order_by("code").first()
    if unit is not None:
        queries.append(("unit name", unit.name))
    print(f"{Task.objects.count()} tasks, {connection.vendor}, {user} sees {visible.count()}")
    print(f"{'query':<28} {'rows':>7} {'index ms':>16} {'LIKE ms':>16} {'ratio':>6}")
    for label, q in queries:

        def indexed(q=q):
            return _page(TaskFilterSet({"q": q}, queryset=visible, user=user).qs)

        def like(q=q):
            return _page(LikeFilterSet({"q": q}, queryset=visible, user=user).qs)

        median, p95, (rows, _) = _time(indexed, options.runs)
        old_median, old_p95, (old_rows, _) = _time(like, max(3, options.runs // 5))
        mark = "" if rows >= old_rows else f" (LIKE {old_rows})"
        print(
            f"{label + ' ' + q:<28} {rows:>7} {median:>7.1f} /{p95:>7.1f} "
            f"{old_median:>7.1f} /{old_p95:>7.1f} {old_median / median:>5.1f}×{mark}"
        )


if __name__ == "__main__":
    main()
