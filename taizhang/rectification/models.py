"""Rectification plans (整改方案): the feedback they answer, their aspects (方面), problems (问题)
and measures (措施). A measure is a supervision task: its units, deadline, progress reports,
evidence, verification and 销号 are the ledger's, reached through ``Measure.task``.

Whether a problem is done (已完成) is not stored: it is read from its measures' tasks, so a
rate moves the moment the supervisor verifies a measure in the ledger.
"""

import re

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.org.choices import Role
from taizhang.org.models import Organisation, Unit
from taizhang.supervision.choices import SourceKind
from taizhang.supervision.choices import Status as TaskStatus
from taizhang.supervision.models import Task
from taizhang.utils.lifecycle import LifecycleEvent
from taizhang.utils.models import UploadedFile

from .choices import (
    Action,
    Cadence,
    MeasureKind,
    PlanKind,
    PlanStatus,
    ProblemState,
    Progress,
    Seriousness,
)


def _handler_units(user):
    """The units through which a user sees rectification work: a handler's own; nobody
    else's (supervisors and leaders see the whole organisation, administrators nothing)."""
    return user.unit_ids() if user.role == Role.HANDLER else None


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Supervisors and leaders: every plan of their organisation. A handler: the plans
        their unit runs (the office) or has a problem or an assigned measure in."""
        if not user.is_authenticated or user.organisation_id is None:
            return self.none()
        plans = self.filter(organisation_id=user.organisation_id)
        if user.sees_whole_organisation:
            return plans
        units = _handler_units(user)
        if not units:
            return self.none()
        problems = Problem.objects.visible_to(user).filter(plan=OuterRef("pk"))
        return plans.filter(Q(office_id__in=units) | Exists(problems))

    def with_inspection_date(self):
        """``inspection_date``: when the inspectors came, else when they reported back, else
        when the plan was entered. What "earlier" means between plans."""
        return self.annotate(
            inspection_date=Coalesce("inspected_on", "feedback_on", TruncDate("created_at"))
        )


class Plan(models.Model):
    """整改方案: one plan answers one feedback (a 巡视 report, an audit, a petition summary)."""

    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="rectification_plans",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PlanKind)
    # The feedback it answers: who inspected, when, and what they reported.
    inspected_by = models.CharField(_("inspected by"), max_length=200, blank=True)
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    feedback_on = models.DateField(_("feedback received on"), null=True, blank=True)
    feedback_summary = models.TextField(_("feedback"), blank=True)
    # 整改领导小组: its leader (组长) approves the plan; its members as the office lists them.
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("leading group head"),
    )
    leading_group = models.TextField(_("leading group"), blank=True)
    office = models.ForeignKey(
        Unit, models.PROTECT, related_name="+", verbose_name=_("rectification office")
    )
    deadline = models.DateField(_("overall deadline"))
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus, default=PlanStatus.DRAFT
    )
    completion_report = models.TextField(_("rectification report"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification plan")
        verbose_name_plural = _("rectification plans")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("rectification:detail", args=[self.pk])

    def status_colour(self):
        return PlanStatus.colour(self.status)


def plan_file_path(instance, filename):
    return f"rectification/{instance.plan.organisation_id}/plan-{instance.plan_id}/{filename}"


class PlanFile(UploadedFile):
    """The feedback document (反馈意见), the plan as issued, the final report."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=plan_file_path, max_length=300)

    class Meta(UploadedFile.Meta):
        verbose_name = _("plan document")
        verbose_name_plural = _("plan documents")


