"""The rectification API (整改): plans with their figures, their aspects, the problem list
(问题清单) and the measure list (任务清单) with the pages' filter sets, and the plans' and
problems' actions through ``services.perform``. The same reads (``visible_to``) as the pages:
a unit sees its own problems and measures, supervisors and leaders all of their organisation.

A plan's figures are ``stats.figures_for``'s, of what the reader may see (a unit: its own part
of the plan), for a whole page in a constant number of grouped queries, never plan by plan.
"""

from django.db.models import OuterRef, Prefetch, Subquery
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from taizhang.org.models import Unit
from taizhang.rectification import services, stats
from taizhang.rectification.choices import (
    Action,
    Cadence,
    MeasureKind,
    PlanKind,
    PlanStatus,
    ProblemState,
    Progress,
    Seriousness,
)
from taizhang.rectification.filters import MeasureFilterSet, PlanFilterSet, ProblemFilterSet
from taizhang.rectification.models import Measure, Plan, Problem
from taizhang.supervision.choices import Status as TaskStatus
from taizhang.supervision.choices import UnitRole
from taizhang.supervision.models import TaskUnit
from taizhang.utils.errors import WorkflowError

from .filtering import PageFilters

MAX_ID = 2**31 - 1
VERSION_HELP = "The record's version as you read it; a stale one is refused with 409."
RATE_HELP = "A fraction from 0 to 1; null when there is nothing to count."


# ---- figures ---------------------------------------------------------------------------------


# ---- serializers -----------------------------------------------------------------------------


class OpenProblemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    description = serializers.CharField()
    committed_date = serializers.DateField(allow_null=True, help_text="完成时限")
    progress = serializers.ChoiceField(choices=Progress.choices)


def _figure(name, help_text=""):
    return serializers.IntegerField(source=f"figures.{name}", read_only=True, help_text=help_text)


def _rate(name):
    return serializers.FloatField(
        source=f"figures.{name}", read_only=True, allow_null=True, help_text=RATE_HELP
    )


class PlanSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=PlanKind.choices, read_only=True)
    status = serializers.ChoiceField(choices=PlanStatus.choices, read_only=True)
    office = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="The rectification office's unit code."
    )
    leader = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    aspects_total = _figure("aspects_total")
    problems_total = _figure("problems_total")
    problems_done = _figure("problems_done", "已完成: closed, or every measure verified.")
    problems_closed = _figure("problems_closed", "已销号.")
    problems_overdue = _figure("problems_overdue")
    problems_rate = _rate("problems_rate")
    measures_total = _figure("measures_total", "Dropped (cancelled) measures are not counted.")
    measures_done = _figure("measures_done", "Verified and closed.")
    measures_overdue = _figure("measures_overdue")
    measures_rate = _rate("measures_rate")
    open_problems = OpenProblemSerializer(
        source="figures.open_problems",
        many=True,
        read_only=True,
        help_text="The problems not done yet that you may see, with their committed dates.",
    )
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "kind",
            "status",
            "office",
            "leader",
            "deadline",
            "inspected_by",
            "inspected_on",
            "feedback_on",
            "aspects_total",
            "problems_total",
            "problems_done",
            "problems_closed",
            "problems_overdue",
            "problems_rate",
            "measures_total",
            "measures_done",
            "measures_overdue",
            "measures_rate",
            "open_problems",
            "completed_at",
            "url",
            "version",
            "created_at",
        ]
        read_only_fields = fields


class AspectFiguresSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="aspect.pk")
    position = serializers.IntegerField(source="aspect.position")
    title = serializers.CharField(source="aspect.title")
    problems_total = serializers.IntegerField()
    problems_done = serializers.IntegerField()
    problems_overdue = serializers.IntegerField()
    problems_rate = serializers.FloatField(allow_null=True, help_text=RATE_HELP)
    measures_total = serializers.IntegerField()
    measures_done = serializers.IntegerField()
    measures_rate = serializers.FloatField(allow_null=True, help_text=RATE_HELP)


class ProblemMeasureSerializer(serializers.ModelSerializer):
    task = serializers.CharField(source="task.number", read_only=True, help_text="督办编号")
    task_id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(source="task.title", read_only=True)
    status = serializers.ChoiceField(
        source="task.status", choices=TaskStatus.choices, read_only=True
    )
    deadline = serializers.DateField(source="task.deadline", read_only=True, allow_null=True)
    kind = serializers.ChoiceField(choices=MeasureKind.choices, read_only=True)
    cadence = serializers.ChoiceField(choices=Cadence.choices, allow_blank=True, read_only=True)
    is_done = serializers.BooleanField(read_only=True)

    class Meta:
        model = Measure
        fields = ["id", "position", "task", "task_id", "title", "status", "deadline", "kind"]
        fields += ["cadence", "is_done"]
        read_only_fields = fields


