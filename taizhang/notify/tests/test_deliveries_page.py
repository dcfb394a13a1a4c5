"""送达情况 for those who keep the organisation's notifications: every delivery, its status
counted at the top, filtered by status, channel and kind, failed ones first on request."""

import pytest
from django.urls import reverse

from taizhang.notify.choices import ChannelKind, DeliveryStatus
from taizhang.notify.models import Delivery

pytestmark = pytest.mark.django_db

PAGE = reverse("notify:deliveries")


def make(org, user, channel, status, kind="remind"):
    number = Delivery.objects.count() + 1
    return Delivery.objects.create(
        organisation=org,
        event=f"{kind}:{number}",
        kind=kind,
        channel=channel,
        user=user,
        recipient_key=f"user:{user.pk}",
        status=status,
        message={"title": f"{kind} {number}", "text": "很长的正文" * 200},
    )


@pytest.fixture
def sent(org, people, other_org):
    tzb = people["tzb"]
    rows = {
        "sent": make(org, tzb, ChannelKind.IN_APP, DeliveryStatus.SENT),
        "failed": make(org, tzb, ChannelKind.EMAIL, DeliveryStatus.FAILED),
        "given_up": make(org, tzb, ChannelKind.SMS, DeliveryStatus.GIVEN_UP, kind="assign"),
        "queued": make(org, tzb, ChannelKind.EMAIL, DeliveryStatus.QUEUED, kind="digest"),
    }
    make(other_org["org"], other_org["supervisor"], ChannelKind.EMAIL, DeliveryStatus.FAILED)
    return rows


def shown(response):
    assert response.status_code == 200
    return [d.pk for d in response.context["page"]]


@pytest.mark.parametrize("role, status", [("supervisor", 200), ("admin", 200), ("leader", 403)])
def test_who_may_open_it(client, people, sent, role, status):
    client.force_login(people[role])
    assert client.get(PAGE).status_code == status


def test_handlers_may_not(client, people):
    client.force_login(people["tzb"])
    assert client.get(PAGE).status_code == 403


def test_every_delivery_of_the_organisation_with_counts(client, people, sent):
    client.force_login(people["supervisor"])
    response = client.get(PAGE)
    assert shown(response) == [sent[k].pk for k in ("queued", "given_up", "failed", "sent")]
    counts = {status: n for status, _label, _colour, n in response.context["counts"]}
    assert counts == {
        "queued": 1,
        "sending": 0,
        "sent": 1,
        "failed": 1,
        "given_up": 1,
        "digested": 0,
    }
    html = response.content.decode()
    assert sent["failed"].message["title"] in html and "很长的正文" not in html


def test_the_system_administrator_sees_how_sending_goes_but_not_what_was_said(client, people, sent):
    """三员分立: the administrator keeps the channels working and sees no business records."""
    client.force_login(people["admin"])
    response = client.get(PAGE)
    assert len(shown(response)) == 4
    html = response.content.decode()
    assert not any(d.message["title"] in html for d in sent.values())


def test_filters_and_problems_first(client, people, sent):
    client.force_login(people["supervisor"])
    assert shown(client.get(PAGE, {"status": "failed"})) == [sent["failed"].pk]
    assert shown(client.get(PAGE, {"channel": "email"})) == [sent["queued"].pk, sent["failed"].pk]
    assert shown(client.get(PAGE, {"kind": "assign"})) == [sent["given_up"].pk]
    first = shown(client.get(PAGE, {"problems_first": "true"}))
    assert first == [sent[k].pk for k in ("given_up", "failed", "queued", "sent")]
    # The counts follow the other filters, not the status chosen.
    response = client.get(PAGE, {"channel": "email", "status": "failed"})
    counts = {status: n for status, _label, _colour, n in response.context["counts"]}
    assert (counts["failed"], counts["queued"], counts["sent"]) == (1, 1, 0)


def test_a_bad_filter_shows_nothing_and_says_why(client, people, sent):
    client.force_login(people["supervisor"])
    response = client.get(PAGE, {"status": "lost"})
    assert shown(response) == []
    assert response.context["filterset"].errors["status"]


def test_the_page_reads_in_a_constant_number_of_queries(
    client, org, people, django_assert_max_num_queries
):
    for n in range(60):
        make(org, people[("tzb", "gzw", "czj")[n % 3]], ChannelKind.EMAIL, DeliveryStatus.SENT)
    client.force_login(people["supervisor"])
    # session, user, the unread count, the organisation in the title, the status counts, the
    # page's count and its rows
    with django_assert_max_num_queries(7):
        response = client.get(PAGE, {"page": 2})
    assert len(shown(response)) == 10
