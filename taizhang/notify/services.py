"""The router. Every app says *what* happened and *to whom* (people, units); this module
decides *how* each is reached: in-app always, e-mail and SMS as each person chose, the units'
group robots (企业微信, 钉钉, 飞书), each message a ``Delivery`` that the worker sends
(``sending.py``). Everything here is written in the caller's transaction, so a notification
exists exactly when the change it announces does; the worker is woken once it commits.
"""

import datetime
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy

from taizhang.org.choices import Role
from taizhang.org.models import Membership

from . import email, sms, subjects
from .choices import ChannelKind, DeliveryStatus
from .message import Mentions, Message
from .models import Channel, Delivery, Notification, OrganisationSettings, Preference, fit_title


def _interpolate(text, params):
    return str(text) % {k: str(v) if isinstance(v, Promise) else v for k, v in params.items()}


# ``text % params`` put off until the text is read, so it is written in the reader's language:
# for titles composed before their recipients are known (text from gettext_lazy).
lazy_message = lazy(_interpolate, str)

LINK_TEXT = gettext_lazy("Open in taizhang")


def in_language(user):
    """The translation a notification to ``user`` is written in (a context manager)."""
    return translation.override(user.notification_language())


def absolute_url(path):
    """A link people can open from a chat or a mail: the product's address before the path."""
    base = settings.TAIZHANG_BASE_URL.rstrip("/")
    return f"{base}{path}" if path.startswith("/") and base else path


class Notice:
    """One announcement before it is written: lazy texts become each reader's language."""

    def __init__(self, *, title, body, url, facts, urgent, link_text):
        self.title, self.body, self.url = title, body, url
        self.facts, self.urgent, self.link_text = facts, urgent, link_text
        self._written = {}

    def message(self, language, mentions=None):
        if language not in self._written:
            with translation.override(language):
                self._written[language] = Message(
                    title=fit_title(str(self.title)),
                    text=str(self.body),
                    facts=tuple((str(label), str(value)) for label, value in self.facts),
                    url=absolute_url(self.url),
                    link_text=str(self.link_text) if self.url else "",
                    urgent=self.urgent,
                )
        found = self._written[language]
        if mentions:
            found = Message(**{**found.__dict__, "mentions": mentions})
        return found


def notify(
    recipients=(),
    *,
    title,
    body="",
    url="",
    kind="",
    event="",
    subject=None,
    units=(),
    organisation_group=False,
    urgent=False,
    facts=(),
    link_text=LINK_TEXT,
    not_before=None,
):
    """Announce one event to people and to units' group chats.

    ``recipients``: the people told (in-app, plus e-mail and SMS as each chose). ``units``:
    units whose group robots also get it, calling out (@) their handlers.
    ``organisation_group``: the organisation's own group chats (its robots without a unit)
    get it too, for what the whole office should see (an escalation). ``title``,
    ``body`` and the labels and values of ``facts`` may be lazy: each reader reads them in
    their own language. ``event`` names the event so that it reaches each recipient once by
    each channel however often it is announced (default: a new event). ``subject``: the
    record it is about (acting on it marks it read; its deliveries list beside it).
    ``urgent`` (加急) ignores quiet hours, digests and the units' daily limit.
    ``not_before``: send nothing outside the app before this moment (a digest's hour).

    Returns the deliveries written (those not already made for the event), in-app included.
    """
    now = timezone.now()
    recipients = list({r.pk: r for r in recipients if r.is_active}.values())
    units = list({u.pk: u for u in units}.values())
    if not recipients and not units and not organisation_group:
        return []
    event = event or f"{kind or 'notice'}:{uuid.uuid4().hex}"
    notice = Notice(
        title=title, body=body, url=url, facts=facts, urgent=urgent, link_text=link_text
    )
    organisation_id = _organisation_of(subject, units, recipients)
    if organisation_id is None:
        organisation_group = False
    rules = OrganisationSettings.of(organisation_id)
    subject_type, subject_id = subjects.key(subject)
    common = {
        "organisation_id": organisation_id,
        "event": event,
        "kind": kind,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "urgent": urgent,
    }
    start = max(now, not_before) if not_before else now
    _write_in_app(recipients, notice, common)
    rows = [
        *_personal_deliveries(recipients, notice, rules, common, start),
        *_robot_deliveries(units, organisation_group, notice, rules, common, start),
    ]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    if any(row.channel != ChannelKind.IN_APP for row in rows):
        wake_sender()
    return rows


