"""The lifecycle of a task as one table: which role may take which action in which state.

立项 draft → 审核 approved → 交办 assigned → 签收 signed → 办理 in progress → 办结报告
completion reported → 复核销号 closed; side paths: 退回 returned, 延期申请 and its decision,
中止 cancelled. ``target=None`` means the action leaves the status as it is.
"""

from taizhang.org.choices import Role
from taizhang.utils.lifecycle import Transition

from .choices import Action, Status, UnitRole

# For handlers, a transition's ``parts`` are the roles their unit must play in the task.

_WORKING = frozenset({Status.SIGNED, Status.IN_PROGRESS, Status.RETURNED})
_AFTER_ASSIGNMENT = frozenset({Status.ASSIGNED}) | _WORKING

TRANSITIONS = {
    t.action: t
    for t in [
        Transition(
            Action.APPROVE,
            frozenset({Status.DRAFT}),
            Status.APPROVED,
            roles=frozenset({Role.LEADER}),
        ),
        Transition(
            Action.ASSIGN,
            frozenset({Status.APPROVED}),
            Status.ASSIGNED,
            roles=frozenset({Role.SUPERVISOR}),
        ),
        # Each acting unit signs; the task counts as signed once its lead unit has.
        Transition(Action.SIGN, _AFTER_ASSIGNMENT, None, parts=frozenset(UnitRole.acting())),
        Transition(
            Action.PROGRESS, _WORKING, Status.IN_PROGRESS, parts=frozenset(UnitRole.acting())
        ),
        Transition(
            Action.SUBMIT_COMPLETION,
            _WORKING,
            Status.COMPLETION_REPORTED,
            parts=frozenset({UnitRole.LEAD}),
            needs_comment=True,
        ),
        Transition(
            Action.VERIFY,
            frozenset({Status.COMPLETION_REPORTED}),
            Status.CLOSED,
            roles=frozenset({Role.SUPERVISOR}),
        ),
        Transition(
            Action.RETURN,
            frozenset({Status.COMPLETION_REPORTED}),
            Status.RETURNED,
            roles=frozenset({Role.SUPERVISOR}),
            needs_comment=True,
        ),
        Transition(
            Action.REQUEST_EXTENSION,
            _AFTER_ASSIGNMENT,
            None,
            parts=frozenset({UnitRole.LEAD}),
            needs_comment=True,
        ),
        Transition(
            Action.DECIDE_EXTENSION,
            _AFTER_ASSIGNMENT | {Status.COMPLETION_REPORTED},
            None,
            roles=frozenset({Role.LEADER, Role.SUPERVISOR}),
        ),
        # 催办 by hand and 督办 escalation: the state stays; see services.remind_task and
        # services.escalate_task.
        Transition(
            Action.REMIND,
            frozenset(Status.open_states()),
            None,
            roles=frozenset({Role.SUPERVISOR}),
        ),
        Transition(
            Action.ESCALATE,
            frozenset(Status) - Status.final_states(),
            None,
            roles=frozenset({Role.SUPERVISOR}),
        ),
        Transition(
            Action.CANCEL,
            frozenset(Status) - Status.final_states(),
            Status.CANCELLED,
            roles=frozenset({Role.SUPERVISOR, Role.LEADER}),
            needs_comment=True,
        ),
    ]
}
