"""The daily job: recompute every running task's light, and remind (催办) each late unit once.

It works in batches of ``TAIZHANG_DAILY_BATCH_SIZE`` tasks, each batch its own transaction, so
memory does not grow with the ledger and a crash loses at most one batch; a rerun picks up
where it stopped (lights already right are not touched, units already reminded that day are
skipped). A task's timeline gets a line when its light changes (亮红灯), not every day; a unit
gets one digest a day listing its blue, yellow and red tasks, with a link to them.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.tasks import task
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang import audit
from taizhang.notify.models import Channel, Notification, fit_title
from taizhang.notify.services import digest_time, notify
from taizhang.org.choices import Role
from taizhang.org.models import Membership, Unit, User
from taizhang.utils.db import refresh_statistics
from taizhang.utils.workdays import is_working_day

from .choices import Action, Light, Status, UnitRole
from .filters import ledger_url
from .lights import compute_light
from .models import Task, TaskEvent, TaskUnit, UnitReminder

# Most urgent first: the order of a digest's lines and of the ledger link's lights.
REMINDED_LIGHTS = (Light.RED, Light.YELLOW, Light.BLUE)
CHASED_ROLES = (UnitRole.LEAD, UnitRole.RESPONSIBLE)  # cooperating units are not chased
LIGHT_CHANGES = {
    Light.RED: gettext_lazy("Red light: overdue"),
    Light.YELLOW: gettext_lazy("Yellow light: behind schedule"),
    Light.BLUE: gettext_lazy("Blue light: due soon"),
    Light.GREEN: gettext_lazy("Back to green"),
    Light.NONE: gettext_lazy("Light off"),
}
LISTED = 10  # task numbers named in a digest's text
UPDATE_BATCH = 250
LIGHT_FIELDS = (
    *("id", "organisation_id", "number", "title"),  # what the audit log names
    *("status", "deadline", "assigned_at", "progress_percent", "light"),
)


@task
def refresh_lights(day=None, batch_size=None):
    """Recompute lights for ``day`` (ISO date, default today) and remind the late units.

    Idempotent: a unit is reminded at most once a day, so the job may run again safely.
    """
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    size = max(1, batch_size or settings.TAIZHANG_DAILY_BATCH_SIZE)
    seen = changed = 0
    last = 0
    while True:
        with transaction.atomic():
            batch = list(
                Task.objects.select_for_update()
                .filter(status__in=Status.open_states(), pk__gt=last)
                .order_by("pk")
                .only(*LIGHT_FIELDS)[:size]
            )
            if not batch:
                break
            last = batch[-1].pk
            seen += len(batch)
            changed += relight(batch, today)
    units, notifications = remind_units(today, size)
    refresh_statistics()  # the day's writes, known to the planner (a fraction of a second)
    return {
        "day": today.isoformat(),
        "tasks": seen,
        "changed": changed,
        "reminded": units,
        "notifications": notifications,
    }


def relight(tasks, today):
    """Store the day's light of ``tasks`` (read with ``LIGHT_FIELDS``); one timeline line per
    task whose light changed. Returns how many changed."""
    changed, events = [], []
    for t in tasks:
        light = compute_light(t, today)
        if light != t.light:
            events.append(light_event(t, t.light, light))
            t.light = light
            changed.append(t)
    if changed:
        # Short CASE statements: SQLite compares each row against every WHEN of its UPDATE.
        audit.bulk_update(Task, changed, ["light"], batch_size=UPDATE_BATCH)
        audit.bulk_create(TaskEvent, events, batch_size=len(events))
    return len(changed)


def light_event(task, before, after):
    """The timeline's line for a light the day changed (亮红灯), written by the job."""
    return TaskEvent(
        task=task,
        action=Action.LIGHT,
        comment=str(LIGHT_CHANGES[after]),
        changes={"light": [before, after]},
    )


def remind_units(today, size):
    """One digest per unit with blue, yellow or red tasks and none yet today: a
    ``UnitReminder`` and one notification per handler of the unit. The units go in batches of
    about ``size`` tasks, each its own transaction. Returns (units reminded, notifications)."""
    due = TaskUnit.objects.filter(
        role__in=CHASED_ROLES,
        task__status__in=Status.open_states(),
        task__light__in=REMINDED_LIGHTS,
    )
    done = set(UnitReminder.objects.filter(day=today).values_list("unit_id", flat=True))
    counts = due.order_by().values_list("unit_id").annotate(n=Count("task_id"))
    reminded = sent = 0
    for chunk in _chunks(sorted((u, n) for u, n in counts if u not in done), size):
        with transaction.atomic():
            lines = {}
            for unit_id, code, organisation_id, task_id, light, number in (
                due.filter(unit_id__in=chunk)
                .order_by("unit_id", "task__deadline", "task__number")
                .values_list(
                    "unit_id",
                    "unit__code",
                    "unit__organisation_id",
                    "task_id",
                    "task__light",
                    "task__number",
                )
            ):
                unit = lines.setdefault(unit_id, {"code": code, "organisation": organisation_id})
                unit.setdefault(light, {})[task_id] = number
            units, notes = write_digests(today, lines)
        reminded += units
        sent += notes
    return reminded, sent


