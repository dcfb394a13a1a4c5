"""Issue 14 in the browser: a leader approves several drafts at once (one refused, the summary
says why), and a supervisor's 催办 on an overdue task reaches the unit's handler. A screenshot
per step under the test's output folder."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from taizhang.supervision.choices import Status
from taizhang.supervision.models import Task

pytestmark = [pytest.mark.browser]


def row(page, title):
    return page.locator("tr", has=page.get_by_role("link", name=title, exact=True))


def test_leader_approves_several_drafts_at_once(steps, page, live_server, make_task):
    page.set_viewport_size({"width": 1280, "height": 900})
    drafts = [make_task("draft", title=f"导入的待审核事项{i}") for i in range(1, 4)]
    approved = make_task("approved", title="已审核的事项")
    steps.login("lingdao")
    page.goto(f"{live_server.url}{reverse('supervision:ledger')}")
    bar = page.locator("[data-bulk-bar]")
    expect(bar).to_be_hidden()
    for task in [*drafts, approved]:
        row(page, task.title).locator("td.select-cell input").check()
    expect(bar).to_be_visible()
    expect(bar.locator("[data-bulk-count]")).to_have_text("4")
    bar.locator("select[name=action]").select_option(label="同意")
    bar.locator("input[name=comment]").fill("同意立项。")
    steps.shot("leader-checks-four-rows")
    bar.locator("button[type=submit]").click()
    done, refused = page.get_by_test_id("bulk-done"), page.get_by_test_id("bulk-refused")
    for task in drafts:
        expect(done.get_by_role("link", name=task.title)).to_be_visible()
    expect(refused).to_contain_text("已审核的事项")
    expect(refused).to_contain_text("不可")
    steps.shot("summary-done-and-refused")
    assert set(
        Task.objects.filter(pk__in=[d.pk for d in drafts]).values_list("status", flat=True)
    ) == {Status.APPROVED}
    # Select-all in the header checks every row of its table.
    page.goto(f"{live_server.url}{reverse('supervision:ledger')}")
    page.locator("th.select-cell input[data-select-all]").check()
    expect(page.locator("[data-bulk-count]")).to_have_text("4")
    steps.shot("select-all")


def test_supervisor_reminds_an_overdue_task_and_the_unit_sees_it(
    steps, page, live_server, make_task
):
    page.set_viewport_size({"width": 1280, "height": 900})
    task = make_task(
        "in_progress",
        title="逾期未报的整改事项",
        deadline=timezone.localdate() - datetime.timedelta(days=3),
    )
    steps.login("duban")
    page.goto(f"{live_server.url}{task.get_absolute_url()}")
    expect(page.get_by_test_id("light")).to_contain_text("红")
    page.locator("summary", has_text="催办").first.click()
    form = page.locator("details[open] form")
    expect(form.get_by_label("市委统战部（牵头单位）")).to_be_checked()
    form.get_by_label("市国资委（责任单位）").uncheck()
    form.locator("textarea[name=comment]").fill("事项已逾期三天，请于今日报送进展。")
    steps.shot("supervisor-writes-reminder")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-info")).to_contain_text("已催办：市委统战部（经站内通知）")
    expect(page.locator("#timeline [data-action=remind]").first).to_contain_text("市委统战部")
    steps.shot("reminder-on-the-timeline")
    # A second one the same day is refused, naming the unit.
    page.locator("summary", has_text="催办").first.click()
    form = page.locator("details[open] form")
    form.get_by_label("市国资委（责任单位）").uncheck()
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-danger")).to_contain_text("市委统战部今天已催办过本事项")
    steps.shot("second-reminder-refused")

    page.set_viewport_size({"width": 390, "height": 844})
    steps.login("tzb")
    page.goto(f"{live_server.url}{reverse('notify:list')}")
    expect(page.locator("body")).to_contain_text("催办：逾期未报的整改事项")
    steps.shot("handler-sees-the-notification-on-a-phone")
    page.goto(f"{live_server.url}{task.get_absolute_url()}")
    reminder = page.locator("#timeline [data-action=remind]").first
    expect(reminder).to_contain_text("事项已逾期三天，请于今日报送进展。")
    reminder.scroll_into_view_if_needed()
    steps.shot("handler-sees-it-on-the-timeline")
