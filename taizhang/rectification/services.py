"""Every change to a rectification plan, its problems and measures. Pages, the API, the Excel
import and the daily job call these; nothing else writes a plan's rows or states.

Each action runs in one transaction: it locks the plan or problem, refuses a stale
``version``, asks the tables in ``rules``, mutates, writes the timeline event and queues the
notifications. A measure's task is made and moved by the supervision services only.
"""

import datetime
import os

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.notify.services import acted_on, lazy_message, notify
from taizhang.org.choices import Role
from taizhang.org.models import Unit, User
from taizhang.supervision import services as tasks
from taizhang.supervision.choices import SourceKind
from taizhang.supervision.choices import Status as TaskStatus
from taizhang.utils import services as steps
from taizhang.utils.errors import NotAllowed, WorkflowError
from taizhang.utils.services import field_limit, optional_text, text

from . import rules
from .choices import Action, Cadence, MeasureKind, PlanKind, PlanStatus, Seriousness
from .models import Aspect, Measure, Plan, PlanEvent, PlanFile, Problem, ProblemFile

# ---- helpers -----------------------------------------------------------------------------


def _lock_plan(plan, version=None):
    return steps.lock(
        Plan.objects.select_related("leader", "office"),
        plan.pk,
        version,
        _(
            "This plan was changed by someone else since you opened it "
            "(your version %(yours)s, current %(current)s). Reload it and try again."
        ),
    )


def _lock_problem(problem, version=None):
    """The problem and its plan, both locked: a problem's change can move the plan."""
    plan = _lock_plan(problem.plan)
    fresh = steps.lock(
        Problem.objects.select_related("plan", "lead_unit"),
        problem.pk,
        version,
        _(
            "This problem was changed by someone else since you opened it "
            "(your version %(yours)s, current %(current)s). Reload it and try again."
        ),
    )
    fresh.plan = plan
    return fresh


def _event(plan, action, by, *, problem=None, comment="", from_status="", changes=None):
    acted_on(by if isinstance(by, User) else None, plan)  # what told them is read
    return PlanEvent.objects.create(
        plan=plan,
        problem=problem,
        action=action,
        actor=by if isinstance(by, User) else None,
        comment=optional_text(comment),
        from_status=from_status,
        to_status=(problem or plan).status if from_status else "",
        changes=changes or {},
    )


def _plan_step(plan, action, by, comment="", *, extra_fields=(), changes=None):
    """Move the plan as the table says and write the event (the caller asked the table before
    it changed anything)."""
    steps.needs_comment(rules.PLAN_LIFECYCLE, action, comment)
    before = rules.PLAN_LIFECYCLE.enter(plan, action)
    steps.bump(plan, "status", *extra_fields)
    moved = before if plan.status != before else ""
    return _event(plan, action, by, comment=comment, from_status=moved, changes=changes)


def _problem_step(problem, action, by, comment="", *, extra_fields=(), changes=None):
    """As ``_plan_step``, for a problem; the plan's version moves with it."""
    steps.needs_comment(rules.PROBLEM_LIFECYCLE, action, comment)
    before = rules.PROBLEM_LIFECYCLE.enter(problem, action)
    steps.bump(problem, "status", *extra_fields)
    steps.bump(problem.plan)
    moved = before if problem.status != before else ""
    return _event(
        problem.plan,
        action,
        by,
        problem=problem,
        comment=comment,
        from_status=moved,
        changes=changes,
    )


def office_of(plan):
    return tasks.org_users(plan, Role.SUPERVISOR)


def _tell(users, plan, title, problem=None):
    target = problem or plan
    notify(
        users,
        title=format_lazy("{}：{}", title, plan.title),
        url=target.get_absolute_url(),
        kind="rectification",
        subject=plan,
    )


def _require_office(by, organisation_id):
    if not rules.can_manage(by, organisation_id):
        raise NotAllowed(_("Only the rectification office (a supervisor) may do this."))


