"""May this user take this action on this suggestion? One answer for pages and API alike."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.org.choices import Role
from taizhang.utils.lifecycle import Lifecycle
from taizhang.utils.workdays import add_working_days

from .choices import Action, Rating, ReplyClass, Status, UnitPart
from .workflow import SUBMITTER, TRANSITIONS


class Claimant:
    """Whoever holds an anonymous suggestion's claim code: its submitter, for rating it."""

    is_authenticated = True
    role = None
    pk = None

    def __init__(self, suggestion):
        self.organisation_id = suggestion.organisation_id
        self.suggestion_id = suggestion.pk


def unit_parts(user, suggestion, parts):
    """The user's units' live parts (not returned) in the suggestion, among ``parts``."""
    if user.role != Role.HANDLER:
        return []
    mine = user.unit_ids()
    return [
        su
        for su in suggestion.suggestion_units.all()
        if su.unit_id in mine and su.part in parts and su.returned_at is None
    ]


def is_submitter(user, suggestion):
    if isinstance(user, Claimant):
        return user.suggestion_id == suggestion.pk
    return user.role == Role.SUBMITTER and any(
        s.user_id == user.pk for s in suggestion.suggestion_submitters.all()
    )


def _parts(user, suggestion, parts):
    found = list(unit_parts(user, suggestion, parts))
    if SUBMITTER in parts and is_submitter(user, suggestion):
        found.append(SUBMITTER)
    return found


def return_deadline(unit_part):
    """The last day a unit may return what it was given (退回时限)."""
    start = timezone.localdate(unit_part.assigned_at)
    return add_working_days(start, settings.TAIZHANG_SUGGESTION_RETURN_WORKING_DAYS)


def _latest_reply(suggestion):
    replies = [r for r in suggestion.replies.all() if r.round == suggestion.round]
    return replies[-1] if replies else None


def _unsigned(user, suggestion):
    return [su for su in unit_parts(user, suggestion, UnitPart) if su.signed_at is None]


def _signed(user, suggestion, parts=UnitPart):
    return [su for su in unit_parts(user, suggestion, parts) if su.signed_at]


def _check_sign(user, suggestion):
    if not _unsigned(user, suggestion):
        return _("Your unit has already signed for this suggestion.")
    return None


def _check_return(user, suggestion):
    mine = _unsigned(user, suggestion)
    if not mine:
        return _("A unit that signed for a suggestion can no longer return it.")
    last_day = min(return_deadline(su) for su in mine)
    if timezone.localdate() > last_day:
        return _(
            "The time to return it ended on %(day)s (%(days)d working days after it was assigned)."
        ) % {"day": last_day, "days": settings.TAIZHANG_SUGGESTION_RETURN_WORKING_DAYS}
    return None


def _check_signed_for(action):
    """The user's unit in the part the action needs must have signed: a lead unit's handler
    who is also in a joint unit may not reply while only the joint unit signed."""
    parts = TRANSITIONS[action].parts

    def check(user, suggestion):
        if not _signed(user, suggestion, parts):
            return _("Your unit must sign for the suggestion first.")
        return None

    return check


def _check_redo(user, suggestion):
    reply = _latest_reply(suggestion)
    if suggestion.round > 1 or not reply or reply.rating != Rating.DISSATISFIED:
        return _("Only a first reply rated dissatisfied can be handled again.")
    return None


def _check_adopt(user, suggestion):
    if suggestion.adopted_at:
        return _("The suggestion has already been adopted.")
    return None


def _check_adopted(user, suggestion):
    if not suggestion.adopted_at:
        return _("Only an adopted suggestion has outcomes and commendations.")
    return None


def _check_commend(user, suggestion):
    if reason := _check_adopted(user, suggestion):
        return reason
    if _pending_commendation(suggestion):
        return _("A commendation is already waiting for a leader's approval.")
    return None


def _check_approve_commendation(user, suggestion):
    if not _pending_commendation(suggestion):
        return _("There is no commendation to approve.")
    return None


def _check_follow_up(user, suggestion):
    if suggestion.reply_class not in (ReplyClass.B, ReplyClass.C):
        return _("Only B and C replies are followed up.")
    return None


# Conditions beyond state and part, by action: each returns a reason to refuse, or None.
EXTRA_CONDITIONS = {
    Action.SIGN: _check_sign,
    Action.RETURN: _check_return,
    Action.OPINION: _check_signed_for(Action.OPINION),
    Action.REPLY: _check_signed_for(Action.REPLY),
    Action.REDO: _check_redo,
    Action.ADOPT: _check_adopt,
    Action.RECORD_OUTCOME: _check_adopted,
    Action.COMMEND: _check_commend,
    Action.APPROVE_COMMENDATION: _check_approve_commendation,
    Action.FOLLOW_UP: _check_follow_up,
}


def _pending_commendation(suggestion):
    return any(c.approved_at is None for c in suggestion.commendations.all())


LIFECYCLE = Lifecycle(
    TRANSITIONS.values(),
    verbs=Action.VERBS,
    state_label=lambda status: Status(status).label,
    parts=_parts,
    extra=EXTRA_CONDITIONS,
    messages={
        "outside": gettext_lazy("You may not act on this suggestion."),
        "state": gettext_lazy("“%(action)s” is not possible while the suggestion is “%(status)s”."),
        "role": gettext_lazy("Your role may not take the action “%(action)s” on this suggestion."),
    },
)
why_not = LIFECYCLE.why_not
can = LIFECYCLE.can


def available_actions(user, suggestion):
    """What the user's buttons offer; ``redo`` is not a button (rating 不满意 takes it)."""
    return [(a, v) for a, v in LIFECYCLE.available(user, suggestion) if a != Action.REDO]


def can_submit(user):
    return user.is_authenticated and user.role == Role.SUBMITTER and user.organisation_id


def can_enter(user):
    """Staff enter offline suggestions (letters, forums) on a submitter's behalf."""
    return user.is_authenticated and user.role == Role.SUPERVISOR and user.organisation_id


def can_spawn_task(user, suggestion):
    return (
        user.role == Role.SUPERVISOR
        and user.organisation_id == suggestion.organisation_id
        and suggestion.adopted_at is not None
    )


def can_manage_channel(user):
    return user.is_authenticated and user.role == Role.SUPERVISOR and user.organisation_id
