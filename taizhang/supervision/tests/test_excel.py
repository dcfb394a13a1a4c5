import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from conftest import PASSWORD
from taizhang.supervision import excel
from taizhang.supervision.excel import ImportFailed, export_ledger, import_ledger
from taizhang.supervision.models import Task

pytestmark = pytest.mark.django_db

# The layout of files written by hand (the export has more columns, read back by name).
HEADERS = ["序号", "事项名称", "来源", "牵头单位", "责任单位", "配合单位", "办理时限"]


def sheet(*rows, title=True):
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append(["督查督办事项台账"])
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_export_has_the_office_layout(make_task):
    task = make_task("in_progress")
    ws = load_workbook(io.BytesIO(export_ledger(Task.objects.filter(pk=task.pk)))).active
    assert [c.value for c in ws[3]] == excel.HEADERS
    row = dict(zip(excel.HEADERS, [c.value for c in ws[4]], strict=True))
    assert row["编号"] == task.number and row["事项名称"] == "建立专门的建言献策台账"
    assert (row["来源"], row["紧急程度"]) == ("会议", "一般")
    assert row["牵头单位"] == "中共XX市委统战部"
    assert row["责任单位"] == "XX市人民政府国有资产监督管理委员会"
    assert row["配合单位"] == "XX市财政局"
    assert row["办理时限"].date() == task.deadline
    assert "已召开专题会议部署" in row["进展情况"]
    assert (row["状态"], row["督办灯"]) == ("办理中", "绿灯")


def test_import_matches_units_by_name_short_name_and_alias(people, units):
    data = sheet(
        [
            1,
            "定期召集联席会议",
            "讲话：国企统战工作推进会",
            "市委统战部",
            "国资委",
            "XX市财政局",
            datetime.date(2026, 12, 31),
        ],
        [2, "建立建言献策台账", "会议纪要", "统战部", "市国资委、XX钢铁集团", "", "15个工作日"],
    )
    created = import_ledger(data, by=people["supervisor"])
    assert [t.title for t in created] == ["定期召集联席会议", "建立建言献策台账"]
    first, second = (Task.objects.with_units().get(pk=t.pk) for t in created)
    assert (first.source_kind, first.source_ref) == ("speech", "国企统战工作推进会")
    assert first.lead_unit == units["tzb"] and first.responsible_units == [units["gzw"]]
    assert first.deadline == datetime.date(2026, 12, 31) and first.status == "draft"
    assert second.deadline_working_days == 15
    assert {u.code for u in second.responsible_units} == {"gzw", "steel"}


def test_one_bad_row_imports_nothing_and_every_bad_row_is_listed(people):
    data = sheet(
        [1, "好的一行", "会议", "市委统战部", "", "", "2026-12-31"],
        [2, "", "会议", "市委统战部", "", "", "2026-12-31"],
        [3, "单位写错", "会议", "市统战局", "市国资委", "", "2026-12-31"],
        [4, "时限写错", "会议", "市委统战部", "", "", "年底前后"],
        [5, "没有牵头单位", "会议", "", "", "", "2026-12-31"],
    )
    with pytest.raises(ImportFailed) as failure:
        import_ledger(data, by=people["supervisor"])
    rows = {row: message for row, message in failure.value.errors}
    assert set(rows) == {4, 5, 6, 7}  # the sheet's own row numbers (title, header first)
    assert "事项名称为空" in rows[4]
    assert "市统战局" in rows[5]
    assert "年底前后" in rows[6]
    assert "牵头单位为空" in rows[7]
    assert Task.objects.count() == 0


def test_a_file_that_is_not_excel_says_so(people):
    with pytest.raises(ImportFailed) as failure:
        import_ledger(b"not a workbook", by=people["supervisor"])
    assert "不是Excel" in failure.value.errors[0][1]
    with pytest.raises(ImportFailed) as failure:
        import_ledger(sheet(), by=people["supervisor"])
    assert "没有事项" in failure.value.errors[0][1]


def test_import_page_lists_the_bad_rows(client, people):
    client.login(username="duban", password=PASSWORD)
    upload = io.BytesIO(sheet([1, "单位写错", "会议", "不存在的局", "", "", "2026-12-31"]))
    upload.name = "ledger.xlsx"
    response = client.post(reverse("supervision:import"), {"file": upload}, follow=True)
    assert "不存在的局" in response.text and "无法导入" in response.text
    assert Task.objects.count() == 0


def test_import_through_the_api_and_the_command(client, people, tmp_path):
    client.login(username="duban", password=PASSWORD)
    bad = io.BytesIO(sheet([1, "x", "会议", "不存在的局", "", "", "2026-12-31"]))
    bad.name = "bad.xlsx"
    response = client.post("/api/tasks/import", {"file": bad})
    assert response.status_code == 400 and response.json()["errors"][0]["row"] == 3
    path = tmp_path / "good.xlsx"
    path.write_bytes(sheet([1, "定期召集联席会议", "会议", "市委统战部", "", "", "2026-12-31"]))
    call_command("import-ledger", str(path), "--as", "duban")
    assert Task.objects.filter(title="定期召集联席会议").exists()
    # The same file again matches the task it made instead of making a second one.
    out = io.StringIO()
    call_command("import-ledger", str(path), "--as", "duban", stdout=out)
    assert Task.objects.filter(title="定期召集联席会议").count() == 1
    assert "created 0, updated 0, skipped 1" in out.getvalue()
    path.write_bytes(b"broken")
    with pytest.raises(CommandError):
        call_command("import-ledger", str(path), "--as", "duban")


def test_handlers_cannot_import(client, people):
    client.login(username="tzb", password=PASSWORD)
    assert client.get(reverse("supervision:import")).status_code == 403


@pytest.mark.parametrize(
    "cell, kind",
    [
        ("整改", "rectification"),
        ("整改：巡察反馈问题", "rectification"),
        ("巡视整改专题会议", "meeting"),
        ("市委书记关于巡察整改工作的批示", "instruction"),
        ("整改落实情况", "rectification"),
    ],
)
def test_a_source_cell_names_rectification_only_when_nothing_else_fits(cell, kind):
    from taizhang.supervision.excel import _source

    assert _source(cell)[0] == kind