class Aspect(models.Model):
    """方面: the inspectors group their findings (e.g. 13 aspects of 46 problems)."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="aspects")
    position = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("aspect"), max_length=300)

    class Meta:
        verbose_name = _("aspect")
        verbose_name_plural = _("aspects")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="aspect_position_unique")
        ]

    def __str__(self):
        return self.title

    @property
    def label(self):
        """The title with its number, unless the inspectors numbered it already (一、…)."""
        return self.title if NUMBERED.match(self.title) else f"{self.position}. {self.title}"


# An aspect titled as the inspectors number them (一、…, 2. …) keeps its own numbering.
NUMBERED = re.compile(r"^\s*([一二三四五六七八九十百]+|\d+)\s*[、.．）)]")


class ProblemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Supervisors and leaders: every problem of their organisation. A handler: those of
        the plans their unit runs, those their unit answers for (lead or responsible), and
        those with a measure their unit was assigned."""
        if not user.is_authenticated or user.organisation_id is None:
            return self.none()
        problems = self.filter(plan__organisation_id=user.organisation_id)
        if user.sees_whole_organisation:
            return problems
        units = _handler_units(user)
        if not units:
            return self.none()
        measures = Measure.objects.filter(
            problem=OuterRef("pk"), task__in=Task.objects.visible_to(user)
        )
        # A unit meets the problems once the plan is approved; its office sees the draft too.
        answers_for = (
            Q(lead_unit_id__in=units)
            | Exists(Problem.units.through.objects.filter(problem=OuterRef("pk"), unit__in=units))
            | Exists(measures)
        )
        return problems.filter(
            Q(plan__office_id__in=units) | (answers_for & ~Q(plan__status=PlanStatus.DRAFT))
        )

    def earlier_than(self, problem):
        """Problems of the organisation's other plans inspected before this problem's plan."""
        plans = Plan.objects.with_inspection_date()
        this = plans.values_list("inspection_date", flat=True).get(pk=problem.plan_id)
        earlier = plans.filter(
            organisation_id=problem.plan.organisation_id, inspection_date__lt=this
        )
        return self.filter(plan__in=earlier.values("pk"))

    def with_progress(self, today=None):
        """Annotate each problem with its measures (counted: not cancelled; open: neither
        verified nor cancelled), ``is_done``, ``done_on`` and ``progress`` (a Progress value).
        Subqueries, not joins, so that the figures can be aggregated over them."""
        today = today or timezone.localdate()
        measures = Measure.objects.filter(problem=OuterRef("pk")).exclude(
            task__status=TaskStatus.CANCELLED
        )
        counted = measures.order_by().values("problem").annotate(n=Count("pk")).values("n")
        still_open = (
            measures.exclude(VERIFIED)
            .order_by()
            .values("problem")
            .annotate(n=Count("pk"))
            .values("n")
        )
        late_measure = measures.filter(overdue_on(today))
        last_verified = (
            measures.filter(VERIFIED).order_by("-task__closed_at").values("task__closed_at")[:1]
        )
        latest_due = (
            measures.exclude(VERIFIED).order_by("-task__deadline").values("task__deadline")[:1]
        )
        done = Q(status=ProblemState.CLOSED) | Q(measures_counted__gt=0, measures_open=0)
        return self.annotate(
            measures_counted=Coalesce(Subquery(counted), 0),
            measures_open=Coalesce(Subquery(still_open), 0),
            # The date an open problem is to be done by: the office's committed date, else
            # the deadline of its last measure still running.
            due_date=Coalesce("committed_date", Subquery(latest_due)),
        ).annotate(
            is_done=Case(When(done, then=Value(True)), default=Value(False)),
            done_on=Case(
                When(done, then=Subquery(last_verified)),
                default=None,
                output_field=models.DateTimeField(),
            ),
            progress=Case(
                When(status=ProblemState.CLOSED, then=Value(Progress.CLOSED.value)),
                When(done, then=Value(Progress.DONE.value)),
                When(
                    Q(committed_date__lt=today) | Exists(late_measure),
                    then=Value(Progress.OVERDUE.value),
                ),
                default=Value(Progress.RECTIFYING.value),
            ),
        )


