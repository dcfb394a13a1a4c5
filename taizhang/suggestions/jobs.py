"""The daily job of the channel: lights of the reply deadlines, reminders (催办) to the
units of late or nearly late suggestions, and replies nobody rated in time (基本满意)."""

import datetime

from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang import audit
from taizhang.notify.models import Notification, fit_title
from taizhang.notify.services import in_language
from taizhang.org.choices import Role
from taizhang.org.models import Membership

from . import services
from .choices import Action, Light, Status, UnitPart
from .lights import compute_light
from .models import Reminder, Suggestion, SuggestionEvent

REMINDER_TITLES = {
    Light.BLUE: _("Reminder: reply due soon"),
    Light.RED: _("Reminder: reply overdue"),
}


@task
def refresh_suggestions(day=None):
    """Idempotent: a suggestion is reminded at most once a day, so the job may run again."""
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    running = list(
        Suggestion.objects.filter(status__in=[Status.ASSIGNED, Status.IN_HAND]).prefetch_related(
            "suggestion_units"
        )
    )
    changed = []
    for s in running:
        light = compute_light(s, today)
        if light != s.light:
            s.light = light
            changed.append(s)
    with transaction.atomic():
        audit.bulk_update(Suggestion, changed, ["light"], batch_size=500)
        reminded = _remind([s for s in running if s.light in REMINDER_TITLES], today)
    deemed = 0
    for s in Suggestion.objects.filter(status=Status.REPLIED, rating_due__lt=today):
        deemed += services.deem_rated(s)
    return {
        "day": today.isoformat(),
        "suggestions": len(running),
        "changed": len(changed),
        "reminded": reminded,
        "deemed_rated": deemed,
    }


def _lead_and_joint(suggestion):
    return [
        su.unit_id
        for su in suggestion.suggestion_units.all()
        if su.returned_at is None and su.part in (UnitPart.LEAD, UnitPart.JOINT)
    ]


def _remind(suggestions, today):
    already = set(
        Reminder.objects.filter(day=today, suggestion__in=suggestions).values_list(
            "suggestion_id", flat=True
        )
    )
    due = [s for s in suggestions if s.pk not in already]
    if not due:
        return 0
    unit_ids = {uid for s in due for uid in _lead_and_joint(s)}
    members = {}
    for m in Membership.objects.filter(
        unit_id__in=unit_ids, user__role=Role.HANDLER, user__is_active=True
    ).select_related("user"):
        members.setdefault(m.unit_id, []).append(m.user)
    notifications, events = [], []
    for s in due:
        title = fit_title(f"{REMINDER_TITLES[s.light]}：{s.title}")
        recipients = {u.pk: u for uid in _lead_and_joint(s) for u in members.get(uid, ())}
        url = reverse("suggestions:detail", args=[s.pk])
        for u in recipients.values():
            with in_language(u):  # each reads it in their own language
                written = fit_title(f"{REMINDER_TITLES[s.light]}：{s.title}")
            notifications.append(
                Notification(recipient=u, title=written, body=s.deadline.isoformat(), url=url)
            )
        events.append(
            SuggestionEvent(suggestion=s, action=Action.REMIND, comment=title, public=False)
        )
    audit.bulk_create(Reminder, [Reminder(suggestion=s, day=today, light=s.light) for s in due])
    Notification.objects.bulk_create(notifications, batch_size=500)
    audit.bulk_create(SuggestionEvent, events, batch_size=500)
    return len(due)
