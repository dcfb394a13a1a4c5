"""In chromium at desktop size: from a task's page to its printed 督办单 — the navbar and the
buttons gone in print media, the sheet on one A4 page — and the printed ledger on landscape
pages. A screenshot per step under the test's output folder; no page may log an error (a CSP
violation shows up as one)."""

import io

import pypdf
import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from taizhang.supervision import services

pytestmark = [pytest.mark.browser]


@pytest.fixture
def desk(live_server, page, people, output_path):
    errors = []
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "duban")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".navbar")).to_contain_text("我的待办")
    steps = []

    def shot(name):
        steps.append(name)
        page.screenshot(path=f"{output_path}/{len(steps):02d}-{name}.png", full_page=True)

    yield shot
    assert errors == []


def test_the_assignment_sheet_prints_on_one_a4_page(live_server, page, desk, make_task, people):
    task = make_task(
        "signed",
        title="建立健全线上线下相结合的建言献策渠道",
        body="鼓励党外人士围绕国企改革发展提出意见建议；建立专门台账，"
        "分类梳理、及时反馈；对采纳的建议给予表扬奖励。每月5日前报送上月进展。",
        source_kind="speech",
        source_ref="市委书记在全市国有企业统战工作推进会上的讲话",
        priority="urgent",
    )
    services.add_comment(
        task, by=people["leader"], text="请统战部牵头，国资委配合，抓紧落实。", instruction=True
    )
    page.goto(f"{live_server.url}{task.get_absolute_url()}")
    desk("task-page")
    page.get_by_role("link", name="打印督办单").click()
    sheet = page.get_by_test_id("duban-sheet")
    expect(sheet).to_contain_text(task.number)
    expect(sheet).to_contain_text("请统战部牵头，国资委配合，抓紧落实。")
    expect(sheet.locator("[data-testid=qr] svg")).to_have_count(1)
    expect(page.locator(".navbar")).to_be_visible()
    expect(page.get_by_test_id("print")).to_be_visible()
    desk("sheet-on-screen")

    page.emulate_media(media="print")
    expect(page.locator(".navbar")).to_be_hidden()
    expect(page.get_by_test_id("print")).to_be_hidden()
    expect(sheet).to_be_visible()
    desk("sheet-in-print-media")
    pdf = pypdf.PdfReader(io.BytesIO(page.pdf(format="A4")))
    assert len(pdf.pages) == 1, "a 督办单 is one A4 page"
    text = pdf.pages[0].extract_text()
    assert task.number in text and "督查督办通知单" in text

    page.emulate_media(media="screen")
    page.get_by_role("link", name="返回事项").click()
    page.get_by_role("link", name="打印催办单").click()
    sheet = page.get_by_test_id("cuiban-sheet")
    expect(sheet.get_by_test_id("unsigned")).to_contain_text("XX市财政局")
    page.emulate_media(media="print")
    desk("reminder-sheet-in-print-media")
    assert len(pypdf.PdfReader(io.BytesIO(page.pdf(format="A4"))).pages) == 1


def test_the_printed_ledger_is_landscape(live_server, page, desk, make_task):
    for i in range(30):
        make_task("in_progress", title=f"全市国有企业统战工作第{i + 1}项重点任务")
    page.goto(f"{live_server.url}/tasks/?status=in_progress")
    desk("ledger")
    page.locator("#print-link").click()
    expect(page.get_by_test_id("filters")).to_contain_text("状态：办理中")
    expect(page.locator("[data-task]")).to_have_count(30)
    desk("printed-ledger-on-screen")
    page.emulate_media(media="print")
    expect(page.locator(".navbar")).to_be_hidden()
    desk("printed-ledger-in-print-media")
    pdf = pypdf.PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    first = pdf.pages[0].mediabox
    assert first.width > first.height, "landscape A4"
    assert len(pdf.pages) >= 2  # 30 rows do not fit one page; the header repeats
    assert "序号" in pdf.pages[1].extract_text()
