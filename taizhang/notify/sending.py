"""The sender: the background job that delivers queued messages, one at a time.

Each delivery is claimed (QUEUED or FAILED → SENDING, committed) before anything leaves, and
its outcome recorded after, so two workers never send one message and a worker that stops
never sends one twice: a delivery still SENDING after ``TAIZHANG_NOTIFY_SENDING_SECONDS`` may
have arrived, so it is given up (shown in-app) rather than sent again. A group robot's rate
limits (20 a minute …) hold messages back until the window frees; a throttled robot waits
out its pause; a failure is retried with back-off and, after ``TAIZHANG_NOTIFY_ATTEMPTS``,
given up: the message then shows in-app and says which channel failed.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from taizhang.org.choices import Role
from taizhang.org.models import User

from . import email, platforms, sms
from .choices import ChannelKind, DeliveryStatus
from .message import Answer
from .models import (
    ANSWER_LENGTH,
    Channel,
    Delivery,
    Notification,
    OrganisationSettings,
    Preference,
    RobotPost,
)
from .sealing import SealBroken
from .services import after_quiet_hours, message_of

logger = logging.getLogger("taizhang.notify")

BATCH = 50
KEEP_POSTS = datetime.timedelta(hours=1)
MAX_BACKOFF = datetime.timedelta(hours=1)
RETRIED = (DeliveryStatus.QUEUED, DeliveryStatus.FAILED)


# One run of the job sends for at most this long, then queues the next run: an unreachable
# platform (5 s a try) must not run a job into the worker's job timeout.
RUN_SECONDS = 120


@task(queue_name="notify")
def send_deliveries():
    """Send what is due now (queued by ``notify``, and by the worker's minute tick)."""
    counts = send_due(seconds=RUN_SECONDS)
    if counts["more"]:
        send_deliveries.enqueue()
    return counts


def due(now):
    return Delivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        status__in=RETRIED,
        digest=False,
    ).exclude(channel=ChannelKind.IN_APP)


def send_due(now=None, limit=None, seconds=None):
    """Deliver every due message (at most ``limit``, for at most ``seconds``); returns the count
    of each outcome, and ``more`` when it stopped with messages still due.

    ``now`` selects what is due; each message is claimed, counted in its robot's windows and
    signed at its own moment (a run takes time). A robot that failed in this run is not tried
    again for its other messages before its retry time."""
    now = now or timezone.now()
    stop_at = now + datetime.timedelta(seconds=seconds) if seconds else None
    counts = {"sent": 0, "held": 0, "failed": 0, "given_up": 0, "more": False}
    counts["given_up"] += give_up_interrupted(now)
    done, down, rules = 0, {}, {}
    while limit is None or done < limit:
        size = BATCH if limit is None else min(BATCH, limit - done)
        rows = list(due(now).order_by("next_attempt_at", "pk").values_list("pk", "robot_id")[:size])
        if not rows:
            break
        held_before = counts["held"]
        for pk, robot_id in rows:
            if stop_at and _moment(now) >= stop_at:
                counts["more"] = True
                return _ended(counts, now)
            if robot_id in down:
                Delivery.objects.filter(pk=pk, status__in=RETRIED).update(
                    next_attempt_at=down[robot_id]
                )
                counts["held"] += 1
                continue
            outcome = send_one(pk, now, rules)
            if outcome:
                counts[outcome] += 1
            if outcome == "failed" and robot_id:
                down[robot_id] = Delivery.objects.get(pk=pk).next_attempt_at
        done += len(rows)
        if counts["held"] - held_before == len(rows):
            break  # everything left waits for a robot's window
    return _ended(counts, now)


def _ended(counts, now):
    RobotPost.objects.filter(at__lt=now - KEEP_POSTS).delete()
    return counts


def _moment(now):
    """This message's moment: the clock, never before the run's ``now``."""
    return max(now, timezone.now())


def _claim(pk, now):
    return Delivery.objects.filter(pk=pk, status__in=RETRIED).update(
        status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )


