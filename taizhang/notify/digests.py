"""每日待办汇总: the daily digest. Messages that wait for it (a person chose one digest instead
of single e-mails and SMS; a unit's group got its day's allowance of reminders) are folded, at
the hour the organisation chose and on working days only, into one message per recipient and
channel, which the sender then delivers like any other."""

import datetime

from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from taizhang.org.models import Organisation
from taizhang.utils.models import DailyRun
from taizhang.utils.workdays import is_working_day

from .choices import DeliveryStatus
from .message import Mentions, Message
from .models import Delivery, OrganisationSettings
from .services import absolute_url, message_dict, message_of, wake_sender

LISTED = 20  # lines a digest names; the rest are counted


@task(queue_name="notify")
def send_digest(organisation_id, day):
    """Fold the organisation's waiting messages into their digests (the hourly job)."""
    return {"digests": fold(organisation_id, datetime.date.fromisoformat(day))}


def waiting(organisation_id):
    return Delivery.objects.filter(
        organisation_id=organisation_id, digest=True, status=DeliveryStatus.QUEUED
    )


@transaction.atomic
def fold(organisation_id, day, now=None):
    """One digest delivery per recipient and channel from the messages waiting for it, which
    become DIGESTED; returns the number of digests written. Safe to run twice: a digest of
    the day for a recipient is written once (its event is unique), and what comes to wait
    after it waits for the next day's."""
    now = now or timezone.now()
    groups = {}
    for part in waiting(organisation_id).select_for_update().order_by("created_at", "pk"):
        groups.setdefault((part.channel, part.recipient_key), []).append(part)
    written = 0
    for (channel, recipient_key), parts in groups.items():
        first = parts[0]
        event = f"digest:{day.isoformat()}:{channel}:{recipient_key}"
        if Delivery.objects.filter(
            event=event, channel=channel, recipient_key=recipient_key
        ).exists():
            continue  # the day's digest is already written: these wait for the next one
        try:
            with transaction.atomic():
                digest = Delivery.objects.create(
                    organisation_id=organisation_id,
                    event=event,
                    kind="digest",
                    channel=channel,
                    user_id=first.user_id,
                    unit_id=first.unit_id,
                    robot_id=first.robot_id,
                    recipient_key=recipient_key,
                    address=first.address,
                    language=first.language,
                    message=message_dict(digest_message(day, parts)),
                    next_attempt_at=now,
                )
        except IntegrityError:
            continue
        written += 1
        Delivery.objects.filter(pk__in=[p.pk for p in parts]).update(
            status=DeliveryStatus.DIGESTED, digested_into=digest
        )
    if written:
        wake_sender()
    return written


def digest_message(day, parts):
    """The digest's text in its recipient's language: how many, and the first titles."""
    messages = [message_of(p.message) for p in parts]
    with translation.override(parts[0].language or None):
        lines = [f"· {m.title}" for m in messages[:LISTED]]
        if len(messages) > LISTED:
            lines.append(_("and %(count)d more") % {"count": len(messages) - LISTED})
        single = {m.url for m in messages}
        url = single.pop() if len(single) == 1 else absolute_url(reverse("notify:list"))
        return Message(
            title=_("Daily digest of %(day)s: %(count)d items")
            % {"day": day.isoformat(), "count": len(messages)},
            text="\n".join(lines),
            url=url,
            link_text=_("Open in taizhang"),
            mentions=Mentions(
                phones=tuple(dict.fromkeys(p for m in messages for p in m.mentions.phones)),
                user_ids=tuple(dict.fromkeys(u for m in messages for u in m.mentions.user_ids)),
            ),
        )


def enqueue_due_digests(now=None):
    """Queue each organisation's digest once its hour has come, on working days; a unique
    DailyRun row makes it once a day across workers. Returns the organisations queued."""
    now = timezone.localtime(now)
    if not is_working_day(now.date()):
        return []
    chosen = dict(OrganisationSettings.objects.values_list("organisation_id", "digest_at"))
    default = OrganisationSettings._meta.get_field("digest_at").default
    queued = []
    for organisation_id in Organisation.objects.values_list("pk", flat=True):
        if now.time() < chosen.get(organisation_id, default):
            continue
        name = f"notify-digest-{organisation_id}"
        if DailyRun.objects.filter(name=name, day=now.date()).exists():
            continue
        try:
            with transaction.atomic():
                run = DailyRun.objects.create(name=name, day=now.date())
                result = send_digest.enqueue(organisation_id, now.date().isoformat())
                run.result_id = str(result.id)
                run.save(update_fields=["result_id"])
        except IntegrityError:
            continue
        queued.append(organisation_id)
    return queued
