"""送达情况 on the task page: supervisors and leaders see how each message about the task went
(channel, status, attempts, the platform's answer); the units' handlers do not."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from taizhang.notify.choices import ChannelKind, DeliveryStatus
from taizhang.notify.models import Delivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def reminded(make_task, people):
    task = make_task("in_progress")
    Delivery.objects.create(
        organisation=task.organisation,
        event=f"supervision.remind:{task.pk}",
        kind="remind",
        subject_type="supervision.task",
        subject_id=task.pk,
        channel=ChannelKind.SMS,
        user=people["tzb"],
        recipient_key=f"user:{people['tzb'].pk}",
        status=DeliveryStatus.FAILED,
        attempts=3,
        answer="isv.BUSINESS_LIMIT_CONTROL",
        message={"title": f"督办提醒：{task.title}"},
    )
    return task


@pytest.mark.parametrize("role", ["supervisor", "leader"])
def test_the_card_shows_each_deliverys_status(client, people, reminded, role):
    client.force_login(people[role])
    response = client.get(reminded.get_absolute_url())
    html = response.content.decode()
    assert 'data-testid="deliveries"' in html
    row = response.context["deliveries"][0]  # the newest: the reminder's SMS
    assert (row.channel, row.status) == (ChannelKind.SMS, DeliveryStatus.FAILED)
    assert f'bg-orange-lt" data-testid="delivery-status">{DeliveryStatus.FAILED.label}' in html
    assert "isv.BUSINESS_LIMIT_CONTROL" in html
    assert f"/api/notifications/deliveries?task={reminded.pk}" in html


def test_handlers_do_not_see_the_card(client, people, reminded):
    client.force_login(people["tzb"])
    response = client.get(reminded.get_absolute_url())
    assert response.status_code == 200
    assert 'data-testid="deliveries"' not in response.content.decode()


def test_the_card_costs_one_query_however_many_were_sent(client, people, reminded):
    client.force_login(people["supervisor"])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            client.get(reminded.get_absolute_url())
        return sum("notify_delivery" in q["sql"] for q in captured.captured_queries)

    assert queries() == 1
    for n in range(60):
        Delivery.objects.create(
            organisation=reminded.organisation,
            event=f"x:{n}",
            subject_type="supervision.task",
            subject_id=reminded.pk,
            channel=ChannelKind.EMAIL,
            user=people[("gzw", "czj")[n % 2]],
            recipient_key=f"user:{n}",
        )
    assert queries() == 1
    response = client.get(reminded.get_absolute_url())
    assert len(response.context["deliveries"]) == 50
