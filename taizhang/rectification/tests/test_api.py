"""The rectification API as its users would read it: the contract's figures and rates, the same
visibility as the pages, the actions through the services (stale versions refused), a list
whose queries do not grow with its plans, and the measures' tasks in the ledger's API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from taizhang.rectification import services, stats
from taizhang.rectification.models import Measure, Problem

from .conftest import in_days

PLANS = "/api/rectification/plans"
PROBLEMS = "/api/rectification/problems"
MEASURES = "/api/rectification/measures"


def problem_id(plan, number):
    return Problem.objects.get(plan=plan, number=number).pk


def test_the_plans_figures_as_the_contract_names_them(api, launched, verify):
    for measure in Measure.objects.filter(problem__number=1):
        verify(measure)
    services.commit_date(
        Problem.objects.get(plan=launched, number=2),
        by=launched.created_by,
        committed_date=in_days(40),
    )
    rows = api("duban").get(PLANS).json()["results"]
    assert len(rows) == 1
    plan = rows[0]
    assert plan["id"] == launched.pk and plan["title"] == launched.title
    assert (plan["kind"], plan["status"], plan["office"]) == ("circuit", "in_progress", "office")
    assert plan["inspected_by"] == "市委第三巡察组" and plan["deadline"] == in_days(180).isoformat()
    assert plan["url"] == launched.get_absolute_url() and plan["version"] >= 1
    assert plan["aspects_total"] == 2
    assert (plan["problems_total"], plan["problems_done"]) == (3, 1)
    assert plan["problems_rate"] == pytest.approx(1 / 3)
    assert (plan["measures_total"], plan["measures_done"]) == (4, 2)
    assert plan["measures_rate"] == 0.5
    assert plan["measures_overdue"] == plan["problems_overdue"] == 0
    opened = {p["number"]: p for p in plan["open_problems"]}
    assert sorted(opened) == [2, 3]
    assert opened[2]["committed_date"] == in_days(40).isoformat()
    # No date committed: the deadline of its measure still running stands in for it.
    measure = Measure.objects.get(plan=launched, problem__number=3)
    assert opened[3]["committed_date"] == measure.task.deadline.isoformat()
    assert opened[2]["description"] == "联席会议制度运行不规范"
    assert opened[2]["progress"] == "rectifying"

    detail = api("duban").get(f"{PLANS}/{launched.pk}").json()
    figures = stats.plan_figures(launched)
    for key in ("aspects_total", "problems_total", "problems_done", "problems_rate"):
        assert detail[key] == figures[key], key
    for key in ("measures_total", "measures_done", "measures_rate", "measures_overdue"):
        assert detail[key] == figures[key], key
    assert [p["number"] for p in detail["open_problems"]] == [
        p["number"] for p in figures["open_problems"]
    ]


def test_rates_are_null_when_there_is_nothing_to_count(api, people, units):
    services.create_plan(
        by=people["supervisor"],
        title="审计整改方案",
        kind="audit",
        office=units["office"],
        deadline=in_days(30),
    )
    plan = api("lingdao").get(PLANS).json()["results"][0]
    assert plan["problems_total"] == plan["measures_total"] == plan["aspects_total"] == 0
    assert plan["problems_rate"] is None and plan["measures_rate"] is None
    assert plan["open_problems"] == []


@pytest.mark.parametrize("listing", [PLANS, PROBLEMS, MEASURES])
def test_the_lists_queries_do_not_grow_with_their_rows(api, make_plan, listing):
    office = api("duban")

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = office.get(listing)
        assert response.status_code == 200
        return len(queries), response.json()["count"]

    for n in range(2):
        make_plan(title=f"方案{n}")
    count_queries()  # the token's first use is recorded once
    few, rows = count_queries()
    for n in range(2, 6):
        make_plan(title=f"方案{n}")
    many, more_rows = count_queries()
    assert more_rows == rows * 3  # 2 plans, then 6
    assert many == few


def test_aspects(api, launched, verify):
    for measure in Measure.objects.filter(problem__number=1):
        verify(measure)
    rows = api("lingdao").get(f"{PLANS}/{launched.pk}/aspects").json()
    assert [(r["position"], r["title"]) for r in rows] == [
        (1, "落实统战工作责任制方面"),
        (2, "建言献策工作机制方面"),
    ]
    assert [(r["problems_done"], r["problems_total"]) for r in rows] == [(1, 2), (0, 1)]
    assert [(r["measures_done"], r["measures_total"]) for r in rows] == [(2, 3), (0, 1)]
    assert rows[0]["problems_rate"] == 0.5 and rows[1]["measures_rate"] == 0


def test_problems_and_measures_lists(api, launched, verify):
    for measure in Measure.objects.filter(problem__number=1):
        verify(measure)
    office = api("duban")
    problems = office.get(PROBLEMS, plan=launched.pk).json()["results"]
    first = problems[0]
    assert first["number"] == 1 and first["plan"] == launched.pk
    assert first["aspect_title"] == "落实统战工作责任制方面"
    assert (first["lead_unit"], first["units"]) == ("gzw", ["czj"])
    assert first["seriousness"] == "serious" and first["responsible_leader"] == ""
    assert (first["is_done"], first["progress"]) == (True, "done")
    tasks = [m["task"] for m in first["measures"]]
    assert tasks == list(
        Measure.objects.filter(problem_id=first["id"])
        .order_by("position")
        .values_list("task__number", flat=True)
    )
    assert all(m["status"] == "closed" for m in first["measures"])
    done = office.get(PROBLEMS, plan=launched.pk, done="true").json()["results"]
    assert [p["number"] for p in done] == [1]
    assert office.get(f"{PROBLEMS}/{first['id']}").json()["measures"] == first["measures"]

    measures = office.get(MEASURES, plan=launched.pk).json()["results"]
    assert [m["title"] for m in measures] == [
        "制定国企统战工作责任清单",
        "落实统战工作经费",
        "每季度召开联席会议",
        "建立建言献策专门台账",
    ]
    assert [m["lead_unit"] for m in measures] == ["gzw", "czj", "gzw", "tzb"]
    assert [m["kind"] for m in measures] == ["scheduled", "scheduled", "ongoing", "immediate"]
    assert all(m["task"] and m["deadline"] for m in measures)
    verified = office.get(MEASURES, plan=launched.pk, state="done").json()["results"]
    assert [m["problem_number"] for m in verified] == [1, 1]
    assert office.get(MEASURES, state="nonsense").status_code == 400


def test_a_measures_task_is_in_the_ledgers_api(api, launched):
    numbers = set(Measure.objects.filter(plan=launched).values_list("task__number", flat=True))
    tasks = api("duban").get("/api/tasks", source_kind="rectification").json()["results"]
    assert {t["number"] for t in tasks} == numbers
    assert {t["source_kind"] for t in tasks} == {"rectification"}


def test_who_sees_what(api, launched, make_plan, other_org):
    draft = make_plan(title="另一方案")
    for username in ("duban", "lingdao"):
        caller = api(username)
        assert {p["id"] for p in caller.get(PLANS).json()["results"]} == {launched.pk, draft.pk}
        assert caller.get(PROBLEMS).json()["count"] == 6
        assert caller.get(MEASURES).json()["count"] == 8

    gzw = api("gzw")
    seen = {(p["plan"], p["number"]) for p in gzw.get(PROBLEMS).json()["results"]}
    # The draft plan is the office's until approved: a unit meets its problems after that.
    assert seen == {(launched.pk, 1), (launched.pk, 2)}
    # Only the launched plan's measures are assigned: a unit sees its own of those.
    titles = {m["title"] for m in gzw.get(MEASURES).json()["results"]}
    assert titles == {"制定国企统战工作责任清单", "每季度召开联席会议"}
    czj = api("czj")
    first = czj.get(f"{PROBLEMS}/{problem_id(launched, 1)}").json()
    # 财政局 answers for problem 1 and sees the measures its unit is in, not the others'.
    assert {m["title"] for m in first["measures"]} == {
        "制定国企统战工作责任清单",
        "落实统战工作经费",
    }
    tzb = api("tzb")
    assert tzb.get(f"{PROBLEMS}/{problem_id(launched, 1)}").status_code == 404
    [plan] = [p for p in tzb.get(PLANS).json()["results"] if p["id"] == launched.pk]
    assert [p["number"] for p in plan["open_problems"]] == [3]  # only the ones it may see

    for outsider in ("admin", "fed-duban"):
        caller = api(outsider)
        for listing in (PLANS, PROBLEMS, MEASURES):
            assert caller.get(listing).json()["results"] == [], (outsider, listing)
        assert caller.get(f"{PLANS}/{launched.pk}").status_code == 404
        assert caller.get(f"{PLANS}/{launched.pk}/aspects").status_code == 404
        assert caller.get(f"{PROBLEMS}/{problem_id(launched, 1)}").status_code == 404
        act = caller.post(f"{PROBLEMS}/{problem_id(launched, 1)}/actions/commit_date")
        assert act.status_code == 404


def test_actions_through_the_services(api, make_plan, verify):
    plan = make_plan()
    office, leader = api("duban"), api("lingdao")
    refused = office.post(f"{PLANS}/{plan.pk}/actions/approve")
    assert refused.status_code == 403 and refused.json()["detail"]
    approved = leader.post(f"{PLANS}/{plan.pk}/actions/approve", {"comment": "同意。"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    version = approved.json()["version"]
    assigned = office.post(f"{PLANS}/{plan.pk}/actions/assign", {"version": version})
    assert assigned.status_code == 200 and assigned.json()["status"] == "in_progress"
    stale = office.post(f"{PLANS}/{plan.pk}/actions/complete", {"version": version, "comment": "x"})
    assert stale.status_code == 409 and stale.json()["detail"]

    second = problem_id(plan, 2)
    read = office.get(f"{PROBLEMS}/{second}").json()
    committed = office.post(
        f"{PROBLEMS}/{second}/actions/commit_date",
        {"committed_date": in_days(45).isoformat(), "version": read["version"]},
    )
    assert committed.status_code == 200, committed.content
    assert committed.json()["committed_date"] == in_days(45).isoformat()
    again = office.post(
        f"{PROBLEMS}/{second}/actions/commit_date",
        {"committed_date": in_days(50).isoformat(), "version": read["version"]},
    )
    assert again.status_code == 409
    assert Problem.objects.get(pk=second).committed_date == in_days(45)
    assert api("gzw").post(f"{PROBLEMS}/{second}/actions/commit_date").status_code == 403
    assert office.post(f"{PROBLEMS}/{second}/actions/dance").status_code == 400

    first = problem_id(plan, 1)
    early = office.post(f"{PROBLEMS}/{first}/actions/close_problem", {"comment": "已整改。"})
    assert early.status_code == 403 and "销号" in early.json()["detail"]
    for measure in Measure.objects.filter(problem_id=first):
        verify(measure)
    closed = office.post(f"{PROBLEMS}/{first}/actions/close_problem", {"comment": "已整改到位。"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["progress"] == "closed"

    no_measure = office.post(f"{PROBLEMS}/{first}/actions/reopen_problem", {"comment": "回头看"})
    assert no_measure.status_code == 400 and "measure" in no_measure.json()
    reopened = office.post(
        f"{PROBLEMS}/{first}/actions/reopen_problem",
        {
            "comment": "回头看发现责任清单未更新。",
            "measure": {"title": "更新统战工作责任清单", "deadline": in_days(30).isoformat()},
        },
    )
    assert reopened.status_code == 200, reopened.content
    assert reopened.json()["status"] == "open" and len(reopened.json()["measures"]) == 3

    added = office.post(
        f"{PROBLEMS}/{second}/actions/add_measure",
        {"measure": {"title": "修订联席会议议事规则", "lead_unit": "tzb", "kind": "immediate"}},
    )
    assert added.status_code == 200, added.content
    [new] = [m for m in added.json()["measures"] if m["title"] == "修订联席会议议事规则"]
    assert new["kind"] == "immediate" and new["status"] == "draft"
    unknown = office.post(
        f"{PROBLEMS}/{second}/actions/add_measure",
        {"measure": {"title": "某措施", "lead_unit": "nope"}},
    )
    assert unknown.status_code == 400 and "nope" in unknown.json()["detail"]


def test_a_repeat_links_to_an_earlier_plans_problem(api, launched, make_plan):
    later = make_plan(title="市委第三巡察组反馈问题整改方案（回头看）")
    office = api("duban")
    earlier = problem_id(launched, 2)
    linked = office.post(
        f"{PROBLEMS}/{problem_id(later, 2)}/actions/link_repeat", {"earlier": earlier}
    )
    assert linked.status_code == 200 and linked.json()["repeat_of"] == earlier
    repeats = office.get(PROBLEMS, repeat="true").json()["results"]
    assert [p["id"] for p in repeats] == [problem_id(later, 2)]
    missing = office.post(f"{PROBLEMS}/{problem_id(later, 1)}/actions/link_repeat", {"earlier": 9})
    assert missing.status_code == 400


def test_the_openapi_document_has_the_rectification_api(client, people):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in [
        "/api/rectification/plans",
        "/api/rectification/plans/{id}",
        "/api/rectification/plans/{id}/aspects",
        "/api/rectification/plans/{id}/actions/{action}",
        "/api/rectification/problems",
        "/api/rectification/problems/{id}",
        "/api/rectification/problems/{id}/actions/{action}",
        "/api/rectification/measures",
    ]:
        assert path in paths, path
    plan = client.get("/api/openapi.json").json()["components"]["schemas"]["Plan"]
    for field in ("problems_rate", "measures_rate", "open_problems", "aspects_total"):
        assert field in plan["properties"], field