def _choice(value, choices, what):
    if value not in choices.values:
        raise WorkflowError(_("Unknown %(what)s “%(value)s”.") % {"what": what, "value": value})
    return value


def _unit(organisation_id, unit, what):
    if not isinstance(unit, Unit) or unit.organisation_id != organisation_id:
        raise WorkflowError(_("The %(what)s must be a unit of this organisation.") % {"what": what})
    return unit


def _leader(organisation_id, leader):
    if leader is None:
        return None
    if leader.organisation_id != organisation_id or leader.role != Role.LEADER:
        raise WorkflowError(_("The leading group's head must be a leader of this organisation."))
    return leader


def _check_files(files):
    for upload in files:
        tasks.validate_upload(upload)


def _attach(model, owner_field, owner, by, files):
    _check_files(files)
    return [
        model.objects.create(
            **{owner_field: owner},
            file=upload,
            name=os.path.basename(upload.name)[:200],
            size=upload.size,
            uploaded_by=by,
        )
        for upload in files
    ]


# ---- plans -------------------------------------------------------------------------------


def _deadline(value):
    if not value:
        raise WorkflowError(_("A plan needs an overall deadline."))
    return tasks.check_deadline(value)


# What each field of a plan may hold: a cleaner of (organisation id, value).
PLAN_FIELDS = {
    "title": lambda org, v: text(v, _("A plan needs a title."), field_limit(Plan, "title")),
    "kind": lambda org, v: _choice(v, PlanKind, _("kind of plan")),
    "inspected_by": lambda org, v: optional_text(v, field_limit(Plan, "inspected_by")),
    "inspected_on": lambda org, v: v or None,
    "feedback_on": lambda org, v: v or None,
    "feedback_summary": lambda org, v: optional_text(v),
    "leader": lambda org, v: _leader(org, v),
    "leading_group": lambda org, v: optional_text(v),
    "office": lambda org, v: _unit(org, v, _("rectification office")),
    "deadline": lambda org, v: _deadline(v),
}


def _clean(cleaners, context, data):
    unknown = set(data) - set(cleaners)
    if unknown:
        raise WorkflowError(_("“%(field)s” cannot be set here.") % {"field": sorted(unknown)[0]})
    return {field: cleaners[field](context, value) for field, value in data.items()}


def _plan_values(organisation_id, data, plan=None):
    values = _clean(PLAN_FIELDS, organisation_id, data)
    inspected = values.get("inspected_on", plan and plan.inspected_on)
    feedback = values.get("feedback_on", plan and plan.feedback_on)
    if inspected and feedback and feedback < inspected:
        raise WorkflowError(_("The feedback cannot come before the inspection."))
    return values


def _unique_title(organisation_id, title, plan=None):
    """Two plans of one name are a plan entered (or imported) twice."""
    same = Plan.objects.filter(organisation_id=organisation_id, title=title)
    if plan is not None:
        same = same.exclude(pk=plan.pk)
    if same.exists():
        raise WorkflowError(
            _("There is a rectification plan named “%(title)s” already.") % {"title": title}
        )


@transaction.atomic
def create_plan(*, by, title, kind, office, deadline, files=(), **data):
    """登记整改方案: a draft plan answering one feedback; ``files`` are its documents (the
    feedback report first)."""
    _require_office(by, by.organisation_id)
    values = _plan_values(
        by.organisation_id,
        {"title": title, "kind": kind, "office": office, "deadline": deadline, **data},
    )
    _unique_title(by.organisation_id, values["title"])
    plan = Plan.objects.create(organisation_id=by.organisation_id, created_by=by, **values)
    _attach(PlanFile, "plan", plan, by, files)
    _event(plan, Action.CREATE, by, from_status=PlanStatus.DRAFT)
    return plan


