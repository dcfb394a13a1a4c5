"""May this user take this action on this plan or problem? One answer for pages, API and
imports alike, from the two tables in ``workflow.py`` and the conditions below."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.org.choices import Role
from taizhang.supervision.choices import Status as TaskStatus
from taizhang.utils.lifecycle import Lifecycle

from .choices import Action, PlanStatus, ProblemState
from .models import Measure, Problem
from .workflow import HEAD, PLAN_TRANSITIONS, PROBLEM_TRANSITIONS


def is_head(user, plan):
    """The leading group's head approves: the plan's leader, or any leader when it names
    none or theirs is no longer an active leader (nobody else could approve)."""
    head = plan.leader
    if head is not None and head.is_active and head.role == Role.LEADER:
        return head.pk == user.pk
    return user.role == Role.LEADER


def _plan_parts(user, plan, parts):
    return [HEAD] if HEAD in parts and is_head(user, plan) else []


def measure_tasks(plan, status):
    return [
        m.task
        for m in Measure.objects.filter(plan=plan, task__status=status).select_related("task")
    ]


def _numbers(numbers):
    return "、".join(str(n) for n in numbers)


def _approve_condition(plan):
    if not plan.problems.exists():
        return _("The plan has no problems yet.")
    missing = list(
        Problem.objects.filter(plan=plan)
        .exclude(pk__in=Measure.objects.counted().filter(plan=plan).values("problem"))
        .values_list("number", flat=True)
    )
    if missing:
        return _("These problems have no measure yet: %(numbers)s.") % {
            "numbers": _numbers(missing)
        }
    return None


def _plan_extra(user, action, plan):
    if action == Action.APPROVE:
        return _approve_condition(plan)
    if action == Action.APPROVE_TASKS and not measure_tasks(plan, TaskStatus.DRAFT):
        return _("No new measure is waiting for approval.")
    if action == Action.ASSIGN_TASKS and not measure_tasks(plan, TaskStatus.APPROVED):
        return _("No approved measure is waiting to be assigned.")
    if action == Action.COMPLETE:
        still_open = list(
            plan.problems.exclude(status=ProblemState.CLOSED).values_list("number", flat=True)
        )
        if still_open:
            return _("These problems are not closed yet: %(numbers)s.") % {
                "numbers": _numbers(still_open)
            }
    return None


def problem_is_done(problem):
    """已完成: every measure not dropped is verified, and there is at least one."""
    counted = Measure.objects.counted().filter(problem=problem)
    return counted.exists() and not counted.exclude(task__status=TaskStatus.CLOSED).exists()


def _problem_extra(user, action, problem):
    plan = problem.plan
    if plan.status == PlanStatus.COMPLETED and action not in (
        Action.REOPEN_PROBLEM,
        Action.LINK_REPEAT,
    ):
        return _("The rectification of this plan is complete; reopen the problem first.")
    if (
        action == Action.LINK_REPEAT
        and not problem.repeat_of_id
        and not Problem.objects.earlier_than(problem).exists()
    ):
        return _("No earlier inspection's problems to link to.")
    if action == Action.CLOSE_PROBLEM:
        if plan.status != PlanStatus.IN_PROGRESS:
            return _("A problem can be closed only once the plan's measures are assigned.")
        if not problem_is_done(problem):
            return _("A problem is closed once every one of its measures is verified.")
    return None


PLAN_LIFECYCLE = Lifecycle(
    PLAN_TRANSITIONS.values(),
    verbs=Action.VERBS,
    state_label=lambda status: PlanStatus(status).label,
    parts=_plan_parts,
    extra=_plan_extra,
    messages={
        "outside": gettext_lazy("This plan belongs to another organisation."),
        "state": gettext_lazy("“%(action)s” is not possible while the plan is “%(status)s”."),
    },
)

PROBLEM_LIFECYCLE = Lifecycle(
    PROBLEM_TRANSITIONS.values(),
    verbs=Action.VERBS,
    state_label=lambda status: ProblemState(status).label,
    extra=_problem_extra,
    messages={
        "outside": gettext_lazy("This problem belongs to another organisation."),
        "state": gettext_lazy("“%(action)s” is not possible while the problem is “%(status)s”."),
    },
)


def can_manage(user, organisation_id=None):
    """The office (a supervisor) registers plans and imports them."""
    return (
        user.is_authenticated
        and user.role == Role.SUPERVISOR
        and (organisation_id is None or user.organisation_id == organisation_id)
    )


def plan_actions(user, plan):
    return PLAN_LIFECYCLE.available(user, plan)


def problem_actions(user, problem):
    return PROBLEM_LIFECYCLE.available(user, problem)