def _organisation_of(subject, units, recipients):
    for record in (subject, *units, *recipients):
        if getattr(record, "organisation_id", None):
            return record.organisation_id
    return None


def _write_in_app(recipients, notice, common):
    if not recipients:
        return
    rows = []
    for recipient in recipients:
        message = notice.message(recipient.notification_language())
        rows.append(
            Notification(
                recipient=recipient,
                kind=common["kind"],
                event=common["event"],
                subject_type=common["subject_type"],
                subject_id=common["subject_id"],
                title=message.title,
                body=message.text,
                url=notice.url,
            )
        )
    # An event already announced to someone is not announced again (the partial unique key).
    Notification.objects.bulk_create(rows, ignore_conflicts=True)


def _personal_deliveries(recipients, notice, rules, common, start):
    preferences = {
        p.user_id: p for p in Preference.objects.filter(user__in=[r.pk for r in recipients])
    }
    rows = []
    usable = _Usable(rules)
    for person in recipients:
        chosen = preferences.get(person.pk) or Preference(user=person)
        language = person.notification_language()
        message = notice.message(language)
        personal = {**common, "user": person, "recipient_key": f"user:{person.pk}"}
        rows.append(
            _delivery(ChannelKind.IN_APP, message, language, personal, status=DeliveryStatus.SENT)
        )
        for channel, wanted, address in (
            (ChannelKind.EMAIL, chosen.email, person.email),
            (ChannelKind.SMS, chosen.sms, person.phone),
        ):
            if not (wanted and address and usable(channel)):
                continue
            rows.append(
                _delivery(
                    channel,
                    message,
                    language,
                    personal,
                    address=address,
                    digest=chosen.digest and not notice.urgent and common["kind"] != "digest",
                    at=after_quiet_hours(start, rules, notice.urgent or not chosen.quiet_hours),
                )
            )
    return rows


class _Usable:
    """Whether a personal channel can be used: the organisation uses it and the installation
    has it configured (asked once per call)."""

    def __init__(self, rules):
        self.rules, self.known = rules, {}

    def __call__(self, channel):
        if channel not in self.known:
            configured = {ChannelKind.EMAIL: email.available, ChannelKind.SMS: sms.available}
            self.known[channel] = self.rules.uses(channel) and configured[channel]()
        return self.known[channel]


def _robot_deliveries(units, organisation_group, notice, rules, common, start):
    if not units and not organisation_group:
        return []
    whose = Q(unit__in=units)
    if organisation_group:
        whose |= Q(unit__isnull=True, organisation_id=common["organisation_id"])
    robots = [
        robot
        for robot in Channel.objects.filter(whose, is_active=True).order_by("pk")
        if rules.uses(robot.kind)
    ]
    if not robots:
        return []
    handlers = _handlers_by_unit({robot.unit_id for robot in robots})
    limited = common["kind"] == "remind"
    over_limit = _units_over_daily_limit(units, rules, common) if limited else set()
    language = settings.LANGUAGE_CODE  # a group chat reads the installation's language
    unit_by_id = {u.pk: u for u in units}
    rows = []
    for robot in robots:
        people = handlers.get(robot.unit_id, [])
        mentions = Mentions(
            phones=tuple(p.phone for p, _pref in people if p.phone),
            user_ids=tuple(pid for _p, pref in people if (pid := pref.platform_id(robot.kind))),
        )
        rows.append(
            _delivery(
                robot.kind,
                notice.message(language, mentions),
                language,
                {
                    **common,
                    "unit": unit_by_id.get(robot.unit_id),  # None: the organisation's own
                    "robot": robot,
                    "recipient_key": f"robot:{robot.pk}",
                },
                digest=robot.unit_id in over_limit and not notice.urgent,
                at=after_quiet_hours(start, rules, notice.urgent),
            )
        )
    return rows