@transaction.atomic
def update_plan(plan, *, by, version=None, **data):
    plan = _lock_plan(plan, version)
    steps.require(rules.PLAN_LIFECYCLE, by, Action.EDIT, plan)
    values = _plan_values(plan.organisation_id, data, plan)
    if "title" in values:
        _unique_title(plan.organisation_id, values["title"], plan)
    changes = {
        field: [_shown(getattr(plan, field)), _shown(value)]
        for field, value in values.items()
        if getattr(plan, field) != value
    }
    for field, value in values.items():
        setattr(plan, field, value)
    steps.bump(plan, *values)
    if changes:
        _event(plan, Action.EDIT, by, changes=changes)
    return plan


def _shown(value):
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@transaction.atomic
def attach_plan_files(plan, *, by, files, version=None):
    plan = _lock_plan(plan, version)
    steps.require(rules.PLAN_LIFECYCLE, by, Action.EDIT, plan)
    added = _attach(PlanFile, "plan", plan, by, files)
    steps.bump(plan)
    _event(plan, Action.EDIT, by, comment="、".join(f.name for f in added))
    return added


@transaction.atomic
def approve(plan, *, by, comment="", version=None):
    """审定: the leading group's head approves the plan and with it every measure's task."""
    told = gettext_lazy("Rectification plan approved, ready to assign")
    return _approve(plan, Action.APPROVE, by, comment, version, told)[0]


@transaction.atomic
def assign(plan, *, by, comment="", version=None):
    """交办: the office sends every approved measure to its units; rectification begins."""
    return _assign(plan, Action.ASSIGN, by, comment, version)[0]


@transaction.atomic
def approve_tasks(plan, *, by, comment="", version=None):
    """Measures added while rectifying: the head approves them in one go."""
    told = gettext_lazy("New measures approved, ready to assign")
    return _approve(plan, Action.APPROVE_TASKS, by, comment, version, told)[1]


@transaction.atomic
def assign_tasks(plan, *, by, comment="", version=None):
    return _assign(plan, Action.ASSIGN_TASKS, by, comment, version)[1]


def _approve(plan, action, by, comment, version, told):
    """Approve every draft measure's task; the office is told once, of the plan, not once
    per measure. Returns the plan and the tasks approved."""
    plan = _lock_plan(plan, version)
    steps.require(rules.PLAN_LIFECYCLE, by, action, plan)
    approved = [
        tasks.approve_task(task, by=by, comment=comment, notify=False)
        for task in rules.measure_tasks(plan, TaskStatus.DRAFT)
    ]
    _plan_step(plan, action, by, comment, changes=_numbers(approved))
    _tell(office_of(plan), plan, told)
    return plan, approved


def _assign(plan, action, by, comment, version):
    """Send every approved measure's task to its units. Returns the plan and the tasks."""
    plan = _lock_plan(plan, version)
    steps.require(rules.PLAN_LIFECYCLE, by, action, plan)
    assigned = [
        tasks.assign_task(task, by=by, comment=comment)
        for task in rules.measure_tasks(plan, TaskStatus.APPROVED)
    ]
    _plan_step(plan, action, by, comment, changes=_numbers(assigned))
    return plan, assigned


def _numbers(task_list):
    return {"tasks": ["", "、".join(t.number for t in task_list)]} if task_list else {}


@transaction.atomic
def complete(plan, *, by, comment="", files=(), version=None):
    """整改完成: every problem is closed; ``comment`` is the rectification report (整改情况报告),
    ``files`` the report as sent."""
    plan = _lock_plan(plan, version)
    steps.require(rules.PLAN_LIFECYCLE, by, Action.COMPLETE, plan)
    steps.needs_comment(rules.PLAN_LIFECYCLE, Action.COMPLETE, comment)
    _check_files(files)
    plan.completion_report = optional_text(comment)
    plan.completed_at = timezone.now()
    _attach(PlanFile, "plan", plan, by, files)
    _plan_step(
        plan, Action.COMPLETE, by, comment, extra_fields=("completion_report", "completed_at")
    )
    _tell(tasks.org_users(plan, Role.LEADER), plan, gettext_lazy("Rectification complete"))
    return plan


# ---- aspects and problems ----------------------------------------------------------------


