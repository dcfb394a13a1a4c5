"""The system administrator's page of background jobs (queues, the daily run, failures,
workers), and each user's page of a background export or import."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone

from taizhang.org.choices import Role

from . import filejobs, jobs
from .htmx import is_htmx
from .models import FileJob


@login_required
def system_jobs(request):
    """后台任务: for the system administrator (系统管理员) only."""
    if request.user.role != Role.ADMIN:
        raise PermissionDenied
    now = timezone.now()
    daily = jobs.last_daily_run()
    context = {
        "queues": jobs.queue_overview(now),
        "daily": daily,
        "daily_missing": daily is None or daily["run"].day < timezone.localdate(now),
        "failures": jobs.recent_failures(now=now),
        "workers": jobs.workers(now),
    }
    return render(request, "utils/jobs.html", context)


@login_required
def file_job(request, pk):
    """A background export's or import's page: its progress (polled by htmx), then the
    download or every problem found. Only for the user who asked for it."""
    job = filejobs.for_user(request.user, pk)
    context = {"job": job, "hours": settings.TAIZHANG_FILE_JOB_KEEP_HOURS}
    if is_htmx(request):
        return render(request, "utils/includes/filejob_status.html", context)
    return render(request, "utils/filejob.html", context)


@login_required
def file_job_download(request, pk):
    job = filejobs.for_user(request.user, pk)
    if job.status != FileJob.Status.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file_name)


def favicon(request):
    """Asked for by browsers whatever the page's <link rel="icon"> says."""
    return redirect(static("taizhang/favicon.svg"), permanent=True)
