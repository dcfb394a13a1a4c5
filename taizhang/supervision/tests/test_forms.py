"""The task form (issue 14, items 1 and 9): the parent task's search endpoint, the page that lists
only the chosen parent, and a deadline before today confirmed before saving."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from taizhang.supervision import views
from taizhang.supervision.models import Task

pytestmark = pytest.mark.django_db


def login(client, name):
    assert client.login(username=name, password=PASSWORD)


def choices(client, query, **extra):
    response = client.get(reverse("supervision:task_choices"), {"q": query, **extra})
    assert response.status_code == 200
    return response.json()["results"]


def test_parent_choices_are_the_visible_tasks_matching_number_or_title(client, make_task, units):
    theirs = make_task(
        "assigned", title="国企改革专项督查", lead_unit=units["tzb"], cooperating_units=[]
    )
    mine = make_task(
        "assigned", title="国企改革财政保障", lead_unit=units["czj"], cooperating_units=[]
    )
    login(client, "czj")  # a handler of 市财政局: sees only the tasks of their unit
    found = choices(client, "国企改革")
    assert found == [{"value": mine.pk, "text": f"{mine.number} 国企改革财政保障"}]
    assert choices(client, theirs.number) == []
    login(client, "duban")  # the supervisor sees the whole organisation, by number too
    assert {r["value"] for r in choices(client, "国企改革")} == {theirs.pk, mine.pk}
    assert [r["value"] for r in choices(client, theirs.number)] == [theirs.pk]
    assert [r["value"] for r in choices(client, "国企改革", exclude=mine.pk)] == [theirs.pk]
    assert choices(client, "") == []


def test_parent_choices_are_bounded(client, make_task, monkeypatch):
    for i in range(4):
        make_task("draft", title=f"专项督查{i}")
    monkeypatch.setattr(views, "TASK_CHOICES_LIMIT", 3)
    login(client, "duban")
    assert len(choices(client, "专项督查")) == 3
    assert views.TASK_CHOICES_LIMIT == 3
    monkeypatch.undo()
    assert views.TASK_CHOICES_LIMIT == 20


def test_parent_choices_need_a_login(client):
    response = client.get(reverse("supervision:task_choices"), {"q": "督查"})
    assert response.status_code == 302


def test_task_form_lists_only_the_chosen_parent_and_accepts_any_visible_one(
    client, make_task, units
):
    tasks = [make_task("draft", title=f"上级事项{i}") for i in range(3)]
    login(client, "duban")
    page = client.get(reverse("supervision:create"), {"parent": tasks[1].pk}).text
    assert f"{tasks[1].number} 上级事项1" in page
    assert tasks[0].number not in page and tasks[2].number not in page
    assert 'data-tz-url="/tasks/choices/"' in page
    assert "---------" not in page and "Select an option" not in page
    assert "请选择…" in page
    form = {
        "title": "子事项",
        "source_kind": "meeting",
        "priority": "normal",
        "deadline": (timezone.localdate() + datetime.timedelta(days=9)).isoformat(),
        "lead_unit": units["tzb"].pk,
        "parent": tasks[2].pk,  # not on the page: searched for
    }
    response = client.post(reverse("supervision:create"), form)
    assert response.status_code == 302
    assert Task.objects.get(title="子事项").parent == tasks[2]


def task_form(units, deadline, **extra):
    return {
        "title": "逾期登记的事项",
        "source_kind": "meeting",
        "priority": "normal",
        "deadline": deadline.isoformat(),
        "lead_unit": units["tzb"].pk,
        **extra,
    }


def test_a_past_deadline_is_confirmed_before_the_task_is_saved(client, units, people):
    login(client, "duban")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    url = reverse("supervision:create")
    assert 'type="checkbox" name="confirm_past_deadline"' not in client.get(url).text
    refused = client.post(url, task_form(units, yesterday))
    assert refused.status_code == 200
    assert not Task.objects.filter(title="逾期登记的事项").exists()
    page = refused.text
    assert f"截止日期 {yesterday.isoformat()} 早于今天" in page
    assert 'type="checkbox" name="confirm_past_deadline"' in page
    assert "截止日期早于今天，仍然保存" in page
    saved = client.post(url, task_form(units, yesterday, confirm_past_deadline="on"))
    assert saved.status_code == 302
    assert Task.objects.get(title="逾期登记的事项").deadline == yesterday


def test_editing_asks_only_when_a_past_deadline_is_newly_entered(client, make_task, units):
    task = make_task("draft")
    login(client, "duban")
    Task.objects.filter(pk=task.pk).update(deadline=timezone.localdate() - datetime.timedelta(5))
    task.refresh_from_db()
    url = reverse("supervision:edit", args=[task.pk])
    kept = client.post(url, task_form(units, task.deadline, version=task.version))
    assert kept.status_code == 302  # the overdue task's own deadline, kept as it was
    task.refresh_from_db()
    earlier = task.deadline - datetime.timedelta(days=3)
    refused = client.post(url, task_form(units, earlier, version=task.version))
    assert refused.status_code == 200
    assert "早于今天" in refused.text
    task.refresh_from_db()
    assert task.deadline != earlier
    confirmed = task_form(units, earlier, version=task.version, confirm_past_deadline="on")
    assert client.post(url, confirmed).status_code == 302
    task.refresh_from_db()
    assert task.deadline == earlier