@transaction.atomic
def add_aspect(plan, *, by, title, version=None):
    """方面: appended after the plan's last one."""
    plan = _lock_plan(plan, version)
    steps.require(rules.PLAN_LIFECYCLE, by, Action.ADD_PROBLEM, plan)
    position = plan.aspects.order_by("-position").values_list("position", flat=True).first() or 0
    aspect = Aspect.objects.create(
        plan=plan,
        position=position + 1,
        title=text(title, _("An aspect needs a title."), field_limit(Aspect, "title")),
    )
    steps.bump(plan)
    _event(plan, Action.EDIT, by, changes={"aspects": ["", aspect.title]})
    return aspect


@transaction.atomic
def rename_aspect(aspect, *, by, title, version=None):
    plan = _lock_plan(aspect.plan, version)
    steps.require(rules.PLAN_LIFECYCLE, by, Action.EDIT, plan)
    before = aspect.title
    aspect.title = text(title, _("An aspect needs a title."), field_limit(Aspect, "title"))
    aspect.save(update_fields=["title"])
    steps.bump(plan)
    _event(plan, Action.EDIT, by, changes={"aspects": [before, aspect.title]})
    return aspect


def _aspect(plan, value):
    if not isinstance(value, Aspect) or value.plan_id != plan.pk:
        raise WorkflowError(_("The aspect must be one of this plan's."))
    return value


def _responsible_leader(plan, value):
    if value is not None and (
        value.organisation_id != plan.organisation_id or value.role != Role.LEADER
    ):
        raise WorkflowError(_("The responsible leader must be a leader of this organisation."))
    return value


PROBLEM_FIELDS = {
    "aspect": _aspect,
    "description": lambda plan, v: text(v, _("Describe the problem."), 5000),
    "wording": lambda plan, v: optional_text(v, 5000),
    "seriousness": lambda plan, v: _choice(v, Seriousness, _("seriousness")),
    "responsible_leader": _responsible_leader,
    "responsible_leader_name": lambda plan, v: optional_text(
        v, field_limit(Problem, "responsible_leader_name")
    ),
    "lead_unit": lambda plan, v: _unit(plan.organisation_id, v, _("lead unit")),
    "units": lambda plan, v: [_unit(plan.organisation_id, u, _("responsible unit")) for u in v],
    "committed_date": lambda plan, v: tasks.check_deadline(v) if v else None,
}


def _problem_values(plan, data):
    values = _clean(PROBLEM_FIELDS, plan, data)
    lead = values.get("lead_unit")
    if lead and any(u.pk == lead.pk for u in values.get("units", ())):
        raise WorkflowError(_("The lead unit cannot also be a responsible unit."))
    return values


@transaction.atomic
def add_problem(plan, *, by, aspect, description, lead_unit, number=None, version=None, **data):
    """问题: numbered as the inspectors' list numbers it (``number``), or after the plan's
    last one."""
    plan = _lock_plan(plan, version)
    steps.require(rules.PLAN_LIFECYCLE, by, Action.ADD_PROBLEM, plan)
    values = _problem_values(
        plan, {"aspect": aspect, "description": description, "lead_unit": lead_unit, **data}
    )
    units = values.pop("units", [])
    problem = Problem.objects.create(plan=plan, number=_problem_number(plan, number), **values)
    problem.units.set(units)
    steps.bump(plan)
    _event(plan, Action.ADD_PROBLEM, by, problem=problem, comment=problem.description[:200])
    return problem


def _problem_number(plan, number):
    if number in (None, ""):
        last = plan.problems.order_by("-number").values_list("number", flat=True).first()
        return (last or 0) + 1
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise WorkflowError(_("“%(value)s” is not a problem number.") % {"value": number}) from None
    if not 1 <= number <= 99999:
        raise WorkflowError(_("A problem number is from 1 to 99999."))
    if plan.problems.filter(number=number).exists():
        raise WorkflowError(
            _("The plan has a problem numbered %(number)d already.") % {"number": number}
        )
    return number


