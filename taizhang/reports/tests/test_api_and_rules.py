"""The contract (/api/reports/…), who sees which report, and the year-end summary's figures
where the modules they need hold nothing: no value, and the reason."""

import pytest
from rest_framework.test import APIClient

from taizhang.reports import services, summary
from taizhang.reports.choices import Kind
from taizhang.reports.models import Bulletin
from taizhang.utils.errors import Conflict, WorkflowError

pytestmark = pytest.mark.django_db

CONTRACT_KEYS = [
    "supervised_items",
    "briefings",
    "rectification_aspects",
    "rectification_problems",
    "rectification_problems_rate",
    "rectification_measures_rate",
    "rectification_open_problems",
    "rectification_open_measures",
    "departments_appraised",
    "departments_grade_b_or_above",
    "staff_commended",
    "consultation_meetings",
]


def api(user):
    caller = APIClient()
    caller.force_authenticate(user)
    return caller


def test_the_year_summary_contract(people, history):
    response = api(people["leader"]).get("/api/reports/year-summary?year=2022")
    assert response.status_code == 200
    body = response.json()
    assert body["year"] == 2022 and body["organisation"] == "XX市"
    figures = {f["key"]: f for f in body["figures"]}
    assert set(CONTRACT_KEYS) <= set(figures)
    for figure in body["figures"]:
        assert {"key", "label", "value", "unit", "source"} <= set(figure)
        assert (figure["value"] is None) == ("missing" in figure), figure["key"]
    # Closed in 2022, from documents (the fixture's source): on time or late.
    assert figures["supervised_items"]["value"] == 2
    assert figures["briefings"]["value"] == 0
    # No plan, appraisal or consultation in this organisation: said, not invented.
    for key in ("rectification_problems", "departments_appraised", "staff_commended"):
        assert figures[key]["value"] is None and figures[key]["missing"], key


def test_the_year_is_required_and_checked(people):
    for query in ("", "?year=abc", "?year=1066"):
        response = api(people["leader"]).get(f"/api/reports/year-summary{query}")
        assert response.status_code == 400 and "year" in response.json()


def test_the_overview_contract(people, history):
    response = api(people["supervisor"]).get("/api/reports/overview?period=2022-11")
    assert response.status_code == 200
    body = response.json()
    assert (body["open"], body["overdue"], body["closed"], body["on_time_rate"]) == (2, 1, 1, 1.0)
    assert body["period"] == {
        "key": "2022-11",
        "kind": "month",
        "start": "2022-11-01",
        "end": "2022-11-30",
        "as_of": "2022-11-30",
    }
    lead = {row["unit"]: row for row in body["by_unit"]}
    assert lead["tzb"]["open"] == 2 and lead["tzb"]["links"]["overdue"].startswith("/tasks/")
    bad = api(people["supervisor"]).get("/api/reports/overview?period=2022-13")
    assert bad.status_code == 400 and "period" in bad.json()


def test_a_handler_reads_its_unit_not_the_organisation(people, client, history):
    assert api(people["tzb"]).get("/api/reports/overview").status_code == 403
    assert api(people["tzb"]).get("/api/reports/year-summary?year=2022").status_code == 403
    client.force_login(people["tzb"])
    assert client.get("/reports/").url == "/reports/unit/"
    page = client.get("/reports/unit/")
    assert page.status_code == 200 and page.context["view"]["unit"].code == "tzb"
    # Another unit's view is not theirs: the selector offers their own units only.
    assert client.get("/reports/unit/?unit=gzw").context["view"]["unit"].code == "tzb"
    assert client.get("/reports/year-summary/").status_code == 403
    assert client.get("/reports/burden/").status_code == 403
    assert client.get("/reports/bulletins/new/").status_code == 403


