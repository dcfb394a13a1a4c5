"""A supervisor uploads a speech, reads it with the proposals highlighted and accepts one."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from taizhang.documents.tests.test_documents import SPEECH
from taizhang.supervision.models import Task

pytestmark = [pytest.mark.browser]


def test_upload_review_and_accept(live_server, page, people, units, tmp_path, output_path):
    speech = tmp_path / "统战工作推进会讲话.txt"
    speech.write_text(SPEECH, encoding="utf-8")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", people["supervisor"].username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")

    page.click("text=文件解析")
    page.set_input_files("input[name=file]", str(speech))
    page.click("button:has-text('上传')")
    expect(page.get_by_test_id("proposal")).to_have_count(3)
    expect(page.locator("mark.proposal-span").first).to_contain_text(
        "市委统战部要切实履行牵头抓总职责"
    )
    page.screenshot(path=f"{output_path}/01-proposals.png", full_page=True)

    page.get_by_test_id("proposal").first.locator("text=接受").click()
    expect(page.locator("#id_lead_unit option:checked")).to_have_text("市委统战部")
    page.fill("#id_title", "健全国企统战工作统筹协调机制")
    page.check("#id_confirm_past_deadline")  # the speech's 2025 deadline has passed
    page.screenshot(path=f"{output_path}/02-accept.png", full_page=True)
    page.click("button:has-text('登记为督办事项')")
    expect(page.locator(".alert-success")).to_contain_text("已从文件登记督办事项")
    expect(page.get_by_test_id("proposal").first).to_contain_text("已接受")

    page.get_by_test_id("proposal").nth(1).locator("button:has-text('舍弃')").click()
    expect(page.get_by_test_id("proposal").nth(1)).to_contain_text("已舍弃")
    page.screenshot(path=f"{output_path}/03-reviewed.png", full_page=True)
    assert Task.objects.get().title == "健全国企统战工作统筹协调机制"


def test_a_past_deadline_is_flagged_and_a_drop_undone(live_server, page, people, units, tmp_path):
    speech = tmp_path / "推进会讲话.txt"
    speech.write_text(SPEECH, encoding="utf-8")  # its deadlines, in 2025, have passed
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", people["supervisor"].username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/documents/")
    page.set_input_files("input[name=file]", str(speech))
    page.click("button:has-text('上传')")
    proposals = page.get_by_test_id("proposal")
    expect(proposals).to_have_count(3)
    expect(page.get_by_role("heading", name="在全市国有企业统战工作推进会上的讲话")).to_be_visible()
    expect(proposals.first.get_by_test_id("past-deadline")).to_have_text(
        "时限已过：登记前请修改或确认"
    )
    expect(proposals.first.get_by_test_id("confidence")).to_contain_text("高")

    proposals.nth(1).locator("button:has-text('舍弃')").click()
    expect(proposals.nth(1)).to_contain_text("已舍弃")
    expect(proposals.nth(1).get_by_test_id("past-deadline")).to_have_count(0)
    proposals.nth(1).locator("button:has-text('撤销舍弃')").click()
    expect(proposals.nth(1)).to_contain_text("待审")
    expect(proposals.nth(1).locator("text=接受…")).to_be_visible()

    proposals.first.locator("text=接受…").click()
    page.click("button:has-text('登记为督办事项')")
    expect(page.locator(".invalid-feedback")).to_contain_text("时限 2025-06-30 已过")
    page.check("#id_confirm_past_deadline")
    page.click("button:has-text('登记为督办事项')")
    expect(page.locator(".alert-success")).to_contain_text("已从文件登记督办事项")
    assert Task.objects.get().deadline.isoformat() == "2025-06-30"


def test_remembering_a_unit_name_keeps_the_typed_form(live_server, page, people, units, tmp_path):
    speech = tmp_path / "推进会讲话.txt"
    speech.write_text(SPEECH, encoding="utf-8")  # its third item names XX矿业公司, unknown
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", people["supervisor"].username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/documents/")
    page.set_input_files("input[name=file]", str(speech))
    page.click("button:has-text('上传')")
    page.get_by_test_id("proposal").nth(2).locator("text=接受…").click()

    card = page.get_by_test_id("unknown-units")
    form_top = page.locator("#accept-form").bounding_box()["y"]
    assert card.bounding_box()["y"] < form_top  # shown above the form it posts along
    page.fill("#id_title", "推动矿业公司统战工作（已改）")
    card.locator("select").select_option(value=str(units["steel"].pk))
    card.locator("button:has-text('记住')").click()
    expect(page.locator(".alert-success")).to_contain_text("今后“XX矿业公司”将识别为")
    expect(page.locator("#id_title")).to_have_value("推动矿业公司统战工作（已改）")
    expect(page.get_by_test_id("unknown-units")).to_have_count(0)
    assert not Task.objects.exists()
