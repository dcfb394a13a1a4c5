"""Lock-out of repeated sign-in failures (等保2.0: 登录失败处理).

Failures are rows in the database, so every app server behind the load balancer counts the
same ones. An account (by user name) is locked after ``TAIZHANG_LOGIN_MAX_FAILURES`` failures
within ``TAIZHANG_LOGIN_FAILURE_WINDOW_MINUTES``; a client address after
``TAIZHANG_LOGIN_MAX_FAILURES_PER_ADDRESS``; either for ``TAIZHANG_LOCKOUT_MINUTES``.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from taizhang.utils.addresses import client_address

from .models import Lockout, LoginFailure, User

Scope = Lockout.Scope
KEEP_FAILURES = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Policy:
    max_failures: int
    max_failures_per_address: int
    window: datetime.timedelta
    lockout: datetime.timedelta

    @classmethod
    def current(cls):
        return cls(
            max_failures=settings.TAIZHANG_LOGIN_MAX_FAILURES,
            max_failures_per_address=settings.TAIZHANG_LOGIN_MAX_FAILURES_PER_ADDRESS,
            window=datetime.timedelta(minutes=settings.TAIZHANG_LOGIN_FAILURE_WINDOW_MINUTES),
            lockout=datetime.timedelta(minutes=settings.TAIZHANG_LOCKOUT_MINUTES),
        )


class LoginLocked(Exception):
    """Sign-in refused without looking at the password: the account or address is locked."""

    def __init__(self, lockout):
        super().__init__(lockout.locked_until)
        self.lockout = lockout

    @property
    def message(self):
        return locked_message(self.lockout)


def locked_message(lockout):
    until = date_format(timezone.localtime(lockout.locked_until), "DATETIME_FORMAT")
    if lockout.scope == Scope.ADDRESS:
        return _(
            "Too many failed sign-ins from this address. Sign-in is blocked until %(until)s."
        ) % {"until": until}
    return _(
        "This account is locked after too many failed sign-ins, until %(until)s. "
        "Try again later or ask the security administrator to unlock it."
    ) % {"until": until}


def _key(username):
    return (username or "").strip()[:150]


def active_lockout(username, address):
    """The lock-out in force for this user name or this address, the longest first."""
    keys = [(Scope.ACCOUNT, _key(username))]
    if address:
        keys.append((Scope.ADDRESS, address))
    found = [
        lock
        for scope, key in keys
        if (lock := Lockout.objects.active().filter(scope=scope, key=key).first()) is not None
    ]
    return max(found, key=lambda lock: lock.locked_until, default=None)


def check(username, address):
    """Raise :class:`LoginLocked` if sign-in is refused for this user name or address."""
    if (lock := active_lockout(username, address)) is not None:
        raise LoginLocked(lock)


def _failures_since(scope, key, policy, now):
    since = now - policy.window
    last = Lockout.objects.filter(scope=scope, key=key).order_by("-created").first()
    if last is not None:
        # Failures before the last lock-out (or its unlocking) have been dealt with.
        since = max(since, last.unlocked_at or last.created)
    field = "username" if scope == Scope.ACCOUNT else "address"
    return LoginFailure.objects.filter(**{field: key, "created__gt": since}).count()


def record_failure(username, address):
    """Count one failed sign-in; lock the account or the address when it reaches the limit.
    Returns the new lock-out, if this failure caused one."""
    policy = Policy.current()
    now = timezone.now()
    key = _key(username)
    locked = None
    with transaction.atomic():
        # Failures older than the window no longer count for anything (the audit log keeps
        # its own record of failed sign-ins): drop them as new ones come.
        LoginFailure.objects.filter(created__lt=now - max(policy.window, KEEP_FAILURES)).delete()
        LoginFailure.objects.create(username=key, address=address or "", created=now)
        limits = [(Scope.ACCOUNT, key, policy.max_failures)]
        if address:
            limits.append((Scope.ADDRESS, address, policy.max_failures_per_address))
        for scope, value, limit in limits:
            if _failures_since(scope, value, policy, now) >= limit:
                locked = Lockout(
                    scope=scope, key=value, created=now, locked_until=now + policy.lockout
                )
                if scope == Scope.ACCOUNT:
                    # Not a column: tells the audit log whose auditors are to see the lock-out.
                    locked.organisation_id = (
                        User.objects.filter(username=key)
                        .values_list("organisation_id", flat=True)
                        .first()
                    )
                locked.save()
    return locked


def refuse(request, username):
    """A failed step other than the password (a second-factor code, the current password on
    the change page): counted like a wrong password, and announced like one, so the audit
    log has it too. Returns the new lock-out, if this failure caused one."""
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
    return record_failure(username, client_address(request))


def record_success(username):
    """A correct sign-in: the account's earlier failures no longer count."""
    LoginFailure.objects.filter(username=_key(username)).delete()