class ProblemSerializer(serializers.ModelSerializer):
    plan_title = serializers.CharField(source="plan.title", read_only=True)
    aspect_title = serializers.CharField(source="aspect.title", read_only=True)
    seriousness = serializers.ChoiceField(choices=Seriousness.choices, read_only=True)
    status = serializers.ChoiceField(choices=ProblemState.choices, read_only=True)
    lead_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    units = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text="The responsible units' codes."
    )
    responsible_leader = serializers.CharField(source="leader_label", read_only=True)
    progress = serializers.ChoiceField(choices=Progress.choices, read_only=True)
    is_done = serializers.BooleanField(read_only=True, help_text="已完成, as the rates count it.")
    measures = ProblemMeasureSerializer(
        source="visible_measures", many=True, read_only=True, help_text="Those you may see."
    )
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Problem
        fields = [
            "id",
            "plan",
            "plan_title",
            "aspect",
            "aspect_title",
            "number",
            "description",
            "wording",
            "seriousness",
            "lead_unit",
            "units",
            "responsible_leader",
            "status",
            "progress",
            "is_done",
            "committed_date",
            "closing_summary",
            "closed_at",
            "reopened_times",
            "repeat_of",
            "measures",
            "url",
            "version",
        ]
        read_only_fields = fields


class MeasureSerializer(ProblemMeasureSerializer):
    problem_number = serializers.IntegerField(source="problem.number", read_only=True)
    lead_unit = serializers.CharField(
        source="lead_unit_code", read_only=True, allow_null=True, help_text="A unit code."
    )
    closed_at = serializers.DateTimeField(source="task.closed_at", read_only=True, allow_null=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta(ProblemMeasureSerializer.Meta):
        fields = ["id", "plan", "problem", "problem_number", "position", "task", "task_id"]
        fields += ["title", "status", "deadline", "lead_unit", "kind", "cadence", "is_done"]
        fields += ["closed_at", "url"]
        read_only_fields = fields


class MeasureInputSerializer(serializers.Serializer):
    """A new measure (add_measure, reopen_problem); its units are the problem's by default."""

    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=MeasureKind.choices, required=False)
    cadence = serializers.ChoiceField(choices=Cadence.choices, required=False, allow_blank=True)
    deadline = serializers.DateField(required=False, allow_null=True)
    deadline_working_days = serializers.IntegerField(
        min_value=1, max_value=10000, required=False, allow_null=True
    )
    lead_unit = serializers.CharField(max_length=40, required=False, help_text="A unit code.")
    responsible_units = serializers.ListField(
        child=serializers.CharField(max_length=40), max_length=200, required=False
    )
    cooperating_units = serializers.ListField(
        child=serializers.CharField(max_length=40), max_length=200, required=False
    )


class ActionSerializer(serializers.Serializer):
    """The inputs of an action; the inputs another action takes are ignored."""

    version = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_ID, help_text=VERSION_HELP
    )
    comment = serializers.CharField(
        max_length=20000,
        required=False,
        allow_blank=True,
        default="",
        help_text="complete: the rectification report; close_problem: the summary; "
        "reopen_problem: the reason.",
    )
    committed_date = serializers.DateField(
        required=False, allow_null=True, help_text="commit_date, reopen_problem"
    )
    earlier = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="link_repeat: the earlier problem's id (null unlinks).",
    )
    measure = MeasureInputSerializer(required=False, help_text="add_measure, reopen_problem")


# What each action takes besides ``version`` (the services' keyword arguments).
ACTION_INPUTS = {
    Action.APPROVE: ("comment",),
    Action.ASSIGN: ("comment",),
    Action.APPROVE_TASKS: ("comment",),
    Action.ASSIGN_TASKS: ("comment",),
    Action.COMPLETE: ("comment",),
    Action.COMMIT_DATE: ("committed_date", "comment"),
    Action.CLOSE_PROBLEM: ("comment",),
    Action.REOPEN_PROBLEM: ("comment", "measure", "committed_date"),
    Action.LINK_REPEAT: ("earlier",),
    Action.ADD_MEASURE: ("measure",),
}


# ---- querysets -------------------------------------------------------------------------------


def _plans(user):
    return Plan.objects.visible_to(user).select_related("office", "leader")


def _problems(user):
    measures = Measure.objects.visible_to(user).select_related("task").order_by("position")
    return (
        Problem.objects.visible_to(user)
        .with_progress()
        .select_related("plan", "aspect", "lead_unit", "responsible_leader")
        .prefetch_related(
            "units", Prefetch("measures", queryset=measures, to_attr="visible_measures")
        )
    )


def _measures(user):
    lead = TaskUnit.objects.filter(task=OuterRef("task"), role=UnitRole.LEAD).values("unit__code")
    return (
        Measure.objects.visible_to(user)
        .select_related("task", "problem")
        .annotate(lead_unit_code=Subquery(lead[:1]))
        .order_by("plan", "problem__number", "position")
    )


def _with_figures(request, plans):
    figures = stats.figures_for(plans, request.user)
    for plan in plans:
        plan.figures = figures[plan.pk]
    return plans


def _found(queryset, pk, message):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound(message)
    return found


def _plan(request, pk):
    return _found(_plans(request.user), pk, _("No such plan, or not one you may see."))


def _problem(request, pk):
    return _found(_problems(request.user), pk, _("No such problem, or not one you may see."))


