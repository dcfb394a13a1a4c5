"""Issue 15 in the browser: the office adds a unit's DingTalk group robot on the settings page
(the webhook never shown back whole), sends it a test message, reminds a task from its page and
reads that the group got it (送达情况); the unit's handler, on a phone, finds the 催办 in the
inbox filtered by kind and opens the task. The robot is a local fake DingTalk server that
checks the signature. A screenshot per step under the test's output folder."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from taizhang.notify.models import Channel, Notification, OrganisationSettings

pytestmark = [pytest.mark.browser]

SECRET = "SEC7c1f0e5a9d2b4c6e8f0a1b3c5d7e9f1a"


def test_a_reminder_reaches_the_units_group_and_its_handler(
    live_server, page, steps, make_task, org, units, fake_robot
):
    # The browser runs on the real clock: no quiet hours to hold the group message at night.
    OrganisationSettings.objects.create(organisation=org, quiet_start="00:00", quiet_end="00:00")
    fake = fake_robot("dingtalk", secret=SECRET)
    task = make_task(
        "in_progress",
        title="报送建言献策台账",
        deadline=timezone.localdate() - datetime.timedelta(days=2),
    )

    steps.login("duban")
    page.goto(f"{live_server.url}{reverse('notify:list')}")
    page.get_by_role("link", name="通知设置").click()
    page.get_by_test_id("settings-tabs").get_by_role("link", name="群机器人").click()
    page.get_by_role("link", name="新建群机器人").click()
    page.locator("#id_unit").select_option(str(units["tzb"].pk), force=True)
    page.select_option("#id_kind", "dingtalk")
    page.fill("#id_name", "统战部工作群")
    page.fill("#id_url", fake.url)
    page.fill("#id_secret", SECRET)
    steps.shot("office-adds-a-group-robot")
    page.locator("form button[type=submit]").first.click()
    robot_row = page.get_by_test_id("robot-row")
    expect(robot_row).to_contain_text("市委统战部")
    expect(robot_row).to_contain_text("****" + fake.token[-4:])
    assert fake.token not in page.content() and SECRET not in page.content()
    robot_row.get_by_role("button", name="发送测试消息").click()
    expect(page.locator(".alert-success")).to_contain_text("测试消息")
    assert len(fake.received) == 1
    steps.shot("test-message-sent")

    page.goto(f"{live_server.url}{task.get_absolute_url()}")
    page.locator("summary", has_text="催办").first.click()
    form = page.locator("details[open] form")
    form.get_by_label("市国资委（责任单位）").uncheck()
    form.locator("textarea[name=comment]").fill("事项已逾期两天，请于今日报送进展。")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-info")).to_contain_text("钉钉群机器人")
    expect(page.locator("#timeline [data-action=remind]").first).to_contain_text("钉钉群机器人")
    posted = fake.received[-1]["markdown"]["text"]
    assert task.number in posted and "事项已逾期两天" in posted
    page.reload()
    page.get_by_test_id("deliveries").locator("summary").click()
    sent = page.get_by_test_id("deliveries").locator("[data-testid=delivery][data-status=sent]")
    expect(sent.filter(has_text="钉钉")).to_have_count(1)
    steps.shot("the-group-got-the-reminder")

    page.set_viewport_size({"width": 390, "height": 844})
    steps.login("tzb")
    page.goto(f"{live_server.url}{reverse('notify:list')}")
    page.get_by_test_id("inbox-filters").locator("select[name=kind]").select_option("remind")
    page.get_by_test_id("inbox-filters").get_by_role("button", name="筛选").click()
    reminder = page.get_by_test_id("notification")
    expect(reminder).to_have_count(1)
    expect(reminder.get_by_test_id("kind")).to_have_text("催办")
    steps.shot("handler-filters-the-inbox-on-a-phone")
    reminder.get_by_role("button", name="查看").click()
    expect(page).to_have_url(f"{live_server.url}{task.get_absolute_url()}")
    handler = units["tzb"].members.get()
    assert not Notification.objects.filter(recipient=handler, kind="remind", read_at=None)
    assert Channel.objects.get().name == "统战部工作群"
