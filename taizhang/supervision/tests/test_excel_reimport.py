"""Issue 14, items 4, 5 and 9: re-import without duplicates, the export offices keep, and
past deadlines that are asked about, not accepted silently."""

import datetime
import io
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from conftest import PASSWORD
from taizhang.supervision import excel, excel_jobs, services
from taizhang.supervision.choices import Action
from taizhang.supervision.models import Task, TaskEvent
from taizhang.utils.models import FileJob

pytestmark = pytest.mark.django_db

LAYOUT = ["序号", "编号", "事项名称", "来源", "牵头单位", "责任单位", "配合单位", "办理时限"]


def sheet(*rows, headers=LAYOUT):
    wb = Workbook()
    ws = wb.active
    ws.append(["督查督办事项台账"])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def row_of(task, **changes):
    task = Task.objects.with_units().get(pk=task.pk)
    values = {
        "序号": 1,
        "编号": task.number,
        "事项名称": task.title,
        "来源": excel.source_text(task.source_kind, task.source_ref),
        "牵头单位": task.lead_unit.name,
        "责任单位": "、".join(u.name for u in task.responsible_units),
        "配合单位": "、".join(u.name for u in task.cooperating_units),
        "办理时限": task.deadline.isoformat(),
        **changes,
    }
    return [values[h] for h in LAYOUT]


def exported(tasks=None):
    return excel.export_ledger(tasks if tasks is not None else Task.objects.all())


def later(days):
    return timezone.localdate() + datetime.timedelta(days=days)


# ---- matching -------------------------------------------------------------------------------


def test_a_row_with_a_number_of_the_ledger_updates_that_task_through_the_services(
    make_task, people
):
    task = make_task("in_progress")
    new_deadline = later(90)
    data = sheet(row_of(task, 办理时限=new_deadline.isoformat()))
    plan = excel.plan_import(data, by=people["supervisor"])
    assert plan.counts() == {"create": 0, "update": 1, "skip": 0}
    _row, matched, changes, _data = plan.update[0]
    assert matched.pk == task.pk
    assert changes == {"办理时限": (task.deadline.isoformat(), new_deadline.isoformat())}
    assert Task.objects.get(pk=task.pk).deadline == task.deadline  # planned, not saved
    excel.import_ledger(data, by=people["supervisor"])
    after = Task.objects.get(pk=task.pk)
    assert after.deadline == new_deadline and after.version == task.version + 1
    assert Task.objects.count() == 1
    edit = TaskEvent.objects.get(task=task, action=Action.EDIT)
    assert edit.actor == people["supervisor"] and "deadline" in edit.changes


def test_without_a_number_title_lead_unit_and_source_find_the_task(make_task, people, units):
    task = make_task("assigned", source_kind="speech", source_ref="统战工作会议")
    row = row_of(task, 编号="", 配合单位="XX市财政局、XX钢铁集团有限公司")
    plan = excel.plan_import(sheet(row), by=people["supervisor"])
    assert plan.counts() == {"create": 0, "update": 1, "skip": 0}
    assert list(plan.update[0][2]) == ["配合单位"]
    other_source = row_of(task, 编号="", 来源="会议：统战工作会议")
    other_lead = row_of(task, 编号="", 牵头单位="XX市财政局", 配合单位="")
    plan = excel.plan_import(sheet(other_source, other_lead), by=people["supervisor"])
    assert plan.counts() == {"create": 2, "update": 0, "skip": 0}


def test_a_row_without_a_match_is_a_new_draft(people):
    data = sheet([1, "", "新的一项", "会议", "市委统战部", "", "", later(30).isoformat()])
    plan = excel.plan_import(data, by=people["supervisor"])
    assert plan.counts() == {"create": 1, "update": 0, "skip": 0}
    assert Task.objects.count() == 0
    assert [t.title for t in excel.import_ledger(data, by=people["supervisor"])] == ["新的一项"]


def test_an_unknown_number_falls_back_to_the_title_match(make_task, people):
    task = make_task("draft")
    plan = excel.plan_import(sheet(row_of(task, 编号="旧系统-17")), by=people["supervisor"])
    assert plan.counts() == {"create": 0, "update": 0, "skip": 1}


