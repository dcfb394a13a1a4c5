"""The filters of the plan, problem (问题清单) and measure (任务清单) lists, for pages, exports
and the API alike. Every figure of ``stats`` links to one of these lists, so the numbers and
the rows behind them are read by the same rule."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from taizhang.org.models import Unit
from taizhang.supervision.choices import Status as TaskStatus
from taizhang.supervision.choices import UnitRole
from taizhang.utils.filters import StyledFilterSet

from .choices import MeasureKind, PlanKind, PlanStatus, Progress, Seriousness
from .models import VERIFIED, VERIFIED_ON_TIME, Aspect, Measure, Plan, Problem, overdue_on
from .todo import waiting_work


def _keyword(queryset, fields, value):
    words = value.split()[:5]
    for word in words:
        query = Q()
        for field in fields:
            query |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(query)
    return queryset


@extend_schema_field(OpenApiTypes.INT)  # a unit's id (the API documents it so)
class UnitFilter(django_filters.ModelChoiceFilter):
    pass


class _ScopedFilterSet(StyledFilterSet):
    """Plans, aspects and units offered are the user's organisation's (and visible plans)."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is None or not user.is_authenticated:
            return
        plans = Plan.objects.visible_to(user)
        if "plan" in self.filters:
            self.filters["plan"].queryset = plans
        if "aspect" in self.filters:
            self.filters["aspect"].queryset = Aspect.objects.filter(plan__in=plans)
        for name in ("unit", "lead_unit"):
            if name in self.filters:
                self.filters[name].queryset = Unit.objects.filter(
                    organisation_id=user.organisation_id
                )


class PlanFilterSet(_ScopedFilterSet):
    q = django_filters.CharFilter(method="filter_keyword", label=_("Keyword"))
    kind = django_filters.ChoiceFilter(
        choices=PlanKind.choices, label=_("Kind"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        choices=PlanStatus.choices, label=_("Status"), empty_label=_("All")
    )
    # The user's waiting work (我的待办 links here): the same plans it counts.
    work = django_filters.ChoiceFilter(
        method="filter_work",
        label=_("My work"),
        empty_label=_("All"),
        choices=[
            ("assign", _("Measures to assign")),
            ("close", _("Problems to close")),
            ("approve", _("Rectification plans to approve")),
        ],
    )

    class Meta:
        model = Plan
        fields = ["q", "kind", "status", "work"]

    def filter_keyword(self, queryset, name, value):
        return _keyword(queryset, ["title", "inspected_by", "feedback_summary"], value)

    def filter_work(self, queryset, name, value):
        if self.user is None:
            return queryset.none()
        for key, _title, plans in waiting_work(self.user):
            if key == value:
                return queryset.filter(pk__in=plans.values("pk"))
        return queryset.none()


class _PlansOfAYear(django_filters.FilterSet):
    """The plans of one kind whose feedback (反馈) came in a year: what the year-end summary's
    figures add up over several plans (reports/year.py), so that their links list as many."""

    plan_kind = django_filters.ChoiceFilter(
        field_name="plan__kind", choices=PlanKind.choices, label=_("Kind of plan")
    )
    feedback_year = django_filters.NumberFilter(
        field_name="plan__feedback_on__year",
        min_value=2000,
        max_value=2100,
        label=_("Feedback in the year"),
    )


class ProblemFilterSet(_PlansOfAYear, _ScopedFilterSet):
    q = django_filters.CharFilter(method="filter_keyword", label=_("Keyword"))
    plan = django_filters.ModelChoiceFilter(
        queryset=Plan.objects.none(),
        label=pgettext_lazy("rectification", "Plan"),
        empty_label=_("All"),
    )
    aspect = django_filters.ModelChoiceFilter(
        queryset=Aspect.objects.none(), label=_("Aspect"), empty_label=_("All")
    )
    progress = django_filters.ChoiceFilter(
        choices=Progress.choices, label=_("Progress"), empty_label=_("All")
    )
    # 未完成 / 已完成 as the rates count them (problems_done), whatever their 销号.
    done = django_filters.BooleanFilter(field_name="is_done", label=_("Done"))
    seriousness = django_filters.ChoiceFilter(
        choices=Seriousness.choices, label=_("Seriousness"), empty_label=_("All")
    )
    unit = UnitFilter(
        queryset=Unit.objects.none(),
        method="filter_unit",
        label=_("Unit"),
        empty_label=_("All"),
    )
    # The unit the figures by unit count a problem for: its lead unit.
    lead_unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.none(), label=_("Lead unit"), empty_label=_("All")
    )
    repeat = django_filters.BooleanFilter(
        field_name="repeat_of", lookup_expr="isnull", exclude=True, label=_("Repeat problems")
    )
    done_month = django_filters.DateFilter(
        method="filter_done_month", label=_("Done in the month of"), input_formats=["%Y-%m"]
    )

    class Meta:
        model = Problem
        fields = [
            "q",
            "plan",
            "aspect",
            "progress",
            "done",
            "seriousness",
            "unit",
            "lead_unit",
            "repeat",
            "done_month",
            "plan_kind",
            "feedback_year",
        ]

    def __init__(self, data=None, queryset=None, **kwargs):
        # ``progress`` and ``is_done`` are annotations: the list always carries them.
        if queryset is not None and "is_done" not in queryset.query.annotations:
            queryset = queryset.with_progress()
        super().__init__(data, queryset=queryset, **kwargs)

    def filter_keyword(self, queryset, name, value):
        return _keyword(queryset, ["description", "wording"], value)

    def filter_done_month(self, queryset, name, value):
        """Done (its last measure verified) in that month, as ``stats.by_month`` counts."""
        return queryset.filter(is_done=True, done_on__year=value.year, done_on__month=value.month)

    def filter_unit(self, queryset, name, unit):
        """The problems a unit answers for: as lead, responsible, or leading a measure."""
        return queryset.filter(
            Q(lead_unit=unit)
            | Q(units=unit)
            | Q(
                measures__task__task_units__unit=unit,
                measures__task__task_units__role=UnitRole.LEAD,
            )
        ).distinct()


