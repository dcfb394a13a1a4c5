"""May this user take this action on this task? One answer, used by pages and API alike.

``why_not`` returns None when the action is allowed, else the reason in the user's language.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.org.choices import Role
from taizhang.utils.lifecycle import Lifecycle

from .choices import Action, ExtensionStatus, Status, UnitRole
from .workflow import TRANSITIONS


def acting_task_units(user, task, unit_roles):
    """The user's units' parts in the task, limited to the given roles."""
    if user.role != Role.HANDLER:
        return []
    mine = user.unit_ids()
    return [tu for tu in task.task_units.all() if tu.unit_id in mine and tu.role in unit_roles]


def unsigned_task_units(user, task):
    return [tu for tu in acting_task_units(user, task, UnitRole.acting()) if tu.signed_at is None]


def _has_pending_extension(task):
    return any(r.status == ExtensionStatus.PENDING for r in task.extension_requests.all())


def instruction_requested(task):
    """The escalation (升级督办) still waiting for a leader's 批示, or None: the latest
    escalation when no instruction was written after it."""
    latest = (
        task.events.filter(action__in=[Action.ESCALATE, Action.INSTRUCT])
        .order_by("-created_at", "-id")
        .select_related("actor")
        .first()
    )
    return latest if latest is not None and latest.action == Action.ESCALATE else None


def _extra_condition(user, action, task):
    if action == Action.SIGN and not unsigned_task_units(user, task):
        return _("Your unit has already signed for this task.")
    if action in (Action.PROGRESS, Action.SUBMIT_COMPLETION, Action.REQUEST_EXTENSION):
        signed = [
            tu for tu in acting_task_units(user, task, TRANSITIONS[action].parts) if tu.signed_at
        ]
        if not signed:
            return _("Your unit must sign for the task first.")
    if action == Action.REQUEST_EXTENSION and _has_pending_extension(task):
        return _("An extension request is already waiting for a decision.")
    if action == Action.DECIDE_EXTENSION and not _has_pending_extension(task):
        return _("There is no extension request to decide.")
    if action == Action.ESCALATE and instruction_requested(task):
        return _("A leader's instruction has already been requested and not yet written.")
    return None


LIFECYCLE = Lifecycle(
    TRANSITIONS.values(),
    verbs=Action.VERBS,
    state_label=lambda status: Status(status).label,
    parts=acting_task_units,
    extra=_extra_condition,
    messages={
        "outside": gettext_lazy("You may not act on this task."),
        "state": gettext_lazy("“%(action)s” is not possible while the task is “%(status)s”."),
        "role": gettext_lazy("Your role may not take the action “%(action)s” on this task."),
    },
)
why_not = LIFECYCLE.why_not
can = LIFECYCLE.can
available_actions = LIFECYCLE.available


def can_edit(user, task):
    return (
        user.role == Role.SUPERVISOR
        and user.organisation_id == task.organisation_id
        and task.status not in Status.final_states()
    )


def can_create(user):
    return user.role == Role.SUPERVISOR and user.organisation_id is not None


def can_instruct(user, task):
    """批示: a leader's instruction on any task of the organisation."""
    return user.role == Role.LEADER and user.organisation_id == task.organisation_id