@pytest.mark.parametrize("state", ["closed", "cancelled"])
def test_a_changed_row_of_a_closed_or_cancelled_task_is_skipped_with_a_reason(
    make_task, people, state
):
    task = make_task("assigned")
    if state == "cancelled":
        services.cancel_task(task, by=people["supervisor"], comment="不再需要")
    else:
        task = make_task("closed", title="已销号的一项")
    plan = excel.plan_import(
        sheet(row_of(task, 办理时限=later(99).isoformat())), by=people["supervisor"]
    )
    assert plan.counts() == {"create": 0, "update": 0, "skip": 1}
    reason = plan.skip[0][2]
    assert ("已销号" if state == "closed" else "已中止") in reason


def test_an_unchanged_row_is_skipped_and_nothing_is_written(make_task, people):
    task = make_task("signed")
    events = TaskEvent.objects.count()
    plan = excel.run_import(sheet(row_of(task)), by=people["supervisor"])
    assert plan.counts() == {"create": 0, "update": 0, "skip": 1}
    assert plan.skip[0][2] == "未变化。"
    assert Task.objects.get(pk=task.pk).version == task.version
    assert TaskEvent.objects.count() == events


def test_on_match_skip_leaves_a_changed_task_as_it_is(make_task, people):
    task = make_task("draft")
    data = sheet(row_of(task, 事项名称="改过的名称"))
    plan = excel.run_import(data, by=people["supervisor"], on_match="skip")
    assert plan.counts() == {"create": 0, "update": 0, "skip": 1}
    assert Task.objects.get(pk=task.pk).title == task.title


def test_two_rows_of_one_task_and_a_bad_row_import_nothing(make_task, people):
    task = make_task("draft")
    data = sheet(
        row_of(task, 事项名称="第一次改"),
        row_of(task, 事项名称="第二次改"),
        [3, "", "新的一项", "会议", "不存在的局", "", "", later(5).isoformat()],
    )
    with pytest.raises(excel.ImportFailed) as failure:
        excel.import_ledger(data, by=people["supervisor"])
    assert [row for row, _m in failure.value.errors] == [4, 5]
    assert Task.objects.get(pk=task.pk).title == task.title and Task.objects.count() == 1


def test_an_update_refused_by_the_services_imports_nothing(make_task, people):
    task = make_task("draft")
    fresh = [1, "", "新的一项", "会议", "市委统战部", "", "", later(5).isoformat()]
    data = sheet(fresh, row_of(task, 事项名称="改过的名称"))
    plan = excel.plan_import(data, by=people["supervisor"])
    services.update_task(task, by=people["supervisor"], version=task.version, body="别人改过")
    with pytest.raises(excel.ImportFailed):
        excel.apply_plan(plan, by=people["supervisor"], versions=plan.versions())
    assert Task.objects.count() == 1 and Task.objects.get(pk=task.pk).title == task.title


