"""Regression tests for what probing the ledger found (issue 8): inputs that stalled every
write, crashes, leaks of titles and counts, and holes in the stale-edit check."""

import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from taizhang.notify.models import Notification
from taizhang.supervision import services
from taizhang.supervision.excel import ImportFailed, import_ledger
from taizhang.supervision.models import Task
from taizhang.supervision.tests.test_excel import sheet
from taizhang.utils.errors import WorkflowError
from taizhang.utils.models import Counter

pytestmark = pytest.mark.django_db

FAR = datetime.date(9999, 12, 31)


def as_user(client, user):
    client.force_login(user)
    return client


def post_json(client, url, data):
    return client.post(url, data, content_type="application/json")


# ---- 1. bounded dates and counts ------------------------------------------------------------


def test_a_billion_working_days_is_refused_at_once_by_the_api(client, people):
    response = post_json(
        as_user(client, people["supervisor"]),
        "/api/tasks",
        {"title": "x", "lead_unit": "tzb", "deadline_working_days": 1_000_000_000},
    )
    assert response.status_code == 400
    assert "2000" in response.json()["detail"]


@pytest.mark.parametrize("cell", ["99999999个工作日", "9999-12-31"])
def test_an_import_row_with_an_absurd_deadline_imports_nothing(people, cell):
    data = sheet(
        [1, "正常事项", "会议", "市委统战部", "", "", "2027-06-30"],
        [2, "荒唐时限", "会议", "市委统战部", "", "", cell],
    )
    with pytest.raises(ImportFailed) as failed:
        import_ledger(data, by=people["supervisor"])
    assert [row for row, _message in failed.value.errors] == [4]


def test_a_task_due_in_the_year_9999_cannot_be_registered_or_edited_there(make_task, people):
    with pytest.raises(WorkflowError, match="9999-12-31"):
        make_task("draft", deadline=FAR)
    task = make_task("draft")
    with pytest.raises(WorkflowError, match="9999-12-31"):
        services.update_task(task, by=people["supervisor"], version=task.version, deadline=FAR)


def test_an_extension_to_the_year_9999_is_refused(make_task, people):
    task = make_task("in_progress")
    with pytest.raises(WorkflowError, match="9999-12-31"):
        services.request_extension(
            task, by=people["tzb"], requested_deadline=FAR, comment="需要更多时间。"
        )
    later = timezone.localdate() + datetime.timedelta(days=365)
    services.request_extension(task, by=people["tzb"], requested_deadline=later, comment="延期。")
    services.decide_extension(task, by=people["leader"], approve=True)


# ---- 3. numbering and lengths that broke on PostgreSQL -------------------------------------


def test_numbers_keep_counting_past_9999(make_task, org):
    prefix = f"CITY-{timezone.localdate().year}"
    Counter.objects.create(name=f"task-number:{prefix}", value=9998)
    numbers = [make_task("draft").number for _ in range(3)]
    assert numbers == [f"{prefix}-9999", f"{prefix}-10000", f"{prefix}-10001"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_numbers(org, units, people):
    def register(i):
        try:
            return services.create_task(
                by=people["supervisor"],
                organisation=org,
                title=f"并发立项 {i}",
                deadline=timezone.localdate() + datetime.timedelta(days=30),
                lead_unit=units["tzb"],
            ).number
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(register, range(40)))
    assert len(set(numbers)) == 40
    assert Task.objects.count() == 40


def test_a_title_of_300_characters_notifies_without_overflow(make_task, people):
    task = make_task("draft", title="长" * 300)
    note = Notification.objects.get(recipient=people["leader"])
    assert len(note.title) == 300 and note.title.endswith("…")
    services.approve_task(task, by=people["leader"])
    services.assign_task(task, by=people["supervisor"])
