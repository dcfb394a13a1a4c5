"""The period selector's periods; the burden meter (减负) per unit against the thresholds;
the reports' files made in the background, and PDF where LibreOffice is not there."""

import datetime

import pytest
from django.utils import timezone

from taizhang.reports import burden, jobs, periods
from taizhang.reports.models import ReportSettings
from taizhang.supervision import services as tasks
from taizhang.supervision.models import TaskUnit
from taizhang.utils.errors import WorkflowError
from taizhang.utils.models import FileJob

D = datetime.date


@pytest.mark.parametrize(
    ("value", "kind", "start", "end", "previous"),
    [
        ("2026-11", "month", D(2026, 11, 1), D(2026, 11, 30), "2026-10"),
        ("2024-02", "month", D(2024, 2, 1), D(2024, 2, 29), "2024-01"),
        ("2026-Q1", "quarter", D(2026, 1, 1), D(2026, 3, 31), "2025-Q4"),
        ("2022", "year", D(2022, 1, 1), D(2022, 12, 31), "2021"),
        ("2022-03-01..2022-03-10", "custom", D(2022, 3, 1), D(2022, 3, 10), None),
    ],
)
def test_the_periods(value, kind, start, end, previous):
    period = periods.parse(value)
    assert (period.kind, period.start, period.end) == (kind, start, end)
    assert periods.parse(period.key) == period
    if previous:
        assert period.previous().key == previous
    assert period.as_of == min(end, timezone.localdate())


@pytest.mark.parametrize(
    "value", ["2026-13", "2026-Q5", "1999", "tomorrow", "2022-03-10..2022-03-01"]
)
def test_a_period_that_is_not_one_says_so(value):
    with pytest.raises(WorkflowError):
        periods.parse(value)


def test_the_period_defaults_to_this_month():
    today = timezone.localdate()
    assert periods.parse(None).start == today.replace(day=1)


@pytest.mark.django_db
def test_the_burden_meter_flags_a_unit_asked_too_much(make_task, people, units, client):
    ReportSettings.objects.create(
        organisation=people["supervisor"].organisation,
        burden_reports_per_month=2,
        burden_reminders_per_month=5,
    )
    first = make_task("in_progress", title="甲")  # one progress report by 统战部
    make_task("in_progress", title="乙")
    for _ in range(2):
        tasks.report_progress(first, by=people["tzb"], percent=50, text="推进中。")
    # The same task registered twice for 国资委 (多头交办).
    for _ in range(2):
        make_task(
            "assigned",
            title="开展国企统战工作调研",
            lead_unit=units["gzw"],
            responsible_units=[units["tzb"]],
        )
    # 催办 by hand reminds the unit it names, not every unit of the task.
    tasks.remind_task(first, by=people["supervisor"], units=[units["gzw"]], message="请加快进度。")
    period = periods.parse(timezone.localdate().strftime("%Y-%m"))
    meter = burden.unit_burden(
        people["leader"], period, ReportSettings.of(people["leader"].organisation_id)
    )
    rows = {row["unit"].code: row for row in meter["rows"]}
    assert rows["tzb"]["reports"] == 4 and "reports" in rows["tzb"]["flags"]
    assert rows["gzw"]["duplicates"] == 1 and "duplicates" in rows["gzw"]["flags"]
    assert rows["gzw"]["twice"][0]["title"] == "开展国企统战工作调研"
    assert rows["tzb"]["sign_days"] == 0  # signed the day it was assigned
    assert rows["gzw"]["reminders"] == 1 and rows["tzb"]["reminders"] == 0
    # A supervising part (督办单位) is asked for nothing: the office has no row.
    assert "office" not in rows
    assert meter["rows"][0]["flags"]  # the flagged first
    # Its links list what they count.
    client.force_login(people["leader"])
    listed = client.get(rows["gzw"]["links"]["duplicates"]).context["page"].paginator.count
    assert listed == 2
    assigned = client.get(rows["tzb"]["links"]["assigned"]).context["page"].paginator.count
    assert assigned == rows["tzb"]["assigned"] == TaskUnit.objects.filter(unit=units["tzb"]).count()
    # A unit supervising one task and cooperating in another is counted, and listed, once.
    make_task("assigned", title="丙", cooperating_units=[units["office"]], supervising_units=[])
    make_task("assigned", title="丁")  # 市委办公室 supervises
    meter = burden.unit_burden(
        people["leader"], period, ReportSettings.of(people["leader"].organisation_id)
    )
    office = next(row for row in meter["rows"] if row["unit"].code == "office")
    assert office["assigned"] == 1
    assert client.get(office["links"]["assigned"]).context["page"].paginator.count == 1
    # The list says which filters the meter put on it, and keeps them while others change.
    listed = client.get(office["links"]["assigned"]).content.decode()
    assert "交办日期自" in listed and 'name="assigned_after"' in listed
    page = client.get("/reports/burden/")
    assert page.status_code == 200 and "burden-gzw" in page.content.decode()


@pytest.mark.django_db
def test_a_year_summary_made_in_the_background(people, client, django_capture_on_commit_callbacks):
    client.force_login(people["supervisor"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/files/", {"year": "2022", "format": "docx"})
    job = FileJob.objects.get()
    assert response.url == f"/system/files/{job.pk}/"
    assert job.status == FileJob.Status.DONE and job.file_name.endswith("2022年度工作总结.docx")
    download = client.get(f"/system/files/{job.pk}/download")
    assert download.status_code == 200
    # Another user never sees it.
    client.force_login(people["leader"])
    assert client.get(f"/system/files/{job.pk}/").status_code == 404


@pytest.mark.django_db
def test_pdf_without_libreoffice_fails_saying_why(
    people, client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(jobs, "soffice", lambda: None)
    client.force_login(people["supervisor"])
    page = client.get("/reports/year-summary/?year=2022")
    assert "LibreOffice" in page.content.decode()  # said on the page, before asking
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reports/files/", {"year": "2022", "format": "pdf"})
    job = FileJob.objects.get()
    assert job.status == FileJob.Status.FAILED and "LibreOffice" in job.error
    assert not job.file


def test_the_supervisor_sees_the_burden_before_assigning(make_task, people, client):
    """减负 at 交办: the task page of an approved task names its units already over a
    threshold this month; once assigned, or for a unit within the thresholds, nothing."""
    ReportSettings.objects.create(
        organisation=people["supervisor"].organisation, burden_reports_per_month=2
    )
    busy = make_task("in_progress", title="甲")  # its first progress report, and three more
    for _ in range(3):
        tasks.report_progress(busy, by=people["tzb"], percent=50, text="推进中。")
    waiting = make_task("approved", title="乙")  # 统战部 leads, 国资委 responsible
    client.force_login(people["supervisor"])
    page = client.get(waiting.get_absolute_url())
    hints = page.context["assign_hints"]
    assert [(unit.code, over) for unit, over, _link in hints] == [("tzb", ["报送进展 4.0，超过 2"])]
    assert 'data-testid="assign-hints"' in page.content.decode()
    assert client.get(busy.get_absolute_url()).context["assign_hints"] == []
