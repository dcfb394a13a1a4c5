"""Fixtures of the utils tests: the real ``taizhang`` command in a fresh process, as an
operator would run it, and background-job rows as django_tasks_db writes them."""

import datetime
import os
import subprocess
import sys

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from taizhang.utils.models import WorkerHeartbeat

CLI_TIMEOUT = 180


def fresh_env(var_dir, **extra):
    """The environment of a new installation under var_dir: none of the test run's settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TAIZHANG_", "DJANGO_")) and k != "DATABASE_URL"
    }
    env.update(DJANGO_SETTINGS_MODULE="taizhang.settings", TAIZHANG_VAR_DIR=str(var_dir))
    env.update(extra)
    return env


@pytest.fixture
def taizhang_cli():
    """``taizhang_cli(var_dir, *args, **env)``: run the command there and return its result."""

    def run(var_dir, *args, **env):
        return subprocess.run(
            [sys.executable, "-m", "taizhang.cli", *map(str, args)],
            env=fresh_env(var_dir, **env),
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT,
        )

    return run


@pytest.fixture
def job():
    """A DBTaskResult row as django_tasks_db writes it, in any state."""

    def make(
        status=TaskResultStatus.RUNNING,
        *,
        workers=("w1",),
        started_minutes_ago=1,
        task_path="taizhang.utils.tests.tasks.tidy_up",
        queue_name="default",
        args=(),
        **fields,
    ):
        now = timezone.now()
        return DBTaskResult.objects.create(
            status=status,
            args_kwargs={"args": list(args), "kwargs": {}},
            task_path=task_path,
            queue_name=queue_name,
            backend_name="default",
            run_after=get_date_max(),
            worker_ids=list(workers),
            started_at=now - datetime.timedelta(minutes=started_minutes_ago)
            if status != TaskResultStatus.READY
            else None,
            **fields,
        )

    return make


@pytest.fixture
def heartbeat(db):
    """A worker's heartbeat, last seen ``minutes_ago``, stopped or not."""

    def make(worker_id="w1", *, minutes_ago=0, stopped=False, queue_name="default"):
        seen = timezone.now() - datetime.timedelta(minutes=minutes_ago)
        return WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            queue_name=queue_name,
            hostname="elsewhere",
            pid=1,
            started_at=seen - datetime.timedelta(hours=1),
            seen_at=seen,
            stopped_at=seen if stopped else None,
        )

    return make
