"""Issue 14: 催办 by hand (once per unit per day unless urgent), 督办 escalation (a leader's
批示 requested), and bulk actions, each task checked as one at a time."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import PASSWORD
from taizhang.notify.models import Notification
from taizhang.supervision import rules, services
from taizhang.supervision.choices import Action, Priority, Status
from taizhang.supervision.models import Task, TaskEvent
from taizhang.utils.errors import WorkflowError

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def reminders(task):
    return TaskEvent.objects.filter(task=task, action=Action.REMIND)


# ---- 催办 ---------------------------------------------------------------------------------


def test_reminder_reaches_lead_and_responsible_units_by_default(make_task, people, units):
    task = make_task("in_progress")
    result = services.remind_task(task, by=people["supervisor"], message="请于周五前报送进展。")
    assert [u.code for u in result.reminded] == ["tzb", "gzw"]
    assert [str(c) for c in result.channels] == ["站内通知"]
    events = reminders(task)
    assert {e.unit.code for e in events} == {"tzb", "gzw"}
    assert all("请于周五前报送进展。" in e.comment and "站内通知" in e.comment for e in events)
    for code in ("tzb", "gzw"):
        note = Notification.objects.get(recipient=people[code], title__startswith="催办")
        assert note.body == "请于周五前报送进展。"
        assert note.url == task.get_absolute_url()
    assert not Notification.objects.filter(recipient=people["czj"], title__startswith="催办")


def test_second_reminder_the_same_day_is_refused_urgent_allowed_next_day_allowed(
    make_task, people, units
):
    task = make_task("assigned")
    supervisor = people["supervisor"]
    services.remind_task(task, by=supervisor, units=[units["tzb"].pk])
    with pytest.raises(WorkflowError, match="市委统战部.*今天已催办"):
        services.remind_task(task, by=supervisor, units=[units["tzb"].pk])
    # One unit refused, the other reminded: the answer names both.
    result = services.remind_task(task, by=supervisor, units=[units["tzb"].pk, units["gzw"].pk])
    assert [u.code for u in result.reminded] == ["gzw"]
    assert [u.code for u, _reason in result.refused] == ["tzb"]
    urgent = services.remind_task(task, by=supervisor, units=[units["tzb"].pk], urgent=True)
    assert [u.code for u in urgent.reminded] == ["tzb"]
    assert reminders(task).filter(unit=units["tzb"]).count() == 2
    # The next day the unit may be reminded again.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    again = services.remind_task(task, by=supervisor, units=[units["tzb"].pk], today=tomorrow)
    assert [u.code for u in again.reminded] == ["tzb"]


def test_only_a_supervisor_reminds_and_only_open_tasks(make_task, people, units):
    task = make_task("in_progress")
    for name in ("leader", "tzb"):
        assert rules.why_not(people[name], Action.REMIND, task)
        with pytest.raises(WorkflowError):
            services.remind_task(task, by=people[name])
    draft = make_task("draft")
    assert "立项" in rules.why_not(people["supervisor"], Action.REMIND, draft)
    with pytest.raises(WorkflowError, match="承办单位"):
        services.remind_task(task, by=people["supervisor"], units=[units["office"].pk])
    assert not reminders(task).exists()


def test_task_page_offers_the_reminder_and_records_it(client, make_task, people, units):
    task = make_task("signed")
    login(client, people["supervisor"])
    page = client.get(task.get_absolute_url()).text
    assert 'data-action="remind"' in page and 'name="urgent"' in page
    url = reverse("supervision:act", args=[task.pk, "remind"])
    data = {"version": task.version, "comment": "请抓紧办理。", "units": [units["czj"].pk]}
    response = client.post(url, data, follow=True)
    assert "已催办：市财政局" in response.text
    assert [e.unit.code for e in reminders(task)] == ["czj"]
    response = client.post(url, data, follow=True)
    assert "今天已催办" in response.text
    assert reminders(task).count() == 1


# ---- 督办 escalation ---------------------------------------------------------------------------


def test_escalation_raises_the_level_and_asks_the_leaders(client, make_task, people):
    task = make_task("in_progress")
    services.escalate_task(task, by=people["supervisor"], comment="逾期未报，请领导批示。")
    task.refresh_from_db()
    assert task.priority == Priority.HIGH
    note = Notification.objects.filter(recipient=people["leader"]).latest("pk")
    assert note.title == f"升级督办，请领导批示：{task.title}"
    assert note.url == task.get_absolute_url()
    event = TaskEvent.objects.get(task=task, action=Action.ESCALATE)
    assert event.changes == {"priority": ["一般", "重要"]}
    assert rules.instruction_requested(task) == event
    # Requested once: not again until a leader has written one.
    assert rules.why_not(people["supervisor"], Action.ESCALATE, task)
    login(client, people["tzb"])
    assert 'data-testid="instruction-requested"' in client.get(task.get_absolute_url()).text
    services.add_comment(task, by=people["leader"], text="请统战部本周内报结。", instruction=True)
    assert rules.instruction_requested(task) is None
    assert 'data-testid="instruction-requested"' not in client.get(task.get_absolute_url()).text
    services.escalate_task(task, by=people["supervisor"])
    services.add_comment(task, by=people["leader"], text="同意。", instruction=True)
    services.escalate_task(task, by=people["supervisor"])
    task.refresh_from_db()
    assert task.priority == Priority.URGENT  # the highest level stays
    assert rules.why_not(people["leader"], Action.ESCALATE, task)


# ---- bulk actions -------------------------------------------------------------------------------


def test_bulk_approval_of_mixed_ids(make_task, people, other_org):
    drafts = [make_task("draft", title=f"草稿{i}") for i in range(2)]
    approved = make_task("approved", title="已审核的事项")
    foreign = services.create_task(
        by=other_org["supervisor"],
        organisation=other_org["org"],
        title="别家的事项",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        lead_unit=other_org["unit"],
    )
    ids = [d.pk for d in drafts] + [approved.pk, foreign.pk, 999999]
    done, refused = services.bulk_perform(ids, Action.APPROVE, by=people["leader"], comment="同意")
    assert done == [d.pk for d in drafts]
    assert refused[0] == (approved.pk, rules.why_not(people["leader"], Action.APPROVE, approved))
    assert "已审核" in refused[0][1]
    assert refused[1:] == [(foreign.pk, "未找到。"), (999999, "未找到。")]
    assert set(Task.objects.filter(pk__in=done).values_list("status", flat=True)) == {
        Status.APPROVED
    }
    foreign.refresh_from_db()
    assert foreign.status == Status.DRAFT


def test_bulk_refusals_by_role_and_bounds(make_task, people):
    draft = make_task("draft")
    for name in ("supervisor", "tzb"):
        done, refused = services.bulk_perform([draft.pk], Action.APPROVE, by=people[name])
        assert done == []
        assert len(refused) == 1 and refused[0][0] == draft.pk
    # A handler does not see a draft at all: not found, whatever the action.
    assert services.bulk_perform([draft.pk], Action.APPROVE, by=people["tzb"])[1] == [
        (draft.pk, "未找到。")
    ]
    with pytest.raises(WorkflowError, match="500"):
        services.bulk_perform(range(1, 502), Action.APPROVE, by=people["leader"])
    with pytest.raises(WorkflowError):
        services.bulk_perform([draft.pk], Action.SIGN, by=people["leader"])
    with pytest.raises(WorkflowError):
        services.bulk_perform([], Action.APPROVE, by=people["leader"])
    # 中止 needs a reason, task by task.
    done, refused = services.bulk_perform([draft.pk], Action.CANCEL, by=people["supervisor"])
    assert done == [] and "理由" in refused[0][1]


def test_bulk_actions_each_role_may_take(people):
    actions = {name: [a for a, _v in services.bulk_actions_for(people[name])] for name in people}
    assert actions["leader"] == [Action.APPROVE, Action.CANCEL]
    assert actions["supervisor"] == [Action.ASSIGN, Action.REMIND, Action.CANCEL]
    assert actions["tzb"] == [] and actions["admin"] == []


def test_bulk_page_shows_what_was_done_and_refused(client, make_task, people):
    drafts = [make_task("draft", title=f"待审核事项{i}") for i in range(3)]
    approved = make_task("approved", title="已经审核过的事项")
    login(client, people["leader"])
    ledger = client.get(reverse("supervision:ledger")).text
    assert 'class="select-cell"' in ledger and "data-select-all" in ledger
    assert '<option value="approve">' in ledger and '<option value="assign">' not in ledger
    assert 'class="select-cell"' in client.get(reverse("supervision:todo")).text
    ids = [t.pk for t in drafts] + [approved.pk]
    response = client.post(reverse("supervision:bulk"), {"ids": ids, "action": "approve"})
    assert response.status_code == 200
    done = response.text.split('data-testid="bulk-done"')[1].split('data-testid="bulk-refused"')
    for task in drafts:
        assert task.get_absolute_url() in done[0]
    assert "已经审核过的事项" in done[1] and "不可" in done[1]
    assert Task.objects.filter(status=Status.APPROVED).count() == 4


def test_export_the_chosen(client, make_task, people):
    chosen = [make_task("draft", title=f"选中的事项{i}") for i in range(2)]
    make_task("draft", title="没选的事项")
    login(client, people["supervisor"])
    ids = [t.pk for t in chosen]
    response = client.post(reverse("supervision:bulk"), {"ids": ids, "action": "export"})
    assert response.status_code == 302 and f"id={ids[0]}&id={ids[1]}" in response.url
    sheet = load_workbook(io.BytesIO(client.get(response.url).getvalue())).active
    titles = [row[2] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert sorted(titles) == ["选中的事项0", "选中的事项1"]


def test_bulk_reminder_goes_through_the_same_daily_limit(make_task, people):
    first, second = make_task("assigned", title="事项甲"), make_task("in_progress", title="事项乙")
    draft = make_task("draft", title="事项丙")
    services.remind_task(first, by=people["supervisor"])
    done, refused = services.bulk_perform(
        [first.pk, second.pk, draft.pk], Action.REMIND, by=people["supervisor"], comment="请抓紧。"
    )
    assert done == [second.pk]
    assert [pk for pk, _reason in refused] == [first.pk, draft.pk]
    assert "今天已催办" in refused[0][1] and "立项" in refused[1][1]
    assert {e.unit.code for e in reminders(second)} == {"tzb", "gzw"}


def test_escalation_from_the_task_page(client, make_task, people):
    task = make_task("signed")
    login(client, people["supervisor"])
    assert 'data-action="escalate"' in client.get(task.get_absolute_url()).text
    url = reverse("supervision:act", args=[task.pk, "escalate"])
    response = client.post(url, {"version": task.version, "comment": "请领导批示。"}, follow=True)
    assert "升级督办：已完成。" in response.text
    assert 'data-testid="instruction-requested"' in response.text
    assert 'data-action="escalate"' not in response.text.split('id="timeline"')[0]
