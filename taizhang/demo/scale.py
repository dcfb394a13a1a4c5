"""A large, realistic ledger for benchmarks and tests at scale (``taizhang seed-scale``).

Organisations ``scale1``, ``scale2``, … each get a two-level unit tree, a supervisor, a leader
and a handler per unit, then tasks in every state with their units by role, timeline, progress
reports, pending extensions and today's lights. Units are drawn with a skew, as in a real
office: a few departments lead or join a large share of the work (the busiest unit's handler
sees about a third of the ledger), most units little.

Rows are written with ``bulk_create`` in chunks, not through the services: a million timeline
events through ``create_task`` would take hours. What the services guarantee is kept by
construction (numbers from the organisation's counter, one lead unit, states reached along the
lifecycle, events in order). Generated data is not anyone's change, so it bypasses the audit
log; one record says the data set was loaded.
"""

import contextlib
import datetime
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from taizhang import search
from taizhang.audit.choices import AuditAction
from taizhang.audit.recorder import record
from taizhang.org.choices import Role, UnitKind
from taizhang.org.models import Membership, Organisation, Unit, User
from taizhang.supervision import services
from taizhang.supervision.choices import (
    Action,
    ExtensionStatus,
    Priority,
    SourceKind,
    Status,
    UnitRole,
)
from taizhang.supervision.indexing import KIND as TASKS
from taizhang.supervision.lights import compute_light
from taizhang.supervision.models import ExtensionRequest, ProgressReport, Task, TaskEvent, TaskUnit
from taizhang.utils.db import refresh_statistics

PASSWORD = "taizhang2026"  # the demo's password: these are throwaway benchmark accounts
CHUNK = 2000
TOP_UNITS = 12
CHILD_UNITS = 4  # under each top unit: 12 + 48 = 60 units
# Share of tasks in each state (a ledger some years old: most work closed or running).
STATES = [
    (Status.DRAFT, 2),
    (Status.APPROVED, 1),
    (Status.ASSIGNED, 4),
    (Status.SIGNED, 8),
    (Status.IN_PROGRESS, 40),
    (Status.RETURNED, 3),
    (Status.COMPLETION_REPORTED, 5),
    (Status.CLOSED, 35),
    (Status.CANCELLED, 2),
]
SOURCES = [
    (SourceKind.MEETING, 35),
    (SourceKind.DOCUMENT, 25),
    (SourceKind.SPEECH, 15),
    (SourceKind.INSTRUCTION, 10),
    (SourceKind.PLAN, 8),
    (SourceKind.SUGGESTION, 4),
    (SourceKind.RECTIFICATION, 3),
]
PRIORITIES = [(Priority.NORMAL, 80), (Priority.HIGH, 15), (Priority.URGENT, 5)]
# Words of the ledgers (written here): a title is a verb, a field and a kind of work.
VERBS = ["推进", "落实", "深化", "完善", "加强", "开展", "健全", "研究制定", "组织实施", "督促"]
FIELDS = [
    "国有企业改革",
    "统战工作",
    "安全生产",
    "营商环境",
    "科技创新",
    "人才引进",
    "标准化建设",
    "行业调研",
    "会员服务",
    "国际合作",
    "信息化建设",
    "党风廉政建设",
    "巡视整改",
    "审计整改",
    "产业链协同",
    "绿色低碳转型",
    "职工队伍建设",
    "专家会商",
]
KINDS = ["工作方案", "专项行动", "制度机制", "重点任务", "调研报告", "实施细则", "考核办法", "台账"]
PROGRESS = [
    "已召开专题会议研究部署，明确责任分工。",
    "已形成初稿，正在征求相关单位意见。",
    "已完成阶段性任务，下一步将加快推进。",
    "正在组织调研，收集基层意见建议。",
    "已报请领导审定，待批复后实施。",
    "已完成整改，相关材料已归档。",
]