@transaction.atomic
def update_problem(problem, *, by, version=None, **data):
    problem = _lock_problem(problem, version)
    steps.require(rules.PROBLEM_LIFECYCLE, by, Action.EDIT_PROBLEM, problem)
    values = _problem_values(problem.plan, data)
    units = values.pop("units", None)
    changes = {
        field: [_shown(getattr(problem, field)), _shown(value)]
        for field, value in values.items()
        if getattr(problem, field) != value
    }
    for field, value in values.items():
        setattr(problem, field, value)
    if units is not None:
        before = sorted(str(u) for u in problem.units.all())
        after = sorted(str(u) for u in units)
        if before != after:
            changes["units"] = ["、".join(before), "、".join(after)]
        problem.units.set(units)
    _problem_step(problem, Action.EDIT_PROBLEM, by, extra_fields=tuple(values), changes=changes)
    return problem


@transaction.atomic
def commit_date(problem, *, by, committed_date, comment="", version=None):
    """确定完成时限: the date the office commits to for an open problem."""
    problem = _lock_problem(problem, version)
    steps.require(rules.PROBLEM_LIFECYCLE, by, Action.COMMIT_DATE, problem)
    if not committed_date:
        raise WorkflowError(_("Give the date by which the problem will be rectified."))
    before = _shown(problem.committed_date)
    problem.committed_date = _future(committed_date)
    _problem_step(
        problem,
        Action.COMMIT_DATE,
        by,
        comment,
        extra_fields=("committed_date",),
        changes={"committed_date": [before, committed_date.isoformat()]},
    )
    return problem


def _future(day):
    """A date the office commits to now is today or later."""
    if day < timezone.localdate():
        raise WorkflowError(
            _("A committed date cannot be in the past (%(day)s).") % {"day": day.isoformat()}
        )
    return tasks.check_deadline(day)


@transaction.atomic
def close_problem(problem, *, by, comment, files=(), version=None):
    """销号: every measure is verified; the office closes the problem with a summary (the
    comment) and its evidence."""
    problem = _lock_problem(problem, version)
    steps.require(rules.PROBLEM_LIFECYCLE, by, Action.CLOSE_PROBLEM, problem)
    _check_files(files)
    problem.closing_summary = text(comment, _("Summarise how the problem was rectified."))
    problem.closed_at, problem.closed_by = timezone.now(), by
    _attach(ProblemFile, "problem", problem, by, files)
    _problem_step(
        problem,
        Action.CLOSE_PROBLEM,
        by,
        comment,
        extra_fields=("closing_summary", "closed_at", "closed_by"),
    )
    return problem


@transaction.atomic
def reopen_problem(problem, *, by, comment, measure, committed_date=None, version=None):
    """回头看: a review found the problem back. It opens again with a reason (``comment``) and a
    new measure (the fields of ``add_measure``), which has to be verified before it can close
    again; a completed plan is back in progress."""
    problem = _lock_problem(problem, version)
    steps.require(rules.PROBLEM_LIFECYCLE, by, Action.REOPEN_PROBLEM, problem)
    steps.needs_comment(rules.PROBLEM_LIFECYCLE, Action.REOPEN_PROBLEM, comment)
    plan = problem.plan
    if plan.status == PlanStatus.COMPLETED:
        steps.require(rules.PLAN_LIFECYCLE, by, Action.REOPEN, plan)
        # The report of the completion stays on the timeline (the 整改完成 event).
        plan.completed_at, plan.completion_report = None, ""
        _plan_step(
            plan, Action.REOPEN, by, comment, extra_fields=("completed_at", "completion_report")
        )
    problem.reopened_times += 1
    # The closing summary stays on the timeline (the 销号 event); the problem is open again.
    problem.closed_at, problem.closed_by, problem.closing_summary = None, None, ""
    if committed_date:
        problem.committed_date = _future(committed_date)
    _problem_step(
        problem,
        Action.REOPEN_PROBLEM,
        by,
        comment,
        extra_fields=(
            "reopened_times",
            "closed_at",
            "closed_by",
            "closing_summary",
            "committed_date",
        ),
    )
    _new_measure(problem, by, **measure)
    _tell(
        tasks.org_users(plan, Role.LEADER),
        plan,
        gettext_lazy("Problem reopened after review"),
        problem,
    )
    return problem


