"""The meetings' figures on a small known set, and the statistics page: who sees it, what it
links to, and that it reads a fixed number of queries however many meetings there are."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, make_user
from taizhang.meetings import services, stats
from taizhang.meetings.models import Meeting
from taizhang.org.choices import Role
from taizhang.supervision.choices import Light
from taizhang.supervision.choices import Status as TaskStatus
from taizhang.supervision.models import Task

pytestmark = pytest.mark.django_db


def login(client, name):
    client.logout()
    assert client.login(username=name, password=PASSWORD)


def attend(meeting, office, **by_unit):
    for code, status in by_unit.items():
        reason = "出差" if status == "excused" else ""
        services.record_attendance(meeting, by=office, unit=code, status=status, reason=reason)


def issue(meeting, people, units):
    """Minutes with two decisions (国资委 leads one, 财政局 the other), countersigned, issued."""
    office = people["supervisor"]
    services.write_minutes(meeting, by=office, text="会议研究了建言献策工作。")
    deadline = timezone.localdate() + datetime.timedelta(days=60)
    services.add_decision(
        meeting, by=office, title="建立建言献策工作室", lead_unit=units["gzw"], deadline=deadline
    )
    services.add_decision(
        meeting, by=office, title="落实工作经费", lead_unit=units["czj"], deadline=deadline
    )
    services.request_countersign(meeting, by=office)
    for code in ("tzb", "gzw", "czj"):
        services.countersign(meeting, by=people[code])
    services.issue(meeting, by=office)


@pytest.fixture
def known_set(make_meeting, mechanism, people, units):
    """The year's plan has two lines; three joint meetings were held (the first as planned,
    five days ago, its minutes issued today), one is still planned, and one exchange event was
    held outside the mechanism. Attendance: 国资委 2 of 3, 财政局 2 of 3 (one excused),
    统战部 1 of 3 (one absent, one not recorded)."""
    office = people["supervisor"]
    today = timezone.localdate()
    earlier = max(today - datetime.timedelta(days=5), datetime.date(today.year, 1, 1))
    plan = [
        services.add_plan_line(
            mechanism, by=office, year=today.year, month=m, kind="joint", topic=f"第{m}月会议"
        )
        for m in (3, 9)
    ]
    first = make_meeting("held", date=earlier, planned_as=plan[0], title="第一次全体会议")
    attend(first, office, gzw="present", czj="present", tzb="present")
    issue(first, people, units)
    second = make_meeting("held", title="联络员会议")
    attend(second, office, gzw="present", czj="excused", tzb="absent")
    third = make_meeting("held", title="专题会议")
    attend(third, office, gzw="absent", czj="present")
    make_meeting("planned", title="年底会议")
    event = services.create_meeting(
        by=office, kind="exchange", title="经验交流会", date=today, invited_units=["steel"]
    )
    services.hold(event, by=office)
    tasks = {t.lead_unit.code: t for t in Task.objects.with_units()}
    tasks["gzw"].status = TaskStatus.CLOSED  # as the ledger's verify step leaves it
    tasks["gzw"].save(update_fields=["status"])
    tasks["czj"].light = Light.RED  # as the daily job leaves an overdue one
    tasks["czj"].save(update_fields=["light"])
    return {"year": today.year, "days": (today - earlier).days, "first": first}


def test_organisation_figures(known_set, people):
    figures = stats.organisation_figures(
        Meeting.objects.visible_to(people["supervisor"]), known_set["year"]
    )
    assert figures["held"] == 4
    assert figures["kinds"] == {"joint": 3, "exchange": 1}
    d = figures["decisions"]
    assert (d.total, d.open, d.overdue, d.closed, d.closing_rate) == (2, 1, 1, 1, 50.0)
    assert figures["days_to_minutes"] == float(known_set["days"])


def test_unit_figures(known_set, people, units):
    rows = {
        r.unit.code: r
        for r in stats.unit_figures(
            Meeting.objects.visible_to(people["supervisor"]), known_set["year"]
        )
    }
    assert set(rows) == {"tzb", "gzw", "czj", "steel"}
    gzw, czj, tzb = rows["gzw"], rows["czj"], rows["tzb"]
    assert (gzw.invited, gzw.present, gzw.absent, gzw.attendance_rate) == (3, 2, 1, 66.7)
    assert (czj.invited, czj.present, czj.excused, czj.attendance_rate) == (3, 2, 1, 66.7)
    assert (tzb.invited, tzb.present, tzb.absent, tzb.attendance_rate) == (3, 1, 1, 33.3)
    assert rows["steel"].attendance_rate == 0.0  # invited to the event, nothing recorded
    assert (gzw.decisions.total, gzw.decisions.closing_rate) == (1, 100.0)
    assert (czj.decisions.total, czj.decisions.overdue, czj.decisions.closing_rate) == (1, 1, 0.0)
    assert tzb.decisions.total == 0 and tzb.decisions.closing_rate is None


def test_mechanism_rows(known_set, mechanism, people):
    [row] = stats.mechanism_rows(
        [mechanism], Meeting.objects.visible_to(people["supervisor"]), known_set["year"]
    )
    assert (row.planned, row.held, row.held_as_planned, row.plan_rate) == (2, 3, 1, 50.0)
    assert (row.decisions.total, row.decisions.closed, row.decisions.closing_rate) == (2, 1, 50.0)
    assert row.days_to_minutes == float(known_set["days"])
    # The lead's figures of the mechanism page agree.
    figures = stats.mechanism_figures(mechanism, known_set["year"], Meeting.objects.all())
    assert figures["plan"]["planned"] == row.planned and figures["plan"]["held"] == row.held


def test_held_by_month(known_set, people):
    months = stats.held_by_month(
        Meeting.objects.visible_to(people["supervisor"]), known_set["year"]
    )
    today = timezone.localdate()
    assert sum(months["joint"]) == 3 and sum(months["exchange"]) == 1
    assert months["exchange"][today.month - 1] == 1


# ---- the page ----------------------------------------------------------------------------------


def test_the_page_shows_the_figures_with_links_to_the_list(client, known_set, mechanism):
    login(client, "duban")
    year = known_set["year"]
    page = client.get(reverse("meetings:stats"))
    assert page.status_code == 200
    text = page.text
    assert f"{year}年会议统计" in text
    assert "计划召开 2 次，" in text and "已召开 3 次" in text
    assert "66.7%" in text and "33.3%" in text and "50.0%" in text
    meetings = reverse("meetings:list")
    assert f'href="{meetings}?year={year}&amp;held=true&amp;kind=joint"' in text
    assert f'href="{meetings}?year={year}&amp;held=true&amp;mechanism={mechanism.pk}"' in text
    assert 'data-chart-option="' in text and "table-responsive" in text
    assert "echarts.min.js" in text
    # Another year: nothing held.
    empty = client.get(reverse("meetings:stats"), {"year": year - 3})
    assert empty.status_code == 200
    assert "本年度尚未召开会议。" in empty.text
    assert f'<option value="{year - 3}" selected>' in empty.text


@pytest.mark.parametrize(
    ("name", "status"), [("lingdao", 200), ("gzw", 200), ("admin", 403), ("jy", 403)]
)
def test_who_sees_the_page(client, known_set, org, name, status):
    make_user(org, "jy", Role.SUBMITTER)
    login(client, name)
    assert client.get(reverse("meetings:stats")).status_code == status


def test_a_handler_sees_only_the_meetings_they_were_invited_to(client, known_set, people):
    login(client, "steel")  # invited to the exchange event only
    page = client.get(reverse("meetings:stats"))
    assert page.status_code == 200
    held = page.text.split('data-testid="held">')[1].split("<")[0]
    assert held == "1"
    assert "联席会议" not in page.text.split('data-testid="summary"')[1].split("charts")[0]


def test_the_page_reads_a_fixed_number_of_queries(client, make_meeting, people, units):
    def build(n):
        for i in range(n):
            meeting = make_meeting("held", title=f"会议{i}")
            attend(meeting, people["supervisor"], gzw="present", czj="absent")
            if i % 2:
                issue(meeting, people, units)

    login(client, "duban")
    build(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("meetings:stats")).status_code == 200
    build(6)
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("meetings:stats"))
    assert 'data-testid="held">8<' in page.text
    assert len(many) == len(few)


def test_the_figures_export_to_excel(client, known_set):
    import io

    from openpyxl import load_workbook

    login(client, "duban")
    year = known_set["year"]
    response = client.get(reverse("meetings:stats"), {"year": year, "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(f'attachment; filename="meeting-stats-{year}')
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["概况", "按议事协调机制", "按单位"]
    summary = {r[0]: r[1] for r in wb["概况"].iter_rows(min_row=4, values_only=True)}
    assert summary["已召开会议"] == 4 and summary["办结率"] == 0.5
    units = {r[0]: r for r in wb["按单位"].iter_rows(min_row=4, values_only=True)}
    assert units["市国资委"][1:6] == (3, 2, 0, 1, 0.667)
    [mechanism] = wb["按议事协调机制"].iter_rows(min_row=4, values_only=True)
    assert mechanism[:4] == ("市属国有企业统战工作联席会议", 2, 3, 1)


@pytest.mark.browser
def test_the_charts_are_drawn_on_a_phone(live_server, page, known_set, output_path):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "duban")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}{reverse('meetings:stats')}")
    for chart in ("#chart-months", "#chart-attendance"):
        page.wait_for_selector(f"{chart}[data-chart-drawn]")
    page.screenshot(path=f"{output_path}/stats.png", full_page=True)
    # The page fits the phone: wide tables scroll inside their box, not the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_held_figures_link_to_the_meetings_held(client, make_meeting, people):
    held = make_meeting("held", title="已召开的会议")
    make_meeting("planned", title="计划中的会议")
    client.force_login(people["supervisor"])
    page = client.get(reverse("meetings:stats"))
    link = page.context["list_url"]
    listed = client.get(link)
    assert [m.pk for m in listed.context["page"].object_list] == [held.pk]


def test_a_handler_gets_no_plan_figures_beside_the_meetings_they_see(client, known_set, people):
    """The plan counts every meeting of a mechanism, the held figures only those the reader
    sees: a handler is shown what they see, plainly labelled, and no plan to compare it with."""
    import io

    from openpyxl import load_workbook

    login(client, "gzw")
    page = client.get(reverse("meetings:stats"))
    table = page.text.split('data-testid="table-mechanisms"')[1].split("</table>")[0]
    assert "已召开（您可见的会议）" in table
    assert "计划召开" not in table and "按计划召开" not in table
    assert table.split('data-testid="held-seen">')[1].split("</td>")[0].count(">3<") == 1
    response = client.get(reverse("meetings:stats"), {"export": "xlsx"})
    wb = load_workbook(io.BytesIO(response.content))
    [mechanism] = wb["按议事协调机制"].iter_rows(min_row=4, values_only=True)
    assert mechanism[:4] == ("市属国有企业统战工作联席会议", None, 3, None)
    login(client, "lingdao")  # who sees all has the plan
    assert "计划召开 2 次，" in client.get(reverse("meetings:stats")).text
