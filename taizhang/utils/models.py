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
        return cls.next_values(name, 1)[0]

    @classmethod
    def next_values(cls, name, count):
        """The next ``count`` values of the sequence, taken in one statement: a concurrent
        writer gets the values before or after these, never one of them."""
        if count < 1:
            return range(0)
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            # Standard upsert, understood by SQLite ≥ 3.35 and PostgreSQL alike.
            cursor.execute(
                f"INSERT INTO {table} (name, value) VALUES (%s, %s) "
                f"ON CONFLICT (name) DO UPDATE SET value = {table}.value + %s RETURNING value",
                [name, count, count],
            )
            last = cursor.fetchone()[0]
        return range(last - count + 1, last + 1)


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


class FileJob(models.Model):
    """A file made or read in the background for one user (a large export or import): who
    asked for what, how far it is, and its file while it is kept.

    Only the user who asked may see it or download its file (``filejobs.for_user``); the
    file is deleted ``TAIZHANG_FILE_JOB_KEEP_HOURS`` after the job finished.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=60)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("requested by")
    )
    # What to do, as the kind's job reads it (an export's filter as a query string).
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.QUEUED, db_index=True
    )
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in all"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="jobs/%Y/%m/", max_length=300, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    # The job's outcome: a message, and for an import every bad row as [row, message].
    error = models.TextField(_("error"), blank=True)
    problems = models.JSONField(default=list, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The django.tasks result running it, so a job whose worker died still ends (failed).
    result_id = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("background file")
        verbose_name_plural = _("background files")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)