def send_one(pk, now, rules=None):
    """Claim one delivery and send it; returns its outcome, None when another worker has it
    (or gave it up meanwhile). ``rules``: the organisations' settings read so far in a run."""
    now = _moment(now)
    if not _claim(pk, now):
        return None
    delivery = Delivery.objects.select_related("robot", "user", "unit").get(pk=pk)
    if delivery.robot_id:
        if not _still_used(delivery.robot, {} if rules is None else rules):
            with translation.override(delivery.language or settings.LANGUAGE_CODE):
                reason = _("The group robot was switched off before the message went out.")
            return "given_up" if give_up(delivery, reason) else None
        free_at = reserve(delivery.robot, now)
        if free_at is not None:
            held = _finish(
                delivery,
                status=DeliveryStatus.QUEUED,
                attempts=delivery.attempts - 1,
                next_attempt_at=_outside_quiet_hours(delivery, free_at),
            )
            return "held" if held else None
    answer = transmit(delivery, now)
    return record(delivery, answer, now)


def _still_used(robot, rules):
    """An administrator may have switched the robot, or its platform, off since it was queued
    (the organisation's settings read once a run: a change shows from the next)."""
    if not robot.is_active:
        return False
    if robot.organisation_id not in rules:
        rules[robot.organisation_id] = OrganisationSettings.of(robot.organisation_id)
    return rules[robot.organisation_id].uses(robot.kind)


def _outside_quiet_hours(delivery, moment):
    """A message put off (held, retried) to ``moment`` is still not sent in the quiet hours."""
    exempt = delivery.urgent or (
        delivery.user_id
        and Preference.objects.filter(user_id=delivery.user_id, quiet_hours=False).exists()
    )
    return after_quiet_hours(moment, OrganisationSettings.of(delivery.organisation_id), exempt)


def reserve(robot, now):
    """Take a place in the robot's rate windows for a message sent ``now``; None when taken,
    else the moment a place frees (or the robot's pause ends)."""
    with transaction.atomic():
        robot = Channel.objects.select_for_update().get(pk=robot.pk)  # one worker at a time
        if robot.paused_until and robot.paused_until > now:
            return robot.paused_until
        free_at = None
        for limit in platforms.LIMITS[robot.kind]:
            window = datetime.timedelta(seconds=limit.seconds)
            posts = list(
                RobotPost.objects.filter(channel=robot, at__gt=now - window)
                .order_by("-at")
                .values_list("at", flat=True)[: limit.count]
            )
            if len(posts) >= limit.count:
                frees = posts[-1] + window
                free_at = max(free_at, frees) if free_at else frees
        if free_at is None:
            RobotPost.objects.create(channel=robot, at=now)
        return free_at


def transmit(delivery, now):
    """Send one message by its channel; an unexpected error is an answer, never a crash."""
    message = message_of(delivery.message)
    try:
        with translation.override(delivery.language or settings.LANGUAGE_CODE):
            if delivery.channel == ChannelKind.EMAIL:
                return email.send_email(message, delivery.address)
            if delivery.channel == ChannelKind.SMS:
                return sms.send_sms(delivery.address, message)
            if delivery.robot is None:
                return Answer(ok=False, text=_("The group robot was deleted."))
            try:
                url, secret = delivery.robot.url, delivery.robot.secret
            except SealBroken as exc:
                return Answer(ok=False, text=str(exc))
            return platforms.send(delivery.robot.kind, url, secret, message, now=now)
    except Exception as exc:  # noqa: BLE001 - a bad message must not stop the others
        logger.exception("delivery %s: %s while sending", delivery.pk, type(exc).__name__)
        return Answer(ok=False, retry=True, text=type(exc).__name__)


