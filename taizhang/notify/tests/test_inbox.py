"""The in-app inbox: filtered by kind and to the unread, saying why a message came in-app only,
read when opened or all at once, and read in a constant number of queries."""

import pytest
from django.urls import reverse

from taizhang.notify.choices import KIND_LABELS
from taizhang.notify.models import Notification
from taizhang.notify.services import notify

pytestmark = pytest.mark.django_db

INBOX = reverse("notify:list")


def titles(response):
    assert response.status_code == 200
    return [n.title for n in response.context["page"]]


@pytest.fixture
def inbox(client, people):
    person = people["tzb"]
    notify([person], title="催办：建言献策台账", kind="remind", url="/tasks/1/")
    notify([person], title="请签收：人才库建设", kind="assign", url="/tasks/2/")
    notify([person], title="新的会议通知", kind="meeting.invite")  # a kind without a label
    notify([person], title="无类型通知")
    Notification.objects.filter(title="催办：建言献策台账").update(
        note="企业微信群未送达，已改为站内通知"
    )
    client.force_login(person)
    return person


def test_the_kinds_present_are_offered_with_their_labels(client, inbox):
    response = client.get(INBOX)
    assert response.context["kinds"] == [
        ("remind", KIND_LABELS["remind"]),
        ("assign", KIND_LABELS["assign"]),
        ("other", KIND_LABELS["other"]),
    ]
    html = response.content.decode()
    assert f'<option value="remind">{KIND_LABELS["remind"]}</option>' in html
    assert "digest" not in html  # no digest came: not offered


def test_filter_by_kind(client, inbox):
    assert titles(client.get(INBOX, {"kind": "remind"})) == ["催办：建言献策台账"]
    # Kinds without a label of their own, and none at all, are listed as 其他.
    assert titles(client.get(INBOX, {"kind": "other"})) == ["无类型通知", "新的会议通知"]
    # A kind the inbox does not hold filters nothing.
    assert len(titles(client.get(INBOX, {"kind": "nonsense"}))) == 4


def test_unread_only_and_opening_marks_read(client, inbox):
    remind = Notification.objects.get(title="催办：建言献策台账")
    response = client.post(reverse("notify:read", args=[remind.pk]), {"next": remind.url})
    assert response.status_code == 302 and response.url == "/tasks/1/"
    # Nowhere outside the site, however the address is bent.
    for elsewhere in ("//evil.example/", "/\\evil.example/", "https://evil.example/"):
        away = client.post(reverse("notify:read", args=[remind.pk]), {"next": elsewhere})
        assert away.url == reverse("notify:list")
    assert "催办：建言献策台账" not in titles(client.get(INBOX, {"unread": "1"}))
    assert len(titles(client.get(INBOX, {"unread": "1"}))) == 3
    assert titles(client.get(INBOX, {"unread": "1", "kind": "remind"})) == []
    client.post(reverse("notify:read_all"))
    assert titles(client.get(INBOX, {"unread": "1"})) == []
    assert len(titles(client.get(INBOX))) == 4  # read, still listed


def test_the_note_says_why_it_came_in_app(client, inbox):
    html = client.get(INBOX).content.decode()
    assert html.count('data-testid="note"') == 1
    assert "企业微信群未送达，已改为站内通知" in html


def test_the_filters_stay_on_the_next_page(client, people):
    person = people["gzw"]
    for n in range(35):
        notify([person], title=f"催办{n}", kind="remind")
    client.force_login(person)
    html = client.get(INBOX, {"kind": "remind", "unread": "1"}).content.decode()
    assert "?kind=remind&amp;unread=1&amp;page=2" in html


def test_the_inbox_reads_in_a_constant_number_of_queries(
    client, people, django_assert_max_num_queries
):
    person = people["czj"]
    client.force_login(person)
    for n in range(30):
        notify([person], title=f"通知{n}", kind=("remind", "assign", "x")[n % 3], url=f"/t/{n}/")
    Notification.objects.filter(recipient=person).update(note="短信未送达")
    # session, user, the unread count, the kinds present, the page's count and its rows
    with django_assert_max_num_queries(6):
        assert client.get(INBOX).status_code == 200
