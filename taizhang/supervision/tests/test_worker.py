import datetime

import pytest
from django.utils import timezone

from taizhang.supervision.management.commands.worker import enqueue_daily_jobs
from taizhang.utils.models import DailyRun

pytestmark = pytest.mark.django_db


def test_daily_job_is_enqueued_once_a_day_across_workers(make_task):
    now = timezone.now()
    assert enqueue_daily_jobs(now) is True  # first start: runs at once
    assert enqueue_daily_jobs(now) is False  # a second worker, or the next minute
    tomorrow_early = timezone.make_aware(
        datetime.datetime.combine(
            timezone.localdate(now) + datetime.timedelta(days=1), datetime.time(5, 0)
        )
    )
    assert enqueue_daily_jobs(tomorrow_early) is False  # waits until 06:00
    assert enqueue_daily_jobs(tomorrow_early + datetime.timedelta(hours=2)) is True
    assert DailyRun.objects.count() == 2
