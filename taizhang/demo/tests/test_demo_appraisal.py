"""The demo's appraisals: the federation's 2022 ledger of 220 document and meeting tasks, its
2022 department appraisal (ten of twelve at B or above, from the ledger), the staff assessment
with eight commended, and the city's appraisal of its SOEs still in scoring."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from taizhang.appraisal import rules, stats
from taizhang.appraisal.choices import (
    Action,
    AppealStatus,
    CommendationTitle,
    IndicatorKind,
    Metric,
    Status,
    Subject,
)
from taizhang.appraisal.models import Cycle, Point
from taizhang.demo.management.commands.demo import DEMO_PASSWORD
from taizhang.org.models import User
from taizhang.supervision.choices import Action as TaskAction
from taizhang.supervision.choices import SourceKind, UnitRole
from taizhang.supervision.choices import Status as TaskStatus
from taizhang.supervision.models import Task, TaskEvent, TaskUnit, UnitReminder

pytestmark = pytest.mark.django_db


def _closed_in_2022(org_code):
    return Task.objects.filter(
        organisation__code=org_code,
        source_kind__in=[SourceKind.DOCUMENT, SourceKind.MEETING],
        status=TaskStatus.CLOSED,
        closed_at__year=2022,
    )


def test_the_demo_appraisals(client):
    """One load of the demo (it takes a while), read as the office, a department and the city."""
    call_command("demo")
    _ledger_of_2022()
    cycle = _department_appraisal()
    _points_trace_to_their_events(cycle)
    _staff_assessment()
    _a_department_reads_its_points(client, cycle)
    _the_citys_appraisal_is_in_scoring()


def _ledger_of_2022():
    # 全年完成文件、会议督办220项: what the reports count.
    ledger = _closed_in_2022("jxl")
    assert ledger.count() == 220
    assert ledger.filter(source_kind=SourceKind.MEETING).exists()
    # Worked through the services by the departments: returned once, late (亮红灯 on the
    # timeline the day after the deadline), reminded in the daily job's digests.
    events = {a for a in ledger.values_list("events__action", flat=True)}
    assert {TaskAction.SIGN, TaskAction.PROGRESS, TaskAction.RETURN, TaskAction.LIGHT} <= events
    assert not TaskEvent.objects.filter(task__in=ledger, action=TaskAction.REMIND).exists()
    digests = UnitReminder.objects.filter(day__year=2022)
    assert digests.exists() and all(d.red == len(d.tasks["red"]) for d in digests)
    late = [t for t in ledger if timezone.localdate(t.closed_at) > t.deadline]
    assert 10 <= len(late) <= 40
    assert all(e.created_at.year == 2022 for t in ledger[:20] for e in t.events.all())


def _department_appraisal():
    cycle = Cycle.objects.get(organisation__code="jxl", title="2022年度部门考评")
    assert cycle.status == Status.PUBLISHED and cycle.published_on == datetime.date(2023, 1, 13)
    assert stats.appraised_count(cycle) == 12
    assert sum(i.weight for i in cycle.indicators.all()) == 100
    assert stats.at_or_above(cycle, "B") == 10  # 12个部门中有10个部门获得B级以上评价
    assert not rules.quota_breaches(cycle, rules.graded_rows(cycle))
    grades = [r.grade for r in stats.results_table(cycle)]
    assert grades.count("A") == 2 and set(grades[-2:]) <= {"C", "D"}
    # The results come from the ledger: the departments differ on every computed indicator.
    for indicator in cycle.indicators.filter(kind=IndicatorKind.COMPUTED):
        scores = set(Point.objects.filter(indicator=indicator).values_list("score", flat=True))
        assert len(scores) > 1, indicator
    appeal = cycle.appeals.get()
    assert appeal.status == AppealStatus.UPHELD and appeal.point.adjusted_score is not None
    advanced = cycle.commendations.filter(title=CommendationTitle.UNIT)
    assert {c.unit_id for c in advanced} == {r.unit_id for r in cycle.results.filter(grade="A")}
    assert cycle.events.filter(action=Action.PUBLISH).get().created_at.year == 2023
    return cycle


def _staff_assessment():
    staff = Cycle.objects.get(organisation__code="jxl", subject=Subject.STAFF)
    assert staff.status == Status.PUBLISHED
    assert staff.commendations.filter(title=CommendationTitle.STAFF).count() == 8
    assert all(a.self_report and a.total is not None for a in staff.assessees.all())


def _a_department_reads_its_points(client, cycle):
    # What a department's handler reads: its own result and the tasks behind its points.
    assert client.login(username="hyfwb", password=DEMO_PASSWORD)
    rows = client.get(f"/api/appraisal/cycles/{cycle.pk}/results").json()
    assert [r["unit"] for r in rows] == ["hyfwb"]
    points = client.get(f"/api/appraisal/cycles/{cycle.pk}/results/hyfwb/points").json()
    overdue = next(p for p in points if p["metric"] == Metric.OVERDUE_DAYS)
    assert overdue["events"] and all(e["task"] for e in overdue["events"])
    assert Decimal(overdue["effective_score"]) > Decimal(overdue["score"])  # the appeal


def _points_trace_to_their_events(cycle):
    """Every computed point of a department is the sum of the events behind it, each a task
    the department led (or was responsible for) in 2022."""
    charged = set(
        TaskUnit.objects.filter(
            task__organisation=cycle.organisation, role__in=[UnitRole.LEAD, UnitRole.RESPONSIBLE]
        ).values_list("task_id", "unit_id")
    )
    points = Point.objects.filter(cycle=cycle, indicator__kind=IndicatorKind.COMPUTED)
    for point in points.select_related("indicator").prefetch_related("events"):
        events = list(point.events.all())
        assert all((e.task_id, point.unit_id) in charged for e in events), point
        assert all(e.date and cycle.start <= e.date <= cycle.end for e in events), point
        if point.indicator.metric in Metric.rates():
            counted = [e for e in events if e.counted]
            assert point.n == len(counted) > 0, point
            bad = sum(1 for e in counted if e.effect < 0)
            hits = bad if point.indicator.metric in Metric.lower_is_better() else len(counted) - bad
            assert point.successes == hits, point
        else:
            deducted = -sum(e.effect for e in events)
            assert point.score == max(Decimal(0), point.indicator.weight - deducted), point


def _the_citys_appraisal_is_in_scoring():
    cycle = Cycle.objects.get(organisation__code="xxs")
    assert cycle.status == Status.SCORING and cycle.year == timezone.localdate().year
    assert {cu.unit.code for cu in cycle.cycle_units.all()} == {"xxgt", "xxky", "xxjt"}
    leader = User.objects.get(username="city-lingdao")
    assert rules.missing_manual_scores(cycle)  # 市委领导评价 is the leader's to give
    assert rules.can(leader, Action.SCORE, cycle)
    assert rules.why_not(User.objects.get(username="city-duban"), Action.PUBLICISE, cycle)
