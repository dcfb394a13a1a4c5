"""Regression tests for what probing the ledger found (issue 8): inputs that stalled every
write, crashes, leaks of titles and counts, and holes in the stale-edit check."""

import datetime
import io
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from taizhang.notify.models import Notification
from taizhang.supervision import services
from taizhang.supervision.excel import ImportFailed, import_ledger
from taizhang.supervision.models import Task
from taizhang.supervision.tests.test_excel import sheet
from taizhang.utils.errors import WorkflowError
from taizhang.utils.models import Counter

pytestmark = pytest.mark.django_db

FAR = datetime.date(9999, 12, 31)


def as_user(client, user):
    client.force_login(user)
    return client


def post_json(client, url, data):
    return client.post(url, data, content_type="application/json")


# ---- 1. bounded dates and counts ------------------------------------------------------------


def test_a_billion_working_days_is_refused_at_once_by_the_api(client, people):
    response = post_json(
        as_user(client, people["supervisor"]),
        "/api/tasks",
        {"title": "x", "lead_unit": "tzb", "deadline_working_days": 1_000_000_000},
    )
    assert response.status_code == 400
    assert "2000" in response.json()["detail"]


@pytest.mark.parametrize("cell", ["99999999个工作日", "9999-12-31"])
def test_an_import_row_with_an_absurd_deadline_imports_nothing(people, cell):
    data = sheet(
        [1, "正常事项", "会议", "市委统战部", "", "", "2027-06-30"],
        [2, "荒唐时限", "会议", "市委统战部", "", "", cell],
    )
    with pytest.raises(ImportFailed) as failed:
        import_ledger(data, by=people["supervisor"])
    assert [row for row, _message in failed.value.errors] == [4]


def test_a_task_due_in_the_year_9999_cannot_be_registered_or_edited_there(make_task, people):
    with pytest.raises(WorkflowError, match="9999-12-31"):
        make_task("draft", deadline=FAR)
    task = make_task("draft")
    with pytest.raises(WorkflowError, match="9999-12-31"):
        services.update_task(task, by=people["supervisor"], version=task.version, deadline=FAR)


def test_an_extension_to_the_year_9999_is_refused(make_task, people):
    task = make_task("in_progress")
    with pytest.raises(WorkflowError, match="9999-12-31"):
        services.request_extension(
            task, by=people["tzb"], requested_deadline=FAR, comment="需要更多时间。"
        )
    later = timezone.localdate() + datetime.timedelta(days=365)
    services.request_extension(task, by=people["tzb"], requested_deadline=later, comment="延期。")
    services.decide_extension(task, by=people["leader"], approve=True)


# ---- 3. numbering and lengths that broke on PostgreSQL -------------------------------------


def test_numbers_keep_counting_past_9999(make_task, org):
    prefix = f"CITY-{timezone.localdate().year}"
    Counter.objects.create(name=f"task-number:{prefix}", value=9998)
    numbers = [make_task("draft").number for _ in range(3)]
    assert numbers == [f"{prefix}-9999", f"{prefix}-10000", f"{prefix}-10001"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_numbers(org, units, people):
    def register(i):
        try:
            return services.create_task(
                by=people["supervisor"],
                organisation=org,
                title=f"并发立项 {i}",
                deadline=timezone.localdate() + datetime.timedelta(days=30),
                lead_unit=units["tzb"],
            ).number
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(register, range(40)))
    assert len(set(numbers)) == 40
    assert Task.objects.count() == 40


def test_a_title_of_300_characters_notifies_without_overflow(make_task, people):
    task = make_task("draft", title="长" * 300)
    note = Notification.objects.get(recipient=people["leader"])
    assert len(note.title) == 300 and note.title.endswith("…")
    services.approve_task(task, by=people["leader"])
    services.assign_task(task, by=people["supervisor"])


# ---- 4. what a handler types reaches the supervisor's Excel as text --------------------------


def exported(client, user):
    response = as_user(client, user).get(reverse("supervision:export"))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.getvalue())).active


def test_a_formula_in_a_title_or_progress_is_exported_as_text(client, make_task, people):
    task = make_task("signed", title='=HYPERLINK("http://evil.example","点我")')
    services.report_progress(task, by=people["tzb"], percent=10, text="=1+1")
    ws = exported(client, people["supervisor"])
    title, progress = ws.cell(row=4, column=3), ws.cell(row=4, column=13)
    assert title.data_type == "s" and title.value.startswith("=HYPERLINK")
    assert progress.data_type == "s" and progress.value.endswith("=1+1")


