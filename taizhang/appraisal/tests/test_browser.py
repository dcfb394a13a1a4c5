"""The office opens last year's results, reads the headline figures and clicks one to see the
units behind it, clicks a unit's score on the on-time indicator and reads the tasks behind
the point, each linked to its task page: in the browser, in Chinese, with a screenshot per
step."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from taizhang.appraisal import services, stats
from taizhang.appraisal.models import Indicator

from .conftest import NO_QUOTA, ON_TIME, PANEL, day

pytestmark = [pytest.mark.browser]


@pytest.fixture
def cycle(new_cycle, make_task, backdate, people):
    """Three units; 统战部 leads (国资委 responsible for) a task closed on time and one ten days
    late; the panel has scored every unit; the results are publicised."""
    backdate(make_task("closed", title="建立建言献策台账"), deadline=day(3, 31), closed=day(3, 20))
    backdate(make_task("closed", title="完善联系服务机制"), deadline=day(4, 30), closed=day(5, 10))
    office = people["supervisor"]
    cycle = new_cycle([ON_TIME, PANEL], bands=NO_QUOTA)
    services.open_scoring(cycle, by=office)
    services.compute(cycle, by=office)
    panel = Indicator.objects.get(cycle=cycle, kind="manual")
    for code, score in (("tzb", 90), ("gzw", 85), ("czj", 80)):
        services.score_manual(cycle, by=people["leader"], indicator=panel, unit=code, score=score)
    services.publicise(cycle, by=office)
    return cycle


def test_the_office_clicks_a_score_and_sees_the_tasks_behind_it(
    live_server, page, cycle, output_path
):
    shots = []

    def shot(name):
        shots.append(name)
        page.screenshot(path=f"{output_path}/{len(shots):02d}-{name}.png", full_page=True)

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "duban")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.locator(".navbar").get_by_role("link", name="考评", exact=True).click()
    page.get_by_role("link", name=cycle.title).click()
    page.get_by_test_id("results-link").click()
    expect(page.get_by_test_id("formula")).to_contain_text("n + 5")
    row = page.locator("tr[data-unit=tzb]")
    expect(row.get_by_test_id("normalisation").first).to_contain_text("n=2")
    expect(page.locator("#chart-units canvas")).to_have_count(1)
    shot("results")

    headline = page.get_by_test_id("headline")
    expect(headline.locator("[data-figure=appraised]")).to_contain_text("3")
    good = stats.at_or_above(cycle, "B")
    figure = headline.locator("[data-figure=at-or-above]")
    expect(figure).to_contain_text(f"{good}B及以上")
    figure.click()
    expect(page.get_by_test_id("filtered")).to_be_visible()
    expect(page.locator("[data-testid=results] tbody tr[data-unit]")).to_have_count(good)
    shot("b-or-above")
    page.get_by_role("link", name="显示全部").click()
    row = page.locator("tr[data-unit=tzb]")

    row.get_by_test_id("point").first.click()
    point = page.locator("[data-point=按期办结率]")
    expect(point).to_be_in_viewport()
    events = point.get_by_test_id("events")
    expect(events).to_contain_text("完善联系服务机制")
    expect(events).to_contain_text("建立建言献策台账")
    expect(point.get_by_test_id("method")).to_contain_text("平滑")
    shot("points")

    events.get_by_test_id("event-task").first.click()
    expect(page.locator("h2, h1").first).to_contain_text("建立建言献策台账")
    shot("task")
