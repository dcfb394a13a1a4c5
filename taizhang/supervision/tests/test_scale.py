"""The ledger as the data grows: queries constant in the number of tasks, the handler's counts
only what they see, the two shapes of the visibility rule one rule, and the light its units
carry always the task's."""

import datetime
from collections import Counter as Tally

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from taizhang import audit
from taizhang.audit.models import AuditRecord
from taizhang.org.models import User
from taizhang.supervision import services
from taizhang.supervision.choices import Light, Status, UnitRole
from taizhang.supervision.filters import ledger_filter
from taizhang.supervision.models import Task, TaskUnit

pytestmark = pytest.mark.django_db

PAGES = [
    ("supervision:ledger", ""),
    ("supervision:ledger", "?status=in_progress&status=returned&light=red"),
    ("supervision:ledger", "?q=改革"),
    ("supervision:ledger", "?page=3"),
    ("supervision:ledger", "?unit=scale1-u02"),
    ("supervision:todo", ""),
    ("supervision:units", ""),
]


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def page_queries(client, task):
    urls = [reverse(name) + query for name, query in PAGES]
    urls += [reverse("supervision:task", args=[task.pk]), "/api/tasks", "/api/tasks?offset=40"]
    return [queries(client, url) for url in urls]


def a_task_of(user):
    return (
        Task.objects.visible_to(user)
        .filter(status=Status.IN_PROGRESS, task_units__unit__code="scale1-u01")
        .order_by("pk")
        .first()
    )


def test_every_page_asks_the_same_number_of_queries_at_two_sizes(client):
    # Large enough that every list of 我的待办 has rows at both sizes (an empty one asks less).
    call_command("seed-scale", tasks=1000)
    users = [User.objects.get(username=name) for name in ("scale1-duban", "scale1-u01")]
    small = {}
    for user in users:
        client.force_login(user)
        small[user] = page_queries(client, a_task_of(user))
    call_command("seed-scale", tasks=3000, seed=7)
    for user in users:
        client.force_login(user)
        assert page_queries(client, a_task_of(user)) == small[user], user
    assert Task.objects.visible_to(users[1]).count() > 1000


@pytest.fixture
def scale(db):
    call_command("seed-scale", tasks=500, organisations=2)


def tree_counts(client):
    response = client.get(reverse("supervision:units"))
    return {u.code: (u.open_tasks, u.red_tasks) for u in _units_in(response.context["tree"])}


def _units_in(branch):
    for unit, children in branch:
        yield unit
        yield from _units_in(children)


def expected_tree(user):
    running = Task.objects.visible_to(user).filter(status__in=Status.open_states())
    parts = TaskUnit.objects.filter(task__in=running, role__in=UnitRole.acting())
    opened = Tally(parts.values_list("unit__code", flat=True))
    red = Tally(parts.filter(task__light=Light.RED).values_list("unit__code", flat=True))
    return {code: (opened[code], red[code]) for code in opened}


@pytest.mark.parametrize("username", ["scale1-duban", "scale1-u01", "scale1-u05"])
def test_the_unit_tree_counts_the_running_and_red_tasks_the_user_can_see(client, scale, username):
    user = User.objects.get(username=username)
    client.force_login(user)
    shown = {code: n for code, n in tree_counts(client).items() if n != (0, 0)}
    assert shown == expected_tree(user)
    assert shown  # there is something to count


def test_a_handler_counts_only_the_tasks_it_shares_with_its_units(client, scale):
    supervisor = User.objects.get(username="scale1-duban")
    handler = User.objects.get(username="scale1-u05")
    client.force_login(supervisor)
    everyone = tree_counts(client)
    client.force_login(handler)
    theirs = tree_counts(client)
    assert theirs["scale1-u05"] == everyone["scale1-u05"]  # all of its own
    others = [code for code in everyone if code != "scale1-u05" and everyone[code][0]]
    assert sum(theirs[c][0] for c in others) < sum(everyone[c][0] for c in others)


