"""Every change of an account, a role, a unit or a lock-out, each in one transaction.

Views and commands call these; the audit app records the resulting model changes itself.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang import audit

from .choices import Role
from .models import ApiToken, Lockout, LoginFailure, Membership, Unit, User

TOKEN_PREFIX = "tz_"


class ManagementError(ValidationError):
    """An administrator asked for something the rules forbid; the message says why."""


# --- passwords -------------------------------------------------------------------------


@transaction.atomic
def change_password(user, new_password):
    """The user chose a new password (validated by the form): it is theirs, so the
    must-change flag goes, and every API token they had stops working."""
    user.set_password(new_password)
    user.must_change_password = False
    user.save()
    revoke_all_tokens(user)


@transaction.atomic
def reset_password(user, new_password, *, by):
    """A system administrator set a password for ``user``, who must change it at sign-in."""
    _check_manages(by, user)
    user.set_password(new_password)
    user.must_change_password = True
    user.save()
    revoke_all_tokens(user)
    return user


# --- users and roles ---------------------------------------------------------------------


def _check_manages(admin, user):
    """A system administrator manages the business users of their own organisation; the
    other administrators' accounts are not theirs to reset (三员分立)."""
    if admin.role != Role.ADMIN or admin.organisation_id is None:
        raise PermissionDenied
    if user.organisation_id != admin.organisation_id:
        raise PermissionDenied
    if user.pk != admin.pk and user.is_administrator:
        raise ManagementError(_("Administrators' accounts are not managed here."))


def _set_units(user, units):
    units = list(units)
    if any(u.organisation_id != user.organisation_id for u in units):
        raise PermissionDenied
    if units and user.is_administrator:
        raise ManagementError(_("Administrators act for no unit."))
    user.memberships.exclude(unit__in=units).delete()
    have = set(user.memberships.values_list("unit_id", flat=True))
    audit.bulk_create(
        Membership, [Membership(user=user, unit=u) for u in units if u.pk not in have]
    )


@transaction.atomic
def create_user(*, by, username, password, display_name="", phone="", units=()):
    """A new business user of the administrator's organisation, as a unit handler. The
    password is an initial one: it must be changed at the first sign-in."""
    if by.role != Role.ADMIN or by.organisation_id is None:
        raise PermissionDenied
    user = User(
        username=username,
        organisation_id=by.organisation_id,
        role=Role.HANDLER,
        display_name=display_name,
        phone=phone,
        must_change_password=True,
    )
    user.set_password(password)
    user.save()
    _set_units(user, units)
    return user


@transaction.atomic
def update_user(user, *, by, display_name, phone, is_active, units):
    _check_manages(by, user)
    if user.pk == by.pk and not is_active:
        raise ManagementError(_("You cannot deactivate your own account."))
    user.display_name = display_name
    user.phone = phone
    user.is_active = is_active
    user.save()
    _set_units(user, units)
    if not is_active:
        revoke_all_tokens(user)
    return user


@transaction.atomic
def change_role(user, role, *, by):
    """The security administrator gives a user of their organisation another role."""
    if by.role != Role.SECURITY or user.organisation_id != by.organisation_id:
        raise PermissionDenied
    if user.pk == by.pk:
        raise ManagementError(_("You cannot change your own role."))
    if role not in Role.values:
        raise ManagementError(_("Unknown role."))
    # 三员分立: who holds the three administrator roles is the platform's decision, not one
    # administrator's over the others.
    if role in Role.administrators() or user.role in Role.administrators():
        raise ManagementError(_("Administrator roles are not given or taken here."))
    user.role = role
    user.save(update_fields=["role"])
    return user


# --- lock-outs --------------------------------------------------------------------------


def lockouts_visible_to(user):
    """Lock-outs in force that the security administrator may see and lift: their own
    organisation's accounts, and the addresses from which someone failed to sign in to one of
    those accounts (an address that tried only other organisations' accounts is theirs)."""
    if user.role != Role.SECURITY:
        return Lockout.objects.none()
    usernames = User.objects.filter(organisation_id=user.organisation_id).values("username")
    addresses = LoginFailure.objects.filter(username__in=usernames).values("address")
    active = Lockout.objects.active()
    return active.filter(scope=Lockout.Scope.ACCOUNT, key__in=usernames) | active.filter(
        scope=Lockout.Scope.ADDRESS, key__in=addresses
    )


@transaction.atomic
def unlock(lockout, *, by):
    """Lift a lock-out now; the failures that caused it no longer count."""
    if not lockouts_visible_to(by).filter(pk=lockout.pk).exists():
        raise PermissionDenied
    now = timezone.now()
    lockout.locked_until = now
    lockout.unlocked_at = now
    lockout.unlocked_by = by
    lockout.save()
    field = "username" if lockout.scope == Lockout.Scope.ACCOUNT else "address"
    LoginFailure.objects.filter(**{field: lockout.key}).delete()


# --- units ------------------------------------------------------------------------------


def _check_parent(unit, parent):
    node = parent
    while node is not None:
        if node.organisation_id != unit.organisation_id:
            raise PermissionDenied
        if unit.pk is not None and node.pk == unit.pk:
            raise ManagementError(_("A unit cannot be placed under itself or its own sub-unit."))
        node = node.parent


@transaction.atomic
def save_unit(unit, *, by):
    """Create or edit a unit of the system administrator's organisation."""
    if by.role != Role.ADMIN or by.organisation_id is None:
        raise PermissionDenied
    if unit.pk is None:
        unit.organisation_id = by.organisation_id
    elif Unit.objects.get(pk=unit.pk).organisation_id != by.organisation_id:
        raise PermissionDenied
    _check_parent(unit, unit.parent)
    unit.full_clean()
    unit.save()
    return unit


# --- second factor ----------------------------------------------------------------------


@transaction.atomic
def enable_totp(user, secret):
    user.totp_secret = secret
    user.totp_last_step = 0
    user.save(update_fields=["totp_secret", "totp_last_step"])


@transaction.atomic
def disable_totp(user):
    user.totp_secret = ""
    user.totp_last_step = 0
    user.save(update_fields=["totp_secret", "totp_last_step"])


def set_language(user, language):
    """The language the person chose in the menu, kept for what is written to them."""
    user.language = language
    user.save(update_fields=["language"])


# --- API tokens -------------------------------------------------------------------------


def hash_key(key):
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_api_token(user, name=""):
    """A new token; returns ``(token, key)``. The key is not stored and cannot be shown again."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=(name or "").strip()[:100] or _("API token"),
        key_hash=hash_key(key),
        prefix=key[:10],
        created=now,
        expires=now + datetime.timedelta(days=settings.TAIZHANG_API_TOKEN_DAYS),
    )
    return token, key


@transaction.atomic
def revoke_token(token, *, by):
    if token.user_id != by.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def revoke_all_tokens(user):
    """Revoke every token of the user (each saved, so that the change log sees it)."""
    now = timezone.now()
    for token in user.api_tokens.filter(revoked_at__isnull=True):
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
