"""The figures by aspect, unit and month, the lists they link to, who sees what, the task
page's link back, the daily reminders; query counts that do not grow with the plan."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from taizhang.notify.models import Notification
from taizhang.rectification import jobs, services, stats
from taizhang.rectification.filters import MeasureFilterSet, ProblemFilterSet
from taizhang.rectification.models import Measure, Plan, Problem, task_source_link
from taizhang.rectification.todo import todo_counts
from taizhang.supervision import services as ledger
from taizhang.supervision.models import Task

from .conftest import in_days


def test_by_aspect_unit_and_month(launched, verify, units):
    for measure in Measure.objects.filter(problem__number=1):
        verify(measure)
    aspects = stats.by_aspect(launched)
    assert [(r["problems_done"], r["problems_total"]) for r in aspects] == [(1, 2), (0, 1)]
    assert [(r["measures_done"], r["measures_total"]) for r in aspects] == [(2, 3), (0, 1)]
    rows = {r["unit"].code: r for r in stats.by_unit(launched)}
    assert (rows["gzw"]["measures_done"], rows["gzw"]["measures_total"]) == (1, 2)
    assert (rows["czj"]["measures_done"], rows["czj"]["measures_total"]) == (1, 1)
    assert rows["gzw"]["problems_total"] == 2 and rows["gzw"]["problems_done"] == 1
    months = stats.by_month(launched)
    this_month = timezone.localdate().replace(day=1)
    assert months[-1]["month"] == this_month
    assert months[-1]["measures_done"] == 2 and months[-1]["measures_rate"] == 2 / 4
    assert months[-1]["problems_rate"] == 1 / 3


def test_each_figure_has_its_list(launched, verify, people):
    """The numbers and the rows behind them are read by the same rules."""
    for measure in Measure.objects.filter(problem__number=1):
        verify(measure)
    figures = stats.plan_figures(launched)
    user = people["supervisor"]
    done = ProblemFilterSet(
        {"plan": launched.pk, "done": "true"}, queryset=Problem.objects.visible_to(user), user=user
    ).qs
    assert done.count() == figures["problems_done"] == 1
    verified = MeasureFilterSet(
        {"plan": launched.pk, "state": "done"}, queryset=Measure.objects.visible_to(user), user=user
    ).qs
    assert verified.count() == figures["measures_done"] == 2
    month = timezone.localdate().strftime("%Y-%m")
    in_month = MeasureFilterSet(
        {"plan": launched.pk, "month": month}, queryset=Measure.objects.visible_to(user), user=user
    ).qs
    assert in_month.count() == 2


def test_a_unit_sees_its_own_problems_and_measures(launched, make_plan, people):
    draft = make_plan(title="另一方案")
    gzw, tzb, leader = people["gzw"], people["tzb"], people["leader"]
    assert set(Plan.objects.visible_to(leader)) == {launched, draft}
    # The draft is the office's until approved: 统战部 sees neither its problems nor measures.
    assert set(Measure.objects.visible_to(tzb).values_list("problem__number", "plan")) == {
        (3, launched.pk)
    }
    assert set(Problem.objects.visible_to(gzw).values_list("number", flat=True)) == {1, 2}
    assert set(Measure.objects.visible_to(people["czj"]).values_list("task__title", flat=True)) == {
        "制定国企统战工作责任清单",
        "落实统战工作经费",
    }
    assert not Plan.objects.visible_to(people["admin"]).exists()
    assert not Problem.objects.visible_to(people["steel"]).exists()


def test_another_organisation_sees_nothing(launched, other_org):
    user = other_org["supervisor"]
    assert not Plan.objects.visible_to(user).exists()
    assert not Measure.objects.visible_to(user).exists()


def test_the_task_page_links_to_its_problem(launched, people):
    task = Measure.objects.get(problem__number=3).task
    label, url = task_source_link(task, people["tzb"])
    assert launched.title in label and "建言献策台账不健全" in label
    assert url == Problem.objects.get(plan=launched, number=3).get_absolute_url()
    assert task_source_link(task, people["steel"])[1] == ""
    other = Task.objects.exclude(source_kind="rectification").first()
    assert other is None or task_source_link(other, people["tzb"]) is None


def test_todo_counts(make_plan, people):
    plan = make_plan()
    leader = dict((t, c) for t, c, _url in todo_counts(people["leader"]))
    assert list(leader.values()) == [1]
    services.approve(plan, by=people["leader"])
    office = dict((t, c) for t, c, _url in todo_counts(people["supervisor"]))
    assert list(office.values()) == [1]


def test_figures_take_constant_queries(make_plan, launched, people, units):
    with CaptureQueriesContext(connection) as small:
        stats.plan_figures(launched)
        stats.by_aspect(launched)
        stats.by_unit(launched)
        stats.by_month(launched)
    office = people["supervisor"]
    for n in range(6):
        p = services.add_problem(
            launched,
            by=office,
            aspect=launched.aspects.first(),
            description=f"新增问题{n}",
            lead_unit=units["czj"],
        )
        services.add_measure(p, by=office, title=f"新增措施{n}", deadline=in_days(30))
    with CaptureQueriesContext(connection) as large:
        stats.plan_figures(launched)
        stats.by_aspect(launched)
        stats.by_unit(launched)
        stats.by_month(launched)
    assert len(large) == len(small)


def test_ongoing_measures_are_asked_for_their_report_once_per_cadence(launched, people):
    measure = Measure.objects.get(problem__number=2)
    lead = people["gzw"]
    ledger.sign_task(measure.task, by=lead)
    ledger.report_progress(measure.task, by=lead, percent=20, text="已召开第一季度联席会议。")
    before = Notification.objects.filter(recipient=lead).count()
    assert jobs.refresh_rectification.call(in_days(30).isoformat())["report_reminders"] == 0
    day = in_days(93).isoformat()
    assert jobs.refresh_rectification.call(day)["report_reminders"] == 1
    assert jobs.refresh_rectification.call(day)["report_reminders"] == 0
    assert Notification.objects.filter(recipient=lead).count() == before + 1


def test_a_passed_committed_date_is_told_once(launched, people):
    first = Problem.objects.get(plan=launched, number=1)
    services.commit_date(first, by=people["supervisor"], committed_date=in_days(10))
    day = (timezone.localdate() + datetime.timedelta(days=11)).isoformat()
    assert jobs.refresh_rectification.call(day)["committed_passed"] == 1
    assert jobs.refresh_rectification.call(day)["committed_passed"] == 0
    told = Notification.objects.filter(recipient=people["gzw"], url=first.get_absolute_url())
    assert told.count() == 1


def test_totals_by_unit_and_month_have_lists_of_the_same_size(launched, verify, people, units):
    """What the progress page links to: the counted measures, the problems a unit leads, the
    problems done in a month."""
    from taizhang.supervision import services as ledger

    one, two = Measure.objects.filter(problem__number=1).order_by("position")
    ledger.cancel_task(two.task, by=people["supervisor"], comment="合并")
    verify(one)
    user = people["supervisor"]

    def problems(**params):
        return ProblemFilterSet(
            {"plan": launched.pk, **params}, queryset=Problem.objects.visible_to(user), user=user
        ).qs.count()

    def measures(**params):
        return MeasureFilterSet(
            {"plan": launched.pk, **params}, queryset=Measure.objects.visible_to(user), user=user
        ).qs.count()

    figures = stats.plan_figures(launched)
    assert measures(state="counted") == figures["measures_total"] == 3
    rows = {r["unit"].code: r for r in stats.by_unit(launched)}
    assert problems(lead_unit=units["gzw"].pk) == rows["gzw"]["problems_total"] == 2
    month = stats.by_month(launched)[-1]
    assert problems(done_month=month["month"].strftime("%Y-%m")) == month["problems_done"] == 1


def test_a_units_figures_are_its_own_part_of_the_plan(launched, verify, people):
    """A unit reads the figures of what it may open, so each equals its list."""
    for measure in Measure.objects.filter(problem__number=1):
        verify(measure)
    tzb = people["tzb"]
    mine = stats.plan_figures(launched, tzb)
    assert (mine["problems_total"], mine["problems_done"]) == (1, 0)
    assert (mine["measures_total"], mine["aspects_total"]) == (1, 1)
    assert [p["number"] for p in mine["open_problems"]] == [3]
    assert [r["aspect"].position for r in stats.by_aspect(launched, tzb)] == [2]
    assert [r["unit"].code for r in stats.by_unit(launched, tzb)] == ["tzb"]
    whole = stats.plan_figures(launched, people["leader"])
    assert (whole["problems_total"], whole["aspects_total"]) == (3, 2)
    assert whole == {**stats.plan_figures(launched), "open_measures": whole["open_measures"]}


def test_a_leader_is_asked_to_approve_a_draft_only_once_it_is_complete(make_plan, people, units):
    plan = make_plan()
    services.add_problem(
        plan,
        by=people["supervisor"],
        aspect=plan.aspects.first(),
        description="尚在录入的问题",
        lead_unit=units["tzb"],
    )
    assert todo_counts(people["leader"]) == []


def test_the_committed_date_reminder_is_not_swallowed_by_a_report_reminder(launched, people):
    """Problem 2 has an ongoing measure whose report falls due the day its date passes."""
    second = Problem.objects.get(plan=launched, number=2)
    measure = second.measures.get()
    ledger.sign_task(measure.task, by=people["gzw"])
    services.commit_date(second, by=people["supervisor"], committed_date=in_days(92))
    result = jobs.refresh_rectification.call(in_days(93).isoformat())
    assert (result["report_reminders"], result["committed_passed"]) == (1, 1)
