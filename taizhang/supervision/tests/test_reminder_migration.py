"""The migration to digests keeps the reminders already sent: each day's reminded tasks go
into the digests of their lead and responsible units."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("supervision", "0005_index_tasks_for_search")]
AFTER = [("supervision", "0006_unit_reminders")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def _latest_schema_afterwards():
    """Leave the database at the latest migrations, which later tests (and the servers of
    test_several_servers) expect: AFTER is not the last one."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_old_reminders_become_digests_of_the_chased_units(make_task):
    task = make_task("in_progress")
    other = make_task("in_progress", responsible_units=[])
    old = _migrate(BEFORE)
    try:
        Reminder = old.get_model("supervision", "Reminder")
        day = datetime.date(2026, 3, 2)
        Reminder.objects.create(task_id=task.pk, day=day, light="red")
        Reminder.objects.create(task_id=other.pk, day=day, light="blue")
        Reminder.objects.create(task_id=task.pk, day=day + datetime.timedelta(days=1), light="red")
    finally:
        new = _migrate(AFTER)
    UnitReminder = new.get_model("supervision", "UnitReminder")
    found = {
        (r.unit.code, r.day.day): (r.red, r.blue, r.tasks)
        for r in UnitReminder.objects.select_related("unit")
    }
    assert found == {
        ("tzb", 2): (1, 1, {"red": [task.pk], "blue": [other.pk]}),
        ("gzw", 2): (1, 0, {"red": [task.pk]}),  # responsible for the first only
        ("tzb", 3): (1, 0, {"red": [task.pk]}),
        ("gzw", 3): (1, 0, {"red": [task.pk]}),
    }  # 财政局 only cooperates: no digest
