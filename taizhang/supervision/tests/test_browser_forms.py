"""The styled task form (issue 14, item 1) at desktop and phone sizes: Chinese placeholders, a unit
found by typing part of its name, two responsible units without Ctrl, the date picker, a parent task
searched on the server; the phone form does not scroll sideways. A screenshot per step."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from taizhang.supervision.models import Task
from taizhang.utils.tests.browser import choose

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_supervisor_fills_the_styled_task_form(
    width, live_server, page, people, units, make_task, output_path
):
    parent = make_task("assigned", title="国企改革三年行动专项督查")
    page.set_viewport_size({"width": width, "height": 900})
    steps = []

    def shot(name):
        steps.append(name)
        page.screenshot(path=f"{output_path}/{len(steps):02d}-{name}.png", full_page=True)

    def no_sideways_scroll():
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], widths

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "duban")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/tasks/new/")
    expect(page.locator("h2")).to_have_text("新建事项")
    # Chinese placeholders, never Django's dashes or "- Select an option -".
    expect(page.locator("#id_lead_unit-ts-control")).to_have_attribute("placeholder", "请选择…")
    expect(page.locator("body")).not_to_contain_text("---------")
    expect(page.locator("body")).not_to_contain_text("Select an option")
    expect(page.locator("label[for=id_title]")).to_have_class("form-label required")
    no_sideways_scroll()
    shot("empty-form")

    page.fill("#id_title", "推进国有企业混合所有制改革")
    page.select_option("#id_source_kind", label="讲话")
    # A unit is found by its full name too (国有资产 is not in its label 市国资委), and the
    # dropdown shows the unit tree: XX钢铁集团 indented under 市国资委.
    control = page.locator("#id_lead_unit-ts-control")
    control.click()
    options = page.locator("#id_lead_unit-ts-dropdown .option")
    child = page.locator("#id_lead_unit-ts-dropdown .option.tz-depth-1")
    expect(child).to_contain_text("XX钢铁集团")
    control.press_sequentially("国有资产")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("市国资委")
    control.fill("")
    control.press_sequentially("国资")
    expect(options.first).to_contain_text("市国资委")
    expect(options.filter(has_text="市财政局")).to_have_count(0)
    shot("lead-unit-searched")
    options.filter(has_text="市国资委").first.click()
    expect(page.locator("#id_lead_unit")).to_have_value(str(units["gzw"].pk))

    # Two responsible units, one after the other, no Ctrl; the child unit shows under its parent.
    choose(page, "id_responsible_units", "财政", "市财政局")
    choose(page, "id_responsible_units", "钢铁", "XX钢铁集团")
    chosen = page.locator("#id_responsible_units option:checked")
    expect(chosen).to_have_count(2)
    expect(page.locator("#id_responsible_units + .ts-wrapper .item .remove")).to_have_count(2)
    shot("responsible-units-chosen")

    # The date picker: open it, move to next month, pick the 15th; the value stays ISO.
    page.click("#id_deadline")
    calendar = page.locator(".flatpickr-calendar")
    expect(calendar).to_have_class(re.compile(r"\bopen\b"))
    expect(calendar.locator(".flatpickr-weekday").first).to_contain_text("周")
    calendar.locator(".flatpickr-next-month").click()
    days = calendar.locator(".flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)")
    days.filter(has_text="15").first.click()
    day = timezone.localdate().replace(day=1) + datetime.timedelta(days=32)
    expected = day.replace(day=15).isoformat()
    expect(page.locator("#id_deadline")).to_have_value(expected)
    shot("deadline-picked")

    # The parent task is searched on the server.
    choose(page, "id_parent", "三年行动", parent.number)
    expect(page.locator("#id_parent")).to_have_value(str(parent.pk))
    no_sideways_scroll()
    shot("parent-chosen")

    page.click("button:has-text('保存')")
    expect(page.get_by_test_id("status")).to_have_text("立项")
    task = Task.objects.with_units().get(title="推进国有企业混合所有制改革")
    assert task.lead_unit == units["gzw"]
    assert set(task.responsible_units) == {units["czj"], units["steel"]}
    assert task.deadline.isoformat() == expected
    assert task.parent == parent
    no_sideways_scroll()
    shot("saved")
