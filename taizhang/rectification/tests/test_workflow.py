"""A plan's life through the services: approval and assignment move the measures' tasks, a
problem is done when all its measures are verified and only then closes, 回头看 reopens it,
and every refusal says why."""

import pytest

from taizhang.rectification import rules, services, stats
from taizhang.rectification.choices import Action, PlanStatus, ProblemState
from taizhang.rectification.models import Measure, Plan, PlanEvent, Problem
from taizhang.supervision.choices import SourceKind
from taizhang.supervision.choices import Status as TaskStatus
from taizhang.supervision.models import Task
from taizhang.utils.errors import Conflict, NotAllowed, WorkflowError

from .conftest import in_days


def problem(plan, number):
    return Problem.objects.get(plan=plan, number=number)


def test_measures_are_draft_tasks_of_kind_rectification(make_plan, units):
    plan = make_plan()
    tasks = Task.objects.filter(rectification_measure__plan=plan).with_units()
    assert tasks.count() == 4
    assert {t.source_kind for t in tasks} == {SourceKind.RECTIFICATION}
    assert {t.status for t in tasks} == {TaskStatus.DRAFT}
    first = Measure.objects.get(problem__number=1, position=1).task
    # The problem's units by default: 国资委 leads, 财政局 is responsible.
    assert first.lead_unit == units["gzw"]
    assert list(first.responsible_units) == [units["czj"]]
    assert "问题1" in first.source_ref
    # 立行立改 without a deadline: due in the setting's working days.
    assert Measure.objects.get(problem__number=3).task.deadline_working_days == 5


def test_approval_needs_a_measure_for_every_problem(make_plan, people, units):
    plan = make_plan()
    services.add_problem(
        plan,
        by=people["supervisor"],
        aspect=plan.aspects.first(),
        description="调研走访不够深入",
        lead_unit=units["tzb"],
    )
    with pytest.raises(NotAllowed, match="4"):
        services.approve(plan, by=people["leader"])
    assert rules.PLAN_LIFECYCLE.why_not(people["supervisor"], Action.APPROVE, plan)


def test_approve_and_assign_move_every_task(launched):
    statuses = set(
        Task.objects.filter(rectification_measure__plan=launched).values_list("status", flat=True)
    )
    assert launched.status == PlanStatus.IN_PROGRESS
    assert statuses == {TaskStatus.ASSIGNED}
    events = list(PlanEvent.objects.filter(plan=launched).values_list("action", flat=True))
    assert Action.APPROVE in events and Action.ASSIGN in events


def test_only_the_plans_head_approves(make_plan, people, org):
    from conftest import make_user
    from taizhang.org.choices import Role

    other = make_user(org, "fulingdao", Role.LEADER)
    plan = make_plan()
    with pytest.raises(NotAllowed):
        services.approve(plan, by=other)
    with pytest.raises(NotAllowed):
        services.approve(plan, by=people["supervisor"])
    services.approve(plan, by=people["leader"])


def test_empty_partial_and_complete_rates(make_plan, launched, verify, people):
    empty = services.create_plan(
        by=people["supervisor"],
        title="审计整改",
        kind="audit",
        office=launched.office,
        deadline=in_days(30),
    )
    figures = stats.plan_figures(empty)
    assert figures["problems_total"] == 0 and figures["problems_rate"] is None
    assert figures["measures_rate"] is None

    figures = stats.plan_figures(launched)
    assert (figures["problems_done"], figures["measures_done"]) == (0, 0)
    assert figures["problems_rate"] == 0 and figures["measures_rate"] == 0

    # Problem 1 has two measures: one verified is half of it, not the problem done.
    one, two = Measure.objects.filter(problem__number=1).order_by("position")
    verify(one)
    figures = stats.plan_figures(launched)
    assert figures["measures_done"] == 1 and figures["measures_rate"] == 1 / 4
    assert figures["problems_done"] == 0
    verify(two)
    figures = stats.plan_figures(launched)
    assert figures["problems_done"] == 1 and figures["problems_rate"] == 1 / 3
    assert [p["number"] for p in figures["open_problems"]] == [2, 3]

    for measure in Measure.objects.filter(problem__number__in=[2, 3]):
        verify(measure)
    figures = stats.plan_figures(launched)
    assert (figures["problems_rate"], figures["measures_rate"]) == (1, 1)
    assert figures["open_problems"] == []


def test_a_dropped_measure_does_not_count(launched, people, verify):
    from taizhang.supervision import services as ledger

    one, two = Measure.objects.filter(problem__number=1).order_by("position")
    ledger.cancel_task(two.task, by=people["supervisor"], comment="与措施1合并")
    verify(one)
    figures = stats.plan_figures(launched)
    assert figures["measures_total"] == 3
    assert figures["problems_done"] == 1


