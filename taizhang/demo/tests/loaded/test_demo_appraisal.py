"""The demo's appraisals: the federation's 2022 ledger of 220 document and meeting tasks, its
2022 department appraisal (ten of twelve at B or above, from the ledger), the staff assessment
with eight commended, and the city's appraisal of its SOEs still in scoring; and the year-end
summary of 2022 computed from all of them, which states seed 000's figures."""

import datetime
from decimal import Decimal

import pytest
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


def test_the_demo_appraisals(client, demo):
    """The demo read as the office, a department and the city."""
    _ledger_of_2022()
    cycle = _department_appraisal()
    _points_trace_to_their_events(cycle)
    _staff_assessment()
    _a_department_reads_its_points(client, cycle)
    _the_citys_appraisal_is_in_scoring()
    _the_year_end_summary_states_the_seeds_figures(client)


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


# Seed 000: 全年完成文件、会议督办220项；编发了22期工作简报；13个方面46个重点问题，
# 已完成89%，整改措施完成94%；尚有5个问题、5项措施正在推进；12个部门中有10个部门获得
# B级以上评价；8人获评优秀；组织10次专家经济会商会.
SEED_FIGURES = {
    "supervised_items": 220,
    "briefings": 22,
    "rectification_aspects": 13,
    "rectification_problems": 46,
    "rectification_problems_rate": 89,
    "rectification_measures_rate": 94,
    "rectification_open_problems": 5,
    "rectification_open_measures": 5,
    "departments_appraised": 12,
    "departments_grade_b_or_above": 10,
    "staff_commended": 8,
    "consultation_meetings": 10,
}
# The figures that count the rows of the list they link to.
COUNTED = (
    "supervised_items",
    "briefings",
    "rectification_problems",
    "rectification_open_problems",
    "rectification_open_measures",
    "consultation_meetings",
)


def _listed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return (
        response.context["page"].paginator.count
        if "page" in response.context
        else (response.context["count"])
    )


def _the_year_end_summary_states_the_seeds_figures(client):
    import io
    import re

    import docx

    client.force_login(User.objects.get(username="lingdao"))
    body = client.get("/api/reports/year-summary?year=2022").json()
    assert body["organisation"] == "中国机械工业联合会总部"
    figures = {f["key"]: f for f in body["figures"]}
    assert {key: figures[key]["value"] for key in SEED_FIGURES} == SEED_FIGURES
    for key in COUNTED:
        assert _listed(client, figures[key]["source"]) == SEED_FIGURES[key], key
    assert [d["date"] for d in figures["rectification_open_problems"]["details"]]  # with dates
    # The Word draft says them in its text, and lists their sources in the appendix.
    response = client.get("/reports/year-summary.docx?year=2022")
    document = docx.Document(io.BytesIO(response.content))
    # Each figure carries its footnote's number ("220[1]项"), which the appendix explains.
    text = re.sub(r"\[\d+\]", "", "".join(p.text for p in document.paragraphs))
    for phrase in (
        "完成文件、会议督办220项",
        "编发了22期工作简报",
        "13个方面46个重点问题",
        "问题已完成89%",
        "整改措施已完成94%",
        "尚有5个问题、5项措施",
        "12个部门中有10个部门获得B级以上评价",
        "8人获评年度优秀员工",
        "组织10次专家经济会商会",
    ):
        assert phrase in text, phrase
    appendix = [c.text for row in document.tables[-1].rows for c in row.cells]
    assert any(figures["supervised_items"]["source"] in cell for cell in appendix)
    # And a 督办通报 of last month, issued and archived, for the leader to download.
    notices = client.get("/reports/bulletins/?kind=notice&status=issued")
    assert notices.context["count"] == 1
    notice = notices.context["bulletins"][0]
    assert client.get(f"/reports/bulletins/{notice.pk}.docx").status_code == 200
