"""The background workers' bookkeeping: heartbeats, ending interrupted jobs, the queues' state.

django_tasks_db marks a job RUNNING when a worker claims it and only the same worker ever
finishes it. A worker killed in the middle (kill -9, out of memory, a host restart) leaves the
job RUNNING for ever; whatever waits on it (a document at 处理中) waits for ever too. Every
worker therefore writes a heartbeat, and on start and every minute ends the jobs of workers
that are gone or that ran past the time limit: retried when the worker died under the job and
it has attempts left, failed with a reason otherwise. A failed job sends django.tasks'
``task_finished`` signal like any other, so the app that queued it can react (documents do).
"""

import datetime
import logging
import os
import socket

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db.models import Count, Min, Q
from django.tasks import TaskResultStatus
from django.tasks.signals import task_finished
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks_db.models import DBTaskResult

from .models import DailyRun, WorkerHeartbeat

logger = logging.getLogger("taizhang.jobs")

HEARTBEAT_SECONDS = 60
# A worker that has not beaten for this long is taken for gone.
GONE_AFTER = datetime.timedelta(seconds=3 * HEARTBEAT_SECONDS)
KEEP_HEARTBEATS = datetime.timedelta(days=7)
RECENT = datetime.timedelta(days=7)


# A job's state as the administrators' page shows it: (label, Tabler colour).
JOB_STATES = {
    TaskResultStatus.READY: (gettext_lazy("Queued"), "secondary"),
    TaskResultStatus.RUNNING: (gettext_lazy("Running"), "blue"),
    TaskResultStatus.FAILED: (gettext_lazy("Failed"), "red"),
    TaskResultStatus.SUCCESSFUL: (gettext_lazy("Succeeded"), "green"),
}


class JobInterrupted(Exception):
    """The error recorded for a job ended because its worker stopped or it ran too long."""


def beat(*, worker_id, queue_name, started_at, stopped=False):
    """Write this worker's heartbeat (and forget workers not seen for a week)."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "queue_name": queue_name,
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "seen_at": now,
            "stopped_at": now if stopped else None,
        },
    )
    WorkerHeartbeat.objects.filter(seen_at__lt=now - KEEP_HEARTBEATS).delete()


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def worker_gone(heartbeat, now):
    """Whether the worker of this heartbeat has stopped; None (no heartbeat) is not known."""
    if heartbeat is None:
        return False  # e.g. ``db_worker`` run by hand: only the time limit applies
    if heartbeat.stopped_at or heartbeat.seen_at < now - GONE_AFTER:
        return True
    return heartbeat.hostname == socket.gethostname() and not _pid_alive(heartbeat.pid)


def reap_interrupted_jobs(now=None):
    """End the RUNNING jobs whose worker is gone or whose time is up; returns those failed."""
    now = now or timezone.now()
    limit = datetime.timedelta(seconds=settings.TAIZHANG_JOB_TIMEOUT_SECONDS)
    running = list(DBTaskResult.objects.running())
    beats = WorkerHeartbeat.objects.in_bulk(
        {r.worker_ids[-1] for r in running if r.worker_ids}, field_name="worker_id"
    )
    failed = []
    for result in running:
        gone = worker_gone(beats.get(result.worker_ids[-1] if result.worker_ids else None), now)
        late = result.started_at is not None and result.started_at < now - limit
        if not (gone or late):
            continue
        if not late and len(result.worker_ids) < settings.TAIZHANG_JOB_ATTEMPTS:
            _retry(result)
        elif _fail(result, now, late=late):
            failed.append(result)
    return failed


def _still_running(result):
    """The job as it was read, if no one changed it since: with several workers, another one
    may meanwhile have queued it again and a third claimed it (a new ``started_at``); that run
    is alive and must not be queued a second time."""
    return DBTaskResult.objects.filter(
        pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
    )


def _retry(result):
    if _still_running(result).update(status=TaskResultStatus.READY, started_at=None):
        logger.warning(
            "job %s (%s) lost its worker; queued again (attempt %d of %d)",
            result.pk,
            result.task_path,
            len(result.worker_ids) + 1,
            settings.TAIZHANG_JOB_ATTEMPTS,
        )


def _fail(result, now, *, late):
    if late:
        reason = _("The job ran longer than its time limit of %(seconds)s seconds.") % {
            "seconds": settings.TAIZHANG_JOB_TIMEOUT_SECONDS
        }
    else:
        reason = _("The worker running this job stopped before the job finished.")
    updated = _still_running(result).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        return_value=None,
        exception_class_path=f"{JobInterrupted.__module__}.{JobInterrupted.__qualname__}",
        traceback=reason,
    )
    if not updated:
        return False
    logger.error("job %s (%s) ended as failed: %s", result.pk, result.task_path, reason)
    result.refresh_from_db()
    try:
        backend = type(result.task.get_backend())
        task_result = result.task_result
    except (ImportError, SuspiciousOperation):
        return True  # a job whose function no longer exists: nobody to tell
    task_finished.send(sender=backend, task_result=task_result)
    return True


def error_message(result):
    """The last line of a failed job's traceback: the exception and its message."""
    lines = [line for line in (result.traceback or "").strip().splitlines() if line.strip()]
    return lines[-1] if lines else result.exception_class_path