def test_a_problem_closes_only_when_every_measure_is_verified(launched, verify, people):
    office = people["supervisor"]
    first = problem(launched, 1)
    one, two = first.measures.order_by("position")
    verify(one)
    with pytest.raises(NotAllowed, match="全部整改措施复核通过"):
        services.close_problem(first, by=office, comment="已整改")
    verify(two)
    with pytest.raises(WorkflowError):
        services.close_problem(first, by=office, comment="  ")
    services.close_problem(first, by=office, comment="责任清单已印发，经费已落实。")
    first.refresh_from_db()
    assert first.status == ProblemState.CLOSED and first.closed_by == office
    assert first.closing_summary.startswith("责任清单")


def test_a_handler_cannot_close_a_problem(launched, verify, people):
    first = problem(launched, 2)
    verify(first.measures.get())
    with pytest.raises(NotAllowed):
        services.close_problem(first, by=people["gzw"], comment="已整改")


def test_look_back_reopens_a_closed_problem_with_a_new_measure(launched, verify, people):
    office = people["supervisor"]
    for measure in Measure.objects.filter(plan=launched):
        verify(measure)
    for p in launched.problems.all():
        services.close_problem(p, by=office, comment="已整改到位")
    services.complete(launched, by=office, comment="整改任务全部完成")
    assert Plan.objects.get(pk=launched.pk).status == PlanStatus.COMPLETED

    with pytest.raises(WorkflowError):
        services.reopen_problem(problem(launched, 3), by=office, comment="", measure={})
    services.reopen_problem(
        problem(launched, 3),
        by=office,
        comment="回头看发现台账仍未按月更新",
        committed_date=in_days(45),
        measure={"title": "建立台账按月更新制度", "deadline": in_days(40)},
    )
    reopened = problem(launched, 3)
    assert reopened.status == ProblemState.OPEN and reopened.reopened_times == 1
    assert Plan.objects.get(pk=launched.pk).status == PlanStatus.IN_PROGRESS
    figures = stats.plan_figures(launched)
    # The new measure waits for the head's approval; until verified the problem is not done.
    assert figures["problems_done"] == 2
    assert [p["committed_date"] for p in figures["open_problems"]] == [in_days(45)]
    plan = Plan.objects.get(pk=launched.pk)
    services.approve_tasks(plan, by=people["leader"])
    services.assign_tasks(Plan.objects.get(pk=launched.pk), by=office)
    verify(reopened.measures.order_by("-position").first())
    assert stats.plan_figures(launched)["problems_done"] == 3


def test_complete_needs_every_problem_closed(launched, people):
    with pytest.raises(NotAllowed, match="1、2、3"):
        services.complete(launched, by=people["supervisor"], comment="完成")


def test_committed_date_of_an_open_problem(launched, people):
    first = problem(launched, 1)
    services.commit_date(first, by=people["supervisor"], committed_date=in_days(20))
    first.refresh_from_db()
    assert first.committed_date == in_days(20)
    event = PlanEvent.objects.filter(problem=first, action=Action.COMMIT_DATE).get()
    assert event.changes["committed_date"][1] == in_days(20).isoformat()


def test_overdue_problems_and_measures(launched, people):
    first = problem(launched, 1)
    services.commit_date(first, by=people["supervisor"], committed_date=in_days(10))
    figures = stats.plan_figures(launched, today=in_days(11))
    # Problem 1 by its committed date; problem 3 by its 立行立改 measure (5 working days).
    assert figures["problems_overdue"] == 2
    assert stats.plan_figures(launched, today=in_days(3))["problems_overdue"] == 0
    figures = stats.plan_figures(launched, today=in_days(100))
    # Measures due in 60, 90 days and the immediate one are late by then; the ongoing not.
    assert figures["measures_overdue"] == 3


def test_a_stale_version_is_refused(launched, people):
    first = problem(launched, 1)
    services.commit_date(first, by=people["supervisor"], committed_date=in_days(20))
    with pytest.raises(Conflict):
        services.update_problem(
            first, by=people["supervisor"], version=first.version, description="改"
        )


def test_repeat_problems_link_to_an_earlier_plan(launched, make_plan, people):
    later = make_plan(title="市委第五巡察组反馈问题整改方案")
    services.link_repeat(problem(later, 3), by=people["supervisor"], earlier=problem(launched, 3))
    assert problem(later, 3).repeat_of == problem(launched, 3)
    with pytest.raises(WorkflowError):
        services.link_repeat(
            problem(launched, 1), by=people["supervisor"], earlier=problem(later, 1)
        )


