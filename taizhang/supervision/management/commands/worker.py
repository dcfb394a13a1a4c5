"""The background worker: runs queued tasks and enqueues the daily jobs once a day.

``taizhang worker`` supervises one worker process per queue (``default`` for the daily lights
and reminders, ``documents`` for reading uploads, ``notify`` for sending messages and the
daily digests), restarting one that exits.
``taizhang worker --queue NAME`` is one such process: django_tasks_db's worker loop on that
queue, plus a housekeeping thread that writes the heartbeat, ends interrupted jobs and, on the
default queue, enqueues the daily job. If the database stays unusable for the housekeeping
thread, or a job overruns its time limit, the process exits non-zero rather than live on
half-alive; its supervisor starts a fresh one.
"""

import datetime
import logging
import os
import socket
import sys
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, IntegrityError, close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Worker

from taizhang.notify import schedule as notify_schedule
from taizhang.utils import jobs
from taizhang.utils.models import DailyRun
from taizhang.utils.supervisor import Supervisor

logger = logging.getLogger("taizhang.worker")

DAILY_AT = datetime.time(6, 0)
# The housekeeping thread gives up (and the worker exits) after the database failed this long.
GIVE_UP_AFTER = 300
RETRY_FIRST_DELAY = 1  # seconds, doubling up to 60
EXIT_DATABASE_UNUSABLE = 3
EXIT_JOB_OVERRAN = 4


def daily_jobs():
    """The daily jobs (``TAIZHANG_DAILY_JOBS``: dotted paths of django.tasks tasks) by name.
    Each app above the ledger adds its own there, so this worker imports none of them."""
    return {path.rsplit(".", 1)[1]: import_string(path) for path in settings.TAIZHANG_DAILY_JOBS}


def enqueue_daily_jobs(now=None):
    """Enqueue today's daily jobs unless a worker (this or another) already did; True when
    this call enqueued any."""
    now = timezone.localtime(now)
    if now.time() < DAILY_AT and DailyRun.objects.exists():
        return False
    done = set(DailyRun.objects.filter(day=now.date()).values_list("name", flat=True))
    enqueued = False
    for name, job in daily_jobs().items():
        if name in done:
            continue  # the usual case after 06:00: no failing INSERT every minute
        try:  # two workers may still race here: the unique row decides
            with transaction.atomic():
                run = DailyRun.objects.create(name=name, day=now.date())
                result = job.enqueue(day=now.date().isoformat())
                run.result_id = str(result.id)
                run.save(update_fields=["result_id"])
        except IntegrityError:
            continue
        enqueued = True
    return enqueued


def worker_programs(interval=1.0):
    """One ``taizhang worker --queue NAME`` process per queue, for a Supervisor."""
    return [
        (
            f"worker[{queue}]",
            [
                sys.executable,
                "-m",
                "taizhang.cli",
                "worker",
                "--queue",
                queue,
                "--interval",
                str(interval),
            ],
        )
        for queue in settings.TASK_QUEUES
    ]


def supervisor_env():
    return {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}


class TrackingWorker(Worker):
    """django_tasks_db's worker, remembering which job it runs and since when."""

    current = None
    current_since = 0.0

    def run_task(self, db_task_result):
        self.current, self.current_since = db_task_result, time.monotonic()
        try:
            super().run_task(db_task_result)
        finally:
            self.current = None


class Housekeeping(threading.Thread):
    """Every minute: heartbeat, end interrupted jobs, enqueue the daily job (default queue).

    A database error ("database is locked") is retried with back-off, 1 s doubling to 60 s; if
    the database stays unusable for GIVE_UP_AFTER seconds the worker is stopped.
    """

    def __init__(self, worker, *, queue_name, started_at):
        super().__init__(daemon=True, name="housekeeping")
        self.worker = worker
        self.queue_name = queue_name
        self.started_at = started_at
        self.stop = threading.Event()
        self.exit_code = 0

    def tick(self):
        jobs.beat(
            worker_id=self.worker.worker_id,
            queue_name=self.queue_name,
            started_at=self.started_at,
        )
        jobs.reap_interrupted_jobs()
        if self.queue_name == "default":
            enqueue_daily_jobs()
        elif self.queue_name == "notify":
            notify_schedule.tick()
        overran = time.monotonic() - self.worker.current_since
        if self.worker.current is not None and overran > settings.TAIZHANG_JOB_TIMEOUT_SECONDS:
            logger.error(
                "job %s has run for %.0f s, past the time limit: stopping this worker",
                self.worker.current.pk,
                overran,
            )
            os._exit(EXIT_JOB_OVERRAN)  # the main thread is stuck in the job

    def run(self):
        failing_since, failures = None, 0
        try:
            while True:
                try:
                    self.tick()
                except DatabaseError as exc:
                    failing_since = failing_since or time.monotonic()
                    failures += 1
                    if time.monotonic() - failing_since > GIVE_UP_AFTER:
                        logger.error(
                            "database unusable for %d s: stopping (%s)", GIVE_UP_AFTER, exc
                        )
                        self.give_up(EXIT_DATABASE_UNUSABLE)
                        return
                    delay = min(60, RETRY_FIRST_DELAY * 2 ** (failures - 1))
                    logger.warning("housekeeping failed (%s); retrying in %d s", exc, delay)
                else:
                    failing_since, failures, delay = None, 0, jobs.HEARTBEAT_SECONDS
                finally:
                    close_old_connections()
                if self.stop.wait(delay):
                    return
        except Exception:
            logger.exception("housekeeping crashed: stopping this worker")
            self.give_up(1)
        finally:
            connections.close_all()

    def give_up(self, code):
        """Let the worker loop end after its current job; exit hard if it does not."""
        self.exit_code = code
        self.worker.running = False
        if not self.stop.wait(60):
            os._exit(code)


def run_worker(queue_name, interval):
    worker_id = f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"
    worker = TrackingWorker(
        queue_names=[queue_name],
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=True,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    housekeeping = Housekeeping(worker, queue_name=queue_name, started_at=timezone.now())
    housekeeping.start()
    worker.configure_signals()
    try:
        worker.run()
    finally:
        housekeeping.stop.set()
        try:
            jobs.beat(
                worker_id=worker_id,
                queue_name=queue_name,
                started_at=housekeeping.started_at,
                stopped=True,
            )
        except DatabaseError:
            logger.warning("could not record that worker %s stopped", worker_id)
    return housekeeping.exit_code


class Command(BaseCommand):
    help = "Run background tasks (django.tasks) and schedule the daily lights and reminders."

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue",
            choices=settings.TASK_QUEUES,
            help="Run one worker for this queue (default: supervise one worker per queue).",
        )
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, queue, interval, **options):
        if queue is None:
            supervisor = Supervisor(worker_programs(interval), env=supervisor_env())
            supervisor.run_until_signalled()
            return
        code = run_worker(queue, interval)
        if code:
            sys.exit(code)
