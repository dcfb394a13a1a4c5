"""The demo's rectification plans read the seed's figures, computed from the ledger: the 2022
巡视整改 plan's 13 aspects and 46 problems, 41 done (89 %), 83 measures, 78 done (94 %), five
open problems each with a committed date and five open measures each with a deadline; the 33
audit items all closed, one a repeat of the inspection's finding; the city's open plan."""

import pytest
from django.utils import timezone

from taizhang.org.models import User
from taizhang.rectification import stats
from taizhang.rectification.choices import PlanStatus, ProblemState
from taizhang.rectification.models import Measure, Plan, Problem
from taizhang.supervision.choices import SourceKind
from taizhang.supervision.choices import Status as TaskStatus

pytestmark = pytest.mark.django_db


def test_the_federations_year_in_rectification(client, demo):
    today = timezone.localdate()
    inspection = Plan.objects.get(organisation__code="jxl", kind="inspection")
    figures = stats.plan_figures(inspection)
    assert figures["aspects_total"] == 13
    assert (figures["problems_done"], figures["problems_total"]) == (41, 46)
    assert round(figures["problems_rate"] * 100) == 89
    assert (figures["measures_done"], figures["measures_total"]) == (78, 83)
    assert round(figures["measures_rate"] * 100) == 94
    assert len(figures["open_problems"]) == 5
    assert all(
        p["committed_date"] and p["committed_date"] > today for p in figures["open_problems"]
    )
    assert len(figures["open_measures"]) == 5
    assert all(
        m["task__deadline"] and m["task__deadline"] > today for m in figures["open_measures"]
    )
    assert figures["problems_closed"] == 41 and figures["problems_overdue"] == 0
    assert inspection.status == PlanStatus.IN_PROGRESS
    # Every measure is a task of kind 整改; the verified ones were closed in 2022 and 2023.
    measures = Measure.objects.filter(plan=inspection).select_related("task")
    assert {m.task.source_kind for m in measures} == {SourceKind.RECTIFICATION}
    years = {m.task.closed_at.year for m in measures if m.task.status == TaskStatus.CLOSED}
    assert years <= {2022, 2023}
    assert {m.kind for m in measures} == {"scheduled", "immediate", "ongoing"}
    assert all(m.cadence for m in measures if m.kind == "ongoing")
    months = stats.by_month(inspection)
    assert (
        months[0]["month"].year == 2022 and months[-1]["measures_rate"] == figures["measures_rate"]
    )
    units = {r["unit"].code for r in stats.by_unit(inspection)}
    assert len(units) >= 10  # spread over the departments
    assert Problem.objects.filter(plan=inspection).exclude(responsible_leader_name="").count() == 46
    closed = Problem.objects.filter(plan=inspection, status=ProblemState.CLOSED)
    assert all(p.closing_summary and p.closed_at.year in (2022, 2023) for p in closed)
    assert inspection.events.filter(created_at__year=2022).exists()

    audit = Plan.objects.get(organisation__code="jxl", kind="audit")
    audit_figures = stats.plan_figures(audit)
    assert audit_figures["problems_total"] == audit_figures["problems_closed"] == 33
    assert audit_figures["measures_total"] == audit_figures["measures_done"] == 33
    assert audit.status == PlanStatus.COMPLETED
    repeat = Problem.objects.get(plan=audit, repeat_of__isnull=False)
    assert repeat.repeat_of.plan == inspection

    # The city's handlers see their measures of its 督查反馈 plan.
    city = Plan.objects.get(organisation__code="xxs")
    assert city.kind == "supervision" and stats.plan_figures(city)["open_problems"]
    for code in ("tzb", "gzw"):
        mine = Measure.objects.visible_to(User.objects.get(username=code)).filter(plan=city)
        assert mine.exists(), code
    assert (
        not Measure.objects.visible_to(User.objects.get(username="tzb"))
        .filter(plan__organisation__code="jxl")
        .exists()
    )
