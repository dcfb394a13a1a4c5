"""Issue 15's contract: GET /api/notifications/deliveries, what was sent and how it went, to
whom the pages show it (supervisors and leaders: the organisation's; others: their own; a
task's only to those who see the task)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from taizhang.notify.choices import ChannelKind, DeliveryStatus
from taizhang.notify.models import Channel, Delivery
from taizhang.notify.services import notify

pytestmark = pytest.mark.django_db

URL = "/api/notifications/deliveries"
TASK = "supervision.task"


def robot_of(unit, kind=ChannelKind.WECOM):
    return Channel.objects.create(
        organisation=unit.organisation,
        unit=unit,
        kind=kind,
        webhook_token="sealed",
        masked_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=****cdef",
    )


def delivery(task, channel, *, status=DeliveryStatus.QUEUED, user=None, robot=None, **fields):
    target = f"user:{user.pk}" if user else f"robot:{robot.pk}"
    return Delivery.objects.create(
        organisation=task.organisation,
        event=fields.pop("event", f"supervision.remind:{task.pk}:{channel}:{target}"),
        kind=fields.pop("kind", "remind"),
        subject_type=TASK,
        subject_id=task.pk,
        channel=channel,
        user=user,
        unit=robot.unit if robot else None,
        robot=robot,
        recipient_key=target,
        status=status,
        message={"title": f"督办提醒：{task.title}", "text": "请于本周内报送进展。"},
        **fields,
    )


@pytest.fixture
def sent(make_task, people, units):
    """A task in progress whose reminder went to the lead unit's handler in-app and by
    e-mail (failed, to be retried) and to the responsible unit's WeCom group (given up)."""
    task = make_task("in_progress")
    later = timezone.now() + datetime.timedelta(minutes=5)
    rows = {
        "in_app": delivery(
            task, ChannelKind.IN_APP, user=people["tzb"], status=DeliveryStatus.SENT
        ),
        "email": delivery(
            task,
            ChannelKind.EMAIL,
            user=people["tzb"],
            status=DeliveryStatus.FAILED,
            attempts=2,
            answer="SMTP 421 稍后重试",
            next_attempt_at=later,
        ),
        "robot": delivery(
            task,
            ChannelKind.WECOM,
            robot=robot_of(units["gzw"]),
            status=DeliveryStatus.GIVEN_UP,
            attempts=5,
            answer="errcode 93000: invalid webhook url",
            fell_back=True,
            urgent=True,
        ),
    }
    return task, rows


def about(task):
    return Delivery.objects.filter(subject_type=TASK, subject_id=task.pk)


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def as_user(client, user):
    client.force_login(user)
    return client


# ---- who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["supervisor", "leader"])
def test_supervisors_and_leaders_see_every_delivery_about_the_task(client, people, sent, role):
    task, rows = sent
    found = ids(as_user(client, people[role]).get(URL, {"task": task.pk}))
    # Newest first: the reminder's, then what the task's workflow sent (交办, 签收…).
    assert found[:3] == [rows["robot"].pk, rows["email"].pk, rows["in_app"].pk]
    assert found == list(about(task).values_list("pk", flat=True))


def test_a_handler_of_an_acting_unit_sees_only_what_was_sent_to_them(client, people, sent):
    task, rows = sent
    for code in ("tzb", "gzw"):
        handler = people[code]
        found = ids(as_user(client, handler).get(URL, {"task": task.pk}))
        assert found and found == list(
            about(task).filter(user=handler).values_list("pk", flat=True)
        )
    assert ids(as_user(client, people["tzb"]).get(URL, {"task": task.pk}))[:2] == [
        rows["email"].pk,
        rows["in_app"].pk,
    ]
    # The responsible unit's handler sees the task, but its group's robot message is not theirs.
    assert rows["robot"].pk not in ids(as_user(client, people["gzw"]).get(URL, {"task": task.pk}))


def test_a_task_the_caller_does_not_see_is_not_found(client, people, sent, other_org):
    task, _rows = sent
    for outsider in (people["steel"], people["admin"], other_org["supervisor"]):
        response = as_user(client, outsider).get(URL, {"task": task.pk})
        assert response.status_code == 404, outsider
    assert as_user(client, people["supervisor"]).get(URL, {"task": 987654}).status_code == 404


def test_a_bad_task_id_is_refused_in_the_users_language(client, people):
    caller = as_user(client, people["supervisor"])
    response = caller.get(URL, {"task": "abc"})
    assert response.status_code == 400
    assert response.json()["task"] == ["输入整数。"]
    assert caller.get(URL, {"task": "0"}).status_code == 400
    assert caller.get(URL, {"task": str(2**40)}).status_code == 400


def test_anonymous_callers_are_refused(client, sent):
    task, _rows = sent
    assert client.get(URL).status_code in (401, 403)
    assert client.get(URL, {"task": task.pk}).status_code in (401, 403)


