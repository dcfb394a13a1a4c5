"""A supervisor, a lead-unit handler and a leader walk one task from 立项 to 销号 in the browser,
in Chinese, with a screenshot saved per step under the test's output folder."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from taizhang.supervision.models import Task
from taizhang.utils.tests.browser import choose

pytestmark = [pytest.mark.browser]


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
            expect(page.locator(".navbar")).to_contain_text("我的待办")

        def shot(self, name):
            steps.append(name)
            page.screenshot(path=f"{output_path}/{len(steps):02d}-{name}.png", full_page=True)

        def act(self, label, comment="", **fields):
            page.locator("summary", has_text=label).first.click()
            form = page.locator("details[open] form")
            for name, value in fields.items():
                form.locator(f"[name={name}]").fill(str(value))
            if comment:
                form.locator("textarea[name=comment]").fill(comment)
            form.locator("button[type=submit]").click()
            expect(page.locator(".alert-success")).to_contain_text("已完成")

    return Journey()


def test_task_from_registration_to_close(journey, page, live_server, units):
    deadline = timezone.localdate() + datetime.timedelta(days=40)

    journey.login("duban")
    page.click("text=督办台账")
    page.click("text=新建事项")
    page.fill("#id_title", "建立健全线上线下相结合的建言献策渠道")
    page.fill("#id_body", "鼓励党外人士围绕国企改革提出意见建议，建立专门台账。")
    page.select_option("#id_source_kind", label="讲话")
    choose(page, "id_lead_unit", "统战")
    choose(page, "id_responsible_units", "国资", "市国资委")
    page.fill("#id_deadline", deadline.isoformat())
    journey.shot("supervisor-registers")
    page.click("button:has-text('保存')")
    expect(page.get_by_test_id("status")).to_have_text("立项")
    task = Task.objects.get(title="建立健全线上线下相结合的建言献策渠道")

    journey.login("lingdao")
    expect(page.locator("[data-section=待审核]")).to_contain_text(task.title)
    page.click(f"text={task.title}")
    journey.act("同意", "同意立项。")
    expect(page.get_by_test_id("status")).to_have_text("已审核")
    journey.shot("leader-approves")

    journey.login("duban")
    page.goto(f"{live_server.url}{task.get_absolute_url()}")
    journey.act("交办", "请按时限办理。")
    expect(page.get_by_test_id("status")).to_have_text("已交办")
    journey.shot("supervisor-assigns")

    journey.login("tzb")
    expect(page.locator("[data-section=待签收]")).to_contain_text(task.title)
    page.click(f"text={task.title}")
    journey.act("签收")
    expect(page.get_by_test_id("status")).to_have_text("已签收")
    journey.act("反馈进展", "线上平台需求已确定，台账模板已印发。", percent=60)
    expect(page.get_by_test_id("progress")).to_have_text("60%")
    journey.shot("handler-reports-progress")
    journey.act("报送办结", "渠道已开通，台账运行正常。")
    expect(page.get_by_test_id("status")).to_have_text("已报办结")
    journey.shot("handler-reports-completion")

    journey.login("duban")
    expect(page.locator("[data-section=待复核]")).to_contain_text(task.title)
    page.click(f"text={task.title}")
    # 市国资委 has not signed: 销号 asks the supervisor to confirm it.
    page.locator("summary", has_text="复核销号").click()
    expect(page.get_by_test_id("unsigned-warning")).to_contain_text("市国资委 尚未签收")
    form = page.locator("details[open] form")
    form.locator("[name=confirm_unsigned]").check()
    form.locator("textarea[name=comment]").fill("材料齐全，同意销号。")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("已完成")
    expect(page.get_by_test_id("status")).to_have_text("已销号")
    expect(page.locator("#timeline")).to_contain_text("复核销号")
    expect(page.locator("#timeline")).to_contain_text("已报办结")
    journey.shot("supervisor-closes")
    assert Task.objects.get(pk=task.pk).status == "closed"


def test_ledger_on_a_phone_screen_filters_without_reload(page, live_server, people, make_task):
    make_task("in_progress", title="统战部牵头的事项")
    make_task("assigned", title="另一项事项")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "duban")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/tasks/")
    expect(page.get_by_test_id("total")).to_have_text("共 2 项")
    page.click("#filters-toggle")  # on a phone the filters are behind a button
    page.fill("#ledger-filters input[name=q]", "统战")
    page.press("#ledger-filters input[name=q]", "Enter")
    expect(page.get_by_test_id("total")).to_have_text("共 1 项")
    assert "q=" in page.url  # the filter is in the address, so the view can be shared
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, "the ledger must fit a phone screen"
