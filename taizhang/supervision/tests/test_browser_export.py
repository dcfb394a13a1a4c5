"""A background export's page follows the job in the browser (htmx polling, no inline
script) until the download link appears."""

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from taizhang.utils.models import FileJob

pytestmark = [pytest.mark.browser]


def test_the_export_page_shows_progress_then_the_download(live_server, page, people):
    job = FileJob.objects.create(
        kind="supervision.ledger-export",
        requested_by=people["supervisor"],
        params={"title": "导出台账"},
        status=FileJob.Status.RUNNING,
        rows_done=2500,
        rows_total=10000,
    )
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "duban")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/system/files/{job.pk}/")
    expect(page.get_by_role("progressbar")).to_contain_text("25%")
    expect(page.get_by_test_id("file-job")).to_contain_text("2500")
    job.file.save("ledger.xlsx", ContentFile(b"PK"), save=False)
    FileJob.objects.filter(pk=job.pk).update(
        status=FileJob.Status.DONE,
        file=job.file.name,
        file_name="ledger.xlsx",
        finished_at=timezone.now(),
    )
    expect(page.get_by_test_id("file-job-download")).to_be_visible(timeout=5000)
    assert not [e for e in errors if "Content Security Policy" in e]
