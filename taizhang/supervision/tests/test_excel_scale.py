"""The ledger's Excel at scale: the export streams in constant queries, large exports and
imports run in the background for the user who asked, and imports are written in bulk."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from taizhang.notify.models import Notification
from taizhang.supervision import excel, services
from taizhang.supervision.models import Task, TaskEvent, TaskUnit
from taizhang.utils.models import Counter, FileJob

from .test_excel import sheet

pytestmark = pytest.mark.django_db


def register(people, units, count):
    """``count`` drafts through the bulk path, each with a lead, a responsible and a
    cooperating unit."""
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    rows = [
        (
            n,
            {
                "title": f"事项{n}",
                "deadline": deadline,
                "lead_unit": units["tzb"],
                "responsible_units": [units["gzw"], units["steel"]],
                "cooperating_units": [units["czj"]],
            },
        )
        for n in range(count)
    ]
    return services.create_tasks(rows, by=people["supervisor"], organisation=people["org"])


@pytest.fixture
def people(people, org):
    return {**people, "org": org}


def rows_of(data):
    ws = load_workbook(io.BytesIO(data)).active
    return [[c.value for c in row] for row in ws.iter_rows(min_row=4)]


def export_queries(count, people, units):
    Task.objects.all().delete()
    register(people, units, count)
    with CaptureQueriesContext(connection) as queries:
        data = excel.export_ledger(Task.objects.visible_to(people["supervisor"]).with_units())
    assert len(rows_of(data)) == count
    return len(queries)


def test_the_export_reads_in_constant_queries(people, units):
    # The tasks, their units, the lead units' handlers (承办人): whatever the rows.
    assert export_queries(3, people, units) == export_queries(25, people, units) == 3


def test_the_export_reads_the_units_of_each_chunk_in_one_query(people, units):
    register(people, units, 7)
    tasks = Task.objects.all()
    with CaptureQueriesContext(connection) as queries:
        rows = list(excel.ledger_rows(tasks, chunk_size=3))
    # The tasks, then 3 chunks' units, and the handlers of the one lead unit once.
    assert len(rows) == 7 and len(queries) == 1 + 3 + 1
    light, values = rows[0]
    assert values[4:7] == [
        "中共XX市委统战部",
        "XX市人民政府国有资产监督管理委员会、XX钢铁集团有限公司",
        "XX市财政局",
    ]


def test_bulk_registration_numbers_units_events_and_tells_the_leaders_once(people, units):
    before = services.create_task(
        by=people["supervisor"],
        organisation=people["org"],
        title="先登记的一项",
        deadline=timezone.localdate() + datetime.timedelta(days=10),
        lead_unit=units["tzb"],
    )
    created = register(people, units, 4)
    prefix = before.number.rsplit("-", 1)[0]
    assert [t.number for t in created] == [f"{prefix}-{n:04d}" for n in range(2, 6)]
    assert TaskUnit.objects.filter(task__in=created).count() == 16
    assert (
        TaskEvent.objects.filter(
            task__in=created, action="create", actor=people["supervisor"]
        ).count()
        == 4
    )
    notes = Notification.objects.filter(recipient=people["leader"])
    assert notes.count() == 2 and "4" in notes.first().title  # one for the batch


def test_the_counter_hands_out_ranges_that_follow_each_other():
    assert list(Counter.next_values("t", 3)) == [1, 2, 3]
    assert Counter.next_value("t") == 4
    assert list(Counter.next_values("t", 2)) == [5, 6]


def import_queries(count, people):
    row = [1, "事项", "会议", "市委统战部", "市国资委、XX钢铁集团", "XX市财政局", "2026-12-31"]
    data = sheet(*[row] * count)
    Task.objects.all().delete()  # else the rows are the tasks of the last import
    with CaptureQueriesContext(connection) as queries:
        created = excel.import_ledger(data, by=people["supervisor"])
    assert len(created) == count
    return len(queries)


def test_an_import_takes_the_same_queries_for_few_rows_or_many(people):
    assert import_queries(3, people) == import_queries(40, people)


def test_a_bulk_import_with_bad_rows_registers_none_and_lists_them_all(people, settings):
    settings.TAIZHANG_DEADLINE_MAX_YEARS = 1
    far = (timezone.localdate() + datetime.timedelta(days=800)).isoformat()
    data = sheet(
        [1, "好的一行", "会议", "市委统战部", "", "", "2026-12-31"],
        [2, "太远", "会议", "市委统战部", "", "", far],
        [3, "长" * 301, "会议", "市委统战部", "", "", "2026-12-31"],
        [4, "重复的单位", "会议", "市委统战部", "统战部", "", "2026-12-31"],
    )
    with pytest.raises(excel.ImportFailed) as failure:
        excel.import_ledger(data, by=people["supervisor"])
    assert [row for row, _message in failure.value.errors] == [4, 5, 6]
    assert Task.objects.count() == 0 and TaskEvent.objects.count() == 0


# ---- in the background ------------------------------------------------------------------------


def test_a_large_export_runs_in_the_background_for_its_owner_only(
    client, people, units, settings, django_capture_on_commit_callbacks
):
    settings.TAIZHANG_EXPORT_BACKGROUND_ROWS = 2
    register(people, units, 3)
    client.force_login(people["supervisor"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("supervision:export"), {"status": "draft"})
    job = FileJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("system:file-job", args=[job.pk])
    assert (job.status, job.rows_done, job.rows_total) == ("done", 3, 3)
    page = client.get(response.url)
    download = reverse("system:file-job-download", args=[job.pk])
    assert download in page.text
    got = client.get(download)
    assert got.status_code == 200 and "attachment" in got["Content-Disposition"]
    assert [r[2] for r in rows_of(got.getvalue())] == ["事项0", "事项1", "事项2"]
    client.force_login(people["leader"])  # sees the same tasks, but did not ask
    assert client.get(response.url).status_code == 404
    assert client.get(download).status_code == 404


def test_a_small_export_is_streamed_in_the_request(client, people, units):
    register(people, units, 2)
    client.force_login(people["supervisor"])
    response = client.get("/api/tasks/export.xlsx")
    assert response.status_code == 200 and response.streaming
    assert len(rows_of(response.getvalue())) == 2
    assert not FileJob.objects.exists()


def test_the_job_page_shows_progress_while_it_runs(client, people):
    job = FileJob.objects.create(
        kind="x", requested_by=people["supervisor"], status="running", rows_done=30, rows_total=120
    )
    client.force_login(people["supervisor"])
    page = client.get(reverse("system:file-job", args=[job.pk]), headers={"HX-Request": "true"})
    assert "30" in page.text and "120" in page.text and "pct-25" in page.text
    assert 'hx-trigger="every 1s"' in page.text


def test_a_large_import_runs_in_the_background_after_its_preview(
    client, people, settings, django_capture_on_commit_callbacks
):
    settings.TAIZHANG_IMPORT_BACKGROUND_BYTES = 10
    client.force_login(people["supervisor"])

    def preview(*rows):
        upload = io.BytesIO(sheet(*rows))
        upload.name = "ledger.xlsx"
        response = client.post(reverse("supervision:import"), {"file": upload})
        assert response.status_code == 302
        return response.url, client.get(response.url)

    _url, page = preview(
        [1, "单位写错", "会议", "不存在的局", "", "", "2026-12-31"],
        [2, "", "会议", "市委统战部", "", "", "2026-12-31"],
    )
    assert "不存在的局" in page.text and "事项名称为空" in page.text
    assert Task.objects.count() == 0
    url, page = preview([1, "好的一行", "会议", "市委统战部", "", "", "2026-12-31"])
    assert "后台导入" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{url}confirm/", {"on_match": "update"})
    done = FileJob.objects.get(kind="supervision.ledger-import")
    assert response.url == reverse("system:file-job", args=[done.pk])
    assert Task.objects.get().title == "好的一行"
    assert done.status == "done" and (done.rows_done, done.rows_total) == (1, 1)
    assert (done.result["create"], done.result["update"], done.result["skip"]) == (1, 0, 0)
    assert not done.file  # the upload is not kept
    assert not FileJob.objects.filter(kind="supervision.ledger-import-preview").exists()
    assert "(1)" in client.get(response.url).text


def test_finished_jobs_expire_with_their_files(people, settings):
    from taizhang.utils import filejobs

    settings.TAIZHANG_FILE_JOB_KEEP_HOURS = 24
    old = FileJob.objects.create(kind="x", requested_by=people["supervisor"], status="done")
    FileJob.objects.filter(pk=old.pk).update(
        finished_at=timezone.now() - datetime.timedelta(hours=25)
    )
    fresh = FileJob.objects.create(
        kind="x", requested_by=people["supervisor"], status="done", finished_at=timezone.now()
    )
    assert filejobs.purge_expired() == 1
    assert list(FileJob.objects.all()) == [fresh]


def test_a_job_whose_worker_died_ends_failed(people):
    from types import SimpleNamespace

    from django.tasks import TaskResultStatus

    from taizhang.utils import filejobs

    job = FileJob.objects.create(
        kind="x", requested_by=people["supervisor"], status="running", result_id="r-1"
    )
    filejobs.file_job_finished(  # as django.tasks' task_finished signal calls it
        sender=None, task_result=SimpleNamespace(id="r-1", status=TaskResultStatus.FAILED)
    )
    job.refresh_from_db()
    assert job.status == "failed" and "重试" in job.error and job.finished_at