def test_without_a_task_each_sees_theirs(client, people, sent, other_org):
    _task, rows = sent
    elsewhere = Delivery.objects.create(
        organisation=other_org["org"],
        event="notice:x",
        channel=ChannelKind.IN_APP,
        user=other_org["supervisor"],
        recipient_key=f"user:{other_org['supervisor'].pk}",
    )
    everything = ids(as_user(client, people["supervisor"]).get(URL, {"limit": 500}))
    assert {r.pk for r in rows.values()} <= set(everything)
    assert elsewhere.pk not in everything
    handler = as_user(client, people["tzb"]).get(URL, {"limit": 500}).json()["results"]
    assert {r["id"] for r in handler} >= {rows["email"].pk, rows["in_app"].pk}
    assert {(r["recipient"]["type"], r["recipient"]["id"]) for r in handler} == {
        ("user", people["tzb"].pk)
    }


# ---- filters and shape ------------------------------------------------------------------------


def test_status_and_channel_filters(client, people, sent):
    task, rows = sent
    caller = as_user(client, people["supervisor"])
    assert ids(caller.get(URL, {"task": task.pk, "status": "given_up"})) == [rows["robot"].pk]
    assert ids(caller.get(URL, {"task": task.pk, "channel": "email"})) == [rows["email"].pk]
    both = {"task": task.pk, "channel": "email", "status": "sent"}
    assert ids(caller.get(URL, both)) == []
    assert caller.get(URL, {"status": "lost"}).status_code == 400
    assert caller.get(URL, {"channel": "fax"}).status_code == 400


def test_one_delivery_as_the_api_gives_it(client, people, sent, units):
    task, rows = sent
    page = as_user(client, people["supervisor"]).get(URL, {"task": task.pk, "limit": 1}).json()
    assert page["count"] == about(task).count() and page["next"] and page["previous"] is None
    (item,) = page["results"]
    robot = rows["robot"]
    assert item == {
        "id": robot.pk,
        "event": robot.event,
        "kind": "remind",
        "channel": "wecom",
        "channel_label": str(ChannelKind.WECOM.label),
        "status": "given_up",
        "status_label": str(DeliveryStatus.GIVEN_UP.label),
        "recipient": {
            "type": "robot",
            "id": robot.robot_id,
            "name": f"市国资委 · {ChannelKind.WECOM.label}",
        },
        "unit": {"id": units["gzw"].pk, "name": "市国资委"},
        "attempts": 5,
        "answer": "errcode 93000: invalid webhook url",
        "urgent": True,
        "fell_back": True,
        "title": f"督办提醒：{task.title}",
        "created_at": item["created_at"],
        "next_attempt_at": None,
        "sent_at": None,
    }
    assert "qyapi" not in str(page) and "key=" not in str(page)  # never the webhook
    email = as_user(client, people["tzb"]).get(URL, {"task": task.pk, "channel": "email"})
    email = email.json()["results"][0]
    assert email["recipient"] == {"type": "user", "id": people["tzb"].pk, "name": "tzb"}
    assert email["unit"] is None and email["next_attempt_at"]


def test_deliveries_written_by_notify_are_listed_with_their_task(client, people, sent):
    task, _rows = sent
    notify([people["czj"]], title="请签收", kind="assign", subject=task, event=f"assign:{task.pk}")
    response = as_user(client, people["czj"]).get(URL, {"task": task.pk, "kind": "assign"})
    item = response.json()["results"][0]  # the newest
    assert (item["kind"], item["channel"], item["status"], item["title"]) == (
        "assign",
        "in_app",
        "sent",
        "请签收",
    )
    assert item["sent_at"]


def test_the_list_is_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    operation = paths[URL]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"task", "status", "channel"}
    assert {"200", "400", "404"} <= set(operation["responses"])


# ---- cost -------------------------------------------------------------------------------------


def _queries(caller, params):
    with CaptureQueriesContext(connection) as captured:
        assert caller.get(URL, params).status_code == 200
    return len(captured)


def test_the_query_count_does_not_grow_with_the_deliveries(
    client, people, sent, units, django_assert_max_num_queries
):
    task, _rows = sent
    caller = as_user(client, people["supervisor"])
    params = {"task": task.pk, "limit": 100}
    few = _queries(caller, params)
    robots = [
        robot_of(units[code], kind) for code in ("tzb", "czj") for kind in ChannelKind.robots()
    ]
    for n in range(10):
        for robot in robots:
            delivery(task, robot.kind, robot=robot, event=f"remind:{n}")
        for code in ("tzb", "gzw", "czj"):
            delivery(task, ChannelKind.EMAIL, user=people[code], event=f"remind:{n}")
    assert Delivery.objects.filter(subject_id=task.pk).count() > 90
    assert _queries(caller, params) == few
    with django_assert_max_num_queries(5):  # session, user, the task's visibility, count, page
        caller.get(URL, params)
