"""A submitter files a suggestion, the office accepts and assigns it, the lead unit signs
and replies, the office approves the reply and the submitter rates it: in the browser, in
Chinese, with a screenshot per step under the test's output folder."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from taizhang.suggestions.models import Suggestion

pytestmark = [pytest.mark.browser]

TITLE = "建立钢铁矿业产业链协同创新平台"
REPLY = "市委统战部会同市国资委已组建产业链协同创新平台，首批 12 家企业入驻。"


@pytest.fixture
def journey(live_server, page, people, submitters, output_path):
    steps = []

    class Journey:
        def login(self, username, nav_text):
            page.context.clear_cookies()
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            expect(page.locator(".navbar")).to_contain_text(nav_text)

        def shot(self, name):
            steps.append(name)
            page.screenshot(path=f"{output_path}/{len(steps):02d}-{name}.png", full_page=True)

        def open_waiting(self, section, title, shot=None):
            """From the start page's 'waiting for me' list, open the suggestion."""
            page.goto(f"{live_server.url}/suggestions/")
            waiting = page.locator(f"[data-waiting={section}]")
            expect(waiting).to_contain_text(title)
            if shot:
                self.shot(shot)
            waiting.get_by_text(title).click()

        def act(self, action, comment="", *, fill=None, select=None, check=()):
            page.locator(f"details[data-action={action}] summary").click()
            form = page.locator(f"details[data-action={action}][open] form")
            for name, value in (fill or {}).items():
                form.locator(f"[name={name}]").fill(str(value))
            for name, value in (select or {}).items():
                form.locator(f"select[name={name}]").select_option(value)
            for selector in check:
                form.locator(selector).check()
            if comment:
                form.locator("textarea[name=comment]").fill(comment)
            form.locator("button[type=submit]").click()
            expect(page.locator(".alert-success")).to_contain_text("已完成")

    return Journey()


def test_a_suggestion_from_filing_to_rating(journey, page, live_server):
    status = page.get_by_test_id("status")

    journey.login("jy1", "建言献策")
    expect(page.locator(".navbar")).not_to_contain_text("我的待办")
    expect(page.locator("h2")).to_have_text("我的建议")
    page.click("text=提出建议")
    page.fill("#id_title", TITLE)
    page.fill(
        "#id_body", "建议由市国资委牵头，组织钢铁、矿业企业共建产业链协同创新平台，共享检测设备。"
    )
    page.fill("#id_topic", "产业发展")
    journey.shot("submitter-writes")
    page.click("button:has-text('提交')")
    page.wait_for_url("**/receipt/")  # the printable receipt (another branch) comes next
    suggestion = Suggestion.objects.get(title=TITLE)
    page.goto(f"{live_server.url}{suggestion.get_absolute_url()}")
    expect(status).to_have_text("待受理")
    expect(page.get_by_test_id("submitters")).to_have_text("jy1")
    journey.shot("submitter-filed")

    journey.login("duban", "我的待办")
    journey.open_waiting("accept", TITLE, shot="office-ledger")
    expect(page.get_by_test_id("status")).to_have_text("待受理")
    journey.act("accept", "属于本渠道受理范围。")
    expect(status).to_have_text("已立案")
    journey.act(
        "assign",
        "请按时限答复。",
        select={"lead_unit": "tzb", "joint_units": "gzw"},
        fill={"deadline_working_days": 15},
    )
    expect(status).to_have_text("已交办")
    expect(page.locator("#units")).to_contain_text("市委统战部")
    expect(page.get_by_test_id("deadline")).to_be_visible()
    journey.shot("office-assigns")

    journey.login("tzb", "我的待办")
    journey.open_waiting("sign", TITLE)
    journey.act("sign")
    expect(status).to_have_text("办理中")
    journey.act("reply", check=["input[name=reply_class][value=A]"], fill={"text": REPLY})
    expect(status).to_have_text("答复审核中")
    expect(page.locator("#replies")).to_contain_text("审核中")
    journey.shot("unit-replies")

    journey.login("duban", "我的待办")
    journey.open_waiting("review", TITLE)
    expect(page.locator("#replies")).to_contain_text(REPLY)
    journey.act("approve_reply", "同意答复。", check=["input[name=public]"])
    expect(status).to_have_text("已答复")
    journey.shot("office-approves")

    journey.login("jy1", "建言献策")
    journey.open_waiting("rate", TITLE)
    expect(page.locator("#replies")).to_contain_text(REPLY)
    expect(page.get_by_test_id("reply-class")).to_contain_text("A")
    expect(page.locator("#timeline")).not_to_contain_text("交办")  # internal steps hidden
    journey.act("rate", "平台已建成，很满意。", check=["input[name=rating][value=satisfied]"])
    expect(status).to_have_text("已办结")
    expect(page.get_by_test_id("rating")).to_have_text("满意")
    expect(page.locator("#replies")).to_contain_text("平台已建成，很满意。")
    journey.shot("submitter-rates")
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.rating) == ("closed", "satisfied")
    page.goto(f"{live_server.url}/suggestions/")
    page.click("text=公开答复")
    expect(page.locator("#published")).to_contain_text(REPLY)
    expect(page.locator("#published")).not_to_contain_text("jy1")


def test_on_a_phone_similar_suggestions_appear_while_typing(
    journey, page, live_server, make_suggestion
):
    earlier = make_suggestion("closed", title="共建钢铁产业链协同创新平台")
    earlier.replies.update(public=True)
    page.set_viewport_size({"width": 390, "height": 844})
    journey.login("jy2", "建言献策")
    page.goto(f"{live_server.url}/suggestions/new/")
    page.locator("#id_title").press_sequentially("产业链协同创新", delay=20)
    similar = page.get_by_test_id("similar")
    expect(similar).to_contain_text(earlier.title)
    journey.shot("phone-similar")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    similar.get_by_text(earlier.title).click()  # opens the published reply in a new tab
    page.goto(f"{live_server.url}/suggestions/replies/")
    expect(page.locator("#published")).to_contain_text("已纳入明年工作计划")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    journey.login("duban", "我的待办")
    page.goto(f"{live_server.url}/suggestions/")
    expect(page.get_by_test_id("total")).to_have_text("共 1 条")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400, "the ledger on a phone"
    page.goto(f"{live_server.url}{earlier.get_absolute_url()}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400, "the detail on a phone"
