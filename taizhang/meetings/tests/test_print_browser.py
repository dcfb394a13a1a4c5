"""In chromium: the mechanism page draws its chart, the calendar shows the month, the printed
papers and the phone sign-in page (on a phone-sized window), with a screenshot of each under
the test's output folder. No page may log an error (a CSP violation shows up as one)."""

import io

import pypdf
import pytest
from playwright.sync_api import expect

from conftest import PASSWORD

pytestmark = [pytest.mark.browser]


def test_pages_in_the_browser(live_server, page, make_meeting, mechanism, output_path):
    errors = []
    # Errors but the missing favicon's "Failed to load resource".
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    meeting = make_meeting(
        "notified",
        start_time="09:30",
        place="市委第一会议室",
        agenda=["通报工作"],
        guests=[{"name": "李企业家", "kind": "entrepreneur", "affiliation": "XX矿业公司"}],
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "duban")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/meetings/mechanisms/{mechanism.pk}/")
    expect(page.locator("#chart-plan-months canvas")).to_have_count(1)
    page.screenshot(path=f"{output_path}/01-mechanism.png", full_page=True)

    page.goto(f"{live_server.url}/meetings/calendar/")
    expect(page.locator(f"[data-meeting='{meeting.pk}']")).to_contain_text("09:30")
    page.screenshot(path=f"{output_path}/02-calendar.png", full_page=True)

    page.goto(f"{live_server.url}/meetings/{meeting.pk}/notice/")
    expect(page.locator("[data-testid=notice]")).to_contain_text("市委第一会议室")
    page.screenshot(path=f"{output_path}/03-notice.png", full_page=True)

    page.goto(f"{live_server.url}/meetings/{meeting.pk}/sign-in-sheet/")
    expect(page.locator("[data-testid=qr] svg")).to_have_count(1)
    page.screenshot(path=f"{output_path}/04-sign-in-sheet.png", full_page=True)

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/sign-in/{meeting.sign_in_token}/")
    page.get_by_label("李企业家").check()
    page.screenshot(path=f"{output_path}/05-sign-in-phone.png", full_page=True)
    page.locator("[data-testid=sign-in-form] button[type=submit]").click()
    expect(page.locator("[data-testid=thanks]")).to_be_visible()
    page.screenshot(path=f"{output_path}/06-signed-in.png", full_page=True)
    assert errors == []


def test_the_mechanism_and_the_calendar_fit_a_phone(
    live_server, page, make_meeting, mechanism, output_path
):
    """At 390 px neither page scrolls sideways; unit names and titles keep whole words."""
    meeting = make_meeting(
        "held",
        title="全市国有企业统战工作推进会",
        start_time="09:00",
        place="XX钢铁集团办公楼报告厅",
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "duban")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    month = f"?month={meeting.date:%Y-%m}"
    for url in (
        f"/meetings/mechanisms/{mechanism.pk}/",
        f"/meetings/calendar/{month}",
        f"/meetings/calendar/{month}&view=list",
    ):
        page.goto(f"{live_server.url}{url}")
        page.screenshot(path=f"{output_path}/phone-{len(url)}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
    page.goto(f"{live_server.url}/meetings/mechanisms/{mechanism.pk}/")
    # A unit's name sits on one line (not a character per line).
    cell = page.locator("[data-testid=unit-figures] tr[data-unit] td").first
    assert cell.evaluate("td => td.getBoundingClientRect().height") < 60
    page.goto(f"{live_server.url}/meetings/calendar/{month}")
    # On a phone the month is a list of its days with meetings, the meeting on the screen.
    badge = page.locator(f"[data-meeting='{meeting.pk}']").first
    expect(badge).to_be_visible()
    box = badge.bounding_box()
    assert box["x"] + box["width"] <= 390
    assert badge.evaluate("a => a.getBoundingClientRect().height") < 60
    page.goto(f"{live_server.url}/meetings/calendar/{month}&view=list")
    link = page.get_by_role("link", name="全市国有企业统战工作推进会")
    assert link.evaluate("a => a.getBoundingClientRect().height") < 60


def test_the_printed_notice_is_one_a4_sheet(live_server, page, make_meeting, units):
    """A usual meeting's 会议通知 prints on one A4 page, its signature and date included, and
    says when, where and what once."""
    meeting = make_meeting(
        "notified",
        start_time="09:30",
        end_time="11:30",
        place="市委第一会议室",
        agenda=[
            "通报全市统战工作情况",
            "研究党外人才队伍建设",
            "审议年度工作要点",
            "部署下一阶段工作",
        ],
        guests=[{"name": "李企业家", "kind": "entrepreneur", "affiliation": "XX矿业公司"}],
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "duban")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/notice/")
    notice = page.get_by_test_id("notice")
    body = notice.inner_text()
    for fact in ("09:30", "市委第一会议室", "研究党外人才队伍建设"):
        assert body.count(fact) == 1, fact
    pdf = pypdf.PdfReader(io.BytesIO(page.pdf(format="A4")))
    assert len(pdf.pages) == 1
    assert f"{meeting.notice_sent_at.year}年" in pdf.pages[0].extract_text()


def test_the_statistics_buttons_fit_their_text(live_server, page, make_meeting):
    make_meeting("held")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "duban")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/meetings/stats/")
    button = page.get_by_test_id("export")
    assert button.evaluate("a => a.scrollWidth <= a.clientWidth")
