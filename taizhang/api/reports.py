"""统计: the overview's figures and the year-end summary's, as the pages compute them
(reports/overview.py, reports/year.py), for the caller's organisation. Each figure carries the
address of the list behind it; a figure that cannot be computed has no value and says why."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from taizhang.reports import overview, periods, rules, year
from taizhang.supervision.models import Task
from taizhang.utils.errors import WorkflowError

RATE_HELP = "A fraction from 0 to 1; null when nothing was closed."


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.IntegerField(allow_null=True, help_text="null when it cannot be computed")
    unit = serializers.CharField()
    source = serializers.CharField(help_text="The address of the list behind the figure.")
    missing = serializers.CharField(required=False, help_text="Why there is no value.")
    details = serializers.ListField(
        child=serializers.DictField(), required=False, help_text="The open items and their dates."
    )


class YearSummarySerializer(serializers.Serializer):
    year = serializers.IntegerField()
    organisation = serializers.CharField()
    figures = FigureSerializer(many=True)


class CountsSerializer(serializers.Serializer):
    open = serializers.IntegerField(help_text="Open on the period's last day (or today).")
    overdue = serializers.IntegerField(help_text="Overdue on the period's last day (or today).")
    closed = serializers.IntegerField(help_text="Closed within the period.")
    closed_on_time = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True, help_text=RATE_HELP)
    links = serializers.DictField(child=serializers.CharField())


class UnitCountsSerializer(CountsSerializer):
    unit = serializers.CharField(source="unit.code", help_text="The lead unit's code.")
    name = serializers.CharField(source="unit.name")
    lights = serializers.DictField(child=serializers.IntegerField(), help_text="Today's lights.")


class PeriodSerializer(serializers.Serializer):
    key = serializers.CharField()
    kind = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    as_of = serializers.DateField()


class OverviewSerializer(CountsSerializer):
    period = PeriodSerializer()
    by_unit = UnitCountsSerializer(many=True)


def _require_overview(user):
    if not rules.sees_overview(user):
        raise PermissionDenied(_("The overview is for the supervision office and the leaders."))


class YearSummary(APIView):
    """The year-end summary's figures (年度工作总结) for the caller's organisation."""

    @extend_schema(
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, required=True)],
        responses=YearSummarySerializer,
    )
    def get(self, request):
        _require_overview(request.user)
        value = request.query_params.get("year", "")
        if not value.isdecimal() or not periods.FIRST_YEAR <= int(value) <= periods.LAST_YEAR:
            raise serializers.ValidationError(
                {
                    "year": _("A year between %(first)d and %(last)d, please.")
                    % {"first": periods.FIRST_YEAR, "last": periods.LAST_YEAR}
                }
            )
        figures = year.year_figures(request.user, int(value))
        body = {
            "year": int(value),
            "organisation": request.user.organisation.name,
            "figures": [figure.as_json() for figure in figures],
        }
        return Response(YearSummarySerializer(body).data)


class Overview(APIView):
    """The overview's figures (督办总览) for a period: open and overdue on its last day (or
    today), closed within it, the on-time rate, and the same per lead unit."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "period",
                OpenApiTypes.STR,
                description="2026-11, 2026-Q4, 2026 or 2026-01-01..2026-06-30; this month if "
                "absent.",
            )
        ],
        responses=OverviewSerializer,
    )
    def get(self, request):
        _require_overview(request.user)
        try:
            period = periods.parse(request.query_params.get("period"))
        except WorkflowError as exc:
            raise serializers.ValidationError({"period": exc.message}) from None
        tasks = Task.objects.visible_to(request.user)
        figures = overview.ledger_figures(tasks, period, request.user.organisation_id)
        body = {
            **figures["headline"],
            "period": {
                "key": period.key,
                "kind": period.kind,
                "start": period.start,
                "end": period.end,
                "as_of": period.as_of,
            },
            "by_unit": figures["units"],
        }
        return Response(OverviewSerializer(body).data)
