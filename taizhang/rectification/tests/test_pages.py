"""The rectification pages, per role: who sees what, registering a plan, its problems and
measures through the forms, the head's approval and the office's assignment, a stale edit
refused with nothing lost, the figures linking to their lists, and query counts pinned."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import PASSWORD
from taizhang.rectification import services
from taizhang.rectification.models import Measure, Plan, Problem
from taizhang.supervision.choices import Status as TaskStatus

from .conftest import in_days

pytestmark = pytest.mark.django_db


def login(client, name):
    client.logout()
    assert client.login(username=name, password=PASSWORD)


def text(response):
    return response.content.decode()


def plan_url(plan):
    return reverse("rectification:detail", args=[plan.pk])


def problem_url(problem):
    return reverse("rectification:problem", args=[problem.pk])


# ---- who sees what -------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, make_plan):
    plan = make_plan()
    problem = plan.problems.first()
    for url in [
        reverse("rectification:list"),
        reverse("rectification:new"),
        reverse("rectification:problems"),
        reverse("rectification:measures"),
        plan_url(plan),
        reverse("rectification:edit", args=[plan.pk]),
        problem_url(problem),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url
    response = client.post(reverse("rectification:act", args=[plan.pk, "approve"]))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_nav_shows_rectification_to_staff_only(client, people):
    for name, shown in [("duban", True), ("lingdao", True), ("gzw", True), ("admin", False)]:
        login(client, name)
        page = text(client.get(reverse("notify:list")))
        assert (reverse("rectification:list") in page) is shown, name


def test_supervisor_sees_every_plan_with_its_rates(client, launched, verify):
    verify(Measure.objects.get(task__title="建立建言献策专门台账"))
    login(client, "duban")
    response = client.get(reverse("rectification:list"))
    page = text(response)
    assert response.status_code == 200
    assert launched.title in page
    assert "33.3%" in page and "1/3" in page  # problem 3 is done (its one measure verified)
    assert "25%" in page and "1/4" in page
    assert 'data-testid="new-plan"' in page and reverse("rectification:import") in page


def test_leader_sees_the_plan_and_may_approve_it(client, make_plan):
    plan = make_plan()
    login(client, "lingdao")
    page = text(client.get(plan_url(plan)))
    assert 'data-button="approve"' in page
    assert 'data-button="assign"' not in page
    assert 'data-testid="new-plan"' not in text(client.get(reverse("rectification:list")))
    assert client.get(reverse("rectification:new")).status_code == 403


def test_handler_sees_only_their_units_problems(client, launched):
    login(client, "tzb")
    response = client.get(plan_url(launched))
    assert response.status_code == 200
    page = text(response)
    assert "建言献策台账不健全" in page
    assert "国企统战工作责任落实不到位" not in page  # 国资委's problem
    assert 'data-button="' not in page  # no actions for a unit
    assert 'data-aspect="2"' in page and 'data-aspect="1"' not in page  # not its aspect
    mine = Problem.objects.get(number=3, plan=launched)
    theirs = Problem.objects.get(number=1, plan=launched)
    assert client.get(problem_url(mine)).status_code == 200
    assert client.get(problem_url(theirs)).status_code == 404
    listed = text(client.get(reverse("rectification:problems")))
    assert "建言献策台账不健全" in listed and "国企统战工作责任落实不到位" not in listed
    measures = text(client.get(reverse("rectification:measures")))
    assert "建立建言献策专门台账" in measures and "制定国企统战工作责任清单" not in measures
    assert client.get(reverse("rectification:edit", args=[launched.pk])).status_code == 403


def test_an_uninvolved_handler_and_another_organisation_get_404(client, launched, other_org):
    from conftest import make_user
    from taizhang.org.choices import Role

    make_user(other_org["org"], "fed-handler", Role.HANDLER, other_org["unit"])
    problem = launched.problems.first()
    for name in ("fed-duban", "fed-handler"):
        login(client, name)
        assert client.get(plan_url(launched)).status_code == 404
        assert client.get(problem_url(problem)).status_code == 404
        assert launched.title not in text(client.get(reverse("rectification:list")))
        assert "国企统战" not in text(client.get(reverse("rectification:problems")))


def test_administrators_see_no_rectification(client, launched):
    login(client, "admin")
    assert client.get(reverse("rectification:list")).status_code == 403
    assert client.get(reverse("rectification:problems")).status_code == 403
    assert client.get(plan_url(launched)).status_code == 404


def test_plan_documents_are_downloaded_by_who_sees_the_plan(client, people, units):
    plan = services.create_plan(
        by=people["supervisor"],
        title="审计整改方案",
        kind="audit",
        office=units["office"],
        deadline=in_days(90),
        files=[SimpleUploadedFile("反馈意见.txt", "审计发现的问题".encode())],
    )
    upload = plan.files.get()
    login(client, "lingdao")
    response = client.get(reverse("rectification:file", args=[upload.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content)
    login(client, "gzw")  # no problem of 国资委 in it
    assert client.get(reverse("rectification:file", args=[upload.pk])).status_code == 404


# ---- through the forms ---------------------------------------------------------------------


def test_the_office_registers_a_plan_an_aspect_a_problem_and_a_measure(client, units, people):
    login(client, "duban")
    response = client.post(
        reverse("rectification:new"),
        {
            "title": "市委巡察反馈问题整改方案",
            "kind": "circuit",
            "inspected_by": "市委第一巡察组",
            "inspected_on": in_days(-40).isoformat(),
            "feedback_on": in_days(-20).isoformat(),
            "leader": people["leader"].pk,
            "office": units["office"].pk,
            "deadline": in_days(120).isoformat(),
            "files": [SimpleUploadedFile("反馈意见.txt", "巡察反馈".encode())],
        },
    )
    plan = Plan.objects.get(title="市委巡察反馈问题整改方案")
    assert response.status_code == 302 and response["Location"] == plan_url(plan)
    assert plan.files.count() == 1
    response = client.post(
        reverse("rectification:aspect_new", args=[plan.pk]),
        {"title": "党的领导方面", "version": Plan.objects.get(pk=plan.pk).version},
    )
    assert response.status_code == 302
    aspect = plan.aspects.get()
    response = client.post(
        reverse("rectification:problem_new", args=[plan.pk]),
        {
            "aspect": aspect.pk,
            "description": "理论学习不深入",
            "wording": "学习流于形式",
            "seriousness": "general",
            "lead_unit": units["tzb"].pk,
            "units": [units["gzw"].pk],
            "version": Plan.objects.get(pk=plan.pk).version,
        },
    )
    problem = plan.problems.get()
    assert response.status_code == 302 and response["Location"] == problem_url(problem)
    page = text(client.get(problem_url(problem)))
    assert 'data-testid="measure-form"' in page
    response = client.post(
        reverse("rectification:measure_new", args=[problem.pk]),
        {
            "m-title": "制定理论学习计划",
            "m-kind": "ongoing",
            "m-cadence": "monthly",
            "m-deadline": in_days(60).isoformat(),
            "m-lead_unit": units["tzb"].pk,
            "m-responsible_units": [units["gzw"].pk],
            "m-version": Problem.objects.get(pk=problem.pk).version,
        },
    )
    assert response.status_code == 302
    measure = problem.measures.get()
    assert measure.kind == "ongoing" and measure.cadence == "monthly"
    assert measure.task.lead_unit == units["tzb"]
    page = text(client.get(plan_url(plan)))
    assert measure.task.number in page and "长期坚持" in page


def test_form_errors_show_under_the_fields(client, launched):
    problem = launched.problems.get(number=1)
    login(client, "duban")
    response = client.post(
        reverse("rectification:measure_new", args=[problem.pk]),
        {"m-title": "", "m-kind": "ongoing", "m-version": problem.version},
    )
    assert response.status_code == 400
    page = text(response)
    assert 'invalid-feedback d-block">该字段是必填项。' in page
    assert "请选择长期坚持类措施的报送周期。" in page
    response = client.post(reverse("rectification:new"), {"title": "无时限的方案"})
    assert response.status_code == 400
    assert "无时限的方案" in text(response)  # nothing typed is lost


def test_the_head_approves_and_the_office_assigns(client, make_plan):
    plan = make_plan()
    login(client, "duban")
    response = client.post(
        reverse("rectification:act", args=[plan.pk, "approve"]), {"version": plan.version}
    )
    assert response.status_code == 403  # the office cannot approve
    login(client, "lingdao")
    response = client.post(
        reverse("rectification:act", args=[plan.pk, "approve"]),
        {"version": plan.version, "comment": "同意。"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "approved"
    login(client, "duban")
    assert 'data-button="assign"' in text(client.get(plan_url(plan)))
    response = client.post(
        reverse("rectification:act", args=[plan.pk, "assign"]), {"version": plan.version}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "in_progress"
    statuses = set(Measure.objects.filter(plan=plan).values_list("task__status", flat=True))
    assert statuses == {TaskStatus.ASSIGNED}
    assert "交办" in text(client.get(plan_url(plan)))


def test_approval_held_back_while_a_problem_has_no_measure(client, make_plan, units):
    plan = make_plan()
    services.add_problem(
        plan,
        by=plan.created_by,
        aspect=plan.aspects.first(),
        description="新发现的问题",
        lead_unit=units["gzw"],
    )
    login(client, "lingdao")
    page = text(client.get(plan_url(plan)))
    assert 'data-button="approve"' not in page
    assert 'data-testid="held-back"' in page and "4" in page


def test_a_stale_edit_is_refused_and_nothing_is_lost(client, make_plan, units):
    plan = make_plan()
    stale = plan.version
    services.update_plan(plan, by=plan.created_by, title="别人改过的标题")
    login(client, "duban")
    response = client.post(
        reverse("rectification:edit", args=[plan.pk]),
        {
            "title": "我的新标题",
            "kind": "circuit",
            "office": units["office"].pk,
            "deadline": in_days(100).isoformat(),
            "version": stale,
        },
    )
    assert response.status_code == 409
    page = text(response)
    assert "我的新标题" in page and "该方案已被他人修改" in page
    assert Plan.objects.get(pk=plan.pk).title == "别人改过的标题"


def test_a_stale_action_is_refused_with_the_comment_kept(client, launched, verify):
    for measure in Measure.objects.filter(plan=launched):
        verify(measure)
    problem = launched.problems.get(number=3)
    stale = problem.version
    services.commit_date(problem, by=launched.created_by, committed_date=in_days(10))
    login(client, "duban")
    response = client.post(
        reverse("rectification:problem_act", args=[problem.pk, "close_problem"]),
        {"close_problem-comment": "台账已建立并运行。", "close_problem-version": stale},
    )
    assert response.status_code == 409
    assert "台账已建立并运行。" in text(response)
    assert Problem.objects.get(pk=problem.pk).status == "open"


def test_the_office_closes_a_done_problem_with_evidence(client, launched, verify):
    problem = launched.problems.get(number=3)
    verify(problem.measures.get())
    login(client, "duban")
    page = text(client.get(problem_url(problem)))
    assert 'data-action="close_problem"' in page
    response = client.post(
        reverse("rectification:problem_act", args=[problem.pk, "close_problem"]),
        {
            "close_problem-comment": "台账已建立。",
            "close_problem-version": problem.version,
            "close_problem-files": [SimpleUploadedFile("台账.txt", "台账".encode())],
        },
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.status == "closed" and problem.files.count() == 1
    page = text(client.get(problem_url(problem)))
    assert 'data-action="reopen_problem"' in page and "台账.txt" in page


def test_reopen_needs_a_new_measure(client, launched, verify, units):
    problem = launched.problems.get(number=3)
    verify(problem.measures.get())
    services.close_problem(problem, by=launched.created_by, comment="已完成。")
    problem.refresh_from_db()
    login(client, "duban")
    prefix = "reopen_problem-"
    response = client.post(
        reverse("rectification:problem_act", args=[problem.pk, "reopen_problem"]),
        {f"{prefix}comment": "回头看发现台账未及时更新。", f"{prefix}version": problem.version},
    )
    assert response.status_code == 400
    assert "回头看发现台账未及时更新。" in text(response)
    response = client.post(
        reverse("rectification:problem_act", args=[problem.pk, "reopen_problem"]),
        {
            f"{prefix}comment": "回头看发现台账未及时更新。",
            f"{prefix}committed_date": in_days(30).isoformat(),
            f"{prefix}title": "建立台账更新机制",
            f"{prefix}kind": "scheduled",
            f"{prefix}deadline": in_days(30).isoformat(),
            f"{prefix}lead_unit": units["tzb"].pk,
            f"{prefix}version": problem.version,
        },
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.status == "open" and problem.measures.count() == 2


def test_a_repeat_problem_links_both_ways(client, launched, make_plan):
    later = make_plan(title="第二轮巡察整改方案")
    earlier = launched.problems.get(number=1)
    problem = later.problems.get(number=1)
    login(client, "duban")
    response = client.post(
        reverse("rectification:problem_act", args=[problem.pk, "link_repeat"]),
        {"link_repeat-earlier": earlier.pk, "link_repeat-version": problem.version},
    )
    assert response.status_code == 302
    page = text(client.get(problem_url(problem)))
    assert 'data-testid="repeat"' in page and problem_url(earlier) in page
    assert problem_url(problem) in text(client.get(problem_url(earlier)))


# ---- the figures and their lists -----------------------------------------------------------


def test_each_figure_links_to_its_list(client, launched, verify):
    for measure in Measure.objects.filter(problem__number=1):
        verify(measure)
    login(client, "duban")
    page = text(client.get(plan_url(launched)))
    done = f"{reverse('rectification:problems')}?plan={launched.pk}&done=true"
    assert done in page
    listed = client.get(reverse("rectification:problems"), {"plan": launched.pk, "done": "true"})
    assert "国企统战工作责任落实不到位" in text(listed)
    assert '<option value="true" selected>是</option>' in text(listed)  # the filter shows
    assert "联席会议制度运行不规范" not in text(listed)
    measures = client.get(reverse("rectification:measures"), {"plan": launched.pk, "state": "done"})
    assert 'data-testid="total">共 2 项措施' in text(measures)
    assert "制定国企统战工作责任清单" in text(measures)
    assert "每季度召开联席会议" not in text(measures)


def test_the_task_list_links_to_the_tasks(client, launched):
    login(client, "gzw")
    page = text(client.get(reverse("rectification:measures")))
    task = Measure.objects.get(task__title="制定国企统战工作责任清单").task
    assert task.get_absolute_url() in page


# ---- query counts --------------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_list_pages_query_counts_do_not_grow(client, make_plan):
    for n in range(3):
        make_plan(title=f"方案{n}")
    login(client, "duban")
    urls = [
        reverse("rectification:list"),
        reverse("rectification:problems"),
        reverse("rectification:measures"),
    ]
    few = [_queries(client, url) for url in urls]
    for n in range(3, 10):
        make_plan(title=f"方案{n}")
    many = [_queries(client, url) for url in urls]
    assert few == many
    assert many == [9, 8, 10]


def test_plan_page_query_count_does_not_grow(client, make_plan, units):
    plan = make_plan()
    login(client, "duban")
    few = _queries(client, plan_url(plan))
    aspect = plan.aspects.first()
    for n in range(5):
        problem = services.add_problem(
            plan, by=plan.created_by, aspect=aspect, description=f"问题{n}", lead_unit=units["czj"]
        )
        services.add_measure(problem, by=plan.created_by, title=f"措施{n}", deadline=in_days(30))
    assert _queries(client, plan_url(plan)) == few


# ---- more of the office's and the head's work ----------------------------------------------


def test_my_work_lists_the_plans_waiting_for_the_user(client, make_plan, launched):
    draft = make_plan(title="待审定的方案")
    login(client, "lingdao")
    page = text(client.get(reverse("rectification:list"), {"work": "approve"}))
    assert draft.title in page and launched.title not in page
    assert 'data-testid="work"' in page


def test_the_plan_page_lists_open_problems_with_their_dates(client, launched):
    problem = launched.problems.get(number=2)
    services.commit_date(problem, by=launched.created_by, committed_date=in_days(45))
    login(client, "duban")
    page = text(client.get(plan_url(launched)))
    assert 'data-testid="open-problems"' in page
    assert in_days(45).isoformat() in page


def test_a_unit_posting_an_action_is_refused(client, launched):
    login(client, "tzb")
    response = client.post(
        reverse("rectification:act", args=[launched.pk, "complete"]),
        {"version": launched.version, "comment": "已完成。"},
    )
    assert response.status_code == 403
    problem = launched.problems.get(number=3)
    response = client.post(
        reverse("rectification:problem_act", args=[problem.pk, "commit_date"]),
        {
            "commit_date-committed_date": in_days(9).isoformat(),
            "commit_date-version": problem.version,
        },
    )
    assert response.status_code == 403
    assert Problem.objects.get(pk=problem.pk).committed_date is None
    assert client.get(reverse("rectification:measure_new", args=[problem.pk])).status_code == 403


def test_the_office_edits_the_plan_aspect_and_problem(client, make_plan, units):
    plan = make_plan()
    login(client, "duban")
    assert client.get(reverse("rectification:edit", args=[plan.pk])).status_code == 200
    response = client.post(
        reverse("rectification:edit", args=[plan.pk]),
        {
            "title": "修订后的整改方案",
            "kind": "circuit",
            "office": units["office"].pk,
            "deadline": in_days(200).isoformat(),
            "version": plan.version,
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.title == "修订后的整改方案"
    aspect = plan.aspects.first()
    response = client.post(
        reverse("rectification:aspect_edit", args=[aspect.pk]),
        {"title": "压实统战工作责任方面", "version": plan.version},
    )
    assert response.status_code == 302
    problem = plan.problems.get(number=2)
    page = text(client.get(reverse("rectification:problem_edit", args=[problem.pk])))
    assert "联席会议制度运行不规范" in page
    response = client.post(
        reverse("rectification:problem_edit", args=[problem.pk]),
        {
            "aspect": aspect.pk,
            "description": "联席会议制度运行不规范，会议不定期",
            "seriousness": "serious",
            "lead_unit": units["gzw"].pk,
            "version": problem.version,
        },
    )
    assert response.status_code == 302
    page = text(client.get(plan_url(plan)))
    assert "压实统战工作责任方面" in page and "会议不定期" in page
    assert "修订后的整改方案" in page  # the timeline records the edit too


def test_committing_a_date_through_the_page(client, launched):
    problem = launched.problems.get(number=2)
    login(client, "duban")
    assert client.get(reverse("rectification:measure_new", args=[problem.pk])).status_code == 200
    response = client.post(
        reverse("rectification:problem_act", args=[problem.pk, "commit_date"]),
        {
            "commit_date-committed_date": in_days(20).isoformat(),
            "commit_date-comment": "按季度推进。",
            "commit_date-version": problem.version,
        },
    )
    assert response.status_code == 302
    page = text(client.get(problem_url(problem)))
    assert in_days(20).isoformat() in page and "按季度推进。" in page


def test_an_edit_with_a_refused_document_changes_nothing(client, make_plan, units):
    plan = make_plan()
    login(client, "duban")
    response = client.post(
        reverse("rectification:edit", args=[plan.pk]),
        {
            "title": "带附件的修订",
            "kind": "circuit",
            "office": units["office"].pk,
            "deadline": in_days(100).isoformat(),
            "version": plan.version,
            "files": [SimpleUploadedFile("程序.exe", b"MZ")],
        },
    )
    assert response.status_code == 400
    assert "带附件的修订" in text(response) and "程序.exe" in text(response)
    assert Plan.objects.get(pk=plan.pk).title == plan.title


def test_problem_page_query_count_does_not_grow(client, launched):
    problem = launched.problems.get(number=2)
    login(client, "duban")
    few = _queries(client, problem_url(problem))
    for n in range(4):
        services.add_measure(
            problem, by=launched.created_by, title=f"措施{n}", deadline=in_days(30)
        )
    assert _queries(client, problem_url(problem)) == few


def test_a_measure_added_while_rectifying_is_approved_then_assigned(client, launched, units):
    problem = launched.problems.get(number=2)
    login(client, "duban")
    response = client.post(
        reverse("rectification:measure_new", args=[problem.pk]),
        {
            "m-title": "修订联席会议制度",
            "m-kind": "scheduled",
            "m-deadline_working_days": 20,
            "m-lead_unit": units["gzw"].pk,
            "m-version": problem.version,
        },
    )
    assert response.status_code == 302
    measure = Measure.objects.get(task__title="修订联席会议制度")
    assert measure.task.status == TaskStatus.DRAFT and measure.task.deadline_working_days == 20
    assert 'data-button="assign_tasks"' not in text(client.get(plan_url(launched)))
    login(client, "lingdao")
    launched.refresh_from_db()
    response = client.post(
        reverse("rectification:act", args=[launched.pk, "approve_tasks"]),
        {"version": launched.version},
    )
    assert response.status_code == 302
    login(client, "duban")
    launched.refresh_from_db()
    assert 'data-button="assign_tasks"' in text(client.get(plan_url(launched)))
    response = client.post(
        reverse("rectification:act", args=[launched.pk, "assign_tasks"]),
        {"version": launched.version},
    )
    assert response.status_code == 302
    measure.task.refresh_from_db()
    assert measure.task.status == TaskStatus.ASSIGNED


def test_the_problem_page_offers_earlier_similar_problems(client, launched, make_plan, people):
    """屡查屡犯: the office sees the earlier plan's like problem offered while it is unlinked."""
    later = make_plan(title="市委第五巡察组反馈问题整改方案")
    problem = later.problems.get(number=3)
    client.force_login(people["supervisor"])
    page = client.get(problem.get_absolute_url()).content.decode()
    earlier = launched.problems.get(number=3)
    assert 'data-testid="repeat-candidates"' in page
    assert earlier.get_absolute_url() in page
    client.force_login(people["tzb"])
    assert (
        'data-testid="repeat-candidates"'
        not in client.get(launched.problems.get(number=3).get_absolute_url()).content.decode()
    )


def test_a_refused_closing_says_the_chosen_evidence_must_be_chosen_again(client, launched, people):
    from taizhang.rectification.tests.conftest import walk_from_assigned

    problem = launched.problems.get(number=2)
    walk_from_assigned(problem.measures.get().task, people)
    client.force_login(people["supervisor"])
    url = reverse("rectification:problem_act", args=[problem.pk, "close_problem"])
    evidence = SimpleUploadedFile("佐证材料.pdf", b"%PDF-1.4 evidence")
    response = client.post(
        url,
        {
            "close_problem-comment": "",
            "close_problem-files": evidence,
            "close_problem-version": problem.version,
        },
    )
    assert response.status_code == 400
    assert "请重新选择" in response.content.decode()
