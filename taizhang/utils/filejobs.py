"""Files made or read in the background for one user: a large export or import.

A page starts a job (``start``) with what it needs (``params``, an upload); the kind's
django.tasks task runs it inside ``running``, which marks it running, offers ``progress``
and ``save_file``, and ends it as done, or failed with the error the user sees. The job's
page (``utils/filejob.html``) polls its progress with htmx and offers the file when done.
Only the user who asked may see the job or download its file; files are deleted
``TAIZHANG_FILE_JOB_KEEP_HOURS`` after the job finished (by the next job started and by the
daily run).
"""

import datetime
import logging
from contextlib import contextmanager

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.dispatch import receiver
from django.http import Http404
from django.tasks import TaskResultStatus, task
from django.tasks.signals import task_finished
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import WorkflowError
from .models import FileJob

logger = logging.getLogger("taizhang.jobs")
Status = FileJob.Status
OUTCOME_FIELDS = (
    "status",
    "rows_done",
    "rows_total",
    "file",
    "file_name",
    "error",
    "problems",
    "result",
    "finished_at",
)


def start(kind, job_task, *, by, params=None, upload=None, upload_name=""):
    """A new job of ``kind`` for ``by``, run by ``job_task`` (a django.tasks task taking the
    job's id) once this transaction commits. ``upload``, a file to read, is kept in storage
    with the job until it ends."""
    purge_expired()
    job = FileJob(kind=kind, requested_by=by, params=params or {})
    if upload is not None:
        job.file.save(upload_name or "upload", File(upload), save=False)
        job.file_name = upload_name
    job.save()
    transaction.on_commit(lambda: _enqueue(job, job_task))
    return job


def _enqueue(job, job_task):
    FileJob.objects.filter(pk=job.pk).update(result_id=str(job_task.enqueue(job.pk).id)[:64])


@receiver(task_finished, dispatch_uid="utils.file_job_finished")
def file_job_finished(sender, task_result, **kwargs):
    """A job that failed outside ``running`` (its worker died, it ran past its time) still
    ends, failed, instead of showing its progress bar for ever."""
    if task_result.status != TaskResultStatus.FAILED:
        return
    FileJob.objects.filter(
        result_id=str(task_result.id), status__in=[Status.QUEUED, Status.RUNNING]
    ).update(
        status=Status.FAILED,
        error=_("The job stopped before it finished. Try again."),
        finished_at=timezone.now(),
    )


def for_user(user, pk):
    """The job if ``user`` asked for it; 404 otherwise, so another's job is not revealed."""
    job = FileJob.objects.filter(pk=pk, requested_by_id=user.pk).first()
    if job is None:
        raise Http404
    return job


class Running:
    """What a running job's code is handed: the job, and how to report on it."""

    def __init__(self, job):
        self.job = job

    def total(self, rows):
        self.job.rows_total = rows
        FileJob.objects.filter(pk=self.job.pk).update(rows_total=rows)

    def progress(self, rows):
        # A counter written every few thousand rows, like a heartbeat: not an audited change.
        self.job.rows_done = rows
        FileJob.objects.filter(pk=self.job.pk).update(rows_done=rows)

    def save_file(self, content, name):
        """Keep ``content`` (an open binary file) in storage as the job's file."""
        self.job.file.save(name, File(content), save=False)
        self.job.file_name = name


@contextmanager
def running(job_id):
    """Run the job ``job_id``: RUNNING, then DONE, or FAILED with the error a user reads (a
    ``WorkflowError``'s message and, for an import, ``problems``; any other error is
    logged and shown as a failure without its details)."""
    job = FileJob.objects.select_related("requested_by").get(pk=job_id)
    upload = job.file.name
    job.status = Status.RUNNING
    job.save(update_fields=["status"])
    run = Running(job)
    try:
        yield run
    except WorkflowError as exc:
        job.status, job.error = Status.FAILED, exc.message
        job.problems = [list(p) for p in getattr(exc, "errors", ())]
    except Exception:
        logger.exception("file job %s (%s) failed", job.pk, job.kind)
        job.status = Status.FAILED
        job.error = _("The job failed. Try again; if it fails again, tell the administrator.")
    else:
        job.status = Status.DONE
    if upload and job.file.name == upload:  # an import's upload: read, not kept
        job.file.delete(save=False)
    job.finished_at = timezone.now()
    # Not a plain save(): the result id may have been written since the job was read.
    job.save(update_fields=[*OUTCOME_FIELDS])


def expired(now=None):
    now = now or timezone.now()
    keep = datetime.timedelta(hours=settings.TAIZHANG_FILE_JOB_KEEP_HOURS)
    return FileJob.objects.filter(finished_at__lt=now - keep)


def purge_expired(now=None):
    """Delete the jobs finished longer ago than they are kept, and their files."""
    count = 0
    for job in expired(now).only("pk", "file")[:500]:
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count


@task
def purge_file_jobs(day=None):
    """The daily run's share: expired background files deleted."""
    return {"deleted": purge_expired()}
