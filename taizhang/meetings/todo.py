"""Meeting work waiting for a user: what 我的待办 counts (see supervision.other_work) and
what the meeting list's ``work`` filter lists, from one set of queries."""

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.org.choices import Role
from taizhang.supervision.choices import Status as TaskStatus

from .choices import Answer, Response, Status
from .models import Countersignature, Invitee, Meeting


def waiting_work(user):
    """(key, title, meetings) of each kind of meeting work waiting for the user."""
    visible = Meeting.objects.visible_to(user)
    today = timezone.localdate()
    work = []
    if user.role == Role.SUPERVISOR:
        work += [
            (
                "minutes",
                _("Minutes to write"),
                visible.filter(status__in=[Status.HELD, Status.MINUTES_DRAFTED]),
            ),
            (
                "issue",
                _("Minutes to issue"),
                visible.filter(status=Status.COUNTERSIGNING).exclude(
                    pk__in=Countersignature.objects.filter(
                        round=F("meeting__countersign_round"),
                        answer=Answer.PENDING,
                        due__gte=today,
                    ).values("meeting_id")
                ),
            ),
            (
                "assign",
                _("Decisions' tasks to assign"),
                visible.filter(
                    status=Status.ISSUED, decisions__task__status=TaskStatus.APPROVED
                ).distinct(),
            ),
        ]
    elif user.role == Role.LEADER:
        # As rules.is_chair: the chair, or any leader when there is no active leader chairing.
        chaired = (
            Q(chair=user)
            | Q(chair__isnull=True)
            | Q(chair__is_active=False)
            | ~Q(chair__role=Role.LEADER)
        )
        work.append(
            (
                "approve",
                _("Decisions' tasks to approve"),
                visible.filter(
                    chaired, status=Status.ISSUED, decisions__task__status=TaskStatus.DRAFT
                ).distinct(),
            )
        )
    if not user.is_authenticated or user.role in Role.administrators():
        return work
    mine = Q(user=user)
    if user.role == Role.HANDLER:
        mine |= Q(unit_id__in=user.unit_ids())
    work.append(
        (
            "reply",
            _("Notices to answer"),
            visible.filter(
                status=Status.NOTIFIED,
                date__gte=today,
                pk__in=Invitee.objects.filter(mine, response=Response.PENDING).values("meeting_id"),
            ),
        )
    )
    if user.role == Role.HANDLER:
        work.append(
            (
                "countersign",
                _("Minutes to countersign"),
                visible.filter(
                    status=Status.COUNTERSIGNING,
                    pk__in=Countersignature.objects.filter(
                        round=F("meeting__countersign_round"),
                        unit_id__in=user.unit_ids(),
                        answer=Answer.PENDING,
                    ).values("meeting_id"),
                ),
            )
        )
    return work


def todo_counts(user):
    """The meeting work waiting for the user, for the ledger's 我的待办 (see
    supervision.other_work): (title, count, url) of each kind that has any."""
    if not user.is_authenticated or user.organisation_id is None:
        return []
    url = reverse("meetings:list")
    found = []
    for key, title, meetings in waiting_work(user):
        if count := meetings.count():
            found.append((_("Meetings: %(work)s") % {"work": title}, count, f"{url}?work={key}"))
    return found
