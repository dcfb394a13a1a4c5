import datetime

import pytest
from django.utils import timezone

from taizhang.supervision.choices import Light
from taizhang.supervision.lights import compute_light
from taizhang.supervision.models import Task

pytestmark = pytest.mark.django_db
D = datetime.date


def _running(make_task, deadline, percent=40, assigned_days_ago=10):
    task = make_task("in_progress", deadline=deadline)
    Task.objects.filter(pk=task.pk).update(
        assigned_at=timezone.now() - datetime.timedelta(days=assigned_days_ago),
        progress_percent=percent,
    )
    return Task.objects.with_units().get(pk=task.pk)


def test_overdue_is_red(make_task):
    today = timezone.localdate()
    task = _running(make_task, today - datetime.timedelta(days=1))
    assert compute_light(task, today) == Light.RED


def test_due_within_the_working_day_threshold_is_blue(make_task, settings):
    settings.TAIZHANG_LIGHT_BLUE_WORKING_DAYS = 3
    task = _running(make_task, D(2025, 10, 13), percent=90, assigned_days_ago=0)
    # 29 September 2025 → 13 October 2025 is five working days (National Day in between).
    assert compute_light(task, D(2025, 10, 9)) == Light.BLUE  # 3 working days left
    assert compute_light(task, D(2025, 9, 29)) == Light.GREEN  # 5 left, though 14 days


def test_progress_behind_elapsed_time_is_yellow(make_task):
    today = timezone.localdate()
    # Assigned 80 days ago with 100 days in all: 80 % of the time gone, 40 % reported.
    task = _running(
        make_task, today + datetime.timedelta(days=20), percent=40, assigned_days_ago=80
    )
    assert compute_light(task, today) == Light.YELLOW
    task.progress_percent = 75
    assert compute_light(task, today) == Light.GREEN


def test_returned_is_yellow_and_finished_tasks_have_no_light(make_task):
    today = timezone.localdate()
    assert make_task("returned").light == Light.YELLOW
    assert make_task("closed").light == Light.NONE
    assert make_task("draft").light == Light.NONE
    assert compute_light(make_task("cancelled"), today) == Light.NONE
