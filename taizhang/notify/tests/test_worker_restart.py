"""Nothing is sent twice when the worker is killed while sending: the real ``taizhang worker
--queue notify`` process posts to a fake robot that takes the message but keeps its answer;
the worker is killed then (kill -9), and a new one started. The message that had arrived is
given up (shown in-app), not posted again; the others go out once each."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from taizhang.notify import services
from taizhang.notify.choices import ChannelKind, DeliveryStatus
from taizhang.notify.models import Channel, Delivery, Notification, OrganisationSettings
from taizhang.utils.tests.conftest import fresh_env

pytestmark = pytest.mark.django_db(transaction=True)

SEALING_KEY = "worker-restart-sealing-key"
TIMEOUT = 60


def database_url():
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(tmp_path, name, **env):
    log = (tmp_path / f"{name}.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "taizhang.cli", "worker", "--queue", "notify", "--interval", "0.2"],
        env=fresh_env(
            tmp_path / f"var-{name}",
            DATABASE_URL=database_url(),
            TAIZHANG_SEALING_KEY=SEALING_KEY,
            TAIZHANG_LOG_LEVEL="WARNING",
            **env,
        ),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process, log


def wait_until(condition, what, logs):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    output = []
    for log in logs:
        log.seek(0)
        output.append(log.read()[-3000:])
    pytest.fail(f"waited {TIMEOUT} s for {what}:\n" + "\n".join(output))


def kill(process):
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def test_a_message_in_flight_when_the_worker_is_killed_is_not_sent_again(
    fake_robot, org, units, people, settings, tmp_path, monkeypatch
):
    settings.TAIZHANG_SEALING_KEY = SEALING_KEY
    monkeypatch.setattr(services, "wake_sender", lambda: None)  # the worker's tick sends
    # The worker runs on the real clock: no quiet hours to hold the messages at night.
    OrganisationSettings.objects.update_or_create(
        organisation=org, defaults={"quiet_start": "00:00", "quiet_end": "00:00"}
    )
    fake = fake_robot("wecom")
    robot = Channel(organisation=units["tzb"].organisation, unit=units["tzb"], kind=fake.kind)
    robot.set_webhook(fake.url)
    robot.save()
    for title in ("第一条", "第二条", "第三条"):
        services.notify([people["tzb"]], units=[units["tzb"]], title=title)
    fake.hold_next(1, 60)  # the first arrives; its answer never comes back in time
    to_robot = Delivery.objects.filter(channel=ChannelKind.WECOM).order_by("pk")

    first, first_log = start_worker(tmp_path, "first")
    try:
        wait_until(lambda: len(fake.received) == 1, "the first post", [first_log])
        assert to_robot.first().status == DeliveryStatus.SENDING
    finally:
        kill(first)
    time.sleep(2.5)  # past the new worker's sending timeout

    second, second_log = start_worker(tmp_path, "second", TAIZHANG_NOTIFY_SENDING_SECONDS="2")
    try:
        wait_until(
            lambda: (
                not to_robot.exclude(
                    status__in=[DeliveryStatus.SENT, DeliveryStatus.GIVEN_UP]
                ).exists()
            ),
            "the other messages",
            [first_log, second_log],
        )
    finally:
        kill(second)
    titles = [body["markdown"]["content"] for body in fake.received]
    assert [sum("第一条" in t for t in titles), len(titles)] == [1, 3]  # once each
    assert list(to_robot.values_list("status", flat=True)) == ["given_up", "sent", "sent"]
    assert Notification.objects.get(recipient=people["tzb"], title="第一条").note
