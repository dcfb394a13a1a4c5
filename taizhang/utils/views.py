"""The system administrator's page of background jobs: queues, the daily run, failures, workers."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from taizhang.org.choices import Role

from . import jobs


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