@transaction.atomic
def link_repeat(problem, *, by, earlier, version=None):
    """屡查屡犯: the same problem was found by an earlier inspection (``None`` unlinks)."""
    problem = _lock_problem(problem, version)
    steps.require(rules.PROBLEM_LIFECYCLE, by, Action.LINK_REPEAT, problem)
    if earlier is not None:
        if earlier.plan.organisation_id != problem.plan.organisation_id:
            raise WorkflowError(_("The earlier problem must be one of this organisation's."))
        if not Problem.objects.earlier_than(problem).filter(pk=earlier.pk).exists():
            raise WorkflowError(_("A repeat links to a problem of an earlier plan."))
    before = str(problem.repeat_of) if problem.repeat_of_id else ""
    problem.repeat_of = earlier
    _problem_step(
        problem,
        Action.LINK_REPEAT,
        by,
        extra_fields=("repeat_of",),
        changes={"repeat_of": [before, str(earlier) if earlier else ""]},
    )
    return problem


# ---- measures ----------------------------------------------------------------------------


@transaction.atomic
def add_measure(problem, *, by, version=None, **fields):
    """措施: a supervision task of kind 整改 answering the problem, made by the ledger's
    ``create_task``. Fields: ``title``, ``body``, ``kind`` (MeasureKind), ``cadence`` (for an
    ongoing one), ``deadline`` or ``deadline_working_days`` (an immediate measure defaults to
    the setting's working days), ``lead_unit`` and ``responsible_units`` (the problem's by
    default), ``cooperating_units``, ``priority``."""
    problem = _lock_problem(problem, version)
    steps.require(rules.PROBLEM_LIFECYCLE, by, Action.ADD_MEASURE, problem)
    measure = _new_measure(problem, by, **fields)
    steps.bump(problem)
    steps.bump(problem.plan)
    return measure


def _new_measure(
    problem,
    by,
    *,
    title,
    body="",
    kind=MeasureKind.SCHEDULED,
    cadence="",
    deadline=None,
    deadline_working_days=None,
    lead_unit=None,
    responsible_units=None,
    cooperating_units=(),
    priority="normal",
):
    plan = problem.plan
    _choice(kind, MeasureKind, _("kind of measure"))
    if kind == MeasureKind.ONGOING:
        cadence = _choice(cadence or Cadence.QUARTERLY, Cadence, _("reporting cadence"))
    elif cadence:
        raise WorkflowError(_("Only an ongoing measure reports on a cadence."))
    if kind == MeasureKind.IMMEDIATE and not (deadline or deadline_working_days):
        deadline_working_days = _immediate_days()
    lead = lead_unit or problem.lead_unit
    responsible = [
        u
        for u in (problem.units.all() if responsible_units is None else responsible_units)
        if u.pk != lead.pk
    ]
    task = tasks.create_task(
        by=by,
        organisation=plan.organisation,
        title=title,
        body=body,
        source_kind=SourceKind.RECTIFICATION,
        source_ref=f"{plan.title} · 问题{problem.number}",
        deadline=deadline,
        deadline_working_days=deadline_working_days,
        priority=priority,
        lead_unit=lead,
        responsible_units=responsible,
        cooperating_units=list(cooperating_units),
        # A draft plan's measures are approved with the plan; later ones wait for the head.
        notify=False,
    )
    position = problem.measures.order_by("-position").values_list("position", flat=True).first()
    measure = Measure.objects.create(
        plan=plan,
        problem=problem,
        position=(position or 0) + 1,
        task=task,
        kind=kind,
        cadence=cadence,
    )
    _event(plan, Action.ADD_MEASURE, by, problem=problem, comment=f"{task.number} {task.title}")
    if plan.status == PlanStatus.IN_PROGRESS:
        head = plan.leader if plan.leader and rules.is_head(plan.leader, plan) else None
        _tell(
            [head] if head else tasks.org_users(plan, Role.LEADER),
            plan,
            gettext_lazy("New measure to approve"),
            problem,
        )
    return measure


