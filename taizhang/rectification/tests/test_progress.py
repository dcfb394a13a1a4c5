"""The 整改进展 page: the figures as the office reads them, each linked to its list; who may
open it; its chart; and a number of queries that does not grow with the plan."""

import html
import json
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from taizhang.rectification import services
from taizhang.rectification.models import Measure

from .conftest import in_days


def _page(client, user, plan):
    client.force_login(user)
    return client.get(reverse("rectification:progress", args=[plan.pk]))


def _link(page, testid):
    """The href and text of the link marked ``data-testid``."""
    m = re.search(rf'<a href="([^"]*)"[^>]*data-testid="{testid}">([^<]*)</a>', page)
    assert m, testid
    return m.group(1).replace("&amp;", "&"), m.group(2)


def test_the_figures_link_to_their_lists(client, launched, verify, people):
    for measure in Measure.objects.filter(problem__number=1):
        verify(measure)
    response = _page(client, people["supervisor"], launched)
    assert response.status_code == 200
    page = response.content.decode()
    problems = reverse("rectification:problems")
    measures = reverse("rectification:measures")
    pk = launched.pk
    assert _link(page, "problems-done") == (f"{problems}?plan={pk}&done=true", "1")
    assert _link(page, "problems-total") == (f"{problems}?plan={pk}", "3")
    assert _link(page, "measures-done") == (f"{measures}?plan={pk}&state=done", "2")
    # The total counts the measures not dropped, and so does its list.
    assert _link(page, "measures-total") == (f"{measures}?plan={pk}&state=counted", "4")
    assert _link(page, "measures-overdue") == (f"{measures}?plan={pk}&state=overdue", "0")
    assert 'data-testid="problems-rate">33.3%<' in page
    assert 'data-testid="measures-rate">50%<' in page
    # The tables by aspect, unit and month link to the rows behind each number.
    aspect = launched.aspects.get(position=1).pk
    assert f'href="{problems}?plan={pk}&amp;aspect={aspect}&amp;done=true">1<' in page
    assert f'href="{measures}?plan={pk}&amp;aspect={aspect}&amp;state=done">2<' in page
    gzw = people["gzw"].memberships.get().unit_id
    assert f'href="{measures}?plan={pk}&amp;unit={gzw}&amp;state=counted">2<' in page
    assert f'href="{problems}?plan={pk}&amp;lead_unit={gzw}">2<' in page
    month = response.context["months"][-1]["month"].strftime("%Y-%m")
    assert f'href="{measures}?plan={pk}&amp;month={month}">2<' in page
    assert f'href="{problems}?plan={pk}&amp;done_month={month}">1<' in page
    # The open problems with their committed dates.
    assert [p["number"] for p in response.context["figures"]["open_problems"]] == [2, 3]
    # Exports and printing.
    assert reverse("rectification:export", args=[pk, "measures"]) in page
    assert "data-print" in page


def test_the_charts_carry_the_cumulative_rates(client, launched, verify, people):
    for measure in Measure.objects.filter(problem__number=3):
        verify(measure)
    page = _page(client, people["leader"], launched).content.decode()
    assert "vendor/echarts/echarts.min.js" in page
    pattern = r'id="(chart-[a-z]+)" data-renderer="canvas" data-chart-option="([^"]*)"'
    options = {m[1]: json.loads(html.unescape(m[2])) for m in re.finditer(pattern, page)}
    assert set(options) == {"chart-months", "chart-aspects"}
    months = options["chart-months"]
    assert [s["data"][-1] for s in months["series"]] == [33.3, 25.0]
    aspects = options["chart-aspects"]
    assert [s["data"] for s in aspects["series"]] == [[0.0, 100.0], [0.0, 100.0]]


def test_whoever_sees_the_plan_sees_its_progress(client, launched, people, other_org):
    assert _page(client, people["tzb"], launched).status_code == 200
    assert _page(client, people["steel"], launched).status_code == 404
    assert _page(client, people["admin"], launched).status_code == 404
    assert _page(client, other_org["supervisor"], launched).status_code == 404


def _grow(plan, office, units, aspects=4, problems=3, measures=2):
    for a in range(aspects):
        aspect = services.add_aspect(plan, by=office, title=f"第{a + 3}方面")
        for p in range(problems):
            problem = services.add_problem(
                plan,
                by=office,
                aspect=aspect,
                description=f"问题{a}-{p}",
                lead_unit=units["tzb" if p % 2 else "czj"],
                units=[units["gzw"]],
            )
            for m in range(measures):
                services.add_measure(problem, by=office, title=f"措施{m}", deadline=in_days(30))


def test_the_page_takes_constant_queries(client, make_plan, people, units):
    small = make_plan(title="小方案")
    large = make_plan(title="大方案")
    _grow(large, people["supervisor"], units)
    _page(client, people["supervisor"], small)  # the session and caches warm
    with CaptureQueriesContext(connection) as few:
        assert _page(client, people["supervisor"], small).status_code == 200
    with CaptureQueriesContext(connection) as many:
        response = _page(client, people["supervisor"], large)
    assert response.context["figures"]["measures_total"] == 4 + 4 * 3 * 2
    assert len(many) == len(few)


def test_an_empty_plan_shows_dashes_not_errors(client, people, units):
    plan = services.create_plan(
        by=people["supervisor"],
        title="新登记的方案",
        kind="audit",
        office=units["office"],
        deadline=in_days(90),
    )
    response = _page(client, people["supervisor"], plan)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="problems-rate">—<' in page
    assert _link(page, "problems-total")[1] == "0"
