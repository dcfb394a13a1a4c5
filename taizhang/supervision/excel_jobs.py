"""The ledger's large exports and imports, run in the background (``utils.filejobs``).

The ledger page sends an export of more than ``TAIZHANG_EXPORT_BACKGROUND_ROWS`` rows, and an
upload larger than ``TAIZHANG_IMPORT_BACKGROUND_BYTES``, here; the user follows it on the
job's page. The export reads the same filtered, permitted rows the page shows, as the user
who asked, when the job runs.
"""

import tempfile
from contextlib import contextmanager
from types import SimpleNamespace

from django.http import QueryDict
from django.tasks import task
from django.urls import reverse
from django.utils.translation import gettext as _

from taizhang.audit import context as audit_context
from taizhang.utils import filejobs
from taizhang.utils.excel import check_export_rows

from . import excel
from .filters import ledger_filter

EXPORT = "supervision.ledger-export"
IMPORT = "supervision.ledger-import"


def filtered_tasks(user, query):
    """The ledger's rows for ``user`` under the filter ``query`` (a query string)."""
    return ledger_filter(user, QueryDict(query)).qs


def start_export(user, query):
    back = reverse("supervision:ledger")
    params = {"query": query, "title": _("Ledger export"), "back": f"{back}?{query}"}
    return filejobs.start(EXPORT, export_ledger_file, by=user, params=params)


def start_import(user, upload, *, name="", options=None):
    """The import of ``upload`` (an open file) in the background, with the preview's
    ``options`` (on_match, allow_past_deadlines, versions: see ``excel.run_import``)."""
    params = {
        "title": _("Ledger import"),
        "back": reverse("supervision:ledger"),
        "done": _("Tasks imported"),
        "options": options or {},
    }
    name = name or getattr(upload, "name", "") or "upload.xlsx"
    return filejobs.start(
        IMPORT, import_ledger_file, by=user, params=params, upload=upload, upload_name=name
    )


@contextmanager
def as_requester(run):
    """The audit log names the person who asked, not the worker (there is no request)."""
    token = audit_context.bind(request=SimpleNamespace(user=run.job.requested_by))
    try:
        yield
    finally:
        audit_context.reset(token)


@task
def export_ledger_file(job_id):
    with filejobs.running(job_id) as run, as_requester(run):
        filterset = ledger_filter(run.job.requested_by, QueryDict(run.job.params.get("query", "")))
        tasks = filterset.qs
        count = tasks.count()
        check_export_rows(count)
        run.total(count)
        with tempfile.TemporaryFile() as spool:
            note = excel.filter_line(filterset)
            excel.export_ledger(tasks, spool, note=note, progress=run.progress)
            spool.seek(0)
            run.save_file(spool, excel.file_name())


@task
def import_ledger_file(job_id):
    """The same matching as the page's import: rows the ledger has are updated or skipped."""
    with filejobs.running(job_id) as run, as_requester(run):
        with run.job.file.open("rb") as upload:
            data = upload.read()
        options = run.job.params.get("options", {})
        plan = excel.run_import(
            data,
            by=run.job.requested_by,
            total=run.total,
            on_match=options.get("on_match", "update"),
            allow_past_deadlines=bool(options.get("allow_past_deadlines")),
            versions=options.get("versions") or None,
        )
        run.progress(len(plan.created) + len(plan.updated))
        run.job.result = {
            **plan.counts(),
            "count": len(plan.created),
            "created": len(plan.created),
            "updated": len(plan.updated),
        }
