"""The task page in the browser, on a desktop and a phone screen: the next step at the top, an
action form that opens below the buttons without moving them, a reply to a comment and the
text of a Word attachment, with a screenshot per step under the test's output folder."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from conftest import PASSWORD
from taizhang.supervision import services

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_task_page_next_step_reply_and_docx_preview(
    page, live_server, people, make_task, docx_bytes, output_path, width
):
    task = make_task("completion_reported", title="建立专门的建言献策台账")
    services.add_comment(task, by=people["supervisor"], text="@市国资委 请补充签收。")
    services.add_attachments(
        task, by=people["supervisor"], files=[SimpleUploadedFile("办结材料.docx", docx_bytes)]
    )
    page.set_viewport_size({"width": width, "height": 900})
    steps = []

    def shot(name):
        steps.append(name)
        page.screenshot(path=f"{output_path}/{len(steps):02d}-{width}-{name}.png", full_page=True)

    def login(username):
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator(".navbar")).to_contain_text("我的待办")
        page.goto(f"{live_server.url}{task.get_absolute_url()}")

    login("duban")
    expect(page.get_by_test_id("next-step-text")).to_have_text("等待督查室复核")
    shot("next-step")

    buttons = page.locator("#actions summary")
    assert buttons.count() >= 3
    before = [buttons.nth(i).bounding_box() for i in range(buttons.count())]
    buttons.first.click()  # 复核销号
    expect(page.get_by_test_id("unsigned-warning")).to_contain_text("市国资委、市财政局 尚未签收")
    after = [buttons.nth(i).bounding_box() for i in range(buttons.count())]
    assert before == after, "the other action buttons stay where they were"
    shot("verify-form-open")
    buttons.first.click()

    login("gzw")
    comment = task.events.get(action="comment")
    item = page.locator(f"#comment-{comment.pk}")
    item.locator("summary", has_text="回复").click()
    item.locator("textarea[name=text]").fill("收到，今日签收。")
    item.locator("button", has_text="发表回复").click()
    expect(page.locator(f"#comment-{comment.pk} [data-testid=replies]")).to_contain_text(
        "收到，今日签收。"
    )
    shot("reply-posted")

    row = page.get_by_test_id("attachment").filter(has_text="办结材料.docx")
    row.locator("summary", has_text="预览").click()
    expect(row.get_by_test_id("preview-text")).to_contain_text("关于建立建言献策台账的办结材料")
    expect(row.get_by_test_id("preview-text")).to_contain_text("台账建立 | 已完成")
    shot("docx-preview")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width + 10, "the task page fits the screen"
