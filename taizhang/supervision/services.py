"""Workflow actions on tasks. Views, the API, imports and jobs call these; nothing else
changes a task's status, units or deadline.

Each action runs in one transaction: it locks the task, refuses a stale ``version``, checks
the transition table and the user's part in the task, mutates, writes the timeline event and
queues its notifications.
"""

import dataclasses
import datetime
import os

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang import audit, search
from taizhang.notify.services import acted_on, channels_used, lazy_message, notify
from taizhang.org.choices import Role
from taizhang.org.models import User
from taizhang.utils import services as steps
from taizhang.utils.errors import NotAllowed, WorkflowError
from taizhang.utils.models import Counter
from taizhang.utils.text import clean_text
from taizhang.utils.workdays import add_working_days

from . import rules
from .choices import Action, ExtensionStatus, Light, Priority, Status, UnitRole
from .filters import chosen_ids, ledger_url
from .indexing import KIND as SEARCH_KIND
from .lights import compute_light
from .mentions import find_mentions
from .models import (
    Attachment,
    ExtensionRequest,
    ProgressReport,
    Task,
    TaskEvent,
    TaskUnit,
    units_seeing,
)
from .next_step import unsigned_units

# Fields an edit may change, with the unit roles kept beside them.
EDITABLE_FIELDS = (
    "title",
    "body",
    "source_kind",
    "source_ref",
    "priority",
    "parent",
    "deadline",
    "deadline_working_days",
)
UNIT_FIELDS = {
    "lead_unit": UnitRole.LEAD,
    "responsible_units": UnitRole.RESPONSIBLE,
    "cooperating_units": UnitRole.COOPERATING,
    "supervising_units": UnitRole.SUPERVISING,
}


# ---- helpers -----------------------------------------------------------------------------


STALE = gettext_lazy(
    "This task was changed by someone else since you opened it "
    "(your version %(yours)s, current %(current)s). Reload it and try again."
)


def _lock(task, version=None):
    """The task fresh from the database, locked for this transaction; refuse a stale version."""
    fresh = Task.objects.select_for_update().with_units().get(pk=task.pk)
    steps.check_version(fresh, version, STALE)
    return fresh


def _require(user, action, task):
    steps.require(rules.LIFECYCLE, user, action, task)


def _require_text(value, message):
    return steps.text(value, message)


def _title(text):
    title = _require_text(text, _("A task needs a title."))
    limit = Task._meta.get_field("title").max_length
    if len(title) > limit:
        raise WorkflowError(
            _("A title may have at most %(limit)d characters (this one has %(count)d).")
            % {"limit": limit, "count": len(title)}
        )
    return title


def _save(task, *fields):
    task.version += 1
    task.light = compute_light(task, timezone.localdate())
    task.save(update_fields=[*fields, "version", "light", "updated_at"])


def _event(task, action, by, *, comment="", from_status="", unit=None, changes=None):
    if by is not None:
        acted_on(by, task)  # what told them about the task is read
    return TaskEvent.objects.create(
        task=task,
        action=action,
        actor=by,
        unit=unit,
        comment=clean_text(comment),
        from_status=from_status,
        to_status=task.status if from_status else "",
        changes=changes or {},
    )


def _move(task, action, by, comment, *, unit=None, extra_fields=()):
    """Apply the table's target state, save, and write the event."""
    before = rules.LIFECYCLE.enter(task, action)
    _save(task, "status", *extra_fields)
    return _event(task, action, by, comment=comment, from_status=before, unit=unit)


def handlers_of(units):
    return User.objects.filter(
        memberships__unit__in=units, role=Role.HANDLER, is_active=True
    ).distinct()


def org_users(record, role):
    """The active users of a role in the organisation of a task (or any record of one)."""
    return User.objects.filter(organisation_id=record.organisation_id, role=role, is_active=True)


def _tell(users, task, title, *, kind="task", organisation_group=False):
    notify(
        users,
        organisation_group=organisation_group,
        title=format_lazy("{}：{}", title, task.title),
        url=task.get_absolute_url(),
        kind=kind,
        subject=task,
        facts=task_facts(task),
    )


# How much of the task's requirements a message quotes: the gist, the rest is a click away.
ASKED_CHARS = 120


def task_facts(task):
    """The lines a message about a task shows (编号, 督办灯, 办理期限, 牵头单位), labels lazy."""
    lead = task.lead_unit
    facts = [
        (gettext_lazy("Number"), task.number),
        (gettext_lazy("Light"), Light(task.light).label),
        (gettext_lazy("Deadline"), task.deadline.isoformat() if task.deadline else "—"),
        (gettext_lazy("Lead unit"), lead.short_name or lead.name if lead else "—"),
    ]
    if asked := " ".join(task.body.split()):
        facts.append((gettext_lazy("What is asked"), Truncator(asked).chars(ASKED_CHARS)))
    return tuple(facts)


