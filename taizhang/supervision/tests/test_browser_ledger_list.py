"""The ledger and 我的待办 on a phone (390 px: rows as cards, the filters behind a button, no
sideways scroll) and on a desktop (1280 px: the table with sortable headers and pills), with
a screenshot per step under the test's output folder."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD

pytestmark = [pytest.mark.browser]

LONG_TITLE = "建立健全线上线下相结合的建言献策渠道并形成专门台账定期分析反馈"


@pytest.fixture
def ledger(live_server, page, make_task, output_path):
    today = timezone.localdate()
    make_task("in_progress", title=LONG_TITLE, deadline=today - datetime.timedelta(days=6))
    make_task("assigned", title="推进国有企业统战工作联席会议制度", deadline=today)
    make_task("closed", title="已经销号的事项", deadline=today - datetime.timedelta(days=30))
    make_task("draft", title="尚在立项的事项")
    steps = []

    class Ledger:
        def login(self, width, height):
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", "duban")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            expect(page.locator(".navbar")).to_be_visible()

        def shot(self, name):
            steps.append(name)
            page.screenshot(path=f"{output_path}/{len(steps):02d}-{name}.png", full_page=True)

        def fits(self):
            width = page.evaluate("document.documentElement.scrollWidth")
            viewport = page.evaluate("window.innerWidth")
            assert width <= viewport, f"sideways scroll: {width} > {viewport}"

    return Ledger()


def card_box(page, row):
    return page.locator("table.ledger-table tbody tr").nth(row).bounding_box()


def test_ledger_and_todo_as_cards_on_a_phone(ledger, page, live_server):
    ledger.login(390, 844)
    page.goto(f"{live_server.url}/tasks/")
    expect(page.get_by_test_id("total")).to_have_text("共 4 项")
    # Filters behind the button; the rows are cards, the red one first with its lateness.
    expect(page.locator("#ledger-filters")).to_be_hidden()
    expect(page.locator("table.ledger-table thead")).to_be_hidden()
    first = page.locator("table.ledger-table tbody tr").first
    expect(first.locator(".cell-title")).to_contain_text(LONG_TITLE)
    expect(first.get_by_test_id("overdue-days")).to_be_visible()
    expect(first.locator(".light-dot.light-red")).to_be_visible()
    expect(first.locator(".cell-status")).to_have_text("办理中")
    expect(first.locator(".cell-lead")).to_have_text("市委统战部")
    # The title runs across the card, not three characters to a line.
    title = first.locator(".cell-title").bounding_box()
    assert title["width"] > 250, title
    assert title["height"] < 4 * 24, title
    assert card_box(page, 0)["width"] <= 390
    ledger.fits()
    ledger.shot("phone-ledger-cards")

    page.click("#filters-toggle")
    expect(page.locator("#ledger-filters")).to_be_visible()
    ledger.shot("phone-filters-open")
    page.locator("[data-testid=status-pills] label", has_text="已交办").click()
    expect(page.get_by_test_id("total")).to_have_text("共 1 项")
    expect(page.get_by_test_id("filter-count")).to_have_text("1")
    ledger.fits()
    ledger.shot("phone-filtered")

    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("count-red")).to_be_visible()
    cards = page.locator("table.ledger-table tbody tr")
    expect(cards.first).to_be_visible()
    expect(page.locator("table.ledger-table thead").first).to_be_hidden()
    ledger.fits()
    ledger.shot("phone-todo-cards")
    page.get_by_test_id("count-red").click()
    expect(page.get_by_test_id("total")).to_have_text("共 1 项")
    ledger.shot("phone-red-from-todo")


def test_ledger_on_a_desktop_sorts_pages_and_saves_a_filter(ledger, page, live_server):
    ledger.login(1280, 900)
    page.goto(f"{live_server.url}/tasks/")
    expect(page.locator("#ledger-filters")).to_be_visible()
    expect(page.locator("#filters-toggle")).to_be_hidden()
    expect(page.locator("table.ledger-table thead")).to_be_visible()
    rows = page.locator("table.ledger-table tbody tr")
    expect(rows.first).to_contain_text(LONG_TITLE)  # red first
    expect(rows.last).to_contain_text("已经销号的事项")  # finished last
    ledger.fits()
    ledger.shot("desktop-default-order")

    page.locator("th a[data-sort=deadline]").click()
    expect(page.locator("th[aria-sort=ascending] a[data-sort=deadline]")).to_be_visible()
    expect(rows.first).to_contain_text("已经销号的事项")
    page.locator("th a[data-sort=deadline]").click()
    expect(page.locator("th[aria-sort=descending] a[data-sort=deadline]")).to_be_visible()
    expect(rows.first).to_contain_text("尚在立项的事项")
    expect(page).to_have_url(re.compile("sort=-deadline"))
    ledger.shot("desktop-sorted-by-deadline-descending")

    # Two lights through the pills, the sort kept; then a page size of 50.
    page.locator("[data-testid=light-pills] label", has_text="红").click()
    expect(page.get_by_test_id("total")).to_have_text("共 1 项")
    page.locator("[data-testid=light-pills] label", has_text="蓝").click()
    expect(page.get_by_test_id("total")).to_have_text("共 2 项")
    expect(page).to_have_url(re.compile("light=blue"))
    assert "sort=-deadline" in page.url and page.url.count("light=") == 2
    page.get_by_test_id("per-page").select_option("50")
    expect(page).to_have_url(re.compile("per_page=50"))
    expect(page.get_by_test_id("per-page")).to_have_value("50")
    assert page.url.count("light=") == 2
    ledger.shot("desktop-two-lights")

    page.get_by_test_id("save-filter").click()
    page.fill("#saved-filter-name", "红绿灯")
    page.locator(".saved-filter-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("红绿灯")
    expect(page.get_by_test_id("saved-filter")).to_contain_text("红绿灯")
    page.goto(f"{live_server.url}/tasks/")
    expect(page.get_by_test_id("total")).to_have_text("共 4 项")
    page.get_by_test_id("saved-filter").locator("a").click()
    expect(page.get_by_test_id("total")).to_have_text("共 2 项")
    ledger.shot("desktop-saved-filter")
