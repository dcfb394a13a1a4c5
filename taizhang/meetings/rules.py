"""May this user take this action on this meeting? One answer for pages and API alike."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.org.choices import Role
from taizhang.supervision.choices import Status as TaskStatus
from taizhang.utils.lifecycle import Lifecycle

from .choices import Action, Answer, DecisionState, FileKind, Status
from .workflow import CHAIR, COUNTERSIGNER, INVITED, TRANSITIONS


def my_invitations(user, meeting):
    """The user's invitations: in person, or for one of their units if they are a handler."""
    units = user.unit_ids() if user.role == Role.HANDLER else set()
    return [i for i in meeting.invitees.all() if i.user_id == user.pk or i.unit_id in units]


def current_countersignatures(meeting):
    return [c for c in meeting.countersignatures.all() if c.round == meeting.countersign_round]


def my_countersignatures(user, meeting):
    """The current round's answers the user's units still owe."""
    if user.role != Role.HANDLER:
        return []
    units = user.unit_ids()
    return [
        c
        for c in current_countersignatures(meeting)
        if c.unit_id in units and c.answer == Answer.PENDING
    ]


def is_chair(user, meeting):
    """The leader who chaired; any leader when the chair has no account, or no longer is an
    active leader (nobody else could approve)."""
    chair = meeting.chair
    if chair is not None and chair.is_active and chair.role == Role.LEADER:
        return chair.pk == user.pk
    return user.role == Role.LEADER


def _parts(user, meeting, parts):
    found = []
    if INVITED in parts and my_invitations(user, meeting):
        found.append(INVITED)
    if COUNTERSIGNER in parts and my_countersignatures(user, meeting):
        found.append(COUNTERSIGNER)
    if CHAIR in parts and is_chair(user, meeting):
        found.append(CHAIR)
    return found


def decisions(meeting, state=DecisionState.ACCEPTED):
    return [d for d in meeting.decisions.all() if d.state == state]


def decision_tasks(meeting, status):
    return [d.task for d in meeting.decisions.all() if d.task_id and d.task.status == status]


def incomplete_decisions(meeting):
    """Accepted decisions that cannot become a task yet: no lead unit, or no deadline."""
    return [
        d
        for d in decisions(meeting)
        if d.lead_unit_id is None or (d.deadline is None and not d.deadline_working_days)
    ]


def needs_countersign(meeting):
    """A mechanism's minutes need its countersigning members' agreement."""
    return bool(meeting.mechanism_id) and any(
        m.countersigns for m in meeting.mechanism.members.all()
    )


def waiting_countersignatures(meeting, today=None):
    """Answers still owed whose time has not run out (silent units past it are deemed to agree)."""
    today = today or timezone.localdate()
    return [
        c
        for c in current_countersignatures(meeting)
        if c.answer == Answer.PENDING and c.due >= today
    ]


def _check_notice(user, meeting):
    if not meeting.invitees.all():
        return _("Invite the units or people first: the notice has nobody to go to.")
    return None


def _check_hold(user, meeting):
    if meeting.date > timezone.localdate():
        return _("The meeting is on %(date)s; it can be marked held from that day.") % {
            "date": meeting.date
        }
    return None


def _check_record_attendance(user, meeting):
    if meeting.date > timezone.localdate():
        return _("Attendance is recorded from the day of the meeting (%(date)s).") % {
            "date": meeting.date
        }
    return None


def _check_respond(user, meeting):
    if meeting.date < timezone.localdate():
        return _("The meeting has taken place; the notice can no longer be answered.")
    return None


def _minutes_ready(meeting):
    # Minutes recorded as their 议定事项 alone (as the API does) are minutes too.
    if (
        not meeting.minutes_text.strip()
        and not any(f.kind == FileKind.MINUTES for f in meeting.files.all())
        and not decisions(meeting)
    ):
        return _("Write the minutes or upload them first.")
    if decisions(meeting, DecisionState.PROPOSED):
        return _("Accept or drop every proposed decision first.")
    if missing := incomplete_decisions(meeting):
        return _("These decisions need a lead unit and a deadline: %(titles)s") % {
            "titles": "；".join(d.title for d in missing)
        }
    return None


def _check_request_countersign(user, meeting):
    return _minutes_ready(meeting)


def _check_issue(user, meeting):
    if reason := _minutes_ready(meeting):
        return reason
    if meeting.status == Status.MINUTES_DRAFTED:
        # Once 会签 was asked for, only a completed round lets the minutes out: an objection
        # or a withdrawal is answered by a new round, not by issuing past it.
        if meeting.countersign_round:
            return _("Request countersignature again: the last round did not end in agreement.")
        if needs_countersign(meeting):
            return _("The minutes need the member units' countersignature first.")
    if waiting := waiting_countersignatures(meeting):
        return _("Still waiting for the countersignature of %(units)s (until %(date)s).") % {
            "units": "、".join(str(c.unit) for c in waiting),
            "date": max(c.due for c in waiting),
        }
    return None


def _check_approve_tasks(user, meeting):
    if not decision_tasks(meeting, TaskStatus.DRAFT):
        return _("No task of this meeting waits for approval.")
    return None


def _check_assign_tasks(user, meeting):
    if not decision_tasks(meeting, TaskStatus.APPROVED):
        return _("No approved task of this meeting waits to be assigned.")
    return None


def _check_to_suggestion(user, meeting):
    if not meeting.is_exchange_event:
        return _("Only an exchange event hands suggestions over.")
    return None


EXTRA_CONDITIONS = {
    Action.SEND_NOTICE: _check_notice,
    Action.HOLD: _check_hold,
    Action.RESPOND: _check_respond,
    Action.RECORD_ATTENDANCE: _check_record_attendance,
    Action.REQUEST_COUNTERSIGN: _check_request_countersign,
    Action.ISSUE: _check_issue,
    Action.APPROVE_TASKS: _check_approve_tasks,
    Action.ASSIGN_TASKS: _check_assign_tasks,
    Action.TO_SUGGESTION: _check_to_suggestion,
}


LIFECYCLE = Lifecycle(
    TRANSITIONS.values(),
    verbs=Action.VERBS,
    state_label=lambda status: Status(status).label,
    parts=_parts,
    extra=EXTRA_CONDITIONS,
    messages={
        "outside": gettext_lazy("You may not act on this meeting."),
        "state": gettext_lazy("“%(action)s” is not possible while the meeting is “%(status)s”."),
        "role": gettext_lazy("Your role may not take the action “%(action)s” on this meeting."),
    },
)
why_not = LIFECYCLE.why_not
can = LIFECYCLE.can


def available_buttons(user, meeting):
    """The actions with a button of their own the user may take now."""
    return [(a, LIFECYCLE.verbs[a]) for a in Action.buttons() if can(user, a, meeting)]


def can_plan(user):
    """The secretariat (督查室/办公室) plans meetings and runs mechanisms."""
    return user.is_authenticated and user.role == Role.SUPERVISOR and bool(user.organisation_id)


can_manage_mechanisms = can_plan


def can_manage(user, meeting):
    """Materials, photos, speakers and the report: the secretariat, until it is cancelled."""
    return (
        can_plan(user)
        and user.organisation_id == meeting.organisation_id
        and meeting.status != Status.CANCELLED
    )


def can_see_stats(user):
    """Supervisors and leaders see the figures of every meeting; a handler those of the
    meetings visible to them; administrators and submitters none."""
    return user.is_authenticated and user.role in Role.staff()


def can_see_mechanisms(user):
    """The staff: a handler sees the mechanisms their units are members of."""
    return user.is_authenticated and user.role in Role.staff()