def _display(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    return value


def next_numbers(organisation, count=1, year=None):
    """编号 ORG-2026-0001: the next ``count`` of the organisation's counter for the year (this
    one unless given), taken in the transaction, in one statement however many."""
    prefix = f"{organisation.code.upper()}-{year or timezone.localdate().year}"
    values = Counter.next_values(f"task-number:{prefix}", count)
    return [f"{prefix}-{value:04d}" for value in values]


def _next_number(organisation):
    return next_numbers(organisation)[0]


def _years_from(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_deadline(day):
    """Refuse a deadline no office means: further than the configured years from today."""
    years = settings.TAIZHANG_DEADLINE_MAX_YEARS
    today = timezone.localdate()
    earliest, latest = _years_from(today, -years), _years_from(today, years)
    if not earliest <= day <= latest:
        raise WorkflowError(
            _("The deadline %(day)s is not between %(earliest)s and %(latest)s.")
            % {"day": day.isoformat(), "earliest": earliest, "latest": latest}
        )
    return day


def check_working_days(count):
    limit = settings.TAIZHANG_MAX_WORKING_DAYS
    if not 1 <= count <= limit:
        raise WorkflowError(
            _("A deadline in working days must be from 1 to %(limit)d working days.")
            % {"limit": limit}
        )
    return count


def resolve_deadline(deadline, working_days, start=None):
    """A fixed date, or N working days on China's holiday calendar from ``start`` (today)."""
    if working_days:
        days = check_working_days(int(working_days))
        return check_deadline(add_working_days(start or timezone.localdate(), days))
    if not deadline:
        raise WorkflowError(_("Give a deadline: a date or a number of working days."))
    return check_deadline(deadline)


def _check_units(organisation, units):
    lead = units.get("lead_unit")
    if lead is None:
        raise WorkflowError(_("A task needs a lead unit."))
    everyone = [
        lead,
        *units.get("responsible_units", ()),
        *units.get("cooperating_units", ()),
        *units.get("supervising_units", ()),
    ]
    if any(u.organisation_id != organisation.pk for u in everyone):
        raise WorkflowError(_("All units must belong to the task's organisation."))
    if len({u.pk for u in everyone}) != len(everyone):
        raise WorkflowError(_("A unit can play only one part in a task."))


MAX_TASK_DEPTH = 10  # 任务分解: a task, its sub-tasks, theirs… no office goes deeper


def _check_parent(organisation, parent, task=None):
    """The parent is a task of the same organisation, and not the task itself or one of its
    descendants (which would make the tree a loop)."""
    if parent is None:
        return
    if parent.organisation_id != organisation.pk:
        raise WorkflowError(_("The parent task must belong to the same organisation."))
    node, depth = parent.pk, 0
    while node is not None:
        if task is not None and node == task.pk:
            raise WorkflowError(_("A task cannot be placed under itself or one of its sub-tasks."))
        depth += 1
        if depth >= MAX_TASK_DEPTH:
            raise WorkflowError(
                _("Tasks can be nested at most %(depth)d levels deep.") % {"depth": MAX_TASK_DEPTH}
            )
        node = Task.objects.filter(pk=node).values_list("parent_id", flat=True).first()


def _set_units(task, units):
    """Replace the task's units; sign-fors of units that keep their part are kept."""
    wanted = {}
    for field, role in UNIT_FIELDS.items():
        for unit in _listed(units.get(field), field):
            wanted[unit.pk] = (unit, role)
    existing = {tu.unit_id: tu for tu in task.task_units.all()}
    for unit_id, tu in existing.items():
        if unit_id not in wanted:
            tu.delete()
        elif tu.role != wanted[unit_id][1]:
            tu.role = wanted[unit_id][1]
            tu.save(update_fields=["role"])
    audit.bulk_create(
        TaskUnit,
        (
            TaskUnit(task=task, unit=unit, role=role)
            for unit_id, (unit, role) in wanted.items()
            if unit_id not in existing
        ),
    )


def _current_units(task):
    return {
        field: task.lead_unit if role == UnitRole.LEAD else task.units_in(role)
        for field, role in UNIT_FIELDS.items()
    }


def _unit_summary(units):
    """Units by field as the timeline shows them: names, a list for the many-unit fields."""
    return {
        field: str(units[field]) if role == UnitRole.LEAD else sorted(str(u) for u in units[field])
        for field, role in UNIT_FIELDS.items()
    }


def _deadline_for_edit(task, data):
    """A changed number of working days sets the deadline again, counted from the day of 交办
    (or today for a task not yet assigned); an unchanged one leaves the deadline, which an
    approved extension may have moved."""
    days = data.get("deadline_working_days")
    if days and (days != task.deadline_working_days or not data.get("deadline")):
        start = timezone.localdate(task.assigned_at) if task.assigned_at else None
        data["deadline"] = resolve_deadline(None, days, start)
    elif "deadline" in data:
        data["deadline"] = resolve_deadline(data["deadline"], None)


# ---- registering and editing ----------------------------------------------------------------


def _require_creator(by, organisation):
    if not rules.can_create(by) or by.organisation_id != organisation.pk:
        raise NotAllowed(_("Only a supervisor may register tasks."))


def _draft(
    *,
    by,
    organisation,
    title,
    deadline=None,
    deadline_working_days=None,
    body="",
    source_kind="meeting",
    source_ref="",
    priority="normal",
    parent=None,
    **units,
):
    """A new draft task, checked and unsaved (without its number), and its units."""
    _check_units(organisation, units)
    _check_parent(organisation, parent)
    task = Task(
        organisation=organisation,
        lead=units["lead_unit"],
        title=_title(title),
        body=clean_text(body),
        source_kind=source_kind,
        source_ref=clean_text(source_ref)[:300],
        priority=priority,
        parent=parent,
        deadline=resolve_deadline(deadline, deadline_working_days),
        deadline_working_days=deadline_working_days or None,
        created_by=by,
    )
    return task, units


@transaction.atomic
def create_task(*, by, organisation, notify=True, **fields):
    """立项: register a task as a draft. ``notify=False`` for a caller that registers many at
    once and tells the leaders itself (a meeting's decisions)."""
    _require_creator(by, organisation)
    task, units = _draft(by=by, organisation=organisation, **fields)
    task.number = _next_number(organisation)
    task.save()
    _set_units(task, units)
    _event(task, Action.CREATE, by, from_status=Status.DRAFT)
    if notify:
        _tell(org_users(task, Role.LEADER), task, gettext_lazy("To approve"))
    return task


class TasksRefused(WorkflowError):
    """None of the tasks was registered; ``errors`` lists ``(key, message)`` for each bad
    one, ``key`` as the caller gave it (an import's line number)."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(
            _("Nothing was registered: %(count)d problem(s) found.") % {"count": len(errors)}
        )


@transaction.atomic
def create_tasks(rows, *, by, organisation, batch_size=500):
    """立项 of many drafts at once (an import): ``rows`` are ``(key, fields)`` with the
    fields of ``create_task``. The same checks as ``create_task`` for every row; if any row
    fails, none is registered and ``TasksRefused`` lists every bad row. The numbers are
    taken in one statement, tasks, units and timeline events written in batches, and the
    leaders told once for the batch: queries do not grow with the rows."""
    _require_creator(by, organisation)
    drafts, errors = _drafts(rows, by=by, organisation=organisation)
    if errors:
        raise TasksRefused(errors)
    if not drafts:
        return []
    tasks = [task for task, _units in drafts]
    for task, number in zip(tasks, next_numbers(organisation, len(tasks)), strict=True):
        task.number = number
    audit.bulk_create(Task, tasks, batch_size=batch_size)
    task_units = [
        TaskUnit(task=task, unit=unit, role=role)
        for task, units in drafts
        for field, role in UNIT_FIELDS.items()
        for unit in _listed(units.get(field), field)
    ]
    audit.bulk_create(TaskUnit, task_units, batch_size=batch_size)
    events = [
        TaskEvent(
            task=task,
            action=Action.CREATE,
            actor=by,
            from_status=Status.DRAFT,
            to_status=task.status,
        )
        for task in tasks
    ]
    audit.bulk_create(TaskEvent, events, batch_size=batch_size)
    search.rebuild(SEARCH_KIND, ids=[task.pk for task in tasks])  # bulk writes send no signals
    leaders = org_users(tasks[0], Role.LEADER)
    notify(
        leaders,
        title=lazy_message(
            gettext_lazy("To approve: %(count)d tasks registered by import"), {"count": len(tasks)}
        ),
        url=ledger_url(status=Status.DRAFT),
        kind="task",
    )
    return tasks


def _drafts(rows, *, by, organisation):
    drafts, errors = [], []
    for key, fields in rows:
        try:
            drafts.append(_draft(by=by, organisation=organisation, **fields))
        except WorkflowError as exc:
            errors.append((key, exc.message))
    return drafts, errors


def check_new_tasks(rows, *, by, organisation):
    """What ``create_tasks`` would refuse in ``rows``, as ``(key, message)``, saving nothing
    (an import's preview)."""
    _require_creator(by, organisation)
    return _drafts(rows, by=by, organisation=organisation)[1]


def check_units(organisation, units):
    """Refuse units that do not make a task (no lead unit, another organisation's, one unit
    in two parts): ``WorkflowError``."""
    _check_units(organisation, units)


def _listed(value, field):
    if field == "lead_unit":
        return [value] if value is not None else []
    return value or ()


@transaction.atomic
def update_task(task, *, by, version, **data):
    """Edit a task's fields and units; refused when ``version`` is stale."""
    task = _lock(task, version)
    if not rules.can_edit(by, task):
        raise NotAllowed(_("You may not edit this task."))
    _deadline_for_edit(task, data)
    data = {k: clean_text(v) for k, v in data.items()}
    if "title" in data:
        data["title"] = _title(data["title"])
    if data.get("parent") is not None:
        _check_parent(task.organisation, data["parent"], task)
    changes = {}
    for field in EDITABLE_FIELDS:
        if field in data and getattr(task, field) != data[field]:
            changes[field] = [_display(getattr(task, field)), _display(data[field])]
            setattr(task, field, data[field])
    unit_data = {f: data[f] for f in UNIT_FIELDS if f in data}
    if unit_data:
        current = _current_units(task)
        unit_data = {**current, **unit_data}
        _check_units(task.organisation, unit_data)
        _set_units(task, unit_data)
        task.lead = unit_data["lead_unit"]
        before, after = _unit_summary(current), _unit_summary(unit_data)
        changes.update({f: [before[f], after[f]] for f in UNIT_FIELDS if before[f] != after[f]})
    if not changes:
        return task
    _save(task, *[f for f in EDITABLE_FIELDS if f in changes], *(["lead"] if unit_data else []))
    _event(task, Action.EDIT, by, changes=changes)
    return task


# ---- the lifecycle ---------------------------------------------------------------------------


@transaction.atomic
def approve_task(task, *, by, comment="", version=None, notify=True):
    """审核: a leader approves a draft. ``notify=False`` for a caller that approves many at
    once and tells the office itself (a plan's or a meeting's tasks)."""
    task = _lock(task, version)
    _require(by, Action.APPROVE, task)
    _move(task, Action.APPROVE, by, comment)
    if notify:
        _tell(org_users(task, Role.SUPERVISOR), task, gettext_lazy("Approved, ready to assign"))
    return task


@transaction.atomic
def assign_task(task, *, by, comment="", version=None):
    """交办: send the task to its units. A working-day deadline starts counting today."""
    task = _lock(task, version)
    _require(by, Action.ASSIGN, task)
    task.assigned_at = timezone.now()
    fields = ["assigned_at"]
    if task.deadline_working_days:
        task.deadline = resolve_deadline(None, task.deadline_working_days)
        fields.append("deadline")
    _move(task, Action.ASSIGN, by, comment, extra_fields=fields)
    _tell(
        handlers_of(task.units_in(*UnitRole.acting())),
        task,
        gettext_lazy("New task to sign for"),
        kind="assign",
    )
    return task


@transaction.atomic
def sign_task(task, *, by, comment="", version=None):
    """签收: the user signs for each of their units in the task that has not yet."""
    task = _lock(task, version)
    _require(by, Action.SIGN, task)
    now = timezone.now()
    for tu in rules.unsigned_task_units(by, task):
        tu.signed_at, tu.signed_by = now, by
        tu.save(update_fields=["signed_at", "signed_by"])
        before = task.status
        if tu.role == UnitRole.LEAD and task.status == Status.ASSIGNED:
            task.status = Status.SIGNED
        _save(task, "status")
        _event(task, Action.SIGN, by, comment=comment, unit=tu.unit, from_status=before)
    return task


@transaction.atomic
def report_progress(task, *, by, percent=None, text="", files=(), version=None):
    """反馈: a signed unit reports what it did and how far the task is."""
    task = _lock(task, version)
    _require(by, Action.PROGRESS, task)
    percent = _percent(percent)
    text = _require_text(text, _("Describe the progress."))
    unit = next(
        tu.unit for tu in rules.acting_task_units(by, task, UnitRole.acting()) if tu.signed_at
    )
    report = ProgressReport.objects.create(
        task=task, unit=unit, author=by, percent=percent, text=text
    )
    _attach_files(task, by, files, progress_report=report)
    task.progress_percent, task.latest_progress = percent, text
    _move(
        task,
        Action.PROGRESS,
        by,
        text,
        unit=unit,
        extra_fields=["progress_percent", "latest_progress"],
    )
    return task


def _percent(value):
    try:
        percent = int(value)
    except (TypeError, ValueError):
        raise WorkflowError(_("Progress must be a whole number from 0 to 100.")) from None
    if not 0 <= percent <= 100:
        raise WorkflowError(_("Progress must be a whole number from 0 to 100."))
    return percent


@transaction.atomic
def submit_completion(task, *, by, comment="", files=(), version=None):
    """办结报告: the lead unit reports the task done."""
    task = _lock(task, version)
    _require(by, Action.SUBMIT_COMPLETION, task)
    comment = _require_text(comment, _("Write the completion report."))
    for upload in files:
        validate_upload(upload)
    task.progress_percent, task.latest_progress = 100, comment
    report = _move(
        task,
        Action.SUBMIT_COMPLETION,
        by,
        comment,
        unit=task.lead_unit,
        extra_fields=["progress_percent", "latest_progress"],
    )
    _attach_files(task, by, files, completion_report=report)
    _tell(org_users(task, Role.SUPERVISOR), task, gettext_lazy("Completion reported, to verify"))
    return task


UNSIGNED_AT_VERIFY = gettext_lazy(
    "Not yet signed for by %(units)s. Confirm that the task may be closed all the same."
)


@transaction.atomic
def verify_task(task, *, by, comment="", version=None, confirm_unsigned=False):
    """复核销号: the supervisor checks the completion report and closes the task. While a
    responsible or cooperating unit has not signed for it, only with ``confirm_unsigned``."""
    task = _lock(task, version)
    _require(by, Action.VERIFY, task)
    unsigned = unsigned_units(task)
    if unsigned and not confirm_unsigned:
        raise WorkflowError(UNSIGNED_AT_VERIFY % {"units": "、".join(str(u) for u in unsigned)})
    task.closed_at = timezone.now()
    _move(task, Action.VERIFY, by, comment, extra_fields=["closed_at"])
    _tell(handlers_of(task.units_in(UnitRole.LEAD)), task, gettext_lazy("Verified and closed"))
    return task


@transaction.atomic
def return_task(task, *, by, comment="", version=None):
    """退回: the completion report is not accepted; the reason goes back to the units."""
    task = _lock(task, version)
    _require(by, Action.RETURN, task)
    comment = _require_text(comment, _("Give the reason for returning the task."))
    _move(task, Action.RETURN, by, comment)
    _tell(handlers_of(task.units_in(*UnitRole.acting())), task, gettext_lazy("Returned"))
    return task


@transaction.atomic
def request_extension(task, *, by, requested_deadline=None, comment="", version=None):
    """延期申请: the lead unit asks for a later deadline, with a reason."""
    task = _lock(task, version)
    _require(by, Action.REQUEST_EXTENSION, task)
    comment = _require_text(comment, _("Give the reason for the extension."))
    if not requested_deadline or requested_deadline <= task.deadline:
        raise WorkflowError(_("The requested deadline must be later than the current one."))
    check_deadline(requested_deadline)
    ExtensionRequest.objects.create(
        task=task,
        requested_by=by,
        current_deadline=task.deadline,
        requested_deadline=requested_deadline,
        reason=comment,
    )
    _save(task)
    _event(
        task,
        Action.REQUEST_EXTENSION,
        by,
        comment=comment,
        unit=task.lead_unit,
        changes={"deadline": [task.deadline.isoformat(), requested_deadline.isoformat()]},
    )
    _tell(org_users(task, Role.LEADER), task, gettext_lazy("Extension requested"))
    return task


@transaction.atomic
def decide_extension(task, *, by, approve, comment="", version=None):
    """Approve (the deadline moves) or refuse (with a reason) the pending extension request."""
    task = _lock(task, version)
    _require(by, Action.DECIDE_EXTENSION, task)
    request = task.extension_requests.get(status=ExtensionStatus.PENDING)
    if not approve:
        comment = _require_text(comment, _("Give the reason for refusing the extension."))
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    request.decided_by, request.decided_at = by, timezone.now()
    request.decision_comment = comment
    request.save()
    changes = {}
    if approve:
        changes["deadline"] = [task.deadline.isoformat(), request.requested_deadline.isoformat()]
        task.deadline = request.requested_deadline
    _save(task, "deadline")
    verdict = gettext_lazy("approved") if approve else gettext_lazy("refused")
    _event(
        task,
        Action.DECIDE_EXTENSION,
        by,
        comment=f"{verdict}：{comment}".rstrip("："),
        changes=changes,
    )
    _tell(
        handlers_of(task.units_in(UnitRole.LEAD)),
        task,
        lazy_message(gettext_lazy("Extension %(verdict)s"), {"verdict": verdict}),
    )
    return task


@transaction.atomic
def cancel_task(task, *, by, comment="", version=None):
    """中止: stop a task for good, with a reason."""
    task = _lock(task, version)
    _require(by, Action.CANCEL, task)
    comment = _require_text(comment, _("Give the reason for cancelling the task."))
    task.cancelled_at = timezone.now()
    _move(task, Action.CANCEL, by, comment, extra_fields=["cancelled_at"])
    _tell(handlers_of(task.units_in(*UnitRole.acting())), task, gettext_lazy("Cancelled"))
    return task


# ---- 催办 by hand and 督办 escalation (issue 14) ----------------------------------------------


@dataclasses.dataclass
class Reminded:
    """What a 催办 did: the units reminded, those refused with the reason, the channels."""

    reminded: list = dataclasses.field(default_factory=list)
    refused: list = dataclasses.field(default_factory=list)  # (unit, reason)
    channels: list = dataclasses.field(default_factory=list)


def _local_day_bounds(day):
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start, start + datetime.timedelta(days=1)


def _units_to_remind(task, units):
    """The acting units named (ids or units), by default the lead and responsible units."""
    acting = {tu.unit_id: tu.unit for tu in task.task_units.all() if tu.role in UnitRole.acting()}
    if not units:
        roles = {UnitRole.LEAD, UnitRole.RESPONSIBLE}
        return [tu.unit for tu in task.task_units.all() if tu.role in roles]
    chosen = []
    for unit in units:
        try:
            pk = int(getattr(unit, "pk", unit))
        except (TypeError, ValueError):
            pk = None
        if pk not in acting:
            raise WorkflowError(_("Only the task's acting units can be reminded."))
        if acting[pk] not in chosen:
            chosen.append(acting[pk])
    return chosen


@transaction.atomic
def remind_task(task, *, by, message="", urgent=False, units=None, version=None, today=None):
    """催办: a supervisor reminds units of an open task, by default its lead and responsible
    units. Each unit reminded gets a timeline event and its handlers a notification. A unit
    already reminded by hand today on this task is refused, unless the reminder is urgent
    (加急); when no unit can be reminded nothing is written and the reasons are raised."""
    task = _lock(task, version)
    _require(by, Action.REMIND, task)
    message = clean_text(message or "")
    chosen = _units_to_remind(task, units)
    if not chosen:
        raise WorkflowError(_("Choose the units to remind."))
    start, end = _local_day_bounds(today or timezone.localdate())
    already = set(
        task.events.filter(
            action=Action.REMIND, unit__in=chosen, created_at__gte=start, created_at__lt=end
        ).values_list("unit_id", flat=True)
    )
    result = Reminded()
    for unit in chosen:
        if unit.pk in already and not urgent:
            result.refused.append(
                (
                    unit,
                    _(
                        "%(unit)s was already reminded of this task today; "
                        "send an urgent reminder to remind it again."
                    )
                    % {"unit": unit},
                )
            )
        else:
            result.reminded.append(unit)
    if not result.reminded:
        raise WorkflowError(" ".join(reason for _unit, reason in result.refused))
    title = format_lazy(
        "{}：{}",
        gettext_lazy("Urgent reminder") if urgent else gettext_lazy("Supervision reminder"),
        task.title,
    )
    label = _("Urgent reminder") if urgent else _("Supervision reminder")
    sent = set()
    for unit in result.reminded:
        event = _event(task, Action.REMIND, by, unit=unit, comment=message)
        rows = notify(
            handlers_of([unit]),
            units=[unit],  # and its group chat's robots
            title=title,
            body=message,
            url=task.get_absolute_url(),
            kind="remind",
            event=f"supervision.remind:{event.pk}",
            subject=task,
            facts=task_facts(task),
            urgent=urgent,
        )
        used = channels_used(rows)
        sent.update(used)
        if used:
            note = _("%(kind)s, sent by %(channels)s") % {
                "kind": label,
                "channels": "、".join(str(c.label) for c in used),
            }
        else:
            note = _("%(kind)s; the unit has no handler or group robot to reach") % {"kind": label}
        event.comment = f"{message}\n（{note}）".lstrip()
        event.save(update_fields=["comment"])
    result.channels = [c.label for c in channels_used(sent)]
    return result


@transaction.atomic
def escalate_task(task, *, by, comment="", version=None):
    """升级督办: a supervisor raises the task's level (normal → high → urgent) and asks the
    organisation's leaders for an instruction (批示); the task page shows the request until a
    leader writes one."""
    task = _lock(task, version)
    _require(by, Action.ESCALATE, task)
    before = Priority(task.priority)
    after = before.raised()
    changes = {}
    if after != before:
        task.priority = after
        changes["priority"] = [str(before.label), str(after.label)]
    _save(task, "priority")
    _event(task, Action.ESCALATE, by, comment=comment, changes=changes)
    _tell(
        org_users(task, Role.LEADER),
        task,
        gettext_lazy("Escalated: your instruction is requested"),
        kind="escalate",
        organisation_group=True,  # the office's own group sees what was raised to its leaders
    )
    return task


# ---- bulk actions (issue 14) ---------------------------------------------------------------

# What may be done to many tasks at once, each through the same path as one.
BULK_ACTIONS = (Action.APPROVE, Action.ASSIGN, Action.REMIND, Action.CANCEL)


def bulk_actions_for(user):
    """The bulk actions this user's role may take, with their verbs, in the table's order."""
    return [
        (action, Action.VERBS[action])
        for action in BULK_ACTIONS
        if user.is_authenticated and user.role in rules.LIFECYCLE[action].roles
    ]


def _bulk_ids(ids):
    try:
        found = chosen_ids(ids)
    except ValueError as exc:
        raise WorkflowError(str(exc)) from exc
    if not found:
        raise WorkflowError(_("Choose at least one task."))
    return found


def bulk_perform(ids, action, *, by, comment=""):
    """One action on many tasks: each id goes through ``perform`` as a single transition
    would, in its own transaction, so one refusal does not undo the others. A task the user
    may not see is refused as not found. Returns ``(done ids, [(id, reason)])``."""
    if action not in BULK_ACTIONS:
        raise WorkflowError(
            _("“%(action)s” cannot be done to several tasks at once.") % {"action": action}
        )
    ids = _bulk_ids(ids)
    visible = Task.objects.visible_to(by, probe=True).with_units().in_bulk(ids)
    done, refused = [], []
    for pk in ids:
        task = visible.get(pk)
        if task is None:
            refused.append((pk, _("Not found.")))
            continue
        try:
            perform(task, action, by=by, comment=comment)
        except WorkflowError as exc:
            refused.append((pk, str(exc.message)))
        else:
            done.append(pk)
    return done, refused


# The inputs each action takes, besides ``by`` and ``version``.
ACTION_PARAMS = {
    Action.APPROVE: ("comment",),
    Action.ASSIGN: ("comment",),
    Action.SIGN: ("comment",),
    Action.PROGRESS: ("percent", "text", "files"),
    Action.SUBMIT_COMPLETION: ("comment", "files"),
    Action.VERIFY: ("comment", "confirm_unsigned"),
    Action.RETURN: ("comment",),
    Action.REQUEST_EXTENSION: ("requested_deadline", "comment"),
    Action.DECIDE_EXTENSION: ("approve", "comment"),
    Action.CANCEL: ("comment",),
    Action.REMIND: ("comment", "urgent", "units"),
    Action.ESCALATE: ("comment",),
}


def _remind_from_form(task, *, by, comment="", **params):
    return remind_task(task, by=by, message=comment, **params)


def perform(task, action, *, by, version=None, **params):
    """Run a transition by its name, as the API and the task page do; unknown inputs are
    ignored, missing required ones are refused by the action itself."""
    if action not in ACTION_PARAMS:
        raise WorkflowError(_("Unknown action “%(action)s”.") % {"action": action})
    params = {k: v for k, v in params.items() if k in ACTION_PARAMS[action] and v is not None}
    if action == Action.DECIDE_EXTENSION and "approve" not in params:
        raise WorkflowError(_("Decide: approve or refuse."))
    handlers = {
        Action.APPROVE: approve_task,
        Action.ASSIGN: assign_task,
        Action.SIGN: sign_task,
        Action.SUBMIT_COMPLETION: submit_completion,
        Action.VERIFY: verify_task,
        Action.RETURN: return_task,
        Action.REQUEST_EXTENSION: request_extension,
        Action.DECIDE_EXTENSION: decide_extension,
        Action.CANCEL: cancel_task,
        Action.PROGRESS: report_progress,
        Action.REMIND: _remind_from_form,
        Action.ESCALATE: escalate_task,
    }
    return handlers[action](task, by=by, version=version, **params)


# ---- comments, instructions, attachments -------------------------------------------------------


@transaction.atomic
def add_comment(task, *, by, text, instruction=False, reply_to=None):
    """A comment by anyone who sees the task, or a leader's instruction (批示).

    ``reply_to``: the comment (its event or id) this one answers; a reply to a reply joins the
    same thread. ``@单位`` mentions (name, short name or alias of a unit of the organisation)
    notify the handlers of the units that may see the task; the event returned carries
    ``mentioned`` (units told) and ``not_mentioned`` (units named that do not take part in the
    task, so were not told).
    """
    task = _lock(task)
    text = _require_text(text, _("Write something first."))
    if instruction and not rules.can_instruct(by, task):
        raise NotAllowed(_("Only a leader may write an instruction."))
    _require_open(by, task)
    parent = None
    if reply_to is not None:
        if instruction:
            raise WorkflowError(_("An instruction cannot be a reply: post it on its own."))
        parent = _comment_of(task, reply_to)
    event = _event(task, Action.INSTRUCT if instruction else Action.COMMENT, by, comment=text)
    if parent is not None:
        event.reply_to = parent
        event.save(update_fields=["reply_to"])
    if instruction:
        _tell(
            handlers_of(task.units_in(*UnitRole.acting()))
            if task.assigned_at
            else org_users(task, Role.SUPERVISOR),
            task,
            gettext_lazy("Leader instruction"),
            kind="instruction",
        )
    _tell_mentions(task, event, by, parent)
    return event


def _comment_of(task, reply_to):
    """The thread's first comment: replies hang one level deep under a comment."""
    pk = getattr(reply_to, "pk", reply_to)
    parent = task.events.filter(pk=pk, action=Action.COMMENT).first()
    if parent is None:
        raise WorkflowError(_("The comment you answer is not on this task."))
    return parent.reply_to or parent


def _tell_mentions(task, event, by, parent):
    mentioned = find_mentions(event.comment, task.organisation_id)
    seeing = units_seeing(task)
    event.mentioned = [u for u in mentioned if u.pk in seeing]
    event.not_mentioned = [u for u in mentioned if u.pk not in seeing]
    url = f"{task.get_absolute_url()}#comment-{event.pk}"
    who = str(by)
    if event.mentioned:
        notify(
            [u for u in handlers_of(event.mentioned) if u.pk != by.pk],
            title=lazy_message(
                gettext_lazy("%(who)s mentioned your unit on %(task)s"),
                {"who": who, "task": task.title},
            ),
            body=event.comment[:500],
            url=url,
            kind="mention",
            subject=task,
            facts=task_facts(task),
        )
    author = parent.actor if parent is not None else None
    if (
        author is not None
        and author.pk != by.pk
        and Task.objects.visible_to(author, probe=True).filter(pk=task.pk).exists()
    ):
        notify(
            [author],
            title=lazy_message(
                gettext_lazy("%(who)s replied to your comment on %(task)s"),
                {"who": who, "task": task.title},
            ),
            body=event.comment[:500],
            url=url,
            kind="reply",
            subject=task,
            facts=task_facts(task),
        )


def validate_upload(upload):
    """Refuse a file we will not keep, saying why."""
    ext = os.path.splitext(upload.name)[1].lower()
    if ext not in settings.TAIZHANG_UPLOAD_EXTENSIONS:
        raise WorkflowError(
            _("“%(name)s”: files of type %(ext)s cannot be attached. Allowed: %(allowed)s.")
            % {
                "name": upload.name,
                "ext": ext or "?",
                "allowed": " ".join(settings.TAIZHANG_UPLOAD_EXTENSIONS),
            }
        )
    if upload.size > settings.TAIZHANG_UPLOAD_MAX_BYTES:
        raise WorkflowError(
            _("“%(name)s” is larger than %(limit)s MB.")
            % {"name": upload.name, "limit": settings.TAIZHANG_UPLOAD_MAX_BYTES // 2**20}
        )
    if upload.size == 0:
        raise WorkflowError(_("“%(name)s” is empty.") % {"name": upload.name})


def _attach_files(task, by, files, progress_report=None, completion_report=None):
    for upload in files:
        validate_upload(upload)
    for upload in files:
        Attachment.objects.create(
            task=task,
            progress_report=progress_report,
            completion_report=completion_report,
            file=upload,
            name=os.path.basename(upload.name)[:200],
            size=upload.size,
            uploaded_by=by,
        )
        _event(task, Action.ATTACH, by, comment=upload.name)


def _require_open(user, task):
    """Comments and files belong to a running task; a closed or cancelled one is a record."""
    if not Task.objects.visible_to(user, probe=True).filter(pk=task.pk).exists():
        raise NotAllowed(_("You may not act on this task."))
    if task.status in Status.final_states():
        raise WorkflowError(
            _("The task is “%(status)s”: nothing more can be added to it.")
            % {"status": Status(task.status).label}
        )


@transaction.atomic
def add_attachments(task, *, by, files):
    task = _lock(task)
    _require_open(by, task)
    _attach_files(task, by, files)
