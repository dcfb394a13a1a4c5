"""The lifecycle of a suggestion as one table: who may take which action in which state.

submitted → 受理 accepted | 不予立案 refused | 并案 merged (or withdrawn by the submitter);
accepted → 交办 assigned to 主办 / 会办 / 协办 units → each 签收 (the lead unit's makes it
in hand) or 退回 (within a few working days; the lead unit's sends it back to the office to
assign again) → 会办/协办 opinions → the lead unit's 答复 (A/B/C) → the office approves it
(it reaches the submitter) or sends it back → the submitter rates it (closed); 不满意 in the
first round reopens it (重办) for one more round. Closed or replied: 采纳, 成果转化, 表彰,
B/C follow-up. ``target=None``: the status stays.

Roles are organisation-wide roles; parts are a handler's unit's part in the suggestion
(``UnitPart``) or ``SUBMITTER``, a person who made it (or holds an anonymous one's code).
"""

from taizhang.org.choices import Role
from taizhang.utils.lifecycle import Transition

from .choices import Action, Status, UnitPart

SUBMITTER = "submitter"
OFFICE = frozenset({Role.SUPERVISOR})
UNITS = frozenset(UnitPart)
_HANDLING = frozenset({Status.ASSIGNED, Status.IN_HAND})
_ANSWERED = frozenset({Status.REPLIED, Status.CLOSED})

TRANSITIONS = {
    t.action: t
    for t in [
        Transition(
            Action.WITHDRAW,
            frozenset({Status.SUBMITTED}),
            Status.WITHDRAWN,
            parts=frozenset({SUBMITTER}),
        ),
        Transition(Action.ACCEPT, frozenset({Status.SUBMITTED}), Status.ACCEPTED, roles=OFFICE),
        Transition(
            Action.REFUSE,
            frozenset({Status.SUBMITTED}),
            Status.REFUSED,
            roles=OFFICE,
            needs_comment=True,
        ),
        Transition(
            Action.MERGE,
            frozenset({Status.SUBMITTED, Status.ACCEPTED}),
            Status.MERGED,
            roles=OFFICE,
        ),
        # Assigning again replaces the units: after a lead unit returned it, or to add one.
        Transition(
            Action.ASSIGN,
            frozenset({Status.ACCEPTED, Status.RETURNED}) | _HANDLING,
            Status.ASSIGNED,
            roles=OFFICE,
        ),
        Transition(Action.SIGN, _HANDLING, None, parts=UNITS),
        Transition(Action.RETURN, _HANDLING, None, parts=UNITS, needs_comment=True),
        Transition(
            Action.OPINION,
            _HANDLING,
            None,
            parts=frozenset({UnitPart.JOINT, UnitPart.ASSISTING}),
            needs_comment=True,
        ),
        Transition(
            Action.REPLY,
            frozenset({Status.IN_HAND}),
            Status.REPLY_REVIEW,
            parts=frozenset({UnitPart.LEAD}),
        ),
        Transition(
            Action.APPROVE_REPLY,
            frozenset({Status.REPLY_REVIEW}),
            Status.REPLIED,
            roles=OFFICE,
        ),
        Transition(
            Action.SEND_BACK_REPLY,
            frozenset({Status.REPLY_REVIEW}),
            Status.IN_HAND,
            roles=OFFICE,
            needs_comment=True,
        ),
        Transition(
            Action.RATE, frozenset({Status.REPLIED}), Status.CLOSED, parts=frozenset({SUBMITTER})
        ),
        # Taken by ``rate`` itself after a first-round 不满意: one more round, its own deadline.
        Transition(
            Action.REDO, frozenset({Status.CLOSED}), Status.IN_HAND, parts=frozenset({SUBMITTER})
        ),
        Transition(Action.ADOPT, _ANSWERED, None, roles=OFFICE | {Role.LEADER}),
        Transition(Action.RECORD_OUTCOME, _ANSWERED, None, roles=OFFICE),
        Transition(Action.COMMEND, _ANSWERED, None, roles=OFFICE | {Role.LEADER}),
        Transition(Action.APPROVE_COMMENDATION, _ANSWERED, None, roles=frozenset({Role.LEADER})),
        Transition(Action.FOLLOW_UP, _ANSWERED, None, roles=OFFICE, needs_comment=True),
    ]
}
