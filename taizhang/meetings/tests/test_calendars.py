"""The meetings' calendar page and .ics files: what each user sees, the month grid, and the
calendar files parsed back as a calendar program would."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from taizhang.meetings import services

pytestmark = pytest.mark.django_db


def login(client, name):
    client.logout()
    assert client.login(username=name, password=PASSWORD)


def events(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = icalendar.Calendar.from_ical(response.content)
    return cal, list(cal.walk("VEVENT"))


@pytest.fixture
def timed(make_meeting):
    """A meeting on a known day, with times, place, topic and agenda."""
    return make_meeting(
        "notified",
        date=datetime.date(2026, 10, 9),
        start_time="09:30",
        end_time="11:00",
        place="市委第一会议室",
        topic="研究部署建言献策工作",
        agenda=["通报上半年工作", ("审议工作规则", "统战部")],
    )


def test_month_grid_is_monday_first_with_meetings_and_holidays(client, timed):
    login(client, "duban")
    response = client.get(reverse("meetings:calendar"), {"month": "2026-10"})
    assert response.status_code == 200
    text = response.content.decode()
    weeks = response.context["weeks"]
    assert weeks[0][0]["date"].weekday() == 0  # Monday
    assert all(len(week) == 7 for week in weeks)
    assert [str(w) for w in response.context["weekdays"]][0] == "周一"
    assert timed.get_absolute_url() in text
    assert f"bg-{timed.get_status_colour()}-lt" in text
    assert "国庆节" in text  # 1 October
    assert "?month=2026-09" in text and "?month=2026-11" in text


def test_today_is_marked(client, make_meeting):
    login(client, "duban")
    response = client.get(reverse("meetings:calendar"))
    today = timezone.localdate().isoformat()
    assert f'data-date="{today}" aria-current="date"' in response.content.decode()


def test_list_view_and_mechanism_filter(client, timed, people, units):
    other = services.create_meeting(
        by=people["supervisor"],
        kind="office",
        title="督查室办公会",
        date=datetime.date(2026, 10, 20),
        invited_units=[units["office"]],
    )
    login(client, "duban")
    url = reverse("meetings:calendar")
    listed = client.get(url, {"month": "2026-10", "view": "list"})
    assert listed.context["view"] == "list"
    assert [m.pk for m in listed.context["meetings"]] == [timed.pk, other.pk]
    only = client.get(url, {"month": "2026-10", "view": "list", "mechanism": timed.mechanism_id})
    assert [m.pk for m in only.context["meetings"]] == [timed.pk]
    assert other.title not in only.content.decode()


def test_calendar_shows_only_what_the_user_sees(client, timed):
    login(client, "steel")  # its unit is not invited
    response = client.get(reverse("meetings:calendar"), {"month": "2026-10"})
    assert response.status_code == 200
    assert timed.title not in response.content.decode()
    login(client, "gzw")  # invited
    assert (
        timed.title
        in client.get(reverse("meetings:calendar"), {"month": "2026-10"}).content.decode()
    )


def test_anonymous_is_sent_to_log_in(client, timed):
    for url in (
        reverse("meetings:calendar"),
        reverse("meetings:calendar_ics"),
        reverse("meetings:ics", args=[timed.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_meeting_ics_fields(client, timed, org):
    login(client, "gzw")
    response = client.get(reverse("meetings:ics", args=[timed.pk]))
    assert f"meeting-{timed.pk}.ics" in response["Content-Disposition"]
    cal, (event,) = events(response)
    assert str(cal["VERSION"]) == "2.0"
    assert "taizhang" in str(cal["PRODID"])
    assert str(cal["X-WR-CALNAME"]) == timed.title
    assert str(event["UID"]) == f"meeting-{timed.pk}@{org.code}.taizhang"
    start = event.decoded("DTSTART")
    assert start == datetime.datetime(2026, 10, 9, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert event.decoded("DTEND").time() == datetime.time(11, 0)
    assert cal.walk("VTIMEZONE")  # the zone travels with the file
    assert str(event["SUMMARY"]) == timed.title
    assert str(event["LOCATION"]) == "市委第一会议室"
    description = str(event["DESCRIPTION"])
    assert "研究部署建言献策工作" in description and "2. 审议工作规则（统战部）" in description
    assert str(event["URL"]) == f"http://testserver{timed.get_absolute_url()}"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("SEQUENCE") == timed.version
    assert "DTSTAMP" in event


def test_all_day_online_and_cancelled(client, make_meeting):
    meeting = make_meeting(
        "cancelled", date=datetime.date(2026, 11, 3), online=True, online_link="腾讯会议 123"
    )
    login(client, "duban")
    _cal, (event,) = events(client.get(reverse("meetings:ics", args=[meeting.pk])))
    assert event.decoded("DTSTART") == datetime.date(2026, 11, 3)
    assert event.decoded("DTEND") == datetime.date(2026, 11, 4)
    assert str(event["LOCATION"]) == "腾讯会议 123"
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("SEQUENCE") == meeting.version > 1


def test_uid_is_stable_and_sequence_follows_the_version(client, timed, people):
    login(client, "duban")
    url = reverse("meetings:ics", args=[timed.pk])
    _cal, (before,) = events(client.get(url))
    services.update_meeting(timed, by=people["supervisor"], place="市委第二会议室")
    _cal, (after,) = events(client.get(url))
    assert str(before["UID"]) == str(after["UID"])
    # Reached by another name, the meeting is still the same event.
    _cal, (elsewhere,) = events(client.get(url, HTTP_HOST="127.0.0.1"))
    assert str(elsewhere["UID"]) == str(before["UID"])
    assert after.decoded("SEQUENCE") == before.decoded("SEQUENCE") + 1
    assert str(after["LOCATION"]) == "市委第二会议室"


def test_outsider_gets_404_for_a_meeting_ics(client, timed):
    login(client, "steel")
    assert client.get(reverse("meetings:ics", args=[timed.pk])).status_code == 404
    login(client, "admin")
    assert client.get(reverse("meetings:ics", args=[timed.pk])).status_code == 404


def test_organisation_ics_lists_what_the_user_sees(client, timed, people, units):
    office = services.create_meeting(
        by=people["supervisor"],
        kind="office",
        title="督查室办公会",
        date=datetime.date(2026, 10, 20),
        invited_units=[units["office"]],
    )
    login(client, "duban")
    response = client.get(reverse("meetings:calendar_ics"))
    _cal, found = events(response)
    assert {str(e["SUMMARY"]) for e in found} == {timed.title, office.title}
    _cal, found = events(
        client.get(reverse("meetings:calendar_ics"), {"mechanism": timed.mechanism_id})
    )
    assert [str(e["SUMMARY"]) for e in found] == [timed.title]
    login(client, "gzw")
    _cal, found = events(client.get(reverse("meetings:calendar_ics")))
    assert [str(e["SUMMARY"]) for e in found] == [timed.title]
    login(client, "steel")
    _cal, found = events(client.get(reverse("meetings:calendar_ics")))
    assert found == []


@pytest.mark.parametrize(
    "url, params",
    [("meetings:calendar", {"month": "2026-10"}), ("meetings:calendar_ics", {})],
)
def test_queries_do_not_grow_with_meetings(client, make_meeting, url, params):
    login(client, "duban")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(url), params).status_code == 200
        return len(queries)

    day = datetime.date(2026, 10, 12)
    for i in range(2):
        make_meeting(title=f"会议{i}", date=day, agenda=["议题"])
    few = count()
    for i in range(8):
        make_meeting(title=f"又一次{i}", date=day + datetime.timedelta(days=i), agenda=["议题"])
    assert count() == few


@pytest.mark.parametrize("month", ["2026-13", "abc", "9999-12", "0001-01", "2026"])
def test_a_bad_month_shows_this_month(client, people, month):
    login(client, "duban")
    response = client.get(reverse("meetings:calendar"), {"month": month})
    assert response.status_code == 200
    assert response.context["first"] == timezone.localdate().replace(day=1)


def test_make_up_working_days_are_not_days_off(client, people):
    login(client, "duban")
    response = client.get(reverse("meetings:calendar"), {"month": "2026-02"})
    days = {d["date"]: d for week in response.context["weeks"] for d in week}
    saturday = days[datetime.date(2026, 2, 14)]  # worked for the Spring Festival
    assert saturday["holiday"][1] is False and saturday["off"] is False
    assert days[datetime.date(2026, 2, 17)]["off"] is True  # 春节, a Tuesday
    assert days[datetime.date(2026, 2, 7)]["off"] is True  # a plain Saturday
    assert "调休上班" in response.content.decode()


def test_ics_buttons_offer_a_download_not_a_subscription(client, timed, mechanism):
    """The feed needs a logged-in session: a calendar program could not subscribe to it."""
    login(client, "duban")
    for url in (reverse("meetings:calendar"), reverse("meetings:mechanism", args=[mechanism.pk])):
        text = client.get(url).content.decode()
        assert "下载日历文件（.ics）" in text
        assert "订阅" not in text


def test_a_start_without_an_end_lasts_two_hours_and_a_plan_is_tentative(client, make_meeting):
    planned = make_meeting("planned", date=datetime.date(2026, 10, 12), start_time="14:30")
    login(client, "duban")
    _cal, (event,) = events(client.get(reverse("meetings:ics", args=[planned.pk])))
    zone = ZoneInfo("Asia/Shanghai")
    assert event.decoded("DTSTART") == datetime.datetime(2026, 10, 12, 14, 30, tzinfo=zone)
    assert event.decoded("DTEND") == datetime.datetime(2026, 10, 12, 16, 30, tzinfo=zone)
    assert str(event["STATUS"]) == "TENTATIVE"
    services.send_notice(planned, by=planned.created_by)
    _cal, (event,) = events(client.get(reverse("meetings:ics", args=[planned.pk])))
    assert str(event["STATUS"]) == "CONFIRMED"