class Problem(models.Model):
    """问题: one finding, in the office's words and the inspectors' own; the leader and the
    units answerable for it; the date the office committed to while it is open."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="problems")
    aspect = models.ForeignKey(Aspect, models.PROTECT, related_name="problems")
    number = models.PositiveIntegerField(_("number"))
    description = models.TextField(_("problem"))
    wording = models.TextField(_("inspectors' wording"), blank=True)  # 反馈原文
    seriousness = models.CharField(
        _("seriousness"), max_length=10, choices=Seriousness, default=Seriousness.GENERAL
    )
    responsible_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible leader"),
    )
    # A leader without an account (or named as the list names them: 张三（副会长）).
    responsible_leader_name = models.CharField(_("responsible leader"), max_length=60, blank=True)
    lead_unit = models.ForeignKey(
        Unit, models.PROTECT, related_name="+", verbose_name=_("lead unit")
    )
    units = models.ManyToManyField(
        Unit, blank=True, related_name="+", verbose_name=_("responsible units")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProblemState, default=ProblemState.OPEN
    )
    committed_date = models.DateField(_("committed date"), null=True, blank=True)  # 完成时限
    closing_summary = models.TextField(_("closing summary"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopened_times = models.PositiveSmallIntegerField(_("reopened"), default=0)
    # 屡查屡犯: the same problem found in an earlier inspection.
    repeat_of = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="repeats",
        verbose_name=_("repeat of"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="problem_number_unique")
        ]

    def __str__(self):
        return self.description[:60]

    def get_absolute_url(self):
        return reverse("rectification:problem", args=[self.pk])

    @property
    def organisation_id(self):
        """The lifecycle checks the organisation of the record it is asked about."""
        return self.plan.organisation_id

    @property
    def leader_label(self):
        if self.responsible_leader_id:
            return self.responsible_leader.display_name or self.responsible_leader.username
        return self.responsible_leader_name


def problem_file_path(instance, filename):
    problem = instance.problem
    return f"rectification/{problem.plan.organisation_id}/problem-{problem.pk}/{filename}"


class ProblemFile(UploadedFile):
    """Evidence the office keeps with a problem's 销号 (the measures keep theirs on the task)."""

    problem = models.ForeignKey(Problem, models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=problem_file_path, max_length=300)

    class Meta(UploadedFile.Meta):
        verbose_name = _("closing evidence")
        verbose_name_plural = _("closing evidence")


# What the figures, the lists' filters and the exports count, in one place (on measures).
VERIFIED = Q(task__status=TaskStatus.CLOSED)
VERIFIED_ON_TIME = VERIFIED & Q(task__closed_at__date__lte=F("task__deadline"))


def overdue_on(today):
    """Still running past its deadline."""
    return Q(task__status__in=TaskStatus.open_states(), task__deadline__lt=today)


class MeasureQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Supervisors and leaders: every measure of their organisation. A handler: those
        whose task they see (their unit's, once assigned), and all of a plan their unit runs."""
        if not user.is_authenticated or user.organisation_id is None:
            return self.none()
        measures = self.filter(plan__organisation_id=user.organisation_id)
        if user.sees_whole_organisation:
            return measures
        units = _handler_units(user)
        if not units:
            return self.none()
        return measures.filter(
            Q(plan__office_id__in=units) | Q(task__in=Task.objects.visible_to(user))
        )

    def counted(self):
        """The measures the rates count: a cancelled task is a measure dropped."""
        return self.exclude(task__status=TaskStatus.CANCELLED)


class Measure(models.Model):
    """措施: what is done about a problem. Its text, units and deadline are its task's."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="measures")
    problem = models.ForeignKey(Problem, models.CASCADE, related_name="measures")
    position = models.PositiveSmallIntegerField(_("number"))
    task = models.OneToOneField(
        Task, models.PROTECT, related_name="rectification_measure", verbose_name=_("task")
    )
    kind = models.CharField(
        _("kind of measure"), max_length=10, choices=MeasureKind, default=MeasureKind.SCHEDULED
    )
    # 长期坚持: how often its units report while it runs.
    cadence = models.CharField(_("reporting cadence"), max_length=12, choices=Cadence, blank=True)
    reminded_on = models.DateField(_("last reminded on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["problem__number", "position"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "position"], name="measure_position_unique"),
            models.CheckConstraint(
                condition=Q(kind=MeasureKind.ONGOING) | Q(cadence=""),
                name="measure_cadence_only_ongoing",
            ),
        ]

    def __str__(self):
        return self.task.title

    def get_absolute_url(self):
        return self.task.get_absolute_url()

    @property
    def is_done(self):
        return self.task.status == TaskStatus.CLOSED


class PlanEvent(LifecycleEvent):
    """A line of a plan's timeline; ``problem`` when it concerns one problem."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="events")
    problem = models.ForeignKey(
        Problem, models.CASCADE, null=True, blank=True, related_name="events"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action)

    class Meta(LifecycleEvent.Meta):
        verbose_name = _("rectification event")
        verbose_name_plural = _("rectification events")


def task_source_link(task, user):
    """The plan and problem a measure's task answers, for the task page (supervision.sources)."""
    measure = (
        Measure.objects.filter(task=task).select_related("problem", "plan").first()
        if task.source_kind == SourceKind.RECTIFICATION
        else None
    )
    if measure is None:
        return None
    problem = measure.problem
    visible = Problem.objects.visible_to(user).filter(pk=problem.pk).exists()
    label = f"{measure.plan.title} · {problem.number}. {problem}"
    return (label, problem.get_absolute_url() if visible else "")