def test_the_matching_reads_in_the_same_queries_for_few_rows_or_many(make_task, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tasks = [make_task("draft", title=f"事项{n}") for n in range(12)]

    def queries(count):
        rows = [row_of(t, 编号="" if n % 2 else t.number) for n, t in enumerate(tasks[:count])]
        data = sheet(*rows)
        with CaptureQueriesContext(connection) as captured:
            plan = excel.plan_import(data, by=people["supervisor"])
        assert plan.counts()["skip"] == count
        return len(captured)

    assert queries(2) == queries(12)


# ---- the export -----------------------------------------------------------------------------


def test_the_export_has_the_columns_offices_keep(make_task, people, units):
    people["gzw"].phone = "0371-1234567"
    people["gzw"].save()
    task = make_task("signed", lead_unit=units["gzw"], responsible_units=[units["tzb"]])
    services.sign_task(task, by=people["tzb"])
    ws = load_workbook(io.BytesIO(exported())).active
    assert [c.value for c in ws[3]] == excel.HEADERS
    row = dict(zip(excel.HEADERS, [c.value for c in ws[4]], strict=True))
    day = timezone.localdate().strftime("%m-%d")
    assert row["编号"] == task.number and row["紧急程度"] == "一般"
    assert row["签收情况"] == f"市国资委 已签收 {day}；市委统战部 已签收 {day}；市财政局 未签收"
    assert row["承办人"] == "gzw" and row["联系电话"] == "0371-1234567"
    assert ws.auto_filter.ref == "A3:P4"
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == "$3:$3"


def test_the_page_export_names_its_filter_and_has_a_chinese_file_name(client, make_task, people):
    make_task("in_progress")
    client.login(username="duban", password=PASSWORD)
    response = client.get(reverse("supervision:export"), {"status": "in_progress"})
    disposition = response["Content-Disposition"]
    name = f"督办台账-{timezone.localdate().isoformat()}.xlsx"
    assert f'filename="ledger-{timezone.localdate().isoformat()}.xlsx"' in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == name
    ws = load_workbook(io.BytesIO(response.getvalue())).active
    assert "筛选：状态=办理中" in ws["A2"].value
    api = client.get("/api/tasks/export.xlsx", {"status": "in_progress"})
    assert "筛选：状态=办理中" in load_workbook(io.BytesIO(api.getvalue())).active["A2"].value


def test_export_then_import_creates_and_updates_nothing(make_task, people, units):
    make_task("draft", title="草稿")
    make_task("in_progress", title="办理中", priority="urgent")
    make_task("closed", title="已销号")
    make_task("assigned", title="按工作日", deadline_working_days=15)
    make_task("approved", title="没有配合单位", cooperating_units=[], source_ref="第3次会议")
    count, events = Task.objects.count(), TaskEvent.objects.count()
    plan = excel.run_import(exported(), by=people["supervisor"])
    assert plan.counts() == {"create": 0, "update": 0, "skip": count}
    assert {reason for _r, _t, reason in plan.skip} == {"未变化。"}
    assert Task.objects.count() == count and TaskEvent.objects.count() == events


# ---- past deadlines (item 9) ----------------------------------------------------------------


def test_a_past_deadline_is_a_warning_that_must_be_allowed(people):
    past = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    data = sheet([1, "", "去年的事", "会议", "市委统战部", "", "", past])
    plan = excel.plan_import(data, by=people["supervisor"])
    assert plan.errors == [] and [row for row, _m in plan.warnings] == [3]
    with pytest.raises(excel.ImportFailed) as failure:
        excel.run_import(data, by=people["supervisor"])
    assert [row for row, _m in failure.value.errors] == [None, 3]
    assert Task.objects.count() == 0
    excel.run_import(data, by=people["supervisor"], allow_past_deadlines=True)
    assert Task.objects.get().title == "去年的事"


# ---- the API --------------------------------------------------------------------------------


def post(client, data, **params):
    upload = io.BytesIO(data)
    upload.name = "ledger.xlsx"
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.post(f"/api/tasks/import?{query}", {"file": upload})


def test_the_api_dry_run_answers_the_counts_and_saves_nothing(client, make_task, people):
    kept, changed = make_task("draft", title="不变"), make_task("draft", title="要改")
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    data = sheet(
        row_of(kept),
        row_of(changed, 办理时限=later(70).isoformat()),
        [3, "", "新的一项", "会议", "市委统战部", "", "", past],
    )
    client.login(username="duban", password=PASSWORD)
    versions = list(Task.objects.order_by("pk").values_list("version", flat=True))
    response = post(client, data, dry_run=1)
    body = response.json()
    assert response.status_code == 200
    assert {k: body[k] for k in ("create", "update", "skip", "errors")} == {
        "create": 1,
        "update": 1,
        "skip": 1,
        "errors": [],
    }
    assert [w["row"] for w in body["warnings"]] == [5]
    assert list(Task.objects.order_by("pk").values_list("version", flat=True)) == versions
    assert Task.objects.count() == 2
    refused = post(client, data)
    assert refused.status_code == 400
    assert [e["row"] for e in refused.json()["errors"]] == [None, 5]
    assert Task.objects.count() == 2
    done = post(client, data, allow_past_deadlines=1)
    assert done.status_code == 201
    body = done.json()
    assert (body["create"], body["update"], body["skip"]) == (1, 1, 1)
    assert [t["title"] for t in body["created"]] == ["新的一项"]
    assert [t["number"] for t in body["updated"]] == [changed.number]
    assert Task.objects.get(pk=changed.pk).deadline == later(70)
    skipped = post(client, sheet(row_of(changed, 事项名称="再改")), on_match="skip").json()
    assert (skipped["update"], skipped["skip"]) == (0, 1)


def test_the_api_documents_the_import_parameters(client, people):
    client.login(username="duban", password=PASSWORD)
    schema = client.get("/api/openapi.json").json()
    params = {p["name"] for p in schema["paths"]["/api/tasks/import"]["post"]["parameters"]}
    assert {"dry_run", "on_match", "allow_past_deadlines"} <= params


# ---- the pages ------------------------------------------------------------------------------


def upload(client, data):
    file = io.BytesIO(data)
    file.name = "台账.xlsx"
    return client.post(reverse("supervision:import"), {"file": file})


def test_the_import_page_previews_then_imports_on_confirmation(client, make_task, people):
    task = make_task("in_progress")
    data = sheet(
        row_of(task, 办理时限=later(80).isoformat()),
        [2, "", "新的一项", "会议", "市委统战部", "", "", later(9).isoformat()],
    )
    client.login(username="duban", password=PASSWORD)
    response = upload(client, data)
    job = FileJob.objects.get(kind="supervision.ledger-import-preview")
    assert response.url == reverse("supervision:import-preview", args=[job.pk])
    page = client.get(response.url)
    assert '<div class="h1 mb-0" data-count="update">1</div>' in page.text
    assert '<div class="h1 mb-0" data-count="create">1</div>' in page.text
    assert task.number in page.text and later(80).isoformat() in page.text
    assert Task.objects.count() == 1  # nothing saved before the confirmation
    done = client.post(reverse("supervision:import-confirm", args=[job.pk]), {"on_match": "update"})
    assert done.url == reverse("supervision:ledger")
    assert Task.objects.count() == 2 and Task.objects.get(pk=task.pk).deadline == later(80)
    assert not FileJob.objects.filter(pk=job.pk).exists()


def test_someone_elses_preview_is_not_found(client, make_task, people):
    client.login(username="duban", password=PASSWORD)
    upload(client, sheet([1, "", "一项", "会议", "市委统战部", "", "", later(9).isoformat()]))
    job = FileJob.objects.get()
    job.requested_by = people["leader"]
    job.save()
    assert client.get(reverse("supervision:import-preview", args=[job.pk])).status_code == 404


def test_the_preview_asks_before_past_deadlines_are_imported(client, people):
    past = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    client.login(username="duban", password=PASSWORD)
    response = upload(client, sheet([1, "", "已过期", "会议", "市委统战部", "", "", past]))
    page = client.get(response.url)
    assert 'name="allow_past_deadlines"' in page.text and "已经过了" in page.text
    confirm = reverse("supervision:import-confirm", args=[FileJob.objects.get().pk])
    refused = client.post(confirm, {})
    assert refused.status_code == 200 and Task.objects.count() == 0
    client.post(confirm, {"allow_past_deadlines": "1"})
    assert Task.objects.get().title == "已过期"


def test_the_template_reads_back_as_an_import(client, people):
    client.login(username="duban", password=PASSWORD)
    page = client.get(reverse("supervision:import"))
    assert reverse("supervision:import-template") in page.text
    response = client.get(reverse("supervision:import-template"))
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.active[3]] == excel.TEMPLATE_HEADERS
    notes = "\n".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row)
    assert "特急" in notes and "领导批示" in notes and "yyyy-mm-dd" in notes
    assert "市委统战部" in notes
    plan = excel.plan_import(response.content, by=people["supervisor"])
    assert plan.errors == [] and plan.counts()["create"] == 1


def test_the_background_import_matches_as_the_page_does(make_task, people, settings):
    task = make_task("draft")
    data = sheet(row_of(task), row_of(task, 编号="", 事项名称="另一项"))
    file = io.BytesIO(data)
    file.name = "big.xlsx"
    job = excel_jobs.start_import(people["supervisor"], file, options={"on_match": "update"})
    excel_jobs.import_ledger_file.call(job.pk)
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert (job.result["create"], job.result["skip"]) == (1, 1)
    assert Task.objects.count() == 2