def _immediate_days():
    return settings.TAIZHANG_IMMEDIATE_MEASURE_WORKING_DAYS


# ---- reminders (the daily job) ----------------------------------------------------------


def report_due(measure, today):
    """An ongoing measure whose units have not reported within its cadence (counted from the
    last report, or from its assignment), and who were not reminded since."""
    task = measure.task
    if measure.kind != MeasureKind.ONGOING or task.status not in TaskStatus.open_states():
        return False
    last = task.progress_reports.order_by("-created_at").values_list("created_at", flat=True)
    since = last.first() or task.assigned_at
    if since is None:
        return False
    due = timezone.localtime(since).date() + datetime.timedelta(days=Cadence.DAYS[measure.cadence])
    reminded_since = measure.reminded_on and measure.reminded_on >= due
    return today >= due and not reminded_since


@transaction.atomic
def remind_report(measure, *, today):
    """长期坚持: ask the lead unit for its periodic report; once per cadence."""
    measure = (
        Measure.objects.select_for_update(of=("self",))
        .select_related("task", "problem", "plan")
        .get(pk=measure.pk)
    )
    if not report_due(measure, today):
        return False
    measure.reminded_on = today
    measure.save(update_fields=["reminded_on"])
    task = measure.task
    _event(measure.plan, Action.REMIND, None, problem=measure.problem, comment=task.number)
    notify(
        tasks.handlers_of([task.lead_unit]),
        title=lazy_message(
            gettext_lazy("Periodic report due: %(task)s"), {"task": f"{task.number} {task.title}"}
        ),
        url=task.get_absolute_url(),
        kind="remind",
        subject=task,
        facts=tasks.task_facts(task),
    )
    return True


@transaction.atomic
def remind_committed(problem, *, today):
    """The committed date of an open problem passed yesterday: tell the office and the lead
    unit, once for that date (the timeline's line names it)."""
    problem = _lock_problem(problem)
    due = problem.committed_date
    if due is None or due != today - datetime.timedelta(days=1) or rules.problem_is_done(problem):
        return False
    marker = _("Committed date %(day)s passed") % {"day": due.isoformat()}
    if problem.events.filter(action=Action.REMIND, comment=marker).exists():
        return False
    _event(problem.plan, Action.REMIND, None, problem=problem, comment=marker)
    _tell(
        [*office_of(problem.plan), *tasks.handlers_of([problem.lead_unit])],
        problem.plan,
        gettext_lazy("Committed date passed"),
        problem,
    )
    return True


# ---- by name -----------------------------------------------------------------------------

PLAN_HANDLERS = {
    Action.APPROVE: approve,
    Action.ASSIGN: assign,
    Action.APPROVE_TASKS: approve_tasks,
    Action.ASSIGN_TASKS: assign_tasks,
    Action.COMPLETE: complete,
}
PROBLEM_HANDLERS = {
    Action.COMMIT_DATE: commit_date,
    Action.CLOSE_PROBLEM: close_problem,
    Action.REOPEN_PROBLEM: reopen_problem,
    Action.LINK_REPEAT: link_repeat,
    Action.ADD_MEASURE: add_measure,
}


def perform(record, action, *, by, version=None, **params):
    """Take a plan's or a problem's action by name (pages and API)."""
    handlers = PLAN_HANDLERS if isinstance(record, Plan) else PROBLEM_HANDLERS
    if action not in handlers:
        raise WorkflowError(_("Unknown action “%(action)s”.") % {"action": action})
    return handlers[action](record, by=by, version=version, **params)
