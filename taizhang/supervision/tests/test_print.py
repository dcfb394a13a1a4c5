"""The printable sheets (督办单, 催办单) and the printed ledger, as a clerk reads them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from taizhang.audit.models import AuditRecord
from taizhang.supervision import printing, services
from taizhang.supervision.choices import Action
from taizhang.supervision.models import Task, TaskEvent, UnitReminder

pytestmark = pytest.mark.django_db


def login(client, name):
    assert client.login(username=name, password=PASSWORD)


def duban(client, task):
    return client.get(reverse("supervision:print-duban", args=[task.pk]))


def cuiban(client, task):
    return client.get(reverse("supervision:print-cuiban", args=[task.pk]))


def test_the_assignment_sheet_shows_what_an_office_prints(client, make_task, people):
    task = make_task(
        "signed",
        body="建立专门台账，每月报送一次进展。",
        source_kind="speech",
        source_ref="市委书记在全市国企统战工作会议上的讲话",
        priority="urgent",
        deadline_working_days=20,
    )
    services.add_comment(
        task, by=people["leader"], text="请统战部牵头抓紧落实，月底前见成效。", instruction=True
    )
    login(client, "duban")
    page = duban(client, task).text
    for fact in (
        "督查督办通知单",
        task.number,
        "建立专门的建言献策台账",
        "市委书记在全市国企统战工作会议上的讲话",
        "建立专门台账，每月报送一次进展。",
        "紧急",
        f"{task.deadline.year}年{task.deadline.month}月{task.deadline.day}日",
        "20 个工作日",
        "请统战部牵头抓紧落实，月底前见成效。",
        "lingdao",  # the leader who wrote the 批示
        "签收人",
        "经办人",
        "审核人",
        "联系电话",
    ):
        assert fact in page, fact
    # Units by role, each under its own heading.
    for role, name in (
        ("牵头单位", "中共XX市委统战部"),
        ("责任单位", "XX市人民政府国有资产监督管理委员会"),
        ("配合单位", "XX市财政局"),
        ("督办单位", "市委督查室"),
    ):
        assert f'<th scope="row">{role}</th><td colspan="3">{name}</td>' in page, role
    # The lead unit signed: its line names who signed; the others are left to write by hand.
    assert "tzb" in page.split('data-unit="tzb"')[1].split("</tr>")[0]
    # A QR code that opens the task, with the address a phone can reach.
    assert "<svg" in page and 'class="tz-qr"' in page
    assert f'data-qr-url="http://testserver/tasks/{task.pk}/"' in page
    assert "tz-handwrite" not in page.split('data-testid="instructions"')[1].split("</td>")[0]


def test_without_instructions_the_sheet_leaves_room_to_write_one(client, make_task):
    task = make_task("approved")
    login(client, "duban")
    page = duban(client, task).text
    cell = page.split('<td colspan="3" class="tz-handwrite" data-testid="instructions">')
    assert len(cell) == 2, "an empty, tall 批示 cell"
    assert 'data-testid="assigned"><span class="tz-blank">' in page  # not assigned yet


def test_the_sheet_follows_the_base_url_when_one_is_set(client, make_task, settings):
    settings.TAIZHANG_BASE_URL = "https://dc.example.gov.cn/"
    task = make_task("assigned")
    login(client, "duban")
    assert f'data-qr-url="https://dc.example.gov.cn/tasks/{task.pk}/"' in duban(client, task).text


def test_the_reminder_sheet_counts_working_days_across_a_holiday(
    client, make_task, people, monkeypatch
):
    """Due on 30 September 2026, printed on 12 October: twelve days, of which the National Day
    holiday takes eight and the make-up Saturday (10 October) gives one back: 4 working days."""
    task = make_task("signed", deadline=datetime.date(2026, 9, 30))
    TaskEvent.objects.create(  # a 催办 written by hand (the manual reminder's service writes these)
        task=task,
        action=Action.REMIND,
        actor=people["supervisor"],
        unit=task.lead_unit,
        comment="请于本周内报送办理进展。",
    )
    monkeypatch.setattr(printing, "today", lambda: datetime.date(2026, 10, 12))
    login(client, "duban")
    response = cuiban(client, task)
    assert response.status_code == 200
    page = response.text
    assert "督办事项催办单" in page and task.number in page
    assert "已逾期 4 个工作日" in page
    # Signed by the lead unit only: the responsible and the cooperating units have not.
    unsigned = page.split('data-testid="unsigned">')[1].split("</div>")[0]
    assert "XX市人民政府国有资产监督管理委员会" in unsigned and "XX市财政局" in unsigned
    assert "中共XX市委统战部" not in unsigned
    assert "尚未报送办结报告" in page
    assert "尚未反馈进展" in page  # no progress report at all yet
    assert "请于本周内报送办理进展。" in page  # the reminder already sent
    assert "<svg" in page and "催办人" in page


def test_the_reminder_sheet_of_a_task_in_time_says_the_days_left(client, make_task, monkeypatch):
    task = make_task("in_progress", deadline=datetime.date(2026, 10, 12))
    # Assigned on 1 September, the lead unit's report on 25 September; printed on the 30th.
    moment = lambda day: timezone.make_aware(datetime.datetime(2026, 9, day, 10))  # noqa: E731
    Task.objects.filter(pk=task.pk).update(assigned_at=moment(1))
    task.progress_reports.update(created_at=moment(25))
    monkeypatch.setattr(printing, "today", lambda: datetime.date(2026, 9, 30))
    login(client, "duban")
    page = cuiban(client, task).text
    assert "还剩 4 个工作日" in page and "已逾期" not in page
    assert "40%" in page  # the latest progress report
    # The lead unit reported: only the responsible unit is listed as not reporting.
    quiet = page.split('data-testid="quiet">')[1].split("</div>")[0]
    assert "XX市人民政府国有资产监督管理委员会" in quiet and "中共XX市委统战部" not in quiet


def test_the_reminder_sheet_counts_the_daily_reminders_that_listed_the_task(
    client, make_task, units
):
    task = make_task("signed")
    other = make_task("signed", title="另一项事项")
    today = timezone.localdate()
    for day, listed in ((0, {"red": [task.pk]}), (1, {"blue": [other.pk, task.pk]})):
        UnitReminder.objects.create(
            unit=units["tzb"], day=today + datetime.timedelta(days=day), tasks=listed
        )
    UnitReminder.objects.create(  # another task's digest: not this one's reminder
        unit=units["gzw"], day=today, tasks={"red": [other.pk]}
    )
    login(client, "duban")
    page = cuiban(client, task).text
    reminded = page.split('data-testid="reminders">')[1].split("</td>")[0]
    tomorrow = today + datetime.timedelta(days=1)
    assert f"系统每日催办提醒 2 次，最近一次 {tomorrow.year}年{tomorrow.month}月" in reminded
    assert "尚未催办" not in reminded


def test_a_task_assigned_within_the_period_is_not_late_with_its_report(client, make_task):
    task = make_task("signed")  # assigned today
    login(client, "duban")
    page = cuiban(client, task).text
    assert 'data-testid="quiet"' not in page
    assert 'data-testid="unsigned"' in page


def test_a_handler_of_another_unit_cannot_print_the_sheets(client, make_task, people):
    task = make_task("in_progress")
    login(client, "steel")  # a unit that takes no part in the task
    assert duban(client, task).status_code == 404
    assert cuiban(client, task).status_code == 404
    client.logout()
    login(client, "gzw")  # the responsible unit
    assert duban(client, task).status_code == 200
    assert cuiban(client, task).status_code == 200


def test_a_unit_does_not_see_the_sheet_of_a_task_before_it_is_assigned(client, make_task):
    task = make_task("approved")
    login(client, "tzb")
    assert duban(client, task).status_code == 404


def test_printing_a_sheet_is_recorded_as_an_export(client, make_task):
    task = make_task("assigned")
    login(client, "duban")
    duban(client, task)
    record = AuditRecord.objects.filter(action="download", object_id=str(task.pk)).get()
    assert record.actor == "duban"
    assert record.extra_dict()["filename"] == f"督办单 {task.number}"


def test_the_task_page_links_to_its_sheets(client, make_task):
    login(client, "duban")
    running = make_task("in_progress")
    page = client.get(running.get_absolute_url()).text
    assert reverse("supervision:print-duban", args=[running.pk]) in page
    assert reverse("supervision:print-cuiban", args=[running.pk]) in page
    closed = make_task("closed")
    page = client.get(closed.get_absolute_url()).text
    assert reverse("supervision:print-duban", args=[closed.pk]) in page
    assert reverse("supervision:print-cuiban", args=[closed.pk]) not in page


def test_the_printed_ledger_follows_the_filters(client, make_task, people):
    make_task("in_progress", title="统战部牵头的事项")
    make_task("assigned", title="另一项事项")
    make_task("draft", title="草稿事项")
    login(client, "duban")
    ledger = client.get(reverse("supervision:ledger"), {"status": "in_progress"}).text
    assert f"{reverse('supervision:print-ledger')}?status=in_progress" in ledger
    page = client.get(reverse("supervision:print-ledger"), {"status": "in_progress"}).text
    assert "统战部牵头的事项" in page
    assert "另一项事项" not in page and "草稿事项" not in page
    assert "状态：办理中" in page  # the filter, in the title
    columns = ("序号", "编号", "事项", "牵头单位", "责任单位", "截止日期", "进展", "状态", "灯")
    for header in columns:
        assert f"<th>{header}</th>" in page, header
    assert "中共XX市委统战部" in page and "40%" in page
    client.logout()
    login(client, "czj")  # a handler prints only what they see: the ledger's own rule
    page = client.get(reverse("supervision:print-ledger")).text
    assert "另一项事项" in page and "草稿事项" not in page


def test_the_printed_ledger_is_bounded(client, make_task, monkeypatch):
    for i in range(3):
        make_task("assigned", title=f"事项{i}")
    monkeypatch.setattr(printing, "LEDGER_MAX_ROWS", 2)
    login(client, "duban")
    page = client.get(reverse("supervision:print-ledger")).text
    assert page.count("<tr data-task=") == 2
    assert "共 3 项" in page
    assert "只打印前 2 项" in page and "导出" in page
    assert reverse("supervision:export") in page


def test_a_ledger_printed_whole_has_no_note(client, make_task):
    make_task("assigned")
    login(client, "duban")
    page = client.get(reverse("supervision:print-ledger")).text
    assert page.count("<tr data-task=") == 1
    assert 'data-testid="cut"' not in page
    assert "全部事项" in page  # no filter


def test_the_printed_ledger_names_each_filter_in_words(client, make_task):
    make_task("assigned", deadline=datetime.date(2027, 2, 1))
    login(client, "duban")
    query = {
        "light": ["green", "blue"],
        "deadline_after": "2027-01-01",
        "deadline_before": "2027-03-31",
        "unit": "gzw",
        "unit_role": "responsible",
    }
    filters = client.get(reverse("supervision:print-ledger"), query).text
    filters = filters.split('data-testid="filters">')[1].split("</div>")[0]
    assert "2027-01-01 ~ 2027-03-31" in filters
    assert "单位：市国资委" in filters and "单位角色：责任单位" in filters
    assert "绿灯" in filters
