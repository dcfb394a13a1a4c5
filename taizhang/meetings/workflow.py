"""The lifecycle of a meeting as one table: who may take which action in which state.

planned → 发通知 notified (the invited reply: 参会 / 代会 / 请假) → 召开 held (attendance is
recorded) → 起草纪要 minutes drafted (text and 议定事项) → 发起会签 countersigning (each unit that
must agree 同意, or 不同意 with its opinion, which sends the minutes back to the secretary; the
secretary may take them back, 撤回) → 印发 issued once every unit of the last round agreed
(numbered 〔2026〕第N期; every accepted decision becomes a task, which the chair approves and
the secretary assigns in one go) → closed when all its tasks are.
A planned or notified meeting may be cancelled. ``target=None``: the status stays.

Roles are organisation-wide roles; parts are what a user is in this meeting: ``INVITED``
(invited in person, or a handler of an invited unit), ``COUNTERSIGNER`` (a handler of a unit
whose answer the current round waits for) and ``CHAIR`` (the leader who chaired, or any
leader when the chair has no account).
"""

from taizhang.org.choices import Role
from taizhang.utils.lifecycle import Transition

from .choices import Action, Status

INVITED = "invited"
COUNTERSIGNER = "countersigner"
CHAIR = "chair"
SECRETARIAT = frozenset({Role.SUPERVISOR})
_UPCOMING = frozenset(Status.upcoming_states())
_SITTING = frozenset({Status.NOTIFIED, Status.HELD, Status.MINUTES_DRAFTED, Status.COUNTERSIGNING})

TRANSITIONS = {
    t.action: t
    for t in [
        Transition(Action.EDIT, _UPCOMING, None, roles=SECRETARIAT),
        # Sending it again (the meeting moved) sends an amended notice to everyone invited.
        Transition(Action.SEND_NOTICE, _UPCOMING, Status.NOTIFIED, roles=SECRETARIAT),
        Transition(Action.RESPOND, frozenset({Status.NOTIFIED}), None, parts=frozenset({INVITED})),
        Transition(Action.RECORD_ATTENDANCE, _SITTING, None, roles=SECRETARIAT),
        # From planned too: a meeting recorded after the fact had no notice in the system.
        Transition(Action.HOLD, _UPCOMING, Status.HELD, roles=SECRETARIAT),
        Transition(
            Action.WRITE_MINUTES,
            frozenset({Status.HELD, Status.MINUTES_DRAFTED}),
            Status.MINUTES_DRAFTED,
            roles=SECRETARIAT,
        ),
        Transition(
            Action.REQUEST_COUNTERSIGN,
            frozenset({Status.MINUTES_DRAFTED}),
            Status.COUNTERSIGNING,
            roles=SECRETARIAT,
        ),
        Transition(
            Action.COUNTERSIGN,
            frozenset({Status.COUNTERSIGNING}),
            None,
            parts=frozenset({COUNTERSIGNER}),
        ),
        Transition(
            Action.OBJECT,
            frozenset({Status.COUNTERSIGNING}),
            Status.MINUTES_DRAFTED,
            parts=frozenset({COUNTERSIGNER}),
            needs_comment=True,
        ),
        # The secretary takes the minutes back to correct them; the next request is a new round.
        Transition(
            Action.WITHDRAW_COUNTERSIGN,
            frozenset({Status.COUNTERSIGNING}),
            Status.MINUTES_DRAFTED,
            roles=SECRETARIAT,
            needs_comment=True,
        ),
        # From minutes drafted only when no round of 会签 was asked for and none is needed (the
        # rules check it).
        Transition(
            Action.ISSUE,
            frozenset({Status.MINUTES_DRAFTED, Status.COUNTERSIGNING}),
            Status.ISSUED,
            roles=SECRETARIAT,
        ),
        Transition(
            Action.APPROVE_TASKS, frozenset({Status.ISSUED}), None, parts=frozenset({CHAIR})
        ),
        Transition(Action.ASSIGN_TASKS, frozenset({Status.ISSUED}), None, roles=SECRETARIAT),
        # Taken by the daily job when every decision's task is closed or cancelled.
        Transition(Action.CLOSE, frozenset({Status.ISSUED}), Status.CLOSED),
        Transition(
            Action.CANCEL, _UPCOMING, Status.CANCELLED, roles=SECRETARIAT, needs_comment=True
        ),
        Transition(
            Action.TO_SUGGESTION,
            frozenset(Status.held_states()),
            None,
            roles=SECRETARIAT,
        ),
    ]
}