def test_only_the_office_writes_and_drafts_stay_in_the_office(people, client, other_org):
    with pytest.raises(WorkflowError):
        services.create_bulletin(by=people["leader"], kind=Kind.BRIEFING, year=2022, title="简报")
    draft = services.create_bulletin(
        by=people["supervisor"], kind=Kind.BRIEFING, year=2022, title="简报", body="正文"
    )
    client.force_login(people["tzb"])
    assert client.get(draft.get_absolute_url()).status_code == 404  # a draft is the office's
    services.issue_bulletin(draft, by=people["supervisor"])
    assert client.get(draft.get_absolute_url()).status_code == 200  # issued: every unit reads it
    client.force_login(other_org["supervisor"])
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(f"/reports/bulletins/{draft.pk}.docx").status_code == 404
    assert Bulletin.objects.count() == 1


def test_a_template_naming_an_unknown_figure_is_refused(people):
    record = services.year_summary(people["supervisor"], 2022)
    with pytest.raises(WorkflowError, match="not_a_figure"):
        services.save_summary(record, by=people["supervisor"], template="共{not_a_figure}项")


def test_frozen_figures_stay_until_unfrozen(people, make_task, client):
    record = services.year_summary(people["supervisor"], 2022)
    record = services.freeze_summary(record, by=people["supervisor"])
    frozen = {f.key: f.value for f in services.summary_figures(record, people["supervisor"])}
    from taizhang.supervision.models import Task

    task = make_task("closed", source_kind="document")
    from taizhang.reports.tests.conftest import D, dated

    dated(task, closed=D(2022, 6, 1), assigned=D(2022, 5, 1))
    assert Task.objects.filter(closed_at__year=2022).count() == 1
    again = {f.key: f.value for f in services.summary_figures(record, people["supervisor"])}
    assert again == frozen and frozen["supervised_items"] == 0
    # Freezing again would move the frozen figures: refused, they stay.
    with pytest.raises(WorkflowError, match="数据已冻结"):
        services.freeze_summary(record, by=people["supervisor"], version=record.version)
    record = services.freeze_summary(
        record, by=people["supervisor"], version=record.version, frozen=False
    )
    live = {f.key: f.value for f in services.summary_figures(record, people["supervisor"])}
    assert live["supervised_items"] == 1


def test_a_first_save_made_meanwhile_by_another_is_not_overwritten(people):
    mine = services.year_summary(people["supervisor"], 2022)
    theirs = services.year_summary(people["supervisor"], 2022)
    services.save_summary(theirs, by=people["supervisor"], template=theirs.template + "（改）")
    with pytest.raises(Conflict):
        services.save_summary(mine, by=people["supervisor"], template=mine.template)
    saved = services.year_summary(people["supervisor"], 2022)
    assert saved.template.endswith("（改）")


def test_the_summary_text_says_which_figure_is_missing(people):
    record = services.year_summary(people["supervisor"], 2022)
    figures = services.summary_figures(record, people["supervisor"])
    lines = summary.paragraphs(record.template, figures, "XX市", 2022)
    missing = [p.figure for line in lines for p in line if p.figure and p.figure.value is None]
    assert {f.key for f in missing} >= {"rectification_problems", "departments_appraised"}
    assert all(
        summary.figure_text(f).startswith("[") or "【" in summary.figure_text(f) for f in missing
    )


@pytest.mark.parametrize(
    "url",
    [
        "/reports/?period=2000",
        "/reports/?period=2000-Q1",
        "/reports/?period=nonsense",
        "/tasks/?unsigned_days=1000000000",
    ],
)
def test_strange_periods_and_counts_are_answered_not_crashed(people, client, url):
    client.force_login(people["leader"])
    assert client.get(url).status_code == 200


def test_the_api_refuses_a_year_that_is_a_digit_but_not_a_number(people):
    response = api(people["leader"]).get("/api/reports/year-summary?year=²")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("year", "start", "end"),
    [("2022", "1999-01-01", "1999-12-31"), ("2022", "2010-01-01", "2022-12-31"), ("99999", "", "")],
)
def test_a_notice_out_of_the_periods_bounds_is_refused_when_saved(people, year, start, end):
    with pytest.raises(WorkflowError):
        services.create_bulletin(
            by=people["supervisor"],
            kind=Kind.NOTICE if start else Kind.BRIEFING,
            year=year,
            title="通报",
            body="正文",
            period_start=start,
            period_end=end,
        )
    assert not Bulletin.objects.exists()
