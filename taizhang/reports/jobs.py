"""The reports' files made in the background (``utils.filejobs``): the year-end summary and a
bulletin, as Word or as PDF (LibreOffice's ``soffice --headless --convert-to pdf`` where the
server has it; where it has not, the job fails saying so). The user follows the job on its
page and downloads the file it keeps; the file is made as the user who asked, when it runs."""

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.tasks import task
from django.urls import reverse
from django.utils.translation import gettext as _

from taizhang.supervision.excel_jobs import as_requester
from taizhang.utils import filejobs
from taizhang.utils.errors import NotAllowed, WorkflowError

from . import rules, services
from .models import Bulletin

REPORT_FILE = "reports.file"
FORMATS = ("docx", "pdf")
PDF_SECONDS = 180


def soffice():
    """LibreOffice's command, or None where the server has not got it."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def start_year_summary(user, year, *, file_format, base_url):
    params = {
        "what": "year-summary",
        "year": year,
        "format": file_format,
        "base_url": base_url,
        "title": _("Year-end summary %(year)d") % {"year": year},
        "back": f"{reverse('reports:year_summary')}?year={year}",
    }
    return filejobs.start(REPORT_FILE, make_report_file, by=user, params=params)


def start_bulletin(user, bulletin, *, file_format):
    params = {
        "what": "bulletin",
        "id": bulletin.pk,
        "format": file_format,
        "title": str(bulletin),
        "back": bulletin.get_absolute_url(),
    }
    return filejobs.start(REPORT_FILE, make_report_file, by=user, params=params)


def _word(user, params):
    if params["what"] == "year-summary":
        if not rules.sees_overview(user):
            raise NotAllowed(_("The year-end summary is for the office and the leaders."))
        return services.year_summary_file(
            user, int(params["year"]), base_url=params.get("base_url", "")
        )
    bulletin = Bulletin.objects.visible_to(user).filter(pk=params.get("id")).first()
    if bulletin is None:
        raise WorkflowError(_("The bulletin is gone, or not yours to read."))
    return services.bulletin_file(bulletin, user), bulletin.file_name()


def to_pdf(content, name):
    """The Word file converted by LibreOffice, in a profile of its own (two conversions at
    once would share, and lock, the default one)."""
    command = soffice()
    if command is None:
        raise WorkflowError(
            _(
                "PDF needs LibreOffice on the server, and it is not installed: download the "
                "Word file, or ask the administrator to install LibreOffice."
            )
        )
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.docx"
        source.write_bytes(content)
        try:
            subprocess.run(
                [
                    command,
                    f"-env:UserInstallation=file://{folder}/profile",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    folder,
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=PDF_SECONDS,
            )
        except (subprocess.SubprocessError, OSError):
            raise WorkflowError(_("LibreOffice could not convert the file to PDF.")) from None
        result = Path(folder) / "document.pdf"
        if not result.exists():
            raise WorkflowError(_("LibreOffice could not convert the file to PDF."))
        return result.read_bytes(), name.removesuffix(".docx") + ".pdf"


@task
def make_report_file(job_id):
    with filejobs.running(job_id) as run, as_requester(run):
        params = run.job.params
        run.total(2)
        content, name = _word(run.job.requested_by, params)
        run.progress(1)
        if params.get("format") == "pdf":
            content, name = to_pdf(content, name)
        run.save_file(io.BytesIO(content), name)
        run.progress(2)
