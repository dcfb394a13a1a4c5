"""The lifecycles of a rectification plan and of its problems, as two tables.

Plan: draft (the office enters aspects, problems and measures; each measure's task is a
draft in the ledger) → 审定 approved by the leading group's head (every measure's task is
approved) → 交办 in progress (the office sends every measure to its units) → 整改完成
completed once every problem is closed, with the rectification report. Measures added while
rectifying are approved and assigned with ``approve_tasks`` / ``assign_tasks``. A 回头看 that
reopens a problem of a completed plan puts the plan back in progress.

Problem: open → 销号 closed by the office, with a summary and evidence, once every measure is
verified (the rules check it) → 回头看 reopened with a reason and a new measure. Whether an
open problem is done (已完成) is read from its measures, not kept as a state.

Roles are organisation-wide roles; ``HEAD`` is the part of the leading group's head (the
plan's leader, or any leader when the plan names none or theirs is no longer a leader).
"""

from taizhang.org.choices import Role
from taizhang.utils.lifecycle import Transition

from .choices import Action, PlanStatus, ProblemState

HEAD = "head"
OFFICE = frozenset({Role.SUPERVISOR})
_WORKING = frozenset({PlanStatus.DRAFT, PlanStatus.APPROVED, PlanStatus.IN_PROGRESS})

PLAN_TRANSITIONS = {
    t.action: t
    for t in [
        Transition(Action.EDIT, _WORKING, None, roles=OFFICE),
        Transition(Action.ADD_PROBLEM, _WORKING, None, roles=OFFICE),
        Transition(
            Action.APPROVE,
            frozenset({PlanStatus.DRAFT}),
            PlanStatus.APPROVED,
            parts=frozenset({HEAD}),
        ),
        Transition(
            Action.ASSIGN,
            frozenset({PlanStatus.APPROVED}),
            PlanStatus.IN_PROGRESS,
            roles=OFFICE,
        ),
        Transition(
            Action.APPROVE_TASKS,
            frozenset({PlanStatus.IN_PROGRESS}),
            None,
            parts=frozenset({HEAD}),
        ),
        Transition(Action.ASSIGN_TASKS, frozenset({PlanStatus.IN_PROGRESS}), None, roles=OFFICE),
        Transition(
            Action.COMPLETE,
            frozenset({PlanStatus.IN_PROGRESS}),
            PlanStatus.COMPLETED,
            roles=OFFICE,
            needs_comment=True,
        ),
        # Only with a problem's 回头看 (services.reopen_problem), which gives the reason.
        Transition(
            Action.REOPEN,
            frozenset({PlanStatus.COMPLETED}),
            PlanStatus.IN_PROGRESS,
            roles=OFFICE,
            needs_comment=True,
        ),
    ]
}

_OPEN = frozenset({ProblemState.OPEN})

PROBLEM_TRANSITIONS = {
    t.action: t
    for t in [
        Transition(Action.EDIT_PROBLEM, _OPEN, None, roles=OFFICE),
        Transition(Action.ADD_MEASURE, _OPEN, None, roles=OFFICE),
        Transition(Action.COMMIT_DATE, _OPEN, None, roles=OFFICE),
        Transition(
            Action.CLOSE_PROBLEM, _OPEN, ProblemState.CLOSED, roles=OFFICE, needs_comment=True
        ),
        Transition(
            Action.REOPEN_PROBLEM,
            frozenset({ProblemState.CLOSED}),
            ProblemState.OPEN,
            roles=OFFICE,
            needs_comment=True,
        ),
        Transition(
            Action.LINK_REPEAT,
            frozenset({ProblemState.OPEN, ProblemState.CLOSED}),
            None,
            roles=OFFICE,
        ),
    ]
}
