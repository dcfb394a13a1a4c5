"""The office's statistics draw their charts, and the receipt prints on A4, in a real browser
(screenshots under the test's output folder)."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from taizhang.suggestions import services

pytestmark = [pytest.mark.browser]


def login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".navbar")).to_be_visible()


def test_statistics_charts_and_a_printed_receipt(
    live_server, page, make_suggestion, people, output_path
):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    adopted = make_suggestion("adopted")
    services.record_outcome(adopted, by=people["supervisor"], text="建成平台", benefit_amount="80")
    make_suggestion("closed", title="优化审批流程", reply_class="A")
    make_suggestion("refused", title="内容不具体的建议")
    login(page, live_server, "duban")
    page.goto(f"{live_server.url}/suggestions/stats/")
    expect(page.locator("[data-testid=rates]")).to_contain_text("立案率")
    expect(page.locator(".tz-chart[data-chart-drawn]")).to_have_count(4)
    page.screenshot(path=f"{output_path}/01-stats.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator(".tz-chart[data-chart-drawn]")).to_have_count(4)
    page.screenshot(path=f"{output_path}/02-stats-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/suggestions/{adopted.pk}/reply-letter/")
    page.emulate_media(media="print")
    expect(page.locator(".navbar")).to_be_hidden()
    expect(page.locator("[data-testid=reply-letter] svg.tz-qr")).to_be_visible()
    page.screenshot(path=f"{output_path}/03-reply-letter-print.png", full_page=True)
    page.goto(f"{live_server.url}/suggestions/{adopted.pk}/receipt/")
    expect(page.locator("[data-testid=receipt]")).to_contain_text(adopted.number)
    page.screenshot(path=f"{output_path}/04-receipt-print.png", full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e or "tz-chart" in e], errors
