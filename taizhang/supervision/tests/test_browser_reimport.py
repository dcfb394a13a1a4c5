"""Issue 14, item 4 in the browser (desktop, 1280 px): a supervisor exports the ledger, changes
one row's deadline in the file, imports it again, reads the preview (1 to update, the rest
skipped, none created), confirms, and the task has the new deadline without a duplicate. A
screenshot per step under the test's output folder."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from conftest import PASSWORD
from taizhang.supervision.excel import HEADERS
from taizhang.supervision.models import Task

pytestmark = [pytest.mark.browser]


def test_a_reimported_ledger_updates_instead_of_duplicating(
    live_server, page, make_task, output_path, tmp_path
):
    tasks = [
        make_task("in_progress", title="建立专门的建言献策台账"),
        make_task("assigned", title="定期召集联席会议"),
        make_task("draft", title="完善统战工作考核办法"),
    ]
    target = tasks[1]
    new_deadline = timezone.localdate() + datetime.timedelta(days=120)
    page.set_viewport_size({"width": 1280, "height": 900})
    shots = []

    def shot(name):
        shots.append(name)
        page.screenshot(path=f"{output_path}/{len(shots):02d}-{name}.png", full_page=True)

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "duban")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/tasks/")
    shot("ledger")
    with page.expect_download() as info:
        page.click("#export-link")
    download = info.value
    assert download.suggested_filename == f"督办台账-{timezone.localdate().isoformat()}.xlsx"
    exported = tmp_path / "exported.xlsx"
    download.save_as(exported)

    wb = load_workbook(exported)
    ws = wb.active
    number, deadline = HEADERS.index("编号") + 1, HEADERS.index("办理时限") + 1
    for row in range(4, ws.max_row + 1):
        if ws.cell(row=row, column=number).value == target.number:
            ws.cell(row=row, column=deadline).value = new_deadline
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)

    page.goto(f"{live_server.url}/tasks/import/")
    page.set_input_files("input[name=file]", str(edited))
    shot("import-chosen")
    page.get_by_role("button", name="预览导入").click()
    expect(page.locator("[data-count=update]")).to_have_text("1")
    expect(page.locator("[data-count=skip]")).to_have_text(str(len(tasks) - 1))
    expect(page.locator("[data-count=create]")).to_have_text("0")
    expect(page.locator("#import-updates")).to_contain_text(target.number)
    expect(page.locator("#import-updates")).to_contain_text(new_deadline.isoformat())
    assert Task.objects.get(pk=target.pk).deadline == target.deadline  # nothing saved yet
    shot("preview")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".alert-success")).to_contain_text("更新 1 项")
    shot("imported")

    page.goto(f"{live_server.url}/tasks/{target.pk}/")
    expect(page.locator("body")).to_contain_text(new_deadline.isoformat())
    shot("task")
    assert Task.objects.count() == len(tasks)
    assert Task.objects.get(pk=target.pk).deadline == new_deadline
    assert Task.objects.filter(title=target.title).count() == 1


def test_the_downloaded_template_opens(live_server, page, people, tmp_path):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "duban")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/tasks/import/")
    with page.expect_download() as info:
        page.click("#import-template")
    path = tmp_path / "template.xlsx"
    info.value.save_as(path)
    assert load_workbook(io.BytesIO(path.read_bytes())).sheetnames == ["督办事项", "填写说明"]
