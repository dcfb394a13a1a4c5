"""The lifecycle of an appraisal cycle, and of an appeal, as one table each.

draft 草拟 (units or assessees, indicators and grade bands are set up) → 开始计分 scoring (the
ledgers are read — again as often as wanted — and people score the manual indicators; staff
write their 述职) → 公示 publicised (each unit sees its points and the events behind them and
may appeal one within the appeal period, counted in working days; the office may reopen
scoring, with the reason, to mend it — the units are told) → 确认 confirmed by the
考核小组 (no appeal open, the period over, every grade within its quota) → 宣读/发布 published,
and locked. Commendations are recorded once the result is confirmed.

Appeals: lodged → upheld (with the adjusted score) or dismissed (with the reason).

Parts: ``UNIT`` a handler of a unit the cycle appraises; ``SCORER`` a handler who may score
(peer or democratic indicators, a staff member's unit score); ``ASSESSEE`` the person assessed.
"""

from taizhang.org.choices import Role
from taizhang.utils.lifecycle import Transition

from .choices import Action, AppealAction, AppealStatus, Status

UNIT = "unit"
SCORER = "scorer"
ASSESSEE = "assessee"
SECRETARIAT = frozenset({Role.SUPERVISOR})
PANEL = frozenset({Role.SUPERVISOR, Role.LEADER})  # 考核小组: the office and the leaders
_OPEN = frozenset({Status.DRAFT, Status.SCORING, Status.PUBLICISED})
_DECIDED = frozenset({Status.CONFIRMED, Status.PUBLISHED})

TRANSITIONS = {
    t.action: t
    for t in [
        Transition(Action.EDIT, _OPEN | frozenset({Status.CONFIRMED}), None, roles=SECRETARIAT),
        Transition(Action.SET_UP, frozenset({Status.DRAFT}), None, roles=SECRETARIAT),
        Transition(
            Action.OPEN_SCORING, frozenset({Status.DRAFT}), Status.SCORING, roles=SECRETARIAT
        ),
        Transition(Action.COMPUTE, frozenset(Status.recomputable()), None, roles=SECRETARIAT),
        Transition(
            Action.SCORE,
            frozenset({Status.SCORING}),
            None,
            roles=PANEL,
            parts=frozenset({SCORER}),
        ),
        Transition(
            Action.SELF_REPORT,
            frozenset({Status.DRAFT, Status.SCORING}),
            None,
            parts=frozenset({ASSESSEE}),
        ),
        Transition(
            Action.PUBLICISE, frozenset({Status.SCORING}), Status.PUBLICISED, roles=SECRETARIAT
        ),
        Transition(
            Action.REOPEN_SCORING,
            frozenset({Status.PUBLICISED}),
            Status.SCORING,
            roles=SECRETARIAT,
            needs_comment=True,
        ),
        Transition(Action.APPEAL, frozenset({Status.PUBLICISED}), None, parts=frozenset({UNIT})),
        Transition(Action.DECIDE_APPEAL, frozenset({Status.PUBLICISED}), None, roles=PANEL),
        Transition(Action.CONFIRM, frozenset({Status.PUBLICISED}), Status.CONFIRMED, roles=PANEL),
        Transition(
            Action.PUBLISH, frozenset({Status.CONFIRMED}), Status.PUBLISHED, roles=SECRETARIAT
        ),
        Transition(Action.COMMEND, _DECIDED, None, roles=SECRETARIAT),
    ]
}

APPEAL_TRANSITIONS = {
    t.action: t
    for t in [
        Transition(
            AppealAction.UPHOLD, frozenset({AppealStatus.LODGED}), AppealStatus.UPHELD, roles=PANEL
        ),
        Transition(
            AppealAction.DISMISS,
            frozenset({AppealStatus.LODGED}),
            AppealStatus.DISMISSED,
            roles=PANEL,
            needs_comment=True,
        ),
    ]
}
