"""The background worker: runs queued tasks and enqueues the daily job once a day."""

import datetime
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone

from taizhang.supervision.jobs import refresh_lights
from taizhang.utils.models import DailyRun

DAILY_AT = datetime.time(6, 0)


def enqueue_daily_jobs(now=None):
    """Enqueue today's daily job unless a worker (this or another) already did."""
    now = timezone.localtime(now)
    if now.time() < DAILY_AT and DailyRun.objects.exists():
        return False
    try:
        with transaction.atomic():
            DailyRun.objects.create(name="refresh_lights", day=now.date())
    except IntegrityError:
        return False
    refresh_lights.enqueue(day=now.date().isoformat())
    return True


class Command(BaseCommand):
    help = "Run background tasks (django.tasks) and schedule the daily lights and reminders."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, interval, **options):
        stop = threading.Event()

        def schedule():
            while not stop.is_set():
                close_old_connections()
                enqueue_daily_jobs()
                close_old_connections()
                stop.wait(60)

        threading.Thread(target=schedule, daemon=True, name="daily-scheduler").start()
        try:
            call_command("db_worker", queue_name="*", interval=interval, reload=False)
        finally:
            stop.set()