def _weighted(rng, table):
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def _organisation(index):
    code = f"scale{index}"
    org, _ = Organisation.objects.get_or_create(
        code=code, defaults={"name": f"规模测试单位{index}"}
    )
    if not org.units.exists():
        _units(org)
        _users(org)
    return org


def _units(org):
    tops = Unit.objects.bulk_create(
        Unit(
            organisation=org,
            code=f"{org.code}-u{i:02d}",
            name=f"{org.name}第{i}部门",
            short_name=f"第{i}部门",
            kind=UnitKind.DEPARTMENT,
            sort_order=i,
        )
        for i in range(1, TOP_UNITS + 1)
    )
    Unit.objects.bulk_create(
        Unit(
            organisation=org,
            parent=top,
            code=f"{top.code}-{j}",
            name=f"{top.name}第{j}处",
            short_name=f"{top.short_name}{j}处",
            kind=UnitKind.OFFICE,
            sort_order=j,
        )
        for top in tops
        for j in range(1, CHILD_UNITS + 1)
    )


def _users(org):
    password = make_password(PASSWORD)  # hashed once: PBKDF2 per account would take minutes
    units = list(org.units.order_by("pk"))
    people = [
        User(username=f"{org.code}-duban", role=Role.SUPERVISOR, display_name="督查员"),
        User(username=f"{org.code}-lingdao", role=Role.LEADER, display_name="领导"),
    ] + [
        User(username=u.code, role=Role.HANDLER, display_name=f"{u.short_name}承办人")
        for u in units
    ]
    for user in people:
        user.organisation, user.password = org, password
    people = User.objects.bulk_create(people)
    Membership.objects.bulk_create(
        Membership(user=user, unit=unit) for user, unit in zip(people[2:], units, strict=True)
    )


