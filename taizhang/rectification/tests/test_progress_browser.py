"""The office imports a plan in the browser, a unit completes a measure in the ledger, the
supervisor verifies it, and the plan's 整改进展 moves; on a phone, with its charts drawn. The
plan's approval and assignment go through the services (their pages are the plan pages')."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from taizhang.rectification import services
from taizhang.rectification.models import Measure, Plan

from .conftest import in_days
from .test_excel import _good_rows, _sheet

pytestmark = [pytest.mark.browser]


def _login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".navbar")).to_contain_text("我的待办")


def _act(page, label, comment="", **fields):
    page.locator("summary", has_text=label).first.click()
    form = page.locator("details[open] form")
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(str(value))
    if comment:
        form.locator("textarea[name=comment]").fill(comment)
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("已完成")


def test_an_imported_plan_moves_as_its_measures_are_verified(
    page, live_server, people, tmp_path, output_path
):
    path = tmp_path / "整改问题清单.xlsx"
    path.write_bytes(_sheet(_good_rows()))
    _login(page, live_server, "duban")
    page.goto(f"{live_server.url}/rectification/import/")
    page.set_input_files("#id_file", str(path))
    page.fill("#id_title", "市委第三巡察组反馈意见整改方案")
    page.select_option("#id_kind", value="circuit")
    page.fill("#id_deadline", in_days(180).isoformat())
    page.click("button:has-text('导入')")
    expect(page.get_by_test_id("count-measures")).to_have_text("5")
    expect(page.get_by_test_id("count-problems")).to_have_text("3")
    page.screenshot(path=f"{output_path}/01-imported.png", full_page=True)

    plan = Plan.objects.get()
    services.approve(plan, by=people["leader"])
    services.assign(plan, by=people["supervisor"])
    measure = Measure.objects.select_related("task").get(problem__number=3)
    task = measure.task

    _login(page, live_server, "czj")
    page.goto(f"{live_server.url}{task.get_absolute_url()}")
    _act(page, "签收")
    _act(page, "报送办结", "联席会议制度已修订印发。")
    expect(page.get_by_test_id("status")).to_have_text("已报办结")

    _login(page, live_server, "duban")
    page.set_viewport_size({"width": 390, "height": 844})
    progress = f"{live_server.url}/rectification/{plan.pk}/progress/"
    page.goto(progress)
    expect(page.get_by_test_id("measures-done")).to_have_text("0")
    page.goto(f"{live_server.url}{task.get_absolute_url()}")
    _act(page, "复核销号", "材料齐全，同意销号。")
    page.goto(progress)
    expect(page.get_by_test_id("measures-done")).to_have_text("1")
    expect(page.get_by_test_id("measures-rate")).to_have_text("20%")
    expect(page.get_by_test_id("problems-rate")).to_have_text("33.3%")
    expect(page.locator("#chart-months[data-chart-drawn]")).to_have_count(1)
    expect(page.locator("#chart-aspects[data-chart-drawn]")).to_have_count(1)
    page.screenshot(path=f"{output_path}/02-progress-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 400, "fits a phone"
    page.get_by_test_id("problems-done").click()
    assert f"plan={plan.pk}" in page.url and "done=true" in page.url
