"""考评: a cycle appraises units (部门考评) or staff (职工考核) on indicators computed from the
ledgers or scored by named people. Every computed point keeps the events it came from; units
appeal points; results are graded within quotas, confirmed, published and locked.

Each model with rows a user may see has one ``visible_to``; rules.py says who may act."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from taizhang.org.choices import Role
from taizhang.org.models import Organisation, Unit
from taizhang.supervision.models import Task
from taizhang.utils.lifecycle import LifecycleEvent

from .choices import (
    Action,
    AppealAction,
    AppealStatus,
    CommendationTitle,
    Grade,
    GradeScheme,
    IndicatorKind,
    Metric,
    Period,
    ScorerKind,
    Status,
    Subject,
)

DECIMAL = {"max_digits": 8, "decimal_places": 2}
RATE = {"max_digits": 7, "decimal_places": 4}


def _org_staff(user):
    return user.is_authenticated and user.organisation_id is not None and user.role in Role.staff()


class CycleQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Supervisors and leaders see every cycle of their organisation; a handler the
        cycles past the draft (what of them is theirs: the points' and results' rules)."""
        if not _org_staff(user):
            return self.none()
        cycles = self.filter(organisation_id=user.organisation_id)
        if user.sees_whole_organisation:
            return cycles
        return cycles.exclude(status=Status.DRAFT)


class Cycle(models.Model):
    """One appraisal: 2022年度部门考评, 2022年度职工考核."""

    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        related_name="appraisal_cycles",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("title"), max_length=200)
    subject = models.CharField(_("subject"), max_length=10, choices=Subject, default=Subject.UNITS)
    period = models.CharField(_("period"), max_length=10, choices=Period, default=Period.YEAR)
    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(_("half"), null=True, blank=True)  # 1 or 2
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status, default=Status.DRAFT, db_index=True
    )
    grade_scheme = models.CharField(
        _("grades"), max_length=10, choices=GradeScheme, default=GradeScheme.LETTERS
    )
    # m of the smoothed rate (successes + m·p̄) / (n + m): how many tasks' worth of the
    # organisation's average a unit's own record is pulled towards.
    smoothing = models.PositiveSmallIntegerField(_("smoothing (tasks)"), default=5)
    appeal_working_days = models.PositiveSmallIntegerField(
        _("appeal period (working days)"), default=5
    )
    # Staff: the share of the leaders' score in the total (the unit's score has the rest).
    leader_share = models.PositiveSmallIntegerField(_("leaders' share (%)"), default=50)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    publicised_on = models.DateField(_("publicised on"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_text = models.TextField(_("decision"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = CycleQuerySet.as_manager()

    class Meta:
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        ordering = ["-year", "-half", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("appraisal:detail", args=[self.pk])

    @property
    def status_colour(self):
        return Status.colour(self.status)

    @property
    def is_locked(self):
        return self.status == Status.PUBLISHED


class CycleUnit(models.Model):
    """A unit appraised in a unit cycle."""

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="cycle_units")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("unit"))

    class Meta:
        ordering = ["unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit"], name="appraisal_unit_once")
        ]

    def __str__(self):
        return str(self.unit)


class Indicator(models.Model):
    """A line of the scoring table: ``weight`` is its most points.

    Rates score weight × max(0, (r − floor) / (1 − floor)) on the smoothed rate r (or on 1 − r
    when lower is better); counts deduct ``per_event`` points per event (day, reminder) down
    to 0; manual indicators average their scorers' scores (each at most the weight)."""

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=IndicatorKind)
    metric = models.CharField(_("metric"), max_length=30, choices=Metric, blank=True)
    scorer_kind = models.CharField(_("scored by"), max_length=12, choices=ScorerKind, blank=True)
    weight = models.DecimalField(_("points"), **DECIMAL)
    floor = models.DecimalField(_("rate scoring zero"), default=0, **RATE)
    per_event = models.DecimalField(_("points per event"), default=1, **DECIMAL)
    # progress_on_time: a unit reports at least once in every this many days a task runs.
    cadence_days = models.PositiveSmallIntegerField(_("reporting cadence (days)"), default=30)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class GradeBand(models.Model):
    """A grade from ``min_score`` up; ``max_share`` (%) the most of the cycle that may get it."""

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="bands")
    grade = models.CharField(_("grade"), max_length=10, choices=Grade)
    min_score = models.DecimalField(_("from score"), **DECIMAL)
    max_share = models.DecimalField(_("at most (%)"), null=True, blank=True, **DECIMAL)

    class Meta:
        ordering = ["-min_score"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "grade"], name="appraisal_band_once")
        ]

    def __str__(self):
        return f"{self.get_grade_display()} ≥ {self.min_score}"


class PointQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Supervisors and leaders all; a handler its own units' points from 公示 on."""
        if not _org_staff(user):
            return self.none()
        points = self.filter(cycle__organisation_id=user.organisation_id)
        if user.sees_whole_organisation:
            return points
        return points.filter(unit_id__in=user.unit_ids(), cycle__status__in=Status.shown_to_units())


class Point(models.Model):
    """One unit's score on one indicator: a snapshot written by ``compute`` (or by the
    manual scores), with the raw figures, the workload ``n`` and the method in words."""

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="points")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("unit"))
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="points")
    successes = models.DecimalField(_("successes"), default=0, **DECIMAL)
    n = models.PositiveIntegerField(_("workload"), default=0)
    raw = models.DecimalField(_("raw value"), null=True, blank=True, **RATE)
    normalised = models.DecimalField(_("normalised value"), null=True, blank=True, **RATE)
    score = models.DecimalField(_("score"), default=0, **DECIMAL)
    # Set by an upheld appeal; kept when the ledgers are read again.
    adjusted_score = models.DecimalField(_("adjusted score"), null=True, blank=True, **DECIMAL)
    method = models.TextField(_("method"), blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)

    objects = PointQuerySet.as_manager()

    class Meta:
        ordering = ["unit__code", "indicator__order", "indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "unit", "indicator"], name="appraisal_point_once"
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.indicator}"

    @property
    def effective_score(self):
        return self.score if self.adjusted_score is None else self.adjusted_score


class PointEvent(models.Model):
    """One fact behind a point: a task closed late, a reminder, a meeting missed."""

    point = models.ForeignKey(Point, models.CASCADE, related_name="events")
    task = models.ForeignKey(Task, models.SET_NULL, null=True, blank=True, related_name="+")
    number = models.CharField(_("number"), max_length=30, blank=True)
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"), null=True, blank=True)
    what = models.CharField(_("what"), max_length=200)
    # +1 a success, 0 counted but failed (or not counted), −x points deducted.
    effect = models.DecimalField(_("effect"), default=0, **DECIMAL)
    counted = models.BooleanField(_("counted"), default=True)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.number} {self.what}"


class ManualScore(models.Model):
    """A named person's score of a unit on a manual indicator, with a comment."""

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="manual_scores")
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="manual_scores")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("unit"))
    scorer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    score = models.DecimalField(_("score"), **DECIMAL)
    comment = models.TextField(_("comment"), blank=True)
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit__code", "indicator_id", "scorer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "scorer"], name="appraisal_manual_once"
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.indicator}: {self.score}"


class AppealQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not _org_staff(user):
            return self.none()
        appeals = self.filter(cycle__organisation_id=user.organisation_id)
        if user.sees_whole_organisation:
            return appeals
        return appeals.filter(unit_id__in=user.unit_ids())