@contextlib.contextmanager
def _historical_times():
    """Let bulk_create keep the given created_at/updated_at: the data set spans years."""
    fields = [
        f
        for model in (Task, TaskEvent, ProgressReport, ExtensionRequest)
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, now_add in saved:
            f.auto_now, f.auto_now_add = now, now_add


def _by_now(start, moment):
    return max(start, min(moment, timezone.now()))


class Builder:
    """Builds one organisation's tasks, chunk by chunk."""

    def __init__(self, org, rng, today):
        self.org, self.rng, self.today = org, rng, today
        self.units = list(org.units.order_by("pk"))
        # Zipf-like weights: the first units get most of the work.
        self.weights = [1 / (i + 1) ** 0.9 for i in range(len(self.units))]
        users = {u.username: u for u in org.users.all()}
        self.supervisor = users[f"{org.code}-duban"]
        self.leader = users[f"{org.code}-lingdao"]
        self.handlers = {
            m.unit_id: m.user
            for m in Membership.objects.filter(unit__in=self.units).select_related("user")
        }

    def _pick_units(self):
        count = min(len(self.units), 1 + self.rng.choice([1, 2, 3, 3, 4, 5, 6]))
        picked = []
        while len(picked) < count:
            unit = self.rng.choices(self.units, weights=self.weights)[0]
            if unit not in picked:
                picked.append(unit)
        roles = [UnitRole.LEAD]
        for _ in picked[1:]:
            roles.append(
                self.rng.choices(
                    [UnitRole.RESPONSIBLE, UnitRole.COOPERATING, UnitRole.SUPERVISING],
                    weights=[40, 45, 15],
                )[0]
            )
        return list(zip(picked, roles, strict=True))

    def _task(self):
        rng, today = self.rng, self.today
        status = _weighted(rng, STATES)
        created = today - datetime.timedelta(days=rng.randint(0, 3 * 365))
        span = rng.randint(10, 180)
        deadline = created + datetime.timedelta(days=span)
        if status not in Status.final_states() and status not in (Status.DRAFT, Status.APPROVED):
            # Running work: most still in time, some overdue.
            deadline = today + datetime.timedelta(days=rng.randint(-60, 240))
            created = min(created, deadline - datetime.timedelta(days=10))
        field = rng.choice(FIELDS)
        title = f"{rng.choice(VERBS)}{field}{rng.choice(KINDS)}"
        at = timezone.make_aware(datetime.datetime.combine(created, datetime.time(9, 0)))
        # Most running work keeps pace with its time (some lags: the yellow lights).
        elapsed = 100 * (today - created).days // max((deadline - created).days, 1)
        percent = {
            Status.IN_PROGRESS: max(5, min(95, elapsed + rng.randint(-20, 25))),
            Status.RETURNED: rng.randint(60, 95),
            Status.COMPLETION_REPORTED: 100,
            Status.CLOSED: 100,
        }.get(status, 0)
        task = Task(
            organisation=self.org,
            title=title,
            body=f"围绕{field}，{rng.choice(VERBS)}相关工作，按期报送进展和成效。",
            source_kind=_weighted(rng, SOURCES),
            source_ref=f"{created.year}年第{rng.randint(1, 40)}次会议",
            priority=_weighted(rng, PRIORITIES),
            deadline=deadline,
            status=status,
            progress_percent=percent,
            latest_progress=rng.choice(PROGRESS) if percent else "",
            assigned_at=None if status in (Status.DRAFT, Status.APPROVED) else at,
            # Closed within its span, cancelled the next day (the CANCEL event's moment,
            # _history): never later than now, nor before it was registered.
            closed_at=_by_now(at, at + datetime.timedelta(days=span))
            if status == Status.CLOSED
            else None,
            cancelled_at=_by_now(at, at + datetime.timedelta(days=1))
            if status == Status.CANCELLED
            else None,
            created_by=self.supervisor,
            created_at=at,
            updated_at=at,
        )
        task.light = compute_light(task, today)
        task.scale_units = self._pick_units()  # written with the history (_history)
        task.lead = task.scale_units[0][0]
        return task

    def chunk(self, size):
        tasks = [self._task() for _ in range(size)]
        self._number(tasks)
        Task.objects.bulk_create(tasks)
        self.parts, self.events, self.reports, self.extensions = [], [], [], []
        for task in tasks:
            self._history(task)
        TaskUnit.objects.bulk_create(self.parts, batch_size=CHUNK)
        TaskEvent.objects.bulk_create(self.events, batch_size=CHUNK)
        ProgressReport.objects.bulk_create(self.reports, batch_size=CHUNK)
        ExtensionRequest.objects.bulk_create(self.extensions, batch_size=CHUNK)
        search.rebuild(TASKS, ids=[t.pk for t in tasks])  # bulk inserts send no signals
        return {
            "tasks": len(tasks),
            "units": len(self.parts),
            "events": len(self.events),
            "reports": len(self.reports),
        }

    def _number(self, tasks):
        """Numbers of the year each task was registered, from the organisation's counter."""
        by_year = {}
        for task in tasks:
            by_year.setdefault(task.created_at.year, []).append(task)
        for year, registered in by_year.items():
            numbers = services.next_numbers(self.org, len(registered), year=year)
            for task, number in zip(registered, numbers, strict=True):
                task.number = number

    def _event(self, task, action, actor, days, from_status="", to_status="", **fields):
        at = task.created_at + datetime.timedelta(days=days, minutes=len(self.events) % 600)
        self.events.append(
            TaskEvent(
                task=task,
                action=action,
                actor=actor,
                from_status=from_status,
                to_status=to_status,
                created_at=at,
                **fields,
            )
        )

    def _history(self, task):
        """The task's units and the timeline that led to its state."""
        self._event(task, Action.CREATE, self.supervisor, 0, to_status=Status.DRAFT)
        units = task.scale_units
        running = task.status not in (Status.DRAFT, Status.APPROVED, Status.CANCELLED)
        signed = running and task.status != Status.ASSIGNED
        at = task.created_at + datetime.timedelta(days=1)
        for unit, role in units:
            sign = signed and role in UnitRole.acting()
            self.parts.append(
                TaskUnit(
                    task=task,
                    unit=unit,
                    role=role,
                    signed_at=at if sign else None,
                    signed_by=self.handlers[unit.pk] if sign else None,
                )
            )
        if task.status == Status.CANCELLED:
            self._event(
                task,
                Action.CANCEL,
                self.supervisor,
                1,
                Status.DRAFT,
                Status.CANCELLED,
                comment="工作调整",
            )
            self.events[-1].created_at = task.cancelled_at
            return
        if task.status != Status.DRAFT:
            self._event(task, Action.APPROVE, self.leader, 0, Status.DRAFT, Status.APPROVED)
        if running:
            self._event(task, Action.ASSIGN, self.supervisor, 0, Status.APPROVED, Status.ASSIGNED)
        if signed:
            for unit, role in units:
                if role in UnitRole.acting():
                    self._event(task, Action.SIGN, self.handlers[unit.pk], 1, unit=unit)
            self._work(task, units[0][0])

    def _work(self, task, lead):
        """Progress reports, completion, return or close, and now and then an extension."""
        author = self.handlers[lead.pk]
        steps = self.rng.randint(1, 4) if task.progress_percent else 0
        for i in range(steps):
            percent = task.progress_percent * (i + 1) // steps
            day = 2 + 7 * i
            at = task.created_at + datetime.timedelta(days=day)
            text = self.rng.choice(PROGRESS)
            self.reports.append(
                ProgressReport(
                    task=task, unit=lead, author=author, percent=percent, text=text, created_at=at
                )
            )
            self._event(task, Action.PROGRESS, author, day, unit=lead, comment=f"{percent}%")
        done = (Status.RETURNED, Status.COMPLETION_REPORTED, Status.CLOSED)
        if task.status in done:
            self._event(
                task,
                Action.SUBMIT_COMPLETION,
                author,
                30,
                Status.IN_PROGRESS,
                Status.COMPLETION_REPORTED,
                unit=lead,
            )
        if task.status == Status.RETURNED:
            self._event(
                task,
                Action.RETURN,
                self.supervisor,
                31,
                Status.COMPLETION_REPORTED,
                Status.RETURNED,
                comment="材料不全，请补充",
            )
        if task.status == Status.CLOSED:
            self._event(
                task, Action.VERIFY, self.supervisor, 32, Status.COMPLETION_REPORTED, Status.CLOSED
            )
        if task.status == Status.IN_PROGRESS and self.rng.random() < 0.03:
            self.extensions.append(
                ExtensionRequest(
                    task=task,
                    requested_by=author,
                    current_deadline=task.deadline,
                    requested_deadline=task.deadline + datetime.timedelta(days=30),
                    reason="工作量大，申请延期",
                    status=ExtensionStatus.PENDING,
                    created_at=task.created_at + datetime.timedelta(days=20),
                )
            )


def shares(tasks, organisations):
    """How many tasks each organisation gets: the first holds most (a province's own office
    beside smaller ones), as in the measured 80,012 of 100,018."""
    if organisations == 1:
        return [tasks]
    first = tasks * 4 // 5
    rest = [(tasks - first) // (organisations - 1)] * (organisations - 1)
    rest[-1] += tasks - first - sum(rest)
    return [first, *rest]


def seed(tasks, organisations=1, *, seed=2026, progress=None):
    """Add ``tasks`` tasks across ``organisations`` scale organisations; returns the totals."""
    rng = random.Random(seed)
    today = timezone.localdate()
    totals = {"tasks": 0, "units": 0, "events": 0, "reports": 0}
    with _historical_times():
        for index, count in enumerate(shares(tasks, organisations), 1):
            with transaction.atomic():
                org = _organisation(index)
            builder = Builder(org, rng, today)
            done = 0
            while done < count:
                size = min(CHUNK, count - done)
                with transaction.atomic():
                    added = builder.chunk(size)
                done += size
                for key, value in added.items():
                    totals[key] += value
                if progress:
                    progress(org, done, count)
    with transaction.atomic():
        record(AuditAction.CREATE, extra={"seed_scale": totals})
    refresh_statistics()
    return totals