def _handlers_by_unit(unit_ids):
    """Each unit's active handlers with their preferences: whom a group message calls out."""
    found = {}
    memberships = Membership.objects.filter(
        unit_id__in=unit_ids, user__role=Role.HANDLER, user__is_active=True
    ).select_related("user", "user__notify_preference")
    for membership in memberships.order_by("pk"):
        user = membership.user
        preference = getattr(user, "notify_preference", None) or Preference(user=user)
        found.setdefault(membership.unit_id, []).append((user, preference))
    return found


def _units_over_daily_limit(units, rules, common):
    """Units whose group already got the day's allowance of messages of this kind: further
    ones wait for the daily digest (the burden on a unit is measured, and bounded)."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    sent = {}
    for unit_id, _event in (
        Delivery.objects.filter(
            unit__in=units,
            kind=common["kind"],
            robot__isnull=False,
            created_at__gte=start,
            digest=False,
        )
        .order_by()  # the model's ordering would add its columns to the DISTINCT
        .values_list("unit_id", "event")
        .distinct()
    ):
        sent[unit_id] = sent.get(unit_id, 0) + 1  # events, however many robots the unit has
    return {unit_id for unit_id, n in sent.items() if n >= rules.unit_reminders_per_day}


def after_quiet_hours(moment, rules, exempt):
    """``moment``, or the end of the quiet hours it falls in (22:00–08:00 by default)."""
    local = timezone.localtime(moment)
    if exempt or not rules.is_quiet(local):
        return moment
    end = local.replace(
        hour=rules.quiet_end.hour, minute=rules.quiet_end.minute, second=0, microsecond=0
    )
    if end <= local:
        end += datetime.timedelta(days=1)
    return end


def _delivery(channel, message, language, fields, *, status=DeliveryStatus.QUEUED, **extra):
    at = extra.pop("at", None)
    now = timezone.now()
    return Delivery(
        channel=channel,
        message=message_dict(message),
        language=language,
        status=status,
        sent_at=now if status == DeliveryStatus.SENT else None,
        next_attempt_at=None if status == DeliveryStatus.SENT else (at or now),
        **fields,
        **extra,
    )


def message_dict(message):
    return {
        "title": message.title,
        "text": message.text,
        "facts": [list(f) for f in message.facts],
        "url": message.url,
        "link_text": message.link_text,
        "urgent": message.urgent,
        "mentions": {
            "phones": list(message.mentions.phones),
            "user_ids": list(message.mentions.user_ids),
        },
    }


def message_of(data):
    """The Message a delivery keeps (``Delivery.message``)."""
    mentions = data.get("mentions") or {}
    return Message(
        title=data.get("title", ""),
        text=data.get("text", ""),
        facts=tuple(tuple(f) for f in data.get("facts", ())),
        url=data.get("url", ""),
        link_text=data.get("link_text", ""),
        urgent=bool(data.get("urgent")),
        mentions=Mentions(
            phones=tuple(mentions.get("phones", ())), user_ids=tuple(mentions.get("user_ids", ()))
        ),
    )


def channels_used(deliveries):
    """The channels of some deliveries (or channel values), in the choices' order: what a
    timeline line or an answer names as the ways a message went out."""
    used = {getattr(d, "channel", d) for d in deliveries}
    return [kind for kind in ChannelKind if kind in used]


def digest_time(organisation_id, day):
    """When the organisation's daily digest goes out on ``day`` (an aware datetime)."""
    at = OrganisationSettings.of(organisation_id).digest_at
    return timezone.make_aware(datetime.datetime.combine(day, at))


def wake_sender():
    """Queue the sender once this transaction commits (the worker's minute tick is the net
    under it: a wake-up lost to a crash only delays)."""
    from .sending import send_deliveries

    transaction.on_commit(lambda: send_deliveries.enqueue(), robust=True)


def mark_read(user, pk=None):
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())


def acted_on(user, subject):
    """``user`` did something to ``subject``: what told them about it is read."""
    subject_type, subject_id = subjects.key(subject)
    if not subject_type or user is None or not user.pk:
        return 0
    return Notification.objects.filter(
        recipient=user, subject_type=subject_type, subject_id=subject_id, read_at__isnull=True
    ).update(read_at=timezone.now())