def test_both_shapes_of_the_rule_find_the_same_tasks(scale):
    for username in ("scale1-duban", "scale1-u01", "scale1-u07-2", "scale2-u01"):
        user = User.objects.get(username=username)
        listed = set(Task.objects.visible_to(user).values_list("pk", flat=True))
        probed = set(Task.objects.visible_to(user, probe=True).values_list("pk", flat=True))
        assert listed == probed
        for task in Task.objects.order_by("?")[:25]:
            assert Task.objects.visible_to(user, probe=True).filter(pk=task.pk).exists() == (
                task.pk in listed
            )


def test_pages_read_ids_first_keep_the_ledger_order(client, scale):
    user = User.objects.get(username="scale1-u01")
    client.force_login(user)
    # The ledger's order (running first, finished last: ordering.py), read row by row.
    everything = [t.number for t in ledger_filter(user, {}).qs]
    assert set(everything) == set(Task.objects.visible_to(user).values_list("number", flat=True))
    shown = []
    for page in (1, 2, 3):
        response = client.get(reverse("supervision:ledger"), {"page": page, "per_page": 50})
        shown += [t.number for t in response.context["page"].object_list]
    assert shown == everything[:150]
    data = client.get("/api/tasks", {"offset": 10, "limit": 30}).json()
    assert [t["number"] for t in data["results"]] == everything[10:40]
    assert data["count"] == len(everything)


# ---- the light each task unit carries -----------------------------------------------------


def lights_of_units(task):
    return set(TaskUnit.objects.filter(task=task).values_list("light", flat=True))


def test_a_task_unit_carries_its_tasks_light_whoever_writes_it(make_task, people, units):
    task = make_task("assigned")
    assert lights_of_units(task) == {task.light} and task.light != Light.NONE
    Task.objects.filter(pk=task.pk).update(light=Light.RED)
    assert lights_of_units(task) == {Light.RED}
    task.light = Light.YELLOW
    audit.bulk_update(Task, [task], ["light"])
    assert lights_of_units(task) == {Light.YELLOW}
    # A unit's row saved from a stale copy, or a new one, takes the task's light anyway.
    part = TaskUnit.objects.get(task=task, unit=units["tzb"])
    part.light = Light.GREEN
    part.save()
    added = TaskUnit.objects.create(task=task, unit=units["steel"], role=UnitRole.COOPERATING)
    assert lights_of_units(task) == {Light.YELLOW}
    # The copy is the database's, not anyone's change: the audit log does not record it.
    created = AuditRecord.objects.filter(object_type="supervision.taskunit", object_id=added.pk)
    assert created.exists() and all('"light"' not in r.changes for r in created)
    added.delete()
    services.cancel_task(task, by=people["supervisor"], comment="工作调整")
    assert lights_of_units(task) == {Light.NONE}


def test_a_task_registered_with_a_past_deadline_lights_red_on_its_units(make_task):
    task = make_task("assigned", deadline=timezone.localdate() + datetime.timedelta(days=1))
    Task.objects.filter(pk=task.pk).update(deadline=timezone.localdate() - datetime.timedelta(1))
    call_command("migrate", verbosity=0)  # statistics refreshed: nothing else changes
    from taizhang.supervision.jobs import refresh_lights

    refresh_lights.call()
    assert lights_of_units(task) == {Light.RED}


def test_todo_shows_the_first_rows_of_each_list_and_links_to_the_rest(client, scale):
    supervisor = User.objects.get(username="scale1-duban")
    client.force_login(supervisor)
    response = client.get(reverse("supervision:todo"))
    overdue = [s for s in response.context["sections"] if s[0] == "已逾期"][0]
    _title, rows, more, url = overdue
    red = Task.objects.visible_to(supervisor).filter(light=Light.RED)
    assert len(rows) == 10 and more and red.count() > 10
    assert [t.number for t in rows] == list(red.values_list("number", flat=True)[:10])
    # The list's link and the count card open the ledger filtered the same way.
    ledger = client.get(url)
    assert ledger.context["page"].paginator.count == red.count()
    html = response.content.decode()
    assert f'href="{url}"' in html
    assert str(response.context["counts"]["red"]) in html
    card = client.get(response.context["links"]["red"])
    assert card.context["page"].paginator.count == response.context["counts"]["red"]
