"""The daily lights job: batches, one digest per unit and day, light changes on the timeline."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from taizhang.notify.models import Notification
from taizhang.supervision import jobs
from taizhang.supervision.choices import Action, Light
from taizhang.supervision.filters import TaskFilterSet
from taizhang.supervision.jobs import refresh_lights
from taizhang.supervision.models import Task, TaskEvent, UnitReminder

pytestmark = pytest.mark.django_db


def _running(make_task, deadline, count=1, percent=40, **units):
    """``count`` running tasks due on ``deadline``, their stored light stale (green)."""
    made = [make_task("in_progress", deadline=deadline, **units) for _ in range(count)]
    ids = [t.pk for t in made]
    Task.objects.filter(pk__in=ids).update(
        assigned_at=timezone.now() - datetime.timedelta(days=10),
        progress_percent=percent,
        light=Light.GREEN,
    )
    return ids


def _light_events(ids=None):
    events = TaskEvent.objects.filter(action=Action.LIGHT)
    return events.filter(task_id__in=ids) if ids is not None else events


def _digests_to(user):
    return Notification.objects.filter(recipient=user, url__startswith="/tasks/?")


def _written():
    return (Notification.objects.count(), UnitReminder.objects.count(), TaskEvent.objects.count())


def test_the_job_works_in_batches_and_relights_every_running_task(make_task, today):
    late = _running(make_task, today - datetime.timedelta(days=2), count=5)
    result = refresh_lights.call(batch_size=2)
    assert result["tasks"] == 5 and result["changed"] == 5
    assert set(Task.objects.filter(pk__in=late).values_list("light", flat=True)) == {Light.RED}
    assert _light_events(late).count() == 5


def test_a_crash_loses_one_batch_and_a_rerun_finishes_the_day(make_task, monkeypatch, today):
    late = _running(make_task, today - datetime.timedelta(days=2), count=4)
    relight, calls = jobs.relight, []

    def crash_on_the_second(tasks, today):
        calls.append(len(tasks))
        if len(calls) == 2:
            relight(tasks, today)
            raise RuntimeError("worker killed")
        return relight(tasks, today)

    monkeypatch.setattr(jobs, "relight", crash_on_the_second)
    with pytest.raises(RuntimeError):
        refresh_lights.call(batch_size=2)
    stored = dict(Task.objects.filter(pk__in=late).values_list("pk", "light"))
    assert [stored[pk] for pk in sorted(late)] == [Light.RED, Light.RED, Light.GREEN, Light.GREEN]
    assert not UnitReminder.objects.exists()  # the digests come after all the lights
    monkeypatch.setattr(jobs, "relight", relight)
    result = refresh_lights.call(batch_size=2)
    assert result["changed"] == 2 and result["reminded"] == 2
    assert _light_events(late).count() == 4  # one per task, none twice


def _queries(**options):
    with CaptureQueriesContext(connection) as captured:
        refresh_lights.call(**options)
    return len(captured)


def test_queries_per_batch_are_constant(make_task, today):
    deadline = today - datetime.timedelta(days=2)

    def stale():
        Task.objects.update(light=Light.GREEN)
        UnitReminder.objects.all().delete()

    _running(make_task, deadline, count=2)
    stale()
    two = _queries(batch_size=2)  # one batch of two
    _running(make_task, deadline, count=2)
    stale()
    four = _queries(batch_size=2)  # two batches of two: one batch more
    stale()
    four_in_one = _queries(batch_size=4)
    per_batch = four - two
    assert per_batch == four - four_in_one
    assert per_batch == 8  # read, before values, update, audit, events, audit, savepoint × 2
    _running(make_task, deadline, count=4)
    stale()
    assert _queries(batch_size=2) == four + 2 * per_batch  # eight tasks: four batches
    stale()
    assert _queries(batch_size=8) == four_in_one  # as many tasks in one batch: same queries


def test_one_digest_per_unit_and_day_to_the_handlers_of_the_chased_units(make_task, people, today):
    red = _running(make_task, today - datetime.timedelta(days=2), count=3)
    blue = _running(make_task, today + datetime.timedelta(days=1), percent=95)
    result = refresh_lights.call()
    # 统战部 leads, 国资委 is responsible; 财政局 only cooperates and is not chased.
    assert result["reminded"] == 2 and result["notifications"] == 2
    digest = UnitReminder.objects.get(unit__code="tzb", day=today)
    assert (digest.red, digest.yellow, digest.blue) == (3, 0, 1)
    assert sorted(digest.tasks["red"]) == sorted(red) and digest.tasks["blue"] == blue
    [note] = _digests_to(people["tzb"])
    assert "3 项超期" in note.title and "1 项即将到期" in note.title
    assert today.isoformat() in note.title
    numbers = Task.objects.filter(pk__in=red + blue).values_list("number", flat=True)
    assert all(n in note.body for n in numbers)
    assert _digests_to(people["gzw"]).count() == 1
    assert not _digests_to(people["czj"]).exists()
    # The link opens the unit's ledger filtered to its late tasks.
    link = urlsplit(note.url)
    assert link.path == "/tasks/"
    assert parse_qs(link.query) == {"unit": ["tzb"], "light": ["red", "yellow", "blue"]}
    ledger = TaskFilterSet(QueryDict(link.query), Task.objects.all(), user=people["tzb"])
    assert ledger.is_valid(), ledger.errors
    assert set(ledger.qs.values_list("pk", flat=True)) == {*red, *blue}
    # The same day again writes nothing; the next day reminds again, without timeline lines.
    written = _written()
    assert refresh_lights.call()["reminded"] == 0
    assert _written() == written
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    assert refresh_lights.call(day=tomorrow)["reminded"] == 2
    assert UnitReminder.objects.filter(unit__code="tzb").count() == 2
    assert _light_events().count() == 4  # the first day's changes only


def test_a_digest_names_the_first_tasks_and_counts_the_rest(make_task, people, today):
    _running(make_task, today - datetime.timedelta(days=2), count=jobs.LISTED + 2)
    refresh_lights.call()
    [note] = _digests_to(people["tzb"])
    assert len(note.body.split()) >= jobs.LISTED and "另有 2 项" in note.body


def test_the_timeline_records_light_changes_not_days(make_task, today):
    deadline = today + datetime.timedelta(days=20)
    [pk] = _running(make_task, deadline, percent=95)
    days = [deadline - datetime.timedelta(days=n) for n in (25, 24, 1, 0)]
    days += [deadline + datetime.timedelta(days=n) for n in (1, 2, 9)]
    for day in days:
        refresh_lights.call(day=day.isoformat())
    lines = list(_light_events([pk]).order_by("id").values_list("comment", "changes"))
    # Green on the first two days (as stored), blue when due within three working days,
    # red once overdue, and nothing more while it stays red.
    assert [changes["light"] for _comment, changes in lines] == [
        [Light.GREEN, Light.BLUE],
        [Light.BLUE, Light.RED],
    ]
    assert lines[-1][0] == "亮红灯：已超期"
    assert not TaskEvent.objects.filter(task_id=pk, action=Action.REMIND).exists()
    assert UnitReminder.objects.filter(unit__code="tzb").count() == 5  # each blue or red day


def test_finished_and_cooperating_only_tasks_are_not_in_the_digest(make_task, units, today):
    make_task("closed", deadline=today - datetime.timedelta(days=3))
    _running(
        make_task,
        today - datetime.timedelta(days=2),
        lead_unit=units["gzw"],
        responsible_units=[],
        cooperating_units=[units["tzb"]],
    )
    refresh_lights.call()
    assert list(UnitReminder.objects.values_list("unit__code", "red")) == [("gzw", 1)]
