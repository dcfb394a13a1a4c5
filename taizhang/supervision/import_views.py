"""The ledger's import as a clerk does it (issue 14): upload, preview, confirm.

The upload is kept as a file job of the user's (``PREVIEW``: stored in the file storage, not in
a process, so the confirming request may reach another server); the preview plans every row
(``excel.plan_import``) and saves nothing; the confirmation plans the file again and carries
it out, refusing an update whose task changed since the preview. A file larger than
``TAIZHANG_IMPORT_BACKGROUND_BYTES`` is carried out in the background (``excel_jobs``).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.utils import filejobs
from taizhang.utils.errors import WorkflowError
from taizhang.utils.excel import read_upload
from taizhang.utils.models import FileJob

from . import excel, excel_jobs, rules
from .forms import ImportForm

PREVIEW = "supervision.ledger-import-preview"


def _require_creator(user):
    if not rules.can_create(user):
        raise PermissionDenied


def _keep(user, upload):
    """The upload kept for the preview and the confirmation: a finished file job of the
    user's, deleted with its file after the confirmation or when file jobs expire."""
    job = FileJob(
        kind=PREVIEW,
        requested_by=user,
        status=FileJob.Status.DONE,
        finished_at=timezone.now(),
        params={"title": _("Ledger import")},
    )
    job.file.save(upload.name or "upload.xlsx", File(upload), save=False)
    job.file_name = upload.name or ""
    job.save()
    return job


def _preview_job(user, pk):
    job = filejobs.for_user(user, pk)
    if job.kind != PREVIEW or not job.file:
        raise Http404
    return job


def _read(job):
    with job.file.open("rb") as stored:
        return stored.read()


def _discard(job):
    job.file.delete(save=False)
    job.delete()


@login_required
def ledger_import(request):
    """上传: the file is read for its size and kept; the preview follows."""
    _require_creator(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            read_upload(upload)  # an oversized file is refused before it is kept
            upload.seek(0)
        except excel.ImportFailed as exc:
            errors = exc.errors
            messages.error(request, exc.message)
        else:
            filejobs.purge_expired()
            return redirect("supervision:import-preview", _keep(request.user, upload).pk)
    return render(request, "supervision/import.html", {"form": form, "errors": errors})


def _preview_context(job, plan):
    return {
        "job": job,
        "plan": plan,
        "counts": plan.counts(),
        "changed": [s for s in plan.skip if s[2] != _("Unchanged.")],
        "background": job.file.size > settings.TAIZHANG_IMPORT_BACKGROUND_BYTES,
    }


@login_required
def import_preview(request, pk):
    """预览: what the file would create, update and skip, every bad row and every past
    deadline; nothing is saved. The versions seen are kept for the confirmation."""
    _require_creator(request.user)
    job = _preview_job(request.user, pk)
    try:
        plan = excel.plan_import(_read(job), by=request.user)
    except excel.ImportFailed as exc:
        _discard(job)
        messages.error(request, exc.message)
        form = ImportForm()
        return render(request, "supervision/import.html", {"form": form, "errors": exc.errors})
    context = _preview_context(job, plan)
    if plan.errors:
        _discard(job)  # it cannot be confirmed: a corrected file is uploaded again
    else:
        job.params = {**job.params, "versions": plan.versions()}
        job.save(update_fields=["params"])
    return render(request, "supervision/import_preview.html", context)


@require_POST
@login_required
def import_confirm(request, pk):
    """确认导入: the file planned again and carried out with the choice for matched rows."""
    _require_creator(request.user)
    job = _preview_job(request.user, pk)
    on_match = request.POST.get("on_match", "update")
    allow_past = request.POST.get("allow_past_deadlines") == "1"
    options = {
        "on_match": on_match if on_match in excel.ON_MATCH else "update",
        "allow_past_deadlines": allow_past,
        "versions": job.params.get("versions", {}),
    }
    if job.file.size > settings.TAIZHANG_IMPORT_BACKGROUND_BYTES:
        with job.file.open("rb") as stored:
            background = excel_jobs.start_import(
                request.user, stored, name=job.file_name, options=options
            )
        _discard(job)
        return redirect("system:file-job", background.pk)
    data = _read(job)
    try:
        plan = excel.run_import(data, by=request.user, **options)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        try:
            plan = excel.plan_import(data, by=request.user)
        except WorkflowError:
            _discard(job)
            return redirect("supervision:import")
        context = _preview_context(job, plan)
        context["refused"] = getattr(exc, "errors", [])
        return render(request, "supervision/import_preview.html", context)
    _discard(job)
    messages.success(
        request,
        _("Import done: %(create)d created as drafts, %(update)d updated, %(skip)d skipped.")
        % {"create": len(plan.created), "update": len(plan.updated), "skip": len(plan.skip)},
    )
    return redirect("supervision:ledger")


@login_required
def import_template(request):
    """导入模板.xlsx: the importer's headers, a sample row and the notes on allowed values."""
    _require_creator(request.user)
    response = HttpResponse(excel.template_workbook(request.user.organisation))
    response["Content-Type"] = excel.XLSX
    response["Content-Disposition"] = excel.content_disposition(excel.TEMPLATE_NAME)
    return response
