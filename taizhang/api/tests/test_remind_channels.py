"""Issue 15's contract end to end: a supervisor's manual 催办 through the API reaches the acting
unit's group robot (a fake WeCom server) and its handler, the timeline says by which channels,
and ``GET /api/notifications/deliveries?task=`` lists what was sent with its status."""

import datetime

import pytest
from django.utils import timezone

from taizhang.notify import sending
from taizhang.notify.models import Channel
from taizhang.supervision import services
from taizhang.supervision.choices import Action
from taizhang.supervision.models import TaskEvent

from .test_bulk_api import api  # noqa: F401  (the token-authenticated caller fixture)

pytestmark = pytest.mark.django_db

# A Wednesday morning, outside the quiet hours (22:00–08:00) that would hold messages back.
NOW = timezone.make_aware(datetime.datetime(2026, 12, 2, 10, 0))


@pytest.fixture(autouse=True)
def daytime(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def started(fake_robot, kind, secret=None):
    fake = fake_robot(kind, secret=secret)
    fake.clock = NOW.timestamp  # the platform's clock, which checks the signature's time
    return fake


def group_robot(org, unit, fake):
    robot = Channel(organisation=org, unit=unit, kind=fake.kind)
    robot.set_webhook(fake.url, fake.secret or "")
    robot.save()
    return robot


def test_a_manual_reminder_reaches_the_units_group_and_is_listed(
    api,  # noqa: F811
    make_task,
    units,
    org,
    fake_robot,
    settings,
):
    settings.TAIZHANG_BASE_URL = "https://duban.example.cn"
    fake = started(fake_robot, "wecom")
    robot = group_robot(org, units["tzb"], fake)
    task = make_task("in_progress")
    caller = api("duban")

    response = caller.post(
        f"/api/tasks/{task.pk}/remind",
        {"message": "请于本周五前报送进展。", "urgent": False, "units": [units["tzb"].pk]},
    )
    assert response.status_code == 200, response.content
    assert response.json()["channels"] == ["站内通知", "企业微信群机器人"]
    remind = TaskEvent.objects.get(task=task, action=Action.REMIND)
    assert "企业微信群机器人" in remind.comment and "请于本周五前报送进展。" in remind.comment

    # The worker sends it: the group reads the task's number, light, deadline and a link.
    assert sending.send_due()["sent"] == 1
    posted = fake.received[0]["markdown"]["content"]
    assert task.number in posted and "请于本周五前报送进展。" in posted
    assert f"https://duban.example.cn/tasks/{task.pk}/" in posted

    listed = caller.get("/api/notifications/deliveries", task=task.pk)
    assert listed.status_code == 200, listed.content
    rows = [r for r in listed.json()["results"] if r["kind"] == "remind"]
    by_channel = {r["channel"]: r for r in rows}
    assert set(by_channel) == {"in_app", "wecom"}
    assert by_channel["wecom"]["status"] == "sent"
    assert by_channel["wecom"]["recipient"]["id"] == robot.pk
    assert by_channel["in_app"]["recipient"]["name"] == str(units["tzb"].members.get())


def test_an_escalation_reaches_the_organisations_own_group(make_task, org, people, fake_robot):
    fake = started(fake_robot, "dingtalk", secret="SECescalation")
    group_robot(org, None, fake)
    task = make_task("in_progress")
    services.escalate_task(task, by=people["supervisor"], comment="进度严重滞后")
    assert sending.send_due()["sent"] == 1
    assert task.title in fake.received[0]["markdown"]["text"]