def test_control_characters_are_dropped_at_input_and_the_export_still_opens(
    client, make_task, people
):
    task = make_task("signed")
    services.report_progress(task, by=people["tzb"], percent=10, text="已部署\u000b落实")
    assert Task.objects.get(pk=task.pk).latest_progress == "已部署落实"
    Task.objects.filter(pk=task.pk).update(latest_progress="旧数据\u000b")  # written before the fix
    assert exported(client, people["supervisor"]).cell(row=4, column=13).value.endswith("旧数据")


# ---- 5. workbooks built to hurt -----------------------------------------------------------------


def rewrite(data, part, change):
    """The workbook with one of its parts changed by ``change(xml) -> xml``."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info, change(content) if info.filename == part else content)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
GOOD_ROW = [1, "定期召集联席会议", "会议", "市委统战部", "", "", "2027-06-30"]


def test_a_sheet_declaring_every_cell_is_read_in_a_moment(people):
    def far_cell(xml):
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml)
        return xml.replace(
            b"</sheetData>",
            b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
            b"</sheetData>",
        )

    data = rewrite(sheet(GOOD_ROW), SHEET, far_cell)
    assert [t.title for t in import_ledger(data, by=people["supervisor"])] == ["定期召集联席会议"]


@pytest.mark.parametrize(
    "change",
    [
        lambda xml: xml[: len(xml) // 2],  # cut XML
        lambda xml: xml.replace(  # entity amplification ("billion laughs")
            b"<worksheet",
            b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><worksheet',
            1,
        ).replace(b"<v>1</v>", b"<v>&c;</v>", 1),
    ],
    ids=["cut-xml", "entities"],
)
def test_a_malformed_workbook_is_refused_with_a_reason(people, change):
    data = rewrite(sheet(GOOD_ROW), SHEET, change)
    with pytest.raises(ImportFailed) as failed:
        import_ledger(data, by=people["supervisor"])
    assert "无法读取" in failed.value.errors[0][1]
    assert Task.objects.count() == 0


def test_a_workbook_without_sheets_is_refused(people):
    data = rewrite(
        sheet(GOOD_ROW),
        "xl/workbook.xml",
        lambda xml: re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", xml),
    )
    with pytest.raises(ImportFailed):
        import_ledger(data, by=people["supervisor"])


def test_size_rows_and_title_length_are_bounded(people, settings):
    settings.TAIZHANG_IMPORT_MAX_ROWS = 3
    with pytest.raises(ImportFailed) as failed:
        import_ledger(sheet(*[GOOD_ROW] * 4), by=people["supervisor"])
    assert "3" in failed.value.errors[0][1]
    settings.TAIZHANG_IMPORT_MAX_ROWS = 100
    with pytest.raises(ImportFailed) as failed:
        import_ledger(
            sheet([1, "长" * 301, "会议", "市委统战部", "", "", "2027-06-30"]),
            by=people["supervisor"],
        )
    assert failed.value.errors[0][0] == 3 and "300" in failed.value.errors[0][1]
    settings.TAIZHANG_IMPORT_MAX_BYTES = 1000
    with pytest.raises(ImportFailed) as failed:
        import_ledger(sheet(GOOD_ROW), by=people["supervisor"])
    assert "MB" in failed.value.errors[0][1]


def test_the_command_reports_a_broken_workbook_without_a_traceback(people, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(rewrite(sheet(GOOD_ROW), SHEET, lambda xml: xml[:100]))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import-ledger", str(path), "--as", "duban", stderr=err)
    assert "无法读取" in err.getvalue() and "Traceback" not in err.getvalue()


# ---- 7. what a handler may not open, they do not read ----------------------------------------


def test_a_handler_does_not_see_the_title_of_a_parent_they_cannot_open(client, make_task, people):
    parent = make_task("draft", title="尚在立项的上级事项")
    child = make_task("assigned", title="分解出的子事项", parent=parent)
    page = as_user(client, people["tzb"]).get(reverse("supervision:task", args=[child.pk]))
    assert "分解出的子事项" in page.text and "尚在立项的上级事项" not in page.text
    page = as_user(client, people["supervisor"]).get(reverse("supervision:task", args=[child.pk]))
    assert "尚在立项的上级事项" in page.text


def test_the_units_page_counts_only_what_the_user_can_see(client, make_task, people, units):
    make_task("in_progress", lead_unit=units["steel"], responsible_units=[])  # not tzb's
    make_task("in_progress")  # tzb leads
    page = as_user(client, people["tzb"]).get(reverse("supervision:units")).text
    steel = page[page.index("XX钢铁集团有限公司") :]
    assert "在办 0 项" in steel[:400]
    page = as_user(client, people["supervisor"]).get(reverse("supervision:units")).text
    steel = page[page.index("XX钢铁集团有限公司") :]
    assert "在办 1 项" in steel[:400]


def test_a_task_cannot_be_its_own_parent_or_its_grandparents(make_task, people):
    grandparent = make_task("draft")
    parent = make_task("draft", parent=grandparent)
    child = make_task("draft", parent=parent)
    for task, new_parent in [(grandparent, grandparent), (grandparent, child)]:
        with pytest.raises(WorkflowError, match="子事项"):
            services.update_task(
                task, by=people["supervisor"], version=task.version, parent=new_parent
            )
    assert Task.objects.get(pk=grandparent.pk).parent is None


# ---- 8. smaller holes -------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["limit=9223372036854775808", "offset=9223372036854775808"])
def test_absurd_paging_numbers_are_not_a_server_error(client, make_task, people, query):
    make_task("draft")
    response = as_user(client, people["supervisor"]).get(f"/api/tasks?{query}")
    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.parametrize("state", ["closed", "cancelled"])
def test_nothing_is_added_to_a_closed_or_cancelled_task(client, make_task, people, state):
    task = make_task(state)
    with pytest.raises(WorkflowError, match="不能再"):
        services.add_comment(task, by=people["supervisor"], text="补充一句。")
    upload = SimpleUploadedFile("补充材料.pdf", b"%PDF-1.4")
    with pytest.raises(WorkflowError, match="不能再"):
        services.add_attachments(task, by=people["supervisor"], files=[upload])
    as_user(client, people["supervisor"]).post(
        reverse("supervision:comment", args=[task.pk]), {"text": "补充一句。"}
    )
    assert not task.events.filter(action="comment").exists()
    assert not task.attachments.exists()


def test_transitions_and_progress_need_the_version(client, make_task, people):
    task = make_task("signed")
    as_user(client, people["tzb"])
    response = post_json(client, f"/api/tasks/{task.pk}/progress", {"text": "进展", "percent": 20})
    assert response.status_code == 400 and "version" in response.json()
    response = post_json(
        client, f"/api/tasks/{task.pk}/transitions", {"action": "request_extension"}
    )
    assert response.status_code == 400 and "version" in response.json()
    page = client.post(
        reverse("supervision:act", args=[task.pk, "progress"]),
        {"percent": 20, "comment": "进展"},
        follow=True,
    )
    assert "请刷新" in page.text
    assert Task.objects.get(pk=task.pk).progress_percent == 0


def test_the_api_export_is_the_pages_export(client, make_task, people, units):
    make_task("in_progress", title="统战部牵头")
    make_task("in_progress", title="国资委牵头", lead_unit=units["gzw"], responsible_units=[])
    as_user(client, people["supervisor"])

    def rows(url):
        response = client.get(url, {"unit": "gzw", "unit_role": "lead"})
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
        sheet = load_workbook(io.BytesIO(response.getvalue())).active
        return [row for row in sheet.iter_rows(min_row=3, values_only=True)]

    assert rows("/api/tasks/export.xlsx") == rows(reverse("supervision:export"))
    assert [r[2] for r in rows("/api/tasks/export.xlsx")[1:]] == ["国资委牵头"]
    client.force_login(people["steel"])
    assert rows("/api/tasks/export.xlsx")[1:] == []


def test_the_openapi_document_declares_nulls_and_errors(client):
    schema = client.get("/api/openapi.json").json()
    components = schema["components"]["schemas"]
    assert components["Event"]["properties"]["actor"]["nullable"] is True
    assert components["Task"]["properties"]["closed_at"]["nullable"] is True
    transitions = schema["paths"]["/api/tasks/{id}/transitions"]["post"]
    assert {"400", "401", "403", "404", "409"} <= set(transitions["responses"])
    assert "429" in schema["paths"]["/api/auth/token"]["post"]["responses"]
    assert "version" in components["TransitionRequest"]["required"]


def test_an_export_larger_than_allowed_is_refused_with_a_reason(
    client, make_task, people, settings
):
    settings.TAIZHANG_EXPORT_MAX_ROWS = 1
    make_task("draft")
    make_task("draft")
    as_user(client, people["supervisor"])
    page = client.get(reverse("supervision:export"), {"status": "draft"}, follow=True)
    assert "缩小" in page.text and page.request["PATH_INFO"] == reverse("supervision:ledger")
    response = client.get("/api/tasks/export.xlsx")
    assert response.status_code == 400 and "缩小" in response.json()["detail"]
    assert client.get("/api/tasks/export.xlsx", {"q": "不存在"}).status_code == 200
