"""The daily job: recompute every running task's light and send reminders (催办) by colour."""

import datetime

from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang import audit
from taizhang.notify.models import Notification, fit_title
from taizhang.org.choices import Role
from taizhang.org.models import Membership

from .choices import Action, Light, Status, UnitRole
from .lights import compute_light
from .models import Reminder, Task, TaskEvent

REMINDED_LIGHTS = {Light.BLUE, Light.YELLOW, Light.RED}
REMINDER_TITLES = {
    Light.BLUE: _("Reminder: due soon"),
    Light.YELLOW: _("Reminder: behind schedule"),
    Light.RED: _("Reminder: overdue"),
}


@task
def refresh_lights(day=None):
    """Recompute lights for ``day`` (ISO date, default today) and remind the late units.

    Idempotent: a task is reminded at most once a day, so the job may run again safely.
    """
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    tasks = list(Task.objects.filter(status__in=Status.open_states()).with_units())
    changed = []
    for t in tasks:
        light = compute_light(t, today)
        if light != t.light:
            t.light = light
            changed.append(t)
    with transaction.atomic():
        audit.bulk_update(Task, changed, ["light"], batch_size=500)
        reminded = _remind([t for t in tasks if t.light in REMINDED_LIGHTS], today)
    return {
        "day": today.isoformat(),
        "tasks": len(tasks),
        "changed": len(changed),
        "reminded": reminded,
    }


def _remind(tasks, today):
    already = set(
        Reminder.objects.filter(day=today, task__in=tasks).values_list("task_id", flat=True)
    )
    due = [t for t in tasks if t.pk not in already]
    if not due:
        return 0
    unit_ids = {
        tu.unit_id
        for t in due
        for tu in t.task_units.all()
        if tu.role in (UnitRole.LEAD, UnitRole.RESPONSIBLE)
    }
    members = {}
    for m in Membership.objects.filter(
        unit_id__in=unit_ids, user__role=Role.HANDLER, user__is_active=True
    ).select_related("user"):
        members.setdefault(m.unit_id, []).append(m.user)
    notifications, events = [], []
    for t in due:
        title = fit_title(f"{REMINDER_TITLES[t.light]}：{t.title}")
        recipients = {
            u.pk: u
            for tu in t.task_units.all()
            if tu.role in (UnitRole.LEAD, UnitRole.RESPONSIBLE)
            for u in members.get(tu.unit_id, ())
        }
        url = reverse("supervision:task", args=[t.pk])
        notifications += [
            Notification(recipient=u, title=title, body=t.deadline.isoformat(), url=url)
            for u in recipients.values()
        ]
        events.append(TaskEvent(task=t, action=Action.REMIND, comment=title))
    audit.bulk_create(Reminder, [Reminder(task=t, day=today, light=t.light) for t in due])
    Notification.objects.bulk_create(notifications, batch_size=500)
    audit.bulk_create(TaskEvent, events, batch_size=500)
    return len(due)