# ---- views -----------------------------------------------------------------------------------


class PlanList(PageFilters, generics.ListAPIView):
    """The plans the caller may see, newest first, with their figures, and the list page's
    filters: keyword (q), kind, status, work (the caller's waiting work)."""

    serializer_class = PlanSerializer
    filterset_class = PlanFilterSet  # documents the filters in the OpenAPI schema

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Plan.objects.none()
        return _plans(self.request.user)

    def list(self, request, *args, **kwargs):
        plans = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(plans)
        rows = _with_figures(request, list(page if page is not None else plans))
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


class PlanDetail(generics.RetrieveAPIView):
    serializer_class = PlanSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Plan.objects.none()
        return _plans(self.request.user)

    def get_object(self):
        return _with_figures(self.request, [_plan(self.request, self.kwargs["pk"])])[0]


class PlanAspects(APIView):
    """The plan's figures aspect by aspect (方面), in its order."""

    @extend_schema(responses=AspectFiguresSerializer(many=True))
    def get(self, request, pk):
        rows = stats.by_aspect(_plan(request, pk), request.user)
        return Response(AspectFiguresSerializer(rows, many=True).data)


class ProblemList(PageFilters, generics.ListAPIView):
    """问题清单: the problems the caller may see, with the page's filters: keyword (q), plan,
    aspect, progress, done, seriousness, unit (a unit's id), repeat."""

    serializer_class = ProblemSerializer
    filterset_class = ProblemFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Problem.objects.none()
        return _problems(self.request.user)


class ProblemDetail(generics.RetrieveAPIView):
    serializer_class = ProblemSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Problem.objects.none()
        return _problems(self.request.user)

    def get_object(self):
        return _problem(self.request, self.kwargs["pk"])


class MeasureList(PageFilters, generics.ListAPIView):
    """任务清单: the measures the caller may see, with the page's filters: keyword (q), plan,
    aspect, problem, kind, state (done, on_time, open, overdue, dropped), unit (the lead
    unit's id), month (YYYY-MM, verified in it)."""

    serializer_class = MeasureSerializer
    filterset_class = MeasureFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Measure.objects.none()
        return _measures(self.request.user)


def _unit(user, code):
    unit = Unit.objects.filter(organisation_id=user.organisation_id, code=code).first()
    if unit is None:
        raise WorkflowError(_("No unit has the code “%(code)s”.") % {"code": code})
    return unit


def _measure_fields(user, data):
    """The measure's inputs as ``services.add_measure`` takes them (units by code)."""
    fields = dict(data)
    if "lead_unit" in fields:
        fields["lead_unit"] = _unit(user, fields["lead_unit"])
    for key in ("responsible_units", "cooperating_units"):
        if key in fields:
            fields[key] = [_unit(user, code) for code in fields[key]]
    return fields


def _params(request, action, data):
    """The keyword arguments of the action's service, from the inputs it takes."""
    params = {"version": data.get("version")}
    for name in ACTION_INPUTS.get(action, ()):
        if name == "measure":
            if "measure" not in data:
                raise serializers.ValidationError(
                    {"measure": [_("Give the measure: at least its title.")]}
                )
            measure = _measure_fields(request.user, data["measure"])
            if action == Action.ADD_MEASURE:
                params.update(measure)
            else:
                params["measure"] = measure
        elif name == "earlier":
            params["earlier"] = _earlier(request, data.get("earlier"))
        else:
            params[name] = data.get(name, "" if name == "comment" else None)
    return params


def _earlier(request, pk):
    if pk is None:
        return None
    earlier = Problem.objects.visible_to(request.user).filter(pk=pk).first()
    if earlier is None:
        raise WorkflowError(_("No such earlier problem, or not one you may see."))
    return earlier


def _act(request, record, action):
    data = ActionSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    params = _params(request, action, data.validated_data)
    services.perform(record, action, by=request.user, **params)


ANSWERED = OpenApiResponse(description="Done; the record is no longer one you may see.")


class PlanAction(APIView):
    """A plan's action by name: approve (the leading group's head), assign, approve_tasks,
    assign_tasks, complete (with the report as ``comment``)."""

    @extend_schema(request=ActionSerializer, responses={200: PlanSerializer, 204: ANSWERED})
    def post(self, request, pk, action):
        _act(request, _plan(request, pk), action)
        fresh = _plans(request.user).filter(pk=pk).first()
        if fresh is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(PlanSerializer(_with_figures(request, [fresh])[0]).data)


class ProblemAction(APIView):
    """A problem's action by name: commit_date (``committed_date``), close_problem (销号, the
    summary as ``comment``), reopen_problem (回头看: ``comment``, a new ``measure``),
    link_repeat (``earlier``), add_measure (``measure``)."""

    @extend_schema(request=ActionSerializer, responses={200: ProblemSerializer, 204: ANSWERED})
    def post(self, request, pk, action):
        _act(request, _problem(request, pk), action)
        fresh = _problems(request.user).filter(pk=pk).first()
        if fresh is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ProblemSerializer(fresh).data)
