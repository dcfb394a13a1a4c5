"""Configuring the channels: an organisation's group robots (added, changed, removed, tested),
its notification settings and each person's preferences. The pages and ``taizhang channels``
call these; the audit log records each change by itself, the sealed webhook and secret masked
by their field names. A robot's URL holds its key: nothing here logs, prints or raises it."""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from taizhang.org.choices import Role

from . import platforms
from .choices import ChannelKind
from .message import Answer, Message
from .models import Channel
from .sealing import SealBroken
from .sending import reserve
from .services import absolute_url

logger = logging.getLogger("taizhang.notify")

# Who keeps the group robots and reads what every channel delivered (the system administrator
# and the supervisors, who chase the units in those groups) and who sets the organisation's
# rules (the system administrator).
CHANNEL_KEEPERS = {Role.ADMIN, Role.SUPERVISOR}
SETTINGS_KEEPERS = {Role.ADMIN}


def may_keep_channels(user):
    return user.is_authenticated and user.role in CHANNEL_KEEPERS and bool(user.organisation_id)


def may_change_settings(user):
    return user.is_authenticated and user.role in SETTINGS_KEEPERS and bool(user.organisation_id)


def robots_of(organisation_id):
    """The organisation's robots, the organisation-wide ones first, then by unit."""
    return Channel.objects.filter(organisation_id=organisation_id).select_related(
        "organisation", "unit"
    )


def _check_kind(kind):
    if kind not in {k.value for k in ChannelKind.robots()}:
        raise ValidationError(_("Unknown platform: %(kind)s.") % {"kind": kind}, code="kind")


@transaction.atomic
def add_robot(*, organisation, unit=None, kind, url, secret="", name="", by=None):
    """A new group robot of ``unit`` (of ``organisation``), or of the whole organisation when
    ``unit`` is None. Refuses an address the platform cannot have, and another
    organisation's unit."""
    _check_kind(kind)
    if unit is not None and unit.organisation_id != organisation.pk:
        raise ValidationError(
            _("The unit %(unit)s belongs to another organisation.") % {"unit": unit},
            code="unit",
        )
    url = (url or "").strip()
    platforms.validate_webhook(kind, url)
    robot = Channel(organisation=organisation, unit=unit, kind=kind, name=name.strip())
    robot.created_by = by
    robot.set_webhook(url, (secret or "").strip())
    robot.full_clean()
    robot.save()
    return robot


@transaction.atomic
def change_robot(
    robot, *, by, url=None, secret=None, name=None, is_active=None, forget_secret=False
):
    """Change a robot's address, signing secret, name or whether it is used. A blank (or
    None) address or secret keeps the stored one: pages never show them to edit.
    ``forget_secret`` removes the stored secret (signing turned off on the platform)."""
    url = (url or "").strip()
    secret = (secret or "").strip()
    if secret and forget_secret:
        raise ValidationError(
            _("Enter a new signing secret or remove the stored one, not both."), code="both"
        )
    if url or secret or forget_secret:
        if url:
            platforms.validate_webhook(robot.kind, url)
        try:
            kept_secret = "" if forget_secret else robot.secret
            robot.set_webhook(url or robot.url, secret or kept_secret)
        except SealBroken as broken:
            raise ValidationError(str(broken), code="sealed") from None
    if name is not None:
        robot.name = name.strip()
    if is_active is not None:
        robot.is_active = is_active
    robot.full_clean()
    robot.save()
    return robot


@transaction.atomic
def remove_robot(robot, *, by):
    """Delete a robot; the messages sent through it keep their record (without the robot)."""
    robot.delete()


# A test message --------------------------------------------------------------------------


def _where(robot):
    return str(robot.unit) if robot.unit_id else str(robot.organisation)


def trial_message(robot, by, now):
    """测试消息: what ``send_test`` posts, in the installation's language (a group chat's)."""
    with translation.override(settings.LANGUAGE_CODE):
        who = str(by) if by is not None else _("the command line")
        sent_at = formats.date_format(timezone.localtime(now), "Y-m-d H:i")
        has_base = bool(settings.TAIZHANG_BASE_URL)
        return Message(
            title=_("Test message"),
            text=_("This group robot now brings taizhang's notifications to %(where)s.")
            % {"where": _where(robot)},
            facts=(
                (_("Belongs to"), _where(robot)),
                (_("Sent by"), who),
                (_("Time"), sent_at),
            ),
            url=absolute_url(reverse("notify:list")) if has_base else "",
            link_text=_("Open in taizhang") if has_base else "",
        )


def _held_back(free_at):
    with translation.override(settings.LANGUAGE_CODE):
        return Answer(
            ok=False,
            text=_("The robot's rate limit is reached; it can post again at %(time)s.")
            % {"time": formats.date_format(timezone.localtime(free_at), "H:i:s")},
        )


@sensitive_variables("url", "secret")
def send_test(robot, *, by, now=None):
    """Post a test message to the robot now and return the platform's answer, for the admin
    who asked to see it at once. It takes its place in the robot's rate windows like any
    message (a full window answers when it frees); a throttling platform holds the robot back.

    The place is taken in its own transaction (``reserve``), and the post made outside any:
    the robot's row stays locked for no longer than the reservation, not for a slow platform.
    """
    now = now or timezone.now()
    free_at = reserve(robot, now)
    if free_at is not None:
        return _held_back(free_at)
    try:
        url, secret = robot.url, robot.secret
    except SealBroken as broken:
        return Answer(ok=False, text=str(broken))
    answer = platforms.send(robot.kind, url, secret, trial_message(robot, by, now), now=now)
    if answer.throttled:
        pause = now + datetime.timedelta(seconds=answer.pause_seconds or 60)
        with transaction.atomic():
            # The robot's runtime state, as the sender keeps it (not a change of its settings).
            Channel.objects.filter(pk=robot.pk).update(paused_until=pause)
    logger.info("robot %s tested: %s", robot.pk, "ok" if answer.ok else "not sent")
    return answer


# The organisation's rules and a person's choices ---------------------------------------------


@transaction.atomic
def save_settings(rules, *, by):
    """Save an organisation's notification settings (``OrganisationSettings``)."""
    rules.full_clean()
    rules.save()
    return rules


@transaction.atomic
@transaction.atomic
def save_preference(preference, *, by, email=None, phone=None):
    """Save how ``preference.user`` wants to be reached (their own choice) and, given, the
    e-mail address and phone number on their record that those messages go to."""
    preference.full_clean()
    user = preference.user
    contact = {
        name: value
        for name, value in (("email", email), ("phone", phone))
        if value is not None and value != getattr(user, name)
    }
    if contact:
        for name, value in contact.items():
            setattr(user, name, value)
        user.full_clean(validate_unique=False, exclude=["password"])
        user.save(update_fields=list(contact))
    preference.save()
    return preference
