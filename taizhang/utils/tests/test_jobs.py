"""Interrupted jobs end (retried or failed with a reason); the administrators' page shows it."""

import datetime

import pytest
from django.tasks import TaskResultStatus
from django.tasks.signals import task_finished
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, make_user
from taizhang.org.choices import Role
from taizhang.utils import jobs
from taizhang.utils.models import DailyRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished():
    seen = []

    def receiver(sender, task_result, **kwargs):
        seen.append(task_result)

    task_finished.connect(receiver, dispatch_uid="test-finished")
    yield seen
    task_finished.disconnect(dispatch_uid="test-finished")


def test_a_job_whose_worker_was_killed_is_queued_again_once(job, heartbeat, finished):
    heartbeat("w1", stopped=True)
    result = job(workers=["w1"])
    assert jobs.reap_interrupted_jobs() == []
    result.refresh_from_db()
    assert result.status == TaskResultStatus.READY and result.started_at is None
    assert finished == []


def test_a_job_that_lost_its_worker_twice_fails_with_a_reason(job, heartbeat, finished):
    heartbeat("w1", minutes_ago=30)  # silent for half an hour: gone
    heartbeat("w2", minutes_ago=10)
    result = job(workers=["w1", "w2"])
    assert jobs.reap_interrupted_jobs() == [result]
    result.refresh_from_db()
    assert result.status == TaskResultStatus.FAILED and result.finished_at
    assert "停止" in result.traceback  # the worker … stopped before the job finished
    assert [r.id for r in finished] == [str(result.id)]
    assert finished[0].status == TaskResultStatus.FAILED


def test_a_job_claimed_again_while_another_worker_reaped_it_is_left_to_its_new_worker(
    job, heartbeat, monkeypatch
):
    """Two workers reap at once: one queues the job again and a third worker claims it
    before the other reaper acts on what it read. The new run must not be queued again."""
    heartbeat("w1", stopped=True)
    heartbeat("w3")
    result = job(workers=["w1"])
    seen = jobs.worker_gone

    def gone_and_meanwhile_claimed_again(heartbeat, now):
        type(result).objects.filter(pk=result.pk).update(
            started_at=timezone.now(), worker_ids=["w1", "w3"]
        )
        return seen(heartbeat, now)

    monkeypatch.setattr(jobs, "worker_gone", gone_and_meanwhile_claimed_again)
    assert jobs.reap_interrupted_jobs() == []
    result.refresh_from_db()
    assert result.status == TaskResultStatus.RUNNING and result.worker_ids == ["w1", "w3"]


def test_a_job_past_its_time_limit_fails_even_if_its_worker_lives(job, heartbeat, settings):
    settings.TAIZHANG_JOB_TIMEOUT_SECONDS = 600
    heartbeat("w1")
    result = job(workers=["w1"], started_minutes_ago=11)
    assert jobs.reap_interrupted_jobs() == [result]
    result.refresh_from_db()
    assert result.status == TaskResultStatus.FAILED
    assert "600" in result.traceback


def test_running_jobs_of_live_or_unknown_workers_are_left_alone(job, heartbeat):
    heartbeat("w1")
    alive = job(workers=["w1"])
    unknown = job(workers=["by-hand"])  # a plain db_worker, no heartbeat: only the time limit
    assert jobs.reap_interrupted_jobs() == []
    for result in (alive, unknown):
        result.refresh_from_db()
        assert result.status == TaskResultStatus.RUNNING


def test_a_worker_on_this_host_whose_process_is_gone_is_known_at_once(heartbeat):
    beat = heartbeat("w1")
    beat.hostname = jobs.socket.gethostname()
    beat.pid = 2**22 + 12345  # above Linux's pid_max: no such process
    assert jobs.worker_gone(beat, timezone.now())


@pytest.fixture
def page(client, people):
    def get(user):
        client.login(username=user.username, password=PASSWORD)
        return client.get(reverse("system:jobs"))

    return get


def test_the_page_shows_queues_the_daily_run_failures_and_workers(page, people, job, heartbeat):
    for _ in range(3):
        job(TaskResultStatus.READY, queue_name="documents")
    job(TaskResultStatus.RUNNING, queue_name="documents")
    job(
        TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        traceback="Traceback …\nOperationalError: database is locked",
    )
    daily = job(
        TaskResultStatus.SUCCESSFUL,
        finished_at=timezone.now(),
        return_value={"day": "2026-12-01", "tasks": 12, "changed": 3, "reminded": 2},
    )
    DailyRun.objects.create(name="refresh_lights", day=timezone.localdate(), result_id=daily.pk)
    heartbeat("w1", queue_name="default")
    heartbeat("w2", queue_name="documents", minutes_ago=20)

    response = page(people["admin"])
    assert response.status_code == 200
    queues = {q["name"]: q for q in response.context["queues"]}
    assert (queues["documents"]["queued"], queues["documents"]["running"]) == (3, 1)
    assert queues["default"]["failed"] == 1
    assert (queues["default"]["workers"], queues["documents"]["workers"]) == (1, 0)
    html = response.content.decode()
    assert "OperationalError: database is locked" in html
    assert "12 个在办任务，3 个督办灯变化，向 2 个单位发出催办" in html
    assert "成功" in html
    assert "未见心跳已 20" in html  # the documents worker: "not seen for 20 minutes"
    assert "今日的每日任务尚未排队" not in html


def test_the_page_says_when_the_daily_job_did_not_run_today(page, people):
    DailyRun.objects.create(
        name="refresh_lights", day=timezone.localdate() - datetime.timedelta(days=2)
    )
    html = page(people["admin"]).content.decode()
    assert "今日的每日任务尚未排队" in html
    assert "本周没有任何后台任务进程运行" in html


@pytest.mark.parametrize("role", ["supervisor", "leader", "tzb", "security", "auditor"])
def test_only_the_system_administrator_sees_the_page(page, people, org, role):
    if role in ("security", "auditor"):
        people[role] = make_user(org, role, Role(role))
    assert page(people[role]).status_code == 403


def test_the_navbar_links_the_page_for_the_system_administrator_only(client, people):
    url = reverse("system:jobs")
    client.login(username="admin", password=PASSWORD)
    assert url in client.get(reverse("notify:list")).content.decode()
    client.login(username="duban", password=PASSWORD)
    assert url not in client.get(reverse("notify:list")).content.decode()
