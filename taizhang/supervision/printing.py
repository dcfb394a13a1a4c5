"""Printable sheets of the ledger (issue 14 item 6): 督办单, 催办单 and the printed ledger.

The facts each sheet shows are gathered here, apart from the views, so that a test (or a Word
or PDF writer later) reads the same facts the page prints. Nothing here writes.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from taizhang.utils.workdays import working_days_between

from . import sources
from .choices import Action, Status, UnitRole
from .models import UnitReminder

# Rows the printed ledger shows at most; beyond that the page says to export to Excel.
LEDGER_MAX_ROWS = 1000
# The roles of a 督办单's unit rows, in the order offices write them.
SHEET_ROLES = (UnitRole.LEAD, UnitRole.RESPONSIBLE, UnitRole.COOPERATING, UnitRole.SUPERVISING)


def today():
    """The day the sheets are printed on (a function, so that a test can choose the day)."""
    return timezone.localdate()


def task_address(request, task):
    """The task's page as an absolute address for the sheet's QR code: from
    ``TAIZHANG_BASE_URL`` where it is set (a proxy may hide the address people use), else from
    the request."""
    path = task.get_absolute_url()
    base = settings.TAIZHANG_BASE_URL
    if base:
        return f"{base.rstrip('/')}{path}"
    return request.build_absolute_uri(path)


def source_text(task, user):
    """Where the task came from, as plain text: the kind, then the sources' names (the links of
    the task page without their addresses, which paper cannot follow) or the reference."""
    names = [label for label, _url in sources.links_for(task, user)]
    reference = "、".join(str(name) for name in names) or task.source_ref
    kind = task.get_source_kind_display()
    return f"{kind}：{reference}" if reference else kind


def units_by_role(task):
    """[(role label, [task units])] for the roles the task has, lead first."""
    parts = list(task.task_units.all())
    rows = []
    for role in SHEET_ROLES:
        found = [tu for tu in parts if tu.role == role]
        if found:
            rows.append((role.label, found))
    return rows


def acting_parts(task):
    """The task units that do the work and sign for it (lead, responsible, cooperating), with
    who signed for each."""
    order = {role: i for i, role in enumerate(SHEET_ROLES)}
    parts = task.task_units.filter(role__in=UnitRole.acting()).select_related("unit", "signed_by")
    return sorted(parts, key=lambda tu: (order[tu.role], tu.pk))


def issuer(task):
    """Who issues the sheet: the task's supervising unit (督查室), else the organisation."""
    supervising = task.supervising_units
    return supervising[0].name if supervising else task.organisation.name


def instructions(task):
    """The leaders' 批示, oldest first (the order they were written in)."""
    return list(
        task.events.filter(action=Action.INSTRUCT)
        .select_related("actor")
        .order_by("created_at", "id")
    )


@dataclass
class Deadline:
    """How the task stands against its deadline, in working days (法定节假日 excluded)."""

    overdue: int = 0  # working days past the deadline; 0 when not overdue
    left: int | None = None  # working days left while running and not overdue
    finished: bool = False  # closed or cancelled: the deadline no longer runs


def deadline_state(task, today):
    if task.status in Status.final_states():
        return Deadline(finished=True)
    if today > task.deadline:
        return Deadline(overdue=working_days_between(task.deadline, today))
    return Deadline(left=working_days_between(today, task.deadline))


@dataclass
class Missing:
    """What a 催办单 chases: who has not signed, who has been quiet, what is not submitted."""

    unsigned: list = field(default_factory=list)  # task units not signed for
    quiet: list = field(default_factory=list)  # task units without a recent progress report
    quiet_days: int = 0
    completion_missing: bool = False
    latest_report: object = None  # the latest ProgressReport, or None

    @property
    def anything(self):
        return bool(self.unsigned or self.quiet or self.completion_missing)


def missing(task, today):
    parts = acting_parts(task)
    assigned = task.status not in (Status.DRAFT, Status.APPROVED)
    running = task.status in Status.open_states()
    days = settings.TAIZHANG_PROGRESS_REPORT_DAYS
    since = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=days), datetime.time.min)
    )
    reports = task.progress_reports.select_related("unit")
    recent = set(reports.filter(created_at__gte=since).values_list("unit_id", flat=True))
    # The lead and the responsible units report; the cooperating ones report through the lead.
    reporting = (UnitRole.LEAD, UnitRole.RESPONSIBLE)
    # A task assigned within the period is not late with its first report yet.
    due = running and task.assigned_at is not None and task.assigned_at < since
    return Missing(
        unsigned=[tu for tu in parts if assigned and tu.signed_at is None],
        quiet=[
            tu
            for tu in parts
            if due
            and task.status != Status.COMPLETION_REPORTED
            and tu.role in reporting
            and tu.unit_id not in recent
        ],
        quiet_days=days,
        completion_missing=running and task.status != Status.COMPLETION_REPORTED,
        latest_report=reports.first(),
    )


@dataclass
class Reminders:
    """催办 already sent: the ones written by hand (REMIND events) and the daily job's digests
    that listed the task (days, the last one)."""

    by_hand: list
    digests: int
    last_digest: datetime.date | None


def reminders(task):
    by_hand = list(
        task.events.filter(action=Action.REMIND)
        .select_related("actor", "unit")
        .order_by("created_at", "id")
    )
    days = set()
    if task.assigned_at is not None:
        # The digests go to the units that lead or are responsible (see UnitReminder).
        unit_ids = [
            tu.unit_id
            for tu in task.task_units.all()
            if tu.role in (UnitRole.LEAD, UnitRole.RESPONSIBLE)
        ]
        # A digest lists task ids by light in JSON; read those units' digests since the task was
        # assigned (one per unit and day at most) and look for the task in Python, the same on
        # SQLite and PostgreSQL.
        for day, listed in UnitReminder.objects.filter(
            unit_id__in=unit_ids, day__gte=timezone.localdate(task.assigned_at)
        ).values_list("day", "tasks"):
            if any(task.pk in ids for ids in listed.values()):
                days.add(day)
    return Reminders(by_hand=by_hand, digests=len(days), last_digest=max(days, default=None))