# -- What the administrators' page shows -----------------------------------------------------


def queue_overview(now=None):
    """Per queue: jobs queued, running and failed (last 7 days), and the oldest queued one."""
    now = now or timezone.now()
    counts = (
        DBTaskResult.objects.values("queue_name")
        .annotate(
            queued=Count("pk", filter=Q(status=TaskResultStatus.READY)),
            running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
            failed=Count(
                "pk", filter=Q(status=TaskResultStatus.FAILED, finished_at__gte=now - RECENT)
            ),
            oldest=Min("enqueued_at", filter=Q(status=TaskResultStatus.READY)),
        )
        .order_by()
    )
    queues = {
        name: {"name": name, "queued": 0, "running": 0, "failed": 0, "oldest": None}
        for name in settings.TASK_QUEUES
    }
    for row in counts:
        queues.setdefault(row["queue_name"], {"name": row["queue_name"]}).update(row)
    alive = {}
    for heartbeat in WorkerHeartbeat.objects.filter(stopped_at=None):
        if not worker_gone(heartbeat, now):
            alive[heartbeat.queue_name] = alive.get(heartbeat.queue_name, 0) + 1
    for queue in queues.values():
        queue.pop("queue_name", None)
        queue["workers"] = alive.get(queue["name"], 0)
    return list(queues.values())


def recent_failures(limit=20, now=None):
    now = now or timezone.now()
    results = DBTaskResult.objects.failed().filter(finished_at__gte=now - RECENT)
    rows = []
    for result in results.order_by("-finished_at")[:limit]:
        rows.append(
            {
                "name": result.task_name,
                "queue": result.queue_name,
                "finished_at": result.finished_at,
                "error": error_message(result),
                "interrupted": result.exception_class_path.endswith(JobInterrupted.__qualname__),
            }
        )
    return rows


def last_daily_run():
    """The latest DailyRun with its job's result (None while the job was never enqueued)."""
    run = DailyRun.objects.order_by("-day", "-pk").first()
    if run is None:
        return None
    result = DBTaskResult.objects.filter(pk=run.result_id).first() if run.result_id else None
    failed = result is not None and result.status == TaskResultStatus.FAILED
    label, colour = JOB_STATES.get(result.status, ("?", "secondary")) if result else ("", "")
    return {
        "run": run,
        "result": result,
        "state": label,
        "colour": colour,
        "error": error_message(result) if failed else "",
    }


def workers(now=None, limit=20):
    """The workers seen lately, each with whether it still runs."""
    now = now or timezone.now()
    rows = []
    for heartbeat in WorkerHeartbeat.objects.all()[:limit]:
        rows.append(
            {
                "heartbeat": heartbeat,
                "alive": not worker_gone(heartbeat, now),
            }
        )
    return rows
