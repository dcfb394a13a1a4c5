"""The lifecycle of a bulletin as one table: the office (supervisors) drafts, edits and issues
it; issued, it is archived with its number and its Word file, and never changes again."""

from django.utils.translation import gettext_lazy as _

from taizhang.org.choices import Role
from taizhang.utils.lifecycle import Lifecycle, Transition

from .choices import Action, Status

OFFICE = frozenset({Role.SUPERVISOR})
DRAFT = frozenset({Status.DRAFT})

LIFECYCLE = Lifecycle(
    [
        Transition(Action.EDIT, DRAFT, None, roles=OFFICE),
        Transition(Action.ISSUE, DRAFT, Status.ISSUED, roles=OFFICE),
        Transition(Action.DELETE, DRAFT, None, roles=OFFICE),
    ],
    verbs={Action.EDIT: _("Edit"), Action.ISSUE: _("Issue"), Action.DELETE: _("Delete draft")},
    state_label=lambda state: Status(state).label,
)
