"""The daily job of meetings: the day-before reminder to the invited, reminders to units that
owe their countersignature, and closing meetings whose decisions are all done."""

import datetime

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from . import services
from .choices import Action, Status
from .models import Meeting, MeetingEvent


def _reminded_today(today):
    return set(
        MeetingEvent.objects.filter(action=Action.REMIND, created_at__date=today).values_list(
            "meeting_id", flat=True
        )
    )


@task
def refresh_meetings(day=None):
    """Idempotent: a meeting is reminded at most once a day, so the job may run again."""
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    done = _reminded_today(timezone.localdate())
    reminded = closed = 0
    tomorrow = Meeting.objects.filter(
        status=Status.NOTIFIED, date=today + datetime.timedelta(days=1)
    ).exclude(pk__in=done)
    for meeting in tomorrow:
        with transaction.atomic():
            services.remind_tomorrow(services.locked(meeting.pk))
            reminded += 1
    signing = Meeting.objects.filter(status=Status.COUNTERSIGNING).exclude(pk__in=done)
    for meeting in signing:
        with transaction.atomic():
            reminded += services.remind_countersign(services.locked(meeting.pk))
    for meeting in Meeting.objects.filter(status=Status.ISSUED):
        with transaction.atomic():
            closed += services.close_if_done(services.locked(meeting.pk))
    return {"day": today.isoformat(), "reminded": reminded, "closed": closed}