def _chunks(counts, size):
    """Unit ids in groups of about ``size`` tasks (a bigger unit is a group of its own)."""
    chunk, total = [], 0
    for unit_id, n in counts:
        if chunk and total + n > size:
            yield chunk
            chunk, total = [], 0
        chunk.append(unit_id)
        total += n
    if chunk:
        yield chunk


def write_digests(today, lines):
    """Write the digests of ``today``: ``lines`` maps a unit id to ``{"code": its code,
    "organisation": its organisation's id, light: {task id: task number}}`` (in the order
    listed). A unit that already has today's
    digest is skipped. Returns (units reminded, notifications)."""
    # Two runs at once (a hand-started one beside the scheduled one) take turns per unit
    # here, so the second sees the first's digests instead of failing on their unique key.
    # (SQLite's transactions already start with the write lock.)
    list(Unit.objects.select_for_update().filter(pk__in=lines).values_list("pk", flat=True))
    done = set(
        UnitReminder.objects.filter(day=today, unit_id__in=lines).values_list("unit_id", flat=True)
    )
    lines = {u: by_light for u, by_light in lines.items() if u not in done}
    if not lines:
        return 0, 0
    handlers = {}
    for unit_id, user_id, language in Membership.objects.filter(
        unit_id__in=lines, user__role=Role.HANDLER, user__is_active=True
    ).values_list("unit_id", "user_id", "user__language"):
        reader = User(pk=user_id, language=language)
        handlers.setdefault(unit_id, {})[user_id] = reader.notification_language()
    reminders, notifications = [], []
    for unit_id, by_light in lines.items():
        unit = Unit(pk=unit_id, code=by_light["code"], organisation_id=by_light["organisation"])
        reminder = UnitReminder(
            unit=unit,  # with its organisation, for the audit log
            day=today,
            tasks={
                light.value: list(by_light[light]) for light in REMINDED_LIGHTS if light in by_light
            },
            **{light.value: len(by_light.get(light, ())) for light in REMINDED_LIGHTS},
        )
        reminders.append(reminder)
        written = {}  # each handler reads the digest in their own language
        for user_id, language in sorted(handlers.get(unit_id, {}).items()):
            if language not in written:
                with translation.override(language):
                    written[language] = digest_text(reminder, by_light)
            title, body, url = written[language]
            notifications.append(
                Notification(
                    recipient_id=user_id,
                    kind="digest",
                    event=digest_event(today, unit_id),
                    title=title,
                    body=body,
                    url=url,
                )
            )
    audit.bulk_create(UnitReminder, reminders, batch_size=len(reminders))
    # A digest already announced to someone (the event is unique per person) is not again.
    Notification.objects.bulk_create(notifications, batch_size=1000, ignore_conflicts=True)
    if is_working_day(today):
        send_out(today, reminders, lines)
    return len(reminders), len(notifications)


def digest_event(day, unit_id):
    return f"supervision.digest:{day.isoformat()}:{unit_id}"


def send_out(today, reminders, lines):
    """The digests of the units with a group robot, or with a handler who chose e-mail or
    SMS, also go out that way, at the organisation's digest hour (working days only). The
    in-app notifications written above carry the same event, so they are not written again."""
    routed = set(
        Channel.objects.filter(unit__in=lines, is_active=True).values_list("unit_id", flat=True)
    ) | set(
        Membership.objects.filter(
            Q(user__notify_preference__email=True) | Q(user__notify_preference__sms=True),
            unit_id__in=lines,
            user__role=Role.HANDLER,
            user__is_active=True,
        ).values_list("unit_id", flat=True)
    )
    if not routed:
        return
    units = Unit.objects.in_bulk(routed)
    for reminder in reminders:
        unit = units.get(reminder.unit_id)
        if unit is None:
            continue
        by_light = lines[unit.pk]
        title, body, url = (_digest_part(reminder, by_light, i) for i in range(3))
        notify(
            User.objects.filter(
                memberships__unit=unit, role=Role.HANDLER, is_active=True
            ).distinct(),
            units=[unit],
            title=title,
            body=body,
            url=str(url),
            kind="digest",
            event=digest_event(today, unit.pk),
            not_before=digest_time(unit.organisation_id, today),
        )


def _read_digest(reminder, by_light, part):
    return digest_text(reminder, by_light)[part]


# A part of a digest (title, text, link), written when read: in each reader's language.
_digest_part = lazy(_read_digest, str)


def digest_text(reminder, by_light):
    """Title, text and link of a unit's digest: the counts, the first task numbers, the
    unit's ledger filtered to those lights."""
    parts = [
        text % {"count": count}
        for count, text in (
            (reminder.red, _("%(count)d overdue")),
            (reminder.yellow, _("%(count)d behind schedule")),
            (reminder.blue, _("%(count)d due soon")),
        )
        if count
    ]
    title = fit_title(
        _("Reminder of %(day)s: %(counts)s")
        % {"day": reminder.day.isoformat(), "counts": _(", ").join(parts)}
    )
    numbers = [n for light in REMINDED_LIGHTS for n in by_light.get(light, {}).values()]
    body = " ".join(numbers[:LISTED])
    if len(numbers) > LISTED:
        body += " " + _("and %(count)d more") % {"count": len(numbers) - LISTED}
    url = ledger_url(unit=by_light["code"], light=[light.value for light in REMINDED_LIGHTS])
    return title, body, url
