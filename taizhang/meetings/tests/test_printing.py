"""The printed notice and sign-in sheet, and the phone sign-in page their QR code opens."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, make_user
from taizhang.meetings.choices import Attendance
from taizhang.meetings.models import Invitee, MeetingEvent
from taizhang.org.choices import Role

pytestmark = pytest.mark.django_db


def login(client, name):
    client.logout()
    assert client.login(username=name, password=PASSWORD)


@pytest.fixture
def expert(org):
    return make_user(org, "zhuanjia", Role.SUBMITTER)


@pytest.fixture
def meeting(make_meeting, expert, people):
    """Today, notified: the mechanism's three units, a leader in person, the expert, a guest."""
    return make_meeting(
        "notified",
        start_time="14:30",
        place="市委第一会议室",
        agenda=[("通报工作", "统战部")],
        invited_people=[expert, people["leader"]],
        guests=[{"name": "李企业家", "kind": "entrepreneur", "affiliation": "XX矿业公司"}],
    )


def sign_in_url(meeting, token=None):
    return reverse("meetings:sign_in", args=[meeting.pk, token or meeting.sign_in_token])


def test_notice_prints_for_the_secretariat_and_leaders(client, meeting):
    for name in ("duban", "lingdao"):
        login(client, name)
        response = client.get(reverse("meetings:notice_print", args=[meeting.pk]))
        assert response.status_code == 200
        text = response.content.decode()
        assert "data-print" in text
        assert "中共XX市委统战部" in text  # the convener issues it
        assert meeting.notice_text.splitlines()[0] in text
        assert "市委第一会议室" in text and "1. 通报工作（统战部）" in text
        assert "市委统战部、市国资委、市财政局" in text
        assert "李企业家" in text


def test_notice_of_a_planned_meeting_uses_the_default_text(client, make_meeting):
    planned = make_meeting("planned", title="统战工作推进会")
    login(client, "duban")
    response = client.get(reverse("meetings:notice_print", args=[planned.pk]))
    assert "统战工作推进会" in response.content.decode()
    assert response.context["text"].startswith("经研究，定于召开统战工作推进会。")


def test_printed_papers_are_not_for_others(client, meeting):
    for url in ("meetings:notice_print", "meetings:sign_in_sheet"):
        login(client, "gzw")  # invited, but not the secretariat
        assert client.get(reverse(url, args=[meeting.pk])).status_code == 403
        login(client, "steel")  # not invited: the meeting does not exist for it
        assert client.get(reverse(url, args=[meeting.pk])).status_code == 404
        client.logout()
        response = client.get(reverse(url, args=[meeting.pk]))
        assert response.status_code == 302 and "login" in response["Location"]


def test_the_meeting_page_offers_printing_only_to_who_may_print(client, meeting):
    notice = reverse("meetings:notice_print", args=[meeting.pk])
    sheet = reverse("meetings:sign_in_sheet", args=[meeting.pk])
    for name, shown in (("duban", True), ("lingdao", True), ("gzw", False), ("zhuanjia", False)):
        login(client, name)
        text = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
        assert (notice in text, sheet in text) == (shown, shown), name
        # The button is there exactly when the printed page opens.
        assert (client.get(notice).status_code == 200) is shown, name