def record(delivery, answer, now):
    """Store how sending went: sent; held (throttled); failed, to retry; or given up."""
    text = (answer.text or "")[:ANSWER_LENGTH]
    if answer.ok:
        done = _finish(delivery, status=DeliveryStatus.SENT, sent_at=_moment(now), answer=text)
        return "sent" if done else None
    if answer.throttled and delivery.robot_id:
        pause = now + datetime.timedelta(seconds=answer.pause_seconds or 60)
        Channel.objects.filter(pk=delivery.robot_id).update(paused_until=pause)
        done = _finish(
            delivery,
            status=DeliveryStatus.QUEUED,
            attempts=delivery.attempts - 1,  # the platform's pause, not the message's fault
            next_attempt_at=_outside_quiet_hours(delivery, pause),
            answer=text,
        )
        return "held" if done else None
    if answer.retry and delivery.attempts < settings.TAIZHANG_NOTIFY_ATTEMPTS:
        done = _finish(
            delivery,
            status=DeliveryStatus.FAILED,
            next_attempt_at=_outside_quiet_hours(delivery, now + backoff(delivery.attempts)),
            answer=text,
        )
        return "failed" if done else None
    return "given_up" if give_up(delivery, text) else None


def backoff(attempts):
    """The wait after the ``attempts``-th failure: the first retry after a minute, doubling."""
    first = datetime.timedelta(seconds=settings.TAIZHANG_NOTIFY_RETRY_SECONDS)
    return min(MAX_BACKOFF, first * 2 ** max(0, attempts - 1))


def _finish(delivery, **fields):
    """Record the outcome of the delivery this worker claimed; False when it is no longer
    SENDING by this claim (another worker gave it up as interrupted: that stands)."""
    for name, value in fields.items():
        setattr(delivery, name, value)
    return bool(
        Delivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.SENDING, claimed_at=delivery.claimed_at
        ).update(**fields)
    )


@transaction.atomic
def give_up(delivery, answer):
    """Stop trying, and show the message in-app to whom it was for, saying why (SENDING →
    GIVEN_UP in one step, so no other worker can claim it between). False when the claim
    was no longer this one's."""
    if not _finish(delivery, status=DeliveryStatus.GIVEN_UP, answer=answer[:ANSWER_LENGTH]):
        return False
    if fall_back_in_app(delivery):
        _finish_fell_back(delivery)
    return True


def _finish_fell_back(delivery):
    delivery.fell_back = True
    Delivery.objects.filter(pk=delivery.pk).update(fell_back=True)


def give_up_interrupted(now):
    """Give up the deliveries a stopped worker was sending: they may have arrived."""
    cutoff = now - datetime.timedelta(seconds=settings.TAIZHANG_NOTIFY_SENDING_SECONDS)
    count = 0
    for delivery in Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=cutoff):
        with translation.override(delivery.language or settings.LANGUAGE_CODE):
            reason = _("Interrupted while sending; not sent again, so that it cannot arrive twice.")
        count += give_up(delivery, reason)
    return count


def readers_of(delivery):
    """The people a failed delivery was meant to reach: its person, the unit's handlers, or,
    for the organisation's own group, its supervisors (the office that keeps the group)."""
    if delivery.user_id:
        return [delivery.user]
    if delivery.unit_id:
        people = User.objects.filter(memberships__unit=delivery.unit_id, role=Role.HANDLER)
    else:
        people = User.objects.filter(organisation_id=delivery.organisation_id, role=Role.SUPERVISOR)
    return list(people.filter(is_active=True).distinct())


def fall_back_in_app(delivery):
    """Each reader gets the message in-app (once per event), noting the channel that failed;
    returns how many readers there were."""
    message = message_of(delivery.message)
    readers = readers_of(delivery)
    for reader in readers:
        with translation.override(reader.notification_language()):
            note = _("Could not be sent by %(channel)s; shown here instead.") % {
                "channel": ChannelKind(delivery.channel).label
            }
        existing = Notification.objects.filter(recipient=reader, event=delivery.event).first()
        if existing is not None:
            if not existing.note:
                Notification.objects.filter(pk=existing.pk).update(note=note[:300])
            continue
        Notification.objects.create(
            recipient=reader,
            kind=delivery.kind,
            event=delivery.event,
            subject_type=delivery.subject_type,
            subject_id=delivery.subject_id,
            title=message.title,
            body=message.text,
            url=_path_of(message.url),
            note=note[:300],
        )
    return len(readers)


def _path_of(url):
    base = settings.TAIZHANG_BASE_URL.rstrip("/")
    return url[len(base) :] if base and url.startswith(base) else url