class Appeal(models.Model):
    """申诉: a unit disputes one of its points within the appeal period."""

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="appeals")
    point = models.ForeignKey(Point, models.CASCADE, related_name="appeals")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("unit"))
    reason = models.TextField(_("reason"))
    lodged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    lodged_at = models.DateTimeField(_("lodged at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AppealStatus, default=AppealStatus.LODGED
    )
    decision_comment = models.TextField(_("decision"), blank=True)
    score_before = models.DecimalField(_("score before"), null=True, blank=True, **DECIMAL)
    adjusted_score = models.DecimalField(_("adjusted score"), null=True, blank=True, **DECIMAL)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ["-lodged_at", "-id"]

    def __str__(self):
        return f"{self.unit} · {self.point.indicator}"

    @property
    def organisation_id(self):
        """The lifecycle checks the record's organisation."""
        return self.cycle.organisation_id

    @property
    def status_colour(self):
        return AppealStatus.colour(self.status)


class ResultQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Supervisors and leaders every row; a handler its own units' rows from 公示 on."""
        if not _org_staff(user):
            return self.none()
        results = self.filter(cycle__organisation_id=user.organisation_id)
        if user.sees_whole_organisation:
            return results
        return results.filter(
            unit_id__in=user.unit_ids(), cycle__status__in=Status.shown_to_units()
        )


class Result(models.Model):
    """A unit's total (the sum of its points), its grade by the bands and its rank."""

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="results")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("unit"))
    score = models.DecimalField(_("score"), **DECIMAL)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade, blank=True)
    rank = models.PositiveIntegerField(_("rank"))

    objects = ResultQuerySet.as_manager()

    class Meta:
        ordering = ["rank", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit"], name="appraisal_result_once")
        ]

    def __str__(self):
        return f"{self.unit} {self.score} {self.grade}"

    @property
    def grade_colour(self):
        return Grade.colour(self.grade)


class AssesseeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Persons are not ranked in public: supervisors and leaders see every assessee, a
        person their own line."""
        if not _org_staff(user):
            return self.none()
        assessees = self.filter(cycle__organisation_id=user.organisation_id)
        if user.sees_whole_organisation:
            return assessees
        return assessees.filter(user=user).exclude(cycle__status=Status.DRAFT)


class Assessee(models.Model):
    """职工考核: one person, their 述职, their unit's and leaders' scores, total and grade."""

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="assessees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=60)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("unit"))
    position = models.CharField(_("position"), max_length=100, blank=True)
    self_report = models.TextField(_("self-report"), blank=True)
    self_reported_at = models.DateTimeField(null=True, blank=True)
    unit_score = models.DecimalField(_("unit's score"), null=True, blank=True, **DECIMAL)
    unit_comment = models.TextField(blank=True)
    leader_score = models.DecimalField(_("leaders' score"), null=True, blank=True, **DECIMAL)
    leader_comment = models.TextField(blank=True)
    total = models.DecimalField(_("total"), null=True, blank=True, **DECIMAL)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)

    objects = AssesseeQuerySet.as_manager()

    class Meta:
        ordering = ["unit__code", "name", "id"]

    def __str__(self):
        return self.name


class Commendation(models.Model):
    """表彰: 先进部门 (a unit) or 年度优秀员工 (a person), with the decision."""

    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="commendations")
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+")
    assessee = models.ForeignKey(
        Assessee, models.PROTECT, null=True, blank=True, related_name="commendations"
    )
    name = models.CharField(_("commended"), max_length=100)
    title = models.CharField(_("title"), max_length=20, choices=CommendationTitle)
    decision = models.CharField(_("decision"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self):
        return f"{self.get_title_display()}：{self.name}"


class CycleEvent(LifecycleEvent):
    cycle = models.ForeignKey(Cycle, models.CASCADE, related_name="events")
    action = models.CharField(
        _("action"), max_length=20, choices=[*Action.choices, *AppealAction.choices]
    )
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)

    class Meta(LifecycleEvent.Meta):
        verbose_name = _("appraisal event")

    def __str__(self):
        return f"{self.cycle} {self.get_action_display()}"
