import datetime
from types import SimpleNamespace

import pytest
from django.db import OperationalError
from django.utils import timezone

from taizhang.supervision.management.commands import worker
from taizhang.supervision.management.commands.worker import enqueue_daily_jobs
from taizhang.utils.models import DailyRun

pytestmark = pytest.mark.django_db


def test_daily_job_is_enqueued_once_a_day_across_workers(make_task):
    now = timezone.now()
    assert enqueue_daily_jobs(now) is True  # first start: runs at once
    assert enqueue_daily_jobs(now) is False  # a second worker, or the next minute
    tomorrow_early = timezone.make_aware(
        datetime.datetime.combine(
            timezone.localdate(now) + datetime.timedelta(days=1), datetime.time(5, 0)
        )
    )
    assert enqueue_daily_jobs(tomorrow_early) is False  # waits until 06:00
    assert enqueue_daily_jobs(tomorrow_early + datetime.timedelta(hours=2)) is True
    assert DailyRun.objects.filter(name="refresh_lights").count() == 2
    assert DailyRun.objects.filter(name="refresh_suggestions").count() == 2


def test_the_daily_run_remembers_its_job_for_the_administrators_page(make_task):
    assert enqueue_daily_jobs(timezone.now())
    run = DailyRun.objects.get(name="refresh_lights")
    assert run.result_id  # the id of the job the page looks up


def test_the_workers_queues_are_separate_processes():
    queues = [argv[argv.index("--queue") + 1] for _name, argv in worker.worker_programs()]
    assert queues == ["default", "documents", "notify"]


@pytest.fixture
def housekeeping(monkeypatch):
    """Housekeeping for a stand-in worker, with its database steps replaced by ``steps``."""
    steps = []
    monkeypatch.setattr(worker, "RETRY_FIRST_DELAY", 0)
    monkeypatch.setattr(worker, "enqueue_daily_jobs", lambda: None)
    monkeypatch.setattr(worker.jobs, "reap_interrupted_jobs", lambda: [])

    def beat(**kwargs):
        step = steps.pop(0)
        if isinstance(step, BaseException):
            raise step
        keeper.stop.set()  # a good beat: end the test's loop

    monkeypatch.setattr(worker.jobs, "beat", beat)
    stand_in = SimpleNamespace(worker_id="w1", running=True, current=None, current_since=0)
    keeper = worker.Housekeeping(stand_in, queue_name="default", started_at=timezone.now())

    def run(*script, stop_set=False):
        steps.extend(script)
        if stop_set:  # so that giving up does not wait for the worker loop
            keeper.stop.set()
        keeper.start()
        keeper.join(timeout=30)
        assert not keeper.is_alive()
        return keeper

    return run


def test_housekeeping_retries_when_the_database_is_locked(housekeeping, caplog):
    locked = OperationalError("database is locked")
    keeper = housekeeping(locked, locked, None)
    assert keeper.exit_code == 0 and keeper.worker.running
    assert caplog.text.count("retrying") == 2


def test_housekeeping_stops_the_worker_when_the_database_stays_unusable(housekeeping, monkeypatch):
    monkeypatch.setattr(worker, "GIVE_UP_AFTER", -1)
    keeper = housekeeping(OperationalError("database is locked"), stop_set=True)
    assert keeper.exit_code == worker.EXIT_DATABASE_UNUSABLE
    assert keeper.worker.running is False  # the worker loop ends; the supervisor restarts it


def test_housekeeping_that_crashes_stops_the_worker_instead_of_dying_alone(housekeeping):
    keeper = housekeeping(ValueError("a bug"), stop_set=True)
    assert keeper.exit_code == 1 and keeper.worker.running is False
