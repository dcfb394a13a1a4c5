"""The office opens a plan under way; the unit finds its measure in the ledger and reports it
done; the supervisor verifies it there; the plan page's measures rate moves from 0 % to 25 %
and the figure opens the verified measure: in the browser, in Chinese, a screenshot a step."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from taizhang.rectification.models import Measure

pytestmark = [pytest.mark.browser]

MEASURE = "建立建言献策专门台账"


@pytest.fixture
def journey(live_server, page, people, output_path):
    steps = []

    class Journey:
        def login(self, username):
            page.context.clear_cookies()
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            expect(page.locator(".navbar")).to_contain_text("整改")

        def shot(self, name):
            steps.append(name)
            page.screenshot(path=f"{output_path}/{len(steps):02d}-{name}.png", full_page=True)

        def act(self, label, comment="", **fields):
            """A button of the ledger's task page."""
            page.locator("summary", has_text=label).first.click()
            form = page.locator("details[open] form")
            for name, value in fields.items():
                form.locator(f"[name={name}]").fill(str(value))
            if comment:
                form.locator("textarea[name=comment]").fill(comment)
            form.locator("button[type=submit]").click()
            expect(page.locator(".alert-success")).to_contain_text("已完成")

    return Journey()


def test_a_verified_measure_moves_the_plans_rate(journey, page, live_server, launched):
    measures_rate = page.get_by_test_id("measures-rate")

    journey.login("duban")
    page.locator(".navbar").get_by_role("link", name="整改", exact=True).click()
    row = page.locator(f"tr[data-plan='{launched.pk}']")
    expect(row.get_by_test_id("measures-rate")).to_contain_text("0%")
    expect(row.get_by_test_id("measures-rate")).to_contain_text("0/4")
    row.get_by_role("link", name=launched.title).click()
    expect(page.get_by_test_id("status")).to_have_text("整改中")
    expect(measures_rate).to_have_text("0%")
    expect(page.locator("[data-problem='3']")).to_contain_text(MEASURE)
    journey.shot("office-opens-the-plan")

    journey.login("tzb")
    page.goto(f"{live_server.url}{launched.get_absolute_url()}")
    page.locator("[data-problem='3']").get_by_test_id("task-link").click()
    expect(page.get_by_test_id("source-link")).to_contain_text(launched.title)
    journey.act("签收")
    journey.act("反馈进展", "台账模板已印发。", percent=80)
    journey.act("报送办结", "台账已建立并投入使用。")
    expect(page.get_by_test_id("status")).to_have_text("已报办结")
    journey.shot("unit-reports-completion")

    journey.login("duban")
    task = Measure.objects.get(task__title=MEASURE).task
    page.goto(f"{live_server.url}{task.get_absolute_url()}")
    journey.act("复核销号", "台账齐全，同意销号。")
    expect(page.get_by_test_id("status")).to_have_text("已销号")
    page.get_by_test_id("source-link").click()  # back to the problem
    expect(page.get_by_test_id("progress")).to_have_text("已完成")
    expect(page.locator("details[data-action=close_problem]")).to_be_visible()
    journey.shot("problem-done-awaits-closing")
    page.get_by_role("link", name=launched.title).first.click()
    expect(measures_rate).to_have_text("25%")
    expect(page.get_by_test_id("measures-done")).to_have_text("1")
    expect(page.get_by_test_id("problems-rate")).to_have_text("33.3%")
    journey.shot("plan-rate-moved")

    measures_rate.click()
    expect(page.get_by_test_id("measures")).to_contain_text(MEASURE)
    expect(page.get_by_test_id("total")).to_have_text("共 1 项措施")
    journey.shot("verified-measures")


def test_the_lists_fit_a_phone_screen(page, live_server, launched):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "duban")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    for path in ("/rectification/", "/rectification/problems/", "/rectification/measures/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_test_id("total")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, f"{path} must fit a phone screen"
    page.goto(f"{live_server.url}{launched.get_absolute_url()}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