class MeasureFilterSet(_PlansOfAYear, _ScopedFilterSet):
    q = django_filters.CharFilter(method="filter_keyword", label=_("Keyword"))
    plan = django_filters.ModelChoiceFilter(
        queryset=Plan.objects.none(),
        label=pgettext_lazy("rectification", "Plan"),
        empty_label=_("All"),
    )
    aspect = django_filters.ModelChoiceFilter(
        field_name="problem__aspect",
        queryset=Aspect.objects.none(),
        label=_("Aspect"),
        empty_label=_("All"),
    )
    # Bounded: an id no database holds is an empty list, not an overflow.
    problem = django_filters.NumberFilter(
        field_name="problem", min_value=1, max_value=2**31 - 1, label=_("Problem")
    )
    kind = django_filters.ChoiceFilter(
        choices=MeasureKind.choices, label=_("Kind of measure"), empty_label=_("All")
    )
    state = django_filters.ChoiceFilter(
        method="filter_state",
        label=_("State"),
        empty_label=_("All"),
        choices=[
            ("counted", _("Not dropped")),  # what the totals count
            ("done", _("Verified")),
            ("on_time", _("Verified on time")),
            ("open", _("Not verified")),
            ("overdue", _("Overdue")),
            ("dropped", _("Dropped")),
        ],
    )
    unit = UnitFilter(
        queryset=Unit.objects.none(),
        method="filter_unit",
        label=_("Lead unit"),
        empty_label=_("All"),
    )
    month = django_filters.DateFilter(
        method="filter_month", label=_("Verified in the month of"), input_formats=["%Y-%m"]
    )

    class Meta:
        model = Measure
        fields = [
            "q",
            "plan",
            "aspect",
            "problem",
            "kind",
            "state",
            "unit",
            "month",
            "plan_kind",
            "feedback_year",
        ]

    def filter_keyword(self, queryset, name, value):
        return _keyword(queryset, ["task__title", "task__body", "task__number"], value)

    def filter_state(self, queryset, name, value):
        counted = queryset.counted()
        return {
            "counted": lambda: counted,
            "done": lambda: counted.filter(VERIFIED),
            "on_time": lambda: counted.filter(VERIFIED_ON_TIME),
            "open": lambda: counted.exclude(VERIFIED),
            "overdue": lambda: counted.filter(overdue_on(timezone.localdate())),
            "dropped": lambda: queryset.filter(task__status=TaskStatus.CANCELLED),
        }[value]()

    def filter_unit(self, queryset, name, unit):
        return queryset.filter(task__task_units__unit=unit, task__task_units__role=UnitRole.LEAD)

    def filter_month(self, queryset, name, value):
        return queryset.filter(
            VERIFIED,
            task__closed_at__year=value.year,
            task__closed_at__month=value.month,
        )
