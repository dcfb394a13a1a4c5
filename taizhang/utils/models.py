import os

from django.conf import settings
from django.db import connection, models
from django.utils.translation import gettext_lazy as _


class DailyRun(models.Model):
    """A daily job that was enqueued: the unique row is the lock across workers."""

    name = models.CharField(max_length=60)
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    # The django.tasks result of the job, so the administrators' page can show how it went.
    result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "day"], name="daily_run_once"),
        ]

    def __str__(self):
        return f"{self.name} {self.day}"


class Counter(models.Model):
    """A named sequence (a ledger's numbers for one organisation and year).

    ``next_value`` increments it in one statement, so concurrent writers never read the same
    number, and numbers compare as integers (the 10,000th follows the 9,999th).
    """

    name = models.CharField(max_length=100, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.name} = {self.value}"

    @classmethod
    def next_value(cls, name):
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            # Standard upsert, understood by SQLite ≥ 3.35 and PostgreSQL alike.
            cursor.execute(
                f"INSERT INTO {table} (name, value) VALUES (%s, 1) "
                f"ON CONFLICT (name) DO UPDATE SET value = {table}.value + 1 RETURNING value",
                [name],
            )
            return cursor.fetchone()[0]


class WorkerHeartbeat(models.Model):
    """A background worker's sign of life, written every minute while it runs.

    The worker id is the one the worker claims jobs with (``DBTaskResult.worker_ids``), so a
    job still RUNNING under a worker that stopped beating can be found and ended.
    """

    audit_log = False  # written every minute: not a change anyone made

    worker_id = models.CharField(max_length=64, unique=True)
    queue_name = models.CharField(_("queue"), max_length=32)
    hostname = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started at"))
    seen_at = models.DateTimeField(_("last seen"))
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["-seen_at"]

    def __str__(self):
        return f"{self.queue_name} {self.hostname}:{self.pid}"


class UploadedFile(models.Model):
    """What every attachment keeps beside its file: the name it was uploaded with, its size,
    who uploaded it and when. Concrete models add ``file`` with their own storage path and
    the record the file belongs to."""

    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at"]

    def __str__(self):
        return self.name

    @property
    def extension(self):
        return os.path.splitext(self.name)[1].lower()
