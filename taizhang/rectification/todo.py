"""Rectification work waiting for a user: what 我的待办 counts (see supervision.other_work) and
what the plan list's ``work`` filter lists, from one set of queries. A unit's own measures are
tasks, and wait for it in the ledger's queues already."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from taizhang.org.choices import Role
from taizhang.supervision.choices import Status as TaskStatus

from .choices import PlanStatus, ProblemState
from .models import Measure, Plan, Problem


def _with_measures(status):
    return Exists(Measure.objects.filter(plan=OuterRef("pk"), task__status=status))


def waiting_work(user):
    """(key, title, plans) of each kind of rectification work waiting for the user."""
    visible = Plan.objects.visible_to(user)
    if user.role == Role.SUPERVISOR:
        done_not_closed = Problem.objects.with_progress().filter(
            plan=OuterRef("pk"), is_done=True, status=ProblemState.OPEN
        )
        return [
            (
                "assign",
                _("Measures to assign"),
                visible.filter(
                    Q(status=PlanStatus.APPROVED)
                    | Q(_with_measures(TaskStatus.APPROVED), status=PlanStatus.IN_PROGRESS)
                ),
            ),
            (
                "close",
                _("Problems to close"),
                visible.filter(Exists(done_not_closed), status=PlanStatus.IN_PROGRESS),
            ),
        ]
    if user.role == Role.LEADER:
        # As rules.is_head: the plan's head, or any leader when it names no active leader.
        head = Q(leader=user) | Q(leader__isnull=True) | Q(leader__is_active=False)
        head |= ~Q(leader__role=Role.LEADER)
        # A draft is ready once every problem has a measure (rules: the approval's condition).
        lacking = Problem.objects.filter(plan=OuterRef("pk")).exclude(
            pk__in=Measure.objects.counted().values("problem")
        )
        ready = Q(status=PlanStatus.DRAFT) & ~Exists(lacking)
        return [
            (
                "approve",
                _("Rectification plans to approve"),
                visible.filter(
                    head,
                    ready | Q(status=PlanStatus.IN_PROGRESS),
                    _with_measures(TaskStatus.DRAFT),
                ),
            )
        ]
    return []


def todo_counts(user):
    """(title, count, url) of each kind of rectification work the user has, for 我的待办."""
    if not user.is_authenticated or user.organisation_id is None:
        return []
    # Most organisations on most days have no plan: skip building the counting queries.
    if not Plan.objects.filter(organisation_id=user.organisation_id).exists():
        return []
    url = reverse("rectification:list")
    found = []
    for key, title, plans in waiting_work(user):
        if count := plans.count():
            found.append(
                (_("Rectification: %(work)s") % {"work": title}, count, f"{url}?work={key}")
            )
    return found
