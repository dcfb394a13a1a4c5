"""Notifications: the in-app inbox, the group robots, preferences, and one record per message
sent by any channel (``Delivery``), which the worker sends and the pages show."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from taizhang.org.models import Organisation, Unit

from . import platforms, sealing
from .choices import ChannelKind, DeliveryStatus

TITLE_LENGTH = 300
ANSWER_LENGTH = 300


def fit_title(title):
    """A title cut to the column's length with an ellipsis (a task title alone may fill it)."""
    return title if len(title) <= TITLE_LENGTH else title[: TITLE_LENGTH - 1] + "…"


class Notification(models.Model):
    """An in-app message: a task to sign for, a reminder (催办), a returned report.

    Not in the audit log: each one announces a change the log already holds. ``event`` names
    what it announces, so one event reaches one person once; ``subject`` is the record it is
    about (``supervision.task`` and its id), so acting on that record marks it read.
    """

    audit_log = False

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    event = models.CharField(max_length=120, blank=True)
    subject_type = models.CharField(max_length=60, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    title = models.CharField(_("title"), max_length=TITLE_LENGTH)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    # Why this came in-app only: the channel that failed (“企业微信群未送达：…”).
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "subject_type", "subject_id"], name="notif_subject"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event"],
                condition=~models.Q(event=""),
                name="notification_once_per_event",
            )
        ]

    def __str__(self):
        return self.title


def default_channels():
    return [ChannelKind.EMAIL.value, *(kind.value for kind in ChannelKind.robots())]


class OrganisationSettings(models.Model):
    """An organisation's notification rules: which channels it uses, its quiet hours, when
    the daily digest (每日待办汇总) goes out, how often a unit may be reminded in a day."""

    organisation = models.OneToOneField(
        Organisation, models.CASCADE, related_name="notify_settings"
    )
    channels = models.JSONField(_("channels in use"), default=default_channels, blank=True)
    quiet_start = models.TimeField(_("quiet hours from"), default=datetime.time(22, 0))
    quiet_end = models.TimeField(_("quiet hours until"), default=datetime.time(8, 0))
    digest_at = models.TimeField(_("daily digest at"), default=datetime.time(8, 30))
    unit_reminders_per_day = models.PositiveSmallIntegerField(
        _("reminders a unit's group gets a day"),
        default=3,
        help_text=_("Beyond this, reminders to the unit's group wait for its daily digest."),
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self):
        return str(self.organisation)

    @classmethod
    def of(cls, organisation_id):
        """The organisation's settings; the defaults (unsaved) while it never changed them."""
        found = cls.objects.filter(organisation_id=organisation_id).first()
        return found or cls(organisation_id=organisation_id)

    def uses(self, kind):
        return kind == ChannelKind.IN_APP or kind in self.channels

    def is_quiet(self, moment):
        """Whether the local time of ``moment`` falls in the quiet hours (which may span
        midnight)."""
        at = moment.time()
        if self.quiet_start == self.quiet_end:
            return False
        if self.quiet_start < self.quiet_end:
            return self.quiet_start <= at < self.quiet_end
        return at >= self.quiet_start or at < self.quiet_end