def test_sign_in_sheet_lists_every_invited_with_a_qr_code(client, meeting):
    login(client, "duban")
    response = client.get(reverse("meetings:sign_in_sheet", args=[meeting.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    rows = response.context["rows"]
    assert len(rows) == meeting.invitees.count() == 6
    assert ("李企业家", "XX矿业公司") in [(i.name, a) for i, a in rows]
    assert "XX矿业公司" in text and "zhuanjia" in text and "<svg" in text
    assert f'data-qr-url="http://testserver{sign_in_url(meeting)}"' in text
    assert "data-print" in text


def test_anonymous_phone_sign_in_for_a_guest(client, meeting):
    response = client.get(sign_in_url(meeting))
    assert response.status_code == 200
    guest = meeting.invitees.get(guest_name="李企业家")
    assert [name for _pk, name, _unit in response.context["choices"]] == [
        i.name for i in meeting.invitees.all()
    ]
    assert response["Referrer-Policy"] == "same-origin"
    done = client.post(sign_in_url(meeting), {"invitee": guest.pk})
    assert done.status_code == 302
    thanks = client.get(done["Location"])
    assert "李企业家" in thanks.content.decode()
    guest.refresh_from_db()
    assert (guest.attendance, guest.signed_in_on_phone) == (Attendance.PRESENT, True)


def test_a_unit_needs_the_name_of_who_came(client, meeting, units):
    row = meeting.invitees.get(unit=units["gzw"])
    response = client.post(sign_in_url(meeting), {"invitee": row.pk})
    assert response.status_code == 400
    assert "请填写您的姓名" in response.content.decode()
    client.post(sign_in_url(meeting), {"invitee": row.pk, "name": "张三"})
    row.refresh_from_db()
    assert (row.attendance, row.attended_by) == (Attendance.PRESENT, "张三")


def test_the_page_names_nothing_but_the_invitees(client, meeting):
    text = client.get(sign_in_url(meeting)).content.decode()
    assert "李企业家" in text
    assert "XX矿业公司" not in text  # a guest's organisation
    assert "通报工作" not in text  # the agenda
    assert "csrfmiddlewaretoken" in text


def test_wrong_token_or_meeting_is_404(client, meeting, make_meeting):
    assert client.get(sign_in_url(meeting, "x" * 22)).status_code == 404
    row = meeting.invitees.first()
    assert client.post(sign_in_url(meeting, "x" * 22), {"invitee": row.pk}).status_code == 404
    other = make_meeting("notified", title="另一次会议")
    # One meeting's token does not open another.
    url = reverse("meetings:sign_in", args=[other.pk, meeting.sign_in_token])
    assert client.get(url).status_code == 404
    row.refresh_from_db()
    assert row.attendance == ""


def test_sign_in_is_refused_outside_the_day(client, make_meeting):
    later = make_meeting("notified", date=timezone.localdate() + datetime.timedelta(days=3))
    response = client.get(sign_in_url(later))
    assert response.status_code == 200
    assert "仅在会议当天可以签到" in response.content.decode()
    assert 'name="invitee"' not in response.content.decode()
    row = later.invitees.first()
    refused = client.post(sign_in_url(later), {"invitee": row.pk, "name": "张三"})
    assert refused.status_code == 400
    row.refresh_from_db()
    assert row.attendance == ""


def test_an_invitee_of_another_meeting_cannot_be_signed_in(client, meeting, make_meeting):
    other = make_meeting("notified", title="另一次会议")
    stranger = other.invitees.first()
    response = client.post(sign_in_url(meeting), {"invitee": stranger.pk, "name": "张三"})
    assert response.status_code == 400
    stranger.refresh_from_db()
    assert stranger.attendance == ""


def test_a_logged_in_invitee_signs_in_with_one_button(client, meeting, units, expert):
    login(client, "gzw")
    response = client.get(sign_in_url(meeting))
    row = meeting.invitees.get(unit=units["gzw"])
    assert [pk for pk, _name, _unit in response.context["mine"]] == [row.pk]
    client.post(sign_in_url(meeting), {"invitee": row.pk, "mine": "1"})
    row.refresh_from_db()
    assert (row.attendance, row.attended_by) == (Attendance.PRESENT, "gzw")
    login(client, "zhuanjia")
    own = meeting.invitees.get(user=expert)
    client.post(sign_in_url(meeting), {"invitee": own.pk, "mine": "1"})
    own.refresh_from_db()
    assert own.attendance == Attendance.PRESENT
    assert MeetingEvent.objects.filter(meeting=meeting, action="record_attendance").count() == 2


def test_sign_in_needs_the_csrf_token(meeting):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    row = Invitee.objects.filter(meeting=meeting, guest_name="李企业家").get()
    assert strict.post(sign_in_url(meeting), {"invitee": row.pk}).status_code == 403
    row.refresh_from_db()
    assert row.attendance == ""


@pytest.mark.parametrize("state", ["planned", "cancelled", "minutes_drafted"])
def test_sign_in_is_refused_before_the_notice_and_after_the_sitting(client, make_meeting, state):
    today = make_meeting(state)
    response = client.get(sign_in_url(today))
    assert "仅在会议当天可以签到" in response.content.decode()
    row = today.invitees.filter(unit__isnull=False).first()
    before = row.attendance
    assert client.post(sign_in_url(today), {"invitee": row.pk, "name": "张三"}).status_code == 400
    row.refresh_from_db()
    assert row.attendance == before and not row.signed_in_on_phone