def test_plan_checks_its_fields(people, units, other_org):
    office = people["supervisor"]
    with pytest.raises(WorkflowError):
        services.create_plan(
            by=office, title="", kind="audit", office=units["office"], deadline=in_days(9)
        )
    with pytest.raises(WorkflowError):
        services.create_plan(
            by=office, title="整改", kind="nope", office=units["office"], deadline=in_days(9)
        )
    with pytest.raises(WorkflowError):
        services.create_plan(
            by=office, title="整改", kind="audit", office=other_org["unit"], deadline=in_days(9)
        )
    with pytest.raises(WorkflowError):
        services.create_plan(
            by=office,
            title="整改",
            kind="audit",
            office=units["office"],
            deadline=in_days(9),
            inspected_on=in_days(-1),
            feedback_on=in_days(-5),
        )
    with pytest.raises(NotAllowed):
        services.create_plan(
            by=people["gzw"],
            title="整改",
            kind="audit",
            office=units["office"],
            deadline=in_days(9),
        )


def test_perform_by_name(launched, people):
    services.perform(
        problem(launched, 1),
        Action.COMMIT_DATE,
        by=people["supervisor"],
        committed_date=in_days(30),
    )
    with pytest.raises(WorkflowError):
        services.perform(launched, "explode", by=people["supervisor"])


def test_repeat_candidates_are_earlier_problems_like_this_one(launched, make_plan, people, units):
    from taizhang.rectification.similar import repeat_candidates

    later = make_plan(title="市委第五巡察组反馈问题整改方案")
    found = repeat_candidates(problem(later, 3))
    assert found and found[0] == problem(launched, 3)
    assert all(p.plan_id == launched.pk for p in found)
    assert repeat_candidates(problem(launched, 3)) == []


def test_problems_keep_the_inspectors_numbers(make_plan, people, units):
    plan = make_plan()
    office, aspect = people["supervisor"], plan.aspects.first()
    added = services.add_problem(
        plan, by=office, aspect=aspect, description="第七个问题", lead_unit=units["tzb"], number=7
    )
    assert added.number == 7
    following = services.add_problem(
        plan, by=office, aspect=aspect, description="接着编号", lead_unit=units["tzb"]
    )
    assert following.number == 8
    with pytest.raises(WorkflowError, match="7"):
        services.add_problem(
            plan, by=office, aspect=aspect, description="重号", lead_unit=units["tzb"], number=7
        )


def test_a_look_back_resumes_a_completed_plan_through_its_table(launched, verify, people):
    office = people["supervisor"]
    for measure in Measure.objects.filter(plan=launched):
        verify(measure)
    for p in launched.problems.all():
        services.close_problem(p, by=office, comment="已整改到位")
    services.complete(launched, by=office, comment="整改任务全部完成")
    services.reopen_problem(
        problem(launched, 1),
        by=office,
        comment="回头看发现责任清单未更新",
        measure={"title": "更新责任清单", "deadline": in_days(20)},
    )
    plan = Plan.objects.get(pk=launched.pk)
    assert (plan.status, plan.completed_at, plan.completion_report) == (
        PlanStatus.IN_PROGRESS,
        None,
        "",
    )
    assert plan.events.filter(action=Action.REOPEN, from_status=PlanStatus.COMPLETED).exists()
    assert problem(launched, 1).closing_summary == ""


def test_a_committed_date_is_not_in_the_past(launched, people):
    with pytest.raises(WorkflowError):
        services.commit_date(
            problem(launched, 1), by=people["supervisor"], committed_date=in_days(-1)
        )


def test_a_plan_is_not_entered_twice(launched, people, units):
    with pytest.raises(WorkflowError, match=launched.title):
        services.create_plan(
            by=people["supervisor"],
            title=launched.title,
            kind="circuit",
            office=units["office"],
            deadline=in_days(30),
        )


def test_approving_a_plan_tells_the_office_once(make_plan, people):
    from taizhang.notify.models import Notification

    plan = make_plan()
    before = Notification.objects.filter(recipient=people["supervisor"]).count()
    services.approve(plan, by=people["leader"])
    assert Notification.objects.filter(recipient=people["supervisor"]).count() == before + 1


def test_no_repeat_link_without_an_earlier_inspection(launched, people):
    reason = rules.PROBLEM_LIFECYCLE.why_not(
        people["supervisor"], Action.LINK_REPEAT, problem(launched, 1)
    )
    assert reason
