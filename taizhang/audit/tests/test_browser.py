"""The audit administrator reads the log on a phone: filters without reload, no sideways scroll."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD

pytestmark = [pytest.mark.browser]


def test_the_auditor_filters_the_log_on_a_phone(page, live_server, people, auditor, output_path):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "lingdao")
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit]")
    page.fill("#id_username", "shenji")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/audit/")
    expect(page.locator("table.audit-table")).to_contain_text("shenji")
    page.select_option("select[name=action]", "login_failed")
    expect(page.get_by_test_id("total")).to_have_text("共 1 条记录")
    expect(page.locator("table.audit-table")).to_contain_text("lingdao")
    assert "action=login_failed" in page.url
    page.screenshot(path=f"{output_path}/audit-log-phone.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, "the audit log must fit a phone screen"
