"""Several app servers and workers on one database, as behind a load balancer.

Two gunicorn servers (A and B) and two ``taizhang worker --queue default`` processes run with
the production settings on the test database. Each process has a TAIZHANG_VAR_DIR of its own;
what they share is what the README says must be shared: the database, the secret key and the
uploaded files (TAIZHANG_MEDIA_ROOT). A sign-in on A is good on B, a file uploaded through A
is downloaded through B, concurrent creates on A and B get distinct numbers, and each queued
job runs once although two workers poll the queue (and the daily job is enqueued once).

Runs on PostgreSQL (``scripts/test-postgres``), the deployment with several servers; on SQLite
the same processes share one file on one host, and the test runs there too.
"""

import concurrent.futures
import datetime
import http
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection, connections
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from taizhang.org.models import User
from taizhang.supervision.management.commands import serve
from taizhang.supervision.models import Attachment, Task
from taizhang.utils.models import DailyRun, WorkerHeartbeat
from taizhang.utils.tests.conftest import fresh_env

START_TIMEOUT = 90
JOB_TIMEOUT = 60
PASSWORD = "several-Servers-2026"

pytestmark = pytest.mark.django_db(transaction=True)


def database_url():
    """The test database, as the other processes reach it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def listening_socket():
    """A socket bound to a free loopback port, handed to gunicorn (``fd://``): no race for
    the port between choosing it and binding it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


class Cluster:
    """The processes, their logs, and what they share."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.media = tmp_path / "shared-media"
        self.runs = tmp_path / "runs"
        self.media.mkdir()
        self.runs.mkdir()
        self.secret_key = secrets.token_urlsafe(50)
        self.processes = {}
        self.logs = {}
        self.urls = {}
        self.worker_pids = set()

    def env(self, name):
        return fresh_env(
            self.tmp_path / f"var-{name}",  # nothing shared through the var dir
            DATABASE_URL=database_url(),
            TAIZHANG_SECRET_KEY=self.secret_key,
            TAIZHANG_MEDIA_ROOT=str(self.media),
            TAIZHANG_STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
            TAIZHANG_LOG_LEVEL="WARNING",
        )

    def start(self, name, argv, pass_fds=()):
        log = (self.tmp_path / f"{name}.log").open("w+")
        self.logs[name] = log
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", *argv],
            env=self.env(name),
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=pass_fds,
            start_new_session=True,  # its own process group: gunicorn's workers die with it
        )

    def start_server(self, name):
        sock = listening_socket()
        try:
            self.start(
                name,
                ["gunicorn", "taizhang.wsgi", "--config=python:taizhang.utils.gunicorn_config"]
                + ["--bind", f"fd://{sock.fileno()}", "--workers", "2", "--timeout", "60"],
                pass_fds=(sock.fileno(),),
            )
            self.urls[name] = f"http://127.0.0.1:{sock.getsockname()[1]}"
        finally:
            sock.close()  # gunicorn holds its own copy

    def start_worker(self, name):
        self.start(name, ["taizhang.cli", "worker", "--queue", "default", "--interval", "0.2"])
        self.worker_pids.add(self.processes[name].pid)

    def output(self):
        texts = []
        for name, log in self.logs.items():
            log.flush()
            log.seek(0)
            texts.append(f"--- {name} ---\n{log.read()[-3000:]}")
        return "\n".join(texts)

    def check_alive(self):
        for name, process in self.processes.items():
            if process.poll() is not None:
                pytest.fail(f"{name} exited with {process.returncode}:\n{self.output()}")

    def wait_until(self, condition, what, timeout=START_TIMEOUT):
        deadline = time.monotonic() + timeout
        while not condition():
            self.check_alive()
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {what}:\n{self.output()}")
            time.sleep(0.2)

    def server_ready(self, name):
        try:
            # The socket listens before gunicorn answers: a slow start is a timeout here.
            return requests.get(self.urls[name] + "/login/", timeout=10).status_code == 200
        except requests.RequestException:
            return False

    def stop(self):
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for log in self.logs.values():
            log.close()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, django_db_setup, django_db_blocker):
    """Servers A and B and two workers, started together on the (empty) test database."""
    cluster = Cluster(tmp_path_factory.mktemp("cluster"))
    try:
        for name in ("a", "b"):
            cluster.start_server(name)
        for name in ("worker-1", "worker-2"):
            cluster.start_worker(name)
        for name in ("a", "b"):
            cluster.wait_until(lambda name=name: cluster.server_ready(name), f"server {name}")
        with django_db_blocker.unblock():
            cluster.wait_until(
                lambda: {b.pid for b in WorkerHeartbeat.objects.all()} >= cluster.worker_pids,
                "both workers' heartbeats",
            )
        yield cluster
    finally:
        cluster.stop()


def with_server_password(user):
    """A password the servers check with their own hasher (the tests' is MD5, which the
    production settings do not accept); few iterations, so signing in is quick."""
    encoded = PBKDF2PasswordHasher().encode(PASSWORD, "severalservers", iterations=1000)
    User.objects.filter(pk=user.pk).update(password=encoded)


def csrf_token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def sign_in(browser, base, user):
    page = browser.get(base + "/login/", timeout=20)
    response = browser.post(
        base + "/login/",
        data={
            "username": user.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": csrf_token(page.text),
        },
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == http.HTTPStatus.FOUND, response.text[:2000]
    assert "sessionid" in browser.cookies


def test_each_job_runs_once_across_two_workers(cluster, tmp_path):
    """Jobs queued while two workers poll run once each, shared between the workers (each
    claims with SELECT … FOR UPDATE SKIP LOCKED); the daily job both workers tried to enqueue
    on start was enqueued, and run, once."""
    keys = [f"job-{i:02d}" for i in range(16)]
    for key in keys:
        DBTaskResult.objects.create(
            status=TaskResultStatus.READY,
            args_kwargs={"args": [], "kwargs": {"key": key, "directory": str(cluster.runs)}},
            task_path="taizhang.supervision.tests.pool_tasks.note_run",
            queue_name="default",
            backend_name="default",
            run_after=get_date_max(),
            worker_ids=[],
        )
    queued = DBTaskResult.objects.filter(task_path__endswith="pool_tasks.note_run")
    cluster.wait_until(
        lambda: queued.filter(status=TaskResultStatus.SUCCESSFUL).count() == len(keys),
        "the queued jobs",
        timeout=JOB_TIMEOUT,
    )
    runs = {key: (cluster.runs / key).read_text().split() for key in keys}
    assert all(len(pids) == 1 for pids in runs.values()), runs
    assert {int(pids[0]) for pids in runs.values()} == cluster.worker_pids  # both took part
    assert all(len(result.worker_ids) == 1 for result in queued)

    daily = [path.rsplit(".", 1)[1] for path in settings.TAIZHANG_DAILY_JOBS]
    assert sorted(DailyRun.objects.values_list("name", flat=True)) == sorted(daily)
    result_ids = list(DailyRun.objects.values_list("result_id", flat=True))
    daily_results = DBTaskResult.objects.filter(pk__in=result_ids)
    cluster.wait_until(
        lambda: daily_results.filter(status=TaskResultStatus.SUCCESSFUL).count() == len(daily),
        "the daily jobs",
        timeout=JOB_TIMEOUT,
    )
    assert all(len(result.worker_ids) == 1 for result in daily_results)


def test_a_sign_in_on_one_server_holds_on_the_other_and_so_do_uploads(cluster, make_task, people):
    supervisor = people["supervisor"]
    with_server_password(supervisor)
    task = make_task("assigned")
    browser = requests.Session()  # one client: the load balancer sends it to A, then to B
    a, b = cluster.urls["a"], cluster.urls["b"]
    sign_in(browser, a, supervisor)

    page = browser.get(f"{b}/tasks/{task.pk}/", allow_redirects=False, timeout=20)
    assert page.status_code == 200, page.status_code
    assert task.title in page.text

    content = "第一季度推进情况：已完成调研。\n".encode() * 200
    response = browser.post(
        f"{a}/tasks/{task.pk}/attach/",
        data={"csrfmiddlewaretoken": csrf_token(page.text)},  # B's form, posted to A
        files={"files": ("推进情况.txt", content, "text/plain")},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == http.HTTPStatus.FOUND, response.text[:2000]
    attachment = Attachment.objects.get(task=task)
    assert (cluster.media / attachment.file.name).read_bytes() == content  # in shared media
    assert not any((cluster.tmp_path / "var-a").rglob("推进情况*"))

    download = browser.get(f"{b}/attachments/{attachment.pk}/", timeout=20)
    assert download.status_code == 200
    assert download.content == content
    assert "attachment" in download.headers["Content-Disposition"]


def test_creates_on_two_servers_at_once_get_distinct_numbers(cluster, people, units):
    supervisor = people["supervisor"]
    with_server_password(supervisor)
    browser = requests.Session()
    a, b = cluster.urls["a"], cluster.urls["b"]
    sign_in(browser, a, supervisor)
    token = browser.cookies["csrftoken"]
    deadline = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    start = threading.Barrier(8)

    cookies = dict(browser.cookies)  # the same sign-in, one connection per thread

    def create(base, i):
        start.wait(timeout=30)
        return requests.post(
            f"{base}/api/tasks",
            json={"title": f"并发立项的任务{i}", "lead_unit": "tzb", "deadline": deadline},
            headers={"X-CSRFToken": token},
            cookies=cookies,
            timeout=60,
        )

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(create, (a, b)[i % 2], i) for i in range(8)]
        responses = [f.result() for f in futures]
    assert [r.status_code for r in responses] == [201] * 8, [r.text[:300] for r in responses]
    numbers = [r.json()["number"] for r in responses]
    assert len(set(numbers)) == 8, numbers
    assert sorted(Task.objects.values_list("number", flat=True)) == sorted(numbers)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the advisory lock is PostgreSQL's")
def test_servers_starting_together_migrate_in_turn():
    """While one server migrates (it holds the lock), another one's ``serve`` waits for it
    instead of applying the same migrations at the same time."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [serve.MIGRATE_LOCK])
    migrated = threading.Event()

    def second_server():
        try:
            serve.migrate()
            migrated.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=second_server)
    thread.start()
    try:
        waiting = (
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
            "AND objid = %s"
        )
        deadline = time.monotonic() + START_TIMEOUT
        with connection.cursor() as cursor:
            while cursor.execute(waiting, [serve.MIGRATE_LOCK]).fetchone()[0] == 0:
                assert time.monotonic() < deadline, "the second server never asked for the lock"
                time.sleep(0.05)
        assert not migrated.is_set()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [serve.MIGRATE_LOCK])
        thread.join(timeout=START_TIMEOUT)
    assert migrated.is_set()
