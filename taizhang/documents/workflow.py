"""The review of a proposal as one table: proposed → 接受 accepted | 舍弃 dropped; a dropped
proposal can be 恢复 restored to proposed (the drop undone). Only the office (supervisors)
reviews."""

from django.utils.translation import gettext_lazy as _

from taizhang.org.choices import Role
from taizhang.utils.lifecycle import Lifecycle, Transition

from .models import ProposalState

ACCEPT, DROP, RESTORE = "accept", "drop", "restore"
OFFICE = frozenset({Role.SUPERVISOR})

LIFECYCLE = Lifecycle(
    [
        Transition(ACCEPT, frozenset({ProposalState.PROPOSED}), ProposalState.ACCEPTED, OFFICE),
        Transition(DROP, frozenset({ProposalState.PROPOSED}), ProposalState.DROPPED, OFFICE),
        Transition(RESTORE, frozenset({ProposalState.DROPPED}), ProposalState.PROPOSED, OFFICE),
    ],
    verbs={ACCEPT: _("Accept"), DROP: _("Drop"), RESTORE: _("Undo drop")},
    state_label=lambda state: ProposalState(state).label,
)