class Preference(models.Model):
    """How one person wants to be reached. In-app always; e-mail and SMS on top when chosen;
    quiet hours hold non-urgent messages until the morning; ``digest`` folds the day's
    e-mails and SMS into one daily digest. The platform ids let a group robot @ them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notify_preference"
    )
    email = models.BooleanField(_("also by e-mail"), default=False)
    sms = models.BooleanField(_("also by SMS"), default=False)
    quiet_hours = models.BooleanField(_("keep quiet hours"), default=True)
    digest = models.BooleanField(_("one daily digest instead of single messages"), default=False)
    wecom_user_id = models.CharField(_("WeCom user id"), max_length=64, blank=True)
    dingtalk_user_id = models.CharField(_("DingTalk user id"), max_length=64, blank=True)
    feishu_open_id = models.CharField(_("Feishu open_id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)

    @classmethod
    def of(cls, user):
        found = getattr(user, "_notify_preference", None)
        if found is None:
            found = cls.objects.filter(user=user).first() or cls(user=user)
        return found

    def platform_id(self, kind):
        return {
            ChannelKind.WECOM: self.wecom_user_id,
            ChannelKind.DINGTALK: self.dingtalk_user_id,
            ChannelKind.FEISHU: self.feishu_open_id,
        }.get(kind, "")


class Channel(models.Model):
    """A group robot (群机器人) of a unit's group chat, or of the organisation's when ``unit``
    is empty. Its webhook URL and signing secret are stored sealed (encrypted); pages show
    ``masked_url`` only. ``paused_until``: the platform throttled it."""

    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    unit = models.ForeignKey(
        Unit,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="notify_channels",
        verbose_name=_("unit"),
    )
    kind = models.CharField(
        _("platform"), max_length=20, choices=[(k.value, k.label) for k in ChannelKind.robots()]
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    # Sealed; the audit log masks both by their names.
    webhook_token = models.TextField()
    signing_secret = models.TextField(blank=True)
    masked_url = models.CharField(_("webhook"), max_length=300)
    is_active = models.BooleanField(_("active"), default=True)
    paused_until = models.DateTimeField(_("held back until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        ordering = ["organisation_id", "unit_id", "kind", "pk"]

    def __str__(self):
        where = self.unit.short_name or self.unit.name if self.unit_id else self.organisation
        return f"{where} · {self.get_kind_display()}"

    @property
    def url(self):
        return sealing.unseal(self.webhook_token)

    @property
    def secret(self):
        return sealing.unseal(self.signing_secret) if self.signing_secret else ""

    def set_webhook(self, url, secret=""):
        self.webhook_token = sealing.seal(url)
        self.signing_secret = sealing.seal(secret) if secret else ""
        self.masked_url = platforms.masked_webhook(url)[:300]


class RobotPost(models.Model):
    """One message posted to a robot: the rate limiter counts these in its windows (20 a
    minute and so on). Kept an hour."""

    audit_log = False

    channel = models.ForeignKey(Channel, models.CASCADE, related_name="+")
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["channel", "at"], name="robotpost_window")]

    def __str__(self):
        return f"{self.channel_id} {self.at.isoformat()}"


class Delivery(models.Model):
    """One message to one recipient (a person, or a group robot) by one channel: what it
    said, in the recipient's language, and how sending it went.

    ``event`` names what happened (``supervision.remind:123``); with ``recipient_key`` and the
    channel it is unique, so an event reaches each recipient once by each channel however
    often it is announced. ``subject`` is the record it is about (the task). ``digest``: it
    waits for the recipient's daily digest instead of going out alone.
    """

    audit_log = False  # the business events that caused it are in the log

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="+")
    event = models.CharField(max_length=120)
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    subject_type = models.CharField(max_length=60, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=ChannelKind)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    unit = models.ForeignKey(
        Unit, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    robot = models.ForeignKey(
        Channel,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("group robot"),
    )
    recipient_key = models.CharField(max_length=40)  # "user:5", "robot:3"
    address = models.CharField(_("address"), max_length=254, blank=True)  # e-mail or phone
    language = models.CharField(max_length=10, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    digest = models.BooleanField(_("waits for the digest"), default=False)
    message = models.JSONField(default=dict)  # Message's fields, as written
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=ANSWER_LENGTH, blank=True)
    fell_back = models.BooleanField(_("shown in-app instead"), default=False)
    digested_into = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="parts"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel", "recipient_key"], name="delivery_once"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["subject_type", "subject_id"], name="delivery_subject"),
            models.Index(fields=["unit", "kind", "created_at"], name="delivery_unit_day"),
        ]

    def __str__(self):
        return f"{self.event} → {self.recipient_key} ({self.channel})"

    @property
    def title(self):
        return self.message.get("title", "")
