"""The appraisal's API (考评): cycles, their results and each unit's points with the events
behind them, read with the same rules as the pages. Supervisors and leaders read every row of
their organisation; a handler the cycles past the draft and, from 公示 on, only its own units'
results and points. Staff assessments rank persons: their table is not in the API.
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound

from taizhang.appraisal import rules
from taizhang.appraisal.choices import (
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
from taizhang.appraisal.models import (
    Commendation,
    Cycle,
    CycleUnit,
    GradeBand,
    Indicator,
    Point,
    PointEvent,
    Result,
)
from taizhang.org.models import Unit

CODES = {"type": "array", "items": {"type": "string"}, "description": "Unit codes."}
DATE = {"type": "string", "format": "date", "nullable": True}


class IndicatorSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=IndicatorKind.choices, read_only=True)
    metric = serializers.ChoiceField(choices=[("", ""), *Metric.choices], read_only=True)
    scorer_kind = serializers.ChoiceField(choices=[("", ""), *ScorerKind.choices], read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "name",
            "kind",
            "metric",
            "scorer_kind",
            "weight",
            "floor",
            "per_event",
            "cadence_days",
            "description",
        ]
        read_only_fields = fields


class BandSerializer(serializers.ModelSerializer):
    grade = serializers.ChoiceField(choices=Grade.choices, read_only=True)

    class Meta:
        model = GradeBand
        fields = ["grade", "min_score", "max_share"]
        read_only_fields = fields


class CommendationSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    title = serializers.ChoiceField(choices=CommendationTitle.choices, read_only=True)

    class Meta:
        model = Commendation
        fields = ["name", "unit", "title", "decision"]
        read_only_fields = fields


class CycleSerializer(serializers.ModelSerializer):
    subject = serializers.ChoiceField(choices=Subject.choices, read_only=True)
    period = serializers.ChoiceField(choices=Period.choices, read_only=True)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    grade_scheme = serializers.ChoiceField(choices=GradeScheme.choices, read_only=True)
    units = serializers.SerializerMethodField(help_text="The appraised units' codes.")
    appeal_deadline = serializers.SerializerMethodField(
        help_text="The last day a unit may appeal (公示 + the appeal period in working days)."
    )
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Cycle
        fields = [
            "id",
            "title",
            "subject",
            "period",
            "year",
            "half",
            "start",
            "end",
            "status",
            "grade_scheme",
            "smoothing",
            "appeal_working_days",
            "units",
            "computed_at",
            "publicised_on",
            "appeal_deadline",
            "confirmed_at",
            "published_on",
            "decision_number",
            "version",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(CODES)
    def get_units(self, cycle):
        return [cu.unit.code for cu in cycle.cycle_units.all()]

    @extend_schema_field(DATE)
    def get_appeal_deadline(self, cycle):
        deadline = rules.appeal_deadline(cycle)
        return deadline.isoformat() if deadline else None


class CycleDetailSerializer(CycleSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)
    bands = BandSerializer(many=True, read_only=True)
    commendations = CommendationSerializer(many=True, read_only=True)

    class Meta(CycleSerializer.Meta):
        fields = [
            *CycleSerializer.Meta.fields,
            "decision_text",
            "indicators",
            "bands",
            "commendations",
        ]
        read_only_fields = fields


class ResultSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    grade = serializers.ChoiceField(choices=[("", ""), *Grade.choices], read_only=True)

    class Meta:
        model = Result
        fields = ["unit", "unit_name", "score", "grade", "rank"]
        read_only_fields = fields


class PointEventSerializer(serializers.ModelSerializer):
    task = serializers.PrimaryKeyRelatedField(read_only=True, help_text="The task's id, if any.")

    class Meta:
        model = PointEvent
        fields = ["task", "number", "title", "date", "what", "effect", "counted"]
        read_only_fields = fields


class PointSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    indicator = serializers.CharField(source="indicator.name", read_only=True)
    indicator_id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(
        source="indicator.kind", choices=IndicatorKind.choices, read_only=True
    )
    metric = serializers.ChoiceField(
        source="indicator.metric", choices=[("", ""), *Metric.choices], read_only=True
    )
    weight = serializers.DecimalField(
        source="indicator.weight", max_digits=8, decimal_places=2, read_only=True
    )
    effective_score = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        read_only=True,
        help_text="The score counted: the adjusted one when an appeal was upheld.",
    )
    events = PointEventSerializer(many=True, read_only=True)

    class Meta:
        model = Point
        fields = [
            "id",
            "unit",
            "indicator",
            "indicator_id",
            "kind",
            "metric",
            "weight",
            "successes",
            "n",
            "raw",
            "normalised",
            "score",
            "adjusted_score",
            "effective_score",
            "method",
            "computed_at",
            "events",
        ]
        read_only_fields = fields


def _cycles(user):
    units = CycleUnit.objects.select_related("unit")
    return Cycle.objects.visible_to(user).prefetch_related(Prefetch("cycle_units", queryset=units))


def _cycle(request, pk):
    found = _cycles(request.user).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such appraisal, or not one you may see."))
    return found


class CycleList(generics.ListAPIView):
    """The appraisal cycles the caller may see, newest first."""

    serializer_class = CycleSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Cycle.objects.none()
        return _cycles(self.request.user)


class CycleDetail(generics.RetrieveAPIView):
    serializer_class = CycleDetailSerializer
    filter_backends = []

    def get_object(self):
        found = (
            _cycles(self.request.user)
            .prefetch_related(
                "indicators",
                "bands",
                Prefetch("commendations", queryset=Commendation.objects.select_related("unit")),
            )
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if found is None:
            raise NotFound(_("No such appraisal, or not one you may see."))
        return found


class CycleResults(generics.ListAPIView):
    """One row per unit, best first: ``unit`` (its code), ``score``, ``grade``, ``rank``. A
    handler reads its own units' rows, from 公示 on."""

    serializer_class = ResultSerializer
    filter_backends = []
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Result.objects.none()
        cycle = _cycle(self.request, self.kwargs["pk"])
        return (
            Result.objects.visible_to(self.request.user)
            .filter(cycle=cycle)
            .select_related("unit")
            .order_by("rank", "unit__code")
        )


class UnitPoints(generics.ListAPIView):
    """A unit's points in the cycle, each with the events (tasks, dates) it came from and the
    method of its score."""

    serializer_class = PointSerializer
    filter_backends = []
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Point.objects.none()
        cycle = _cycle(self.request, self.kwargs["pk"])
        unit = Unit.objects.filter(
            organisation_id=cycle.organisation_id, code=self.kwargs["unit"]
        ).first()
        if (
            unit is None
            or unit.pk not in rules.appraised_unit_ids(cycle)
            or not rules.can_see_unit(self.request.user, cycle, unit.pk)
        ):
            raise NotFound(_("No such unit in this appraisal, or not one you may see."))
        return (
            Point.objects.visible_to(self.request.user)
            .filter(cycle=cycle, unit=unit)
            .select_related("unit", "indicator")
            .prefetch_related(
                Prefetch("events", queryset=PointEvent.objects.order_by("date", "id"))
            )
            .order_by("indicator__order", "indicator_id")
        )
