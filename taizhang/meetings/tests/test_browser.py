"""The secretary plans a meeting of the mechanism, sends the notice, records attendance and
writes minutes with two decisions; the member units countersign, the secretary issues, the
chair approves the tasks, the secretary assigns them, and the lead unit finds its task in the
ledger: in the browser, in Chinese, with a screenshot per step."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from taizhang.meetings.models import Meeting
from taizhang.utils.tests.browser import choose

pytestmark = [pytest.mark.browser]

TITLE = "统战工作联席会议第一次全体会议"
FIRST = "建立国有企业党外人才信息库"
SECOND = "落实党外代表人士培训经费"


@pytest.fixture
def journey(live_server, page, people, mechanism, output_path):
    steps = []

    class Journey:
        def login(self, username):
            page.context.clear_cookies()
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            expect(page.locator(".navbar")).to_contain_text("会议")

        def shot(self, name):
            steps.append(name)
            page.screenshot(path=f"{output_path}/{len(steps):02d}-{name}.png", full_page=True)

        def open(self, meeting):
            page.goto(f"{live_server.url}{meeting.get_absolute_url()}")

        def press(self, action):
            page.locator(f"form[data-button={action}] button[type=submit]").click()
            expect(page.locator(".alert-success")).to_be_visible()

    return Journey()


def test_a_joint_meeting_from_plan_to_assigned_tasks(journey, page, live_server, mechanism):
    status = page.get_by_test_id("status")
    today = timezone.localdate()

    journey.login("duban")
    page.locator(".navbar").get_by_role("link", name="会议", exact=True).click()
    page.get_by_test_id("plan-meeting").click()
    page.select_option("#id_kind", "joint")
    page.select_option("#id_joint_session", "plenary")
    page.select_option("#id_mechanism", str(mechanism.pk))
    page.fill("#id_title", TITLE)
    page.fill("#id_date", today.isoformat())
    page.fill("#id_start_time", "09:00")
    page.fill("#id_end_time", "11:00")
    page.fill("#id_place", "市委第一会议室")
    choose(page, "id_chair", "lingdao")
    page.fill("#id_agenda", "通报全市统战工作情况｜市委统战部\n研究党外人才队伍建设")
    journey.shot("secretary-plans")
    page.click("button[type=submit]:has-text('保存会议计划')")
    expect(status).to_have_text("计划召开")
    meeting = Meeting.objects.get(title=TITLE)
    expect(page.locator("#invited")).to_contain_text("市国资委")
    expect(page.locator("#agenda")).to_contain_text("研究党外人才队伍建设")

    journey.press("send_notice")
    expect(status).to_have_text("已发通知")
    expect(page.locator("#notice")).to_contain_text(TITLE)
    journey.shot("notice-sent")

    journey.press("hold")
    expect(status).to_have_text("已召开")
    row = page.locator("tr[data-invitee=市国资委]")
    row.locator("select[name^=status_]").select_option("present")
    row.locator("input[name^=attended_by_]").fill("王主任")
    row = page.locator("tr[data-invitee=市财政局]")
    row.locator("select[name^=status_]").select_option("excused")
    row.locator("input[name^=reason_]").fill("外出学习")
    page.get_by_test_id("attendance-save").click()
    expect(page.locator(".alert-success")).to_contain_text("出席情况已登记")
    expect(page.locator("tr[data-invitee=市国资委] [data-testid=attendance]")).to_contain_text(
        "王主任"
    )
    expect(page.locator("tr[data-invitee=市财政局] [data-testid=attendance]")).to_contain_text(
        "请假"
    )
    journey.shot("attendance-recorded")

    page.fill("#minutes textarea[name=text]", "会议听取了统战部的工作汇报，研究了党外人才工作。")
    page.click("#minutes button:has-text('保存纪要')")
    expect(status).to_have_text("纪要起草中")
    deadline = (today + datetime.timedelta(days=120)).isoformat()
    for title, lead in ((FIRST, "市国资委"), (SECOND, "市财政局")):
        page.locator("#add-decision summary").click()
        form = page.get_by_test_id("add-decision")
        form.locator("input[name=title]").fill(title)
        # The searchable select's native select, hidden, holds the value the form posts.
        form.locator("select[name=lead_unit]").select_option(label=lead, force=True)
        form.locator("input[name=deadline]").fill(deadline)
        form.locator("button[type=submit]").click()
        expect(page.locator(".alert-success")).to_contain_text("议定事项已添加")
    expect(page.get_by_test_id("decisions")).to_contain_text(SECOND)
    journey.shot("minutes-written")

    journey.press("request_countersign")
    expect(status).to_have_text("会签中")
    journey.shot("countersign-requested")

    for code in ("tzb", "gzw", "czj"):
        journey.login(code)
        journey.open(meeting)
        form = page.get_by_test_id("countersign-form")
        form.locator("input[name=agree][value=yes]").check()
        form.locator("textarea[name=comment]").fill("同意。")
        form.locator("button[type=submit]").click()
        expect(page.locator(".alert-success")).to_contain_text("本单位已会签同意")
        journey.shot(f"countersigned-{code}")

    journey.login("duban")
    journey.open(meeting)
    expect(page.get_by_test_id("countersignatures")).not_to_contain_text("待会签")
    journey.press("issue")
    expect(status).to_have_text("纪要已印发")
    expect(page.get_by_test_id("minutes-number")).to_contain_text(f"〔{today.year}〕")
    journey.shot("minutes-issued")

    journey.login("lingdao")
    journey.open(meeting)
    journey.press("approve_tasks")
    journey.shot("chair-approves")

    journey.login("duban")
    journey.open(meeting)
    journey.press("assign_tasks")
    expect(page.get_by_test_id("decisions")).to_contain_text("已交办")
    journey.shot("tasks-assigned")

    journey.login("gzw")
    page.goto(f"{live_server.url}/tasks/")
    row = page.locator("tr", has_text=FIRST)
    expect(row).to_be_visible()
    expect(row.locator(".light-dot")).to_have_count(1)
    expect(page.locator("tr", has_text=SECOND)).to_have_count(0)  # 财政局's, not ours
    journey.shot("lead-unit-ledger")
    journey.open(meeting)
    expect(page.get_by_test_id("decisions").get_by_role("link")).to_have_count(1)


def test_the_meeting_page_fits_a_phone(journey, page, make_meeting):
    meeting = make_meeting("countersigning")
    page.set_viewport_size({"width": 390, "height": 844})
    journey.login("duban")
    journey.open(meeting)
    expect(page.get_by_test_id("status")).to_have_text("会签中")
    journey.shot("phone-meeting")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400, "the meeting on a phone"
    page.goto(page.url.split("/meetings/")[0] + "/meetings/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400, "the list on a phone"
