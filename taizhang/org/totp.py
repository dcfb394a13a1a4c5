"""TOTP second factor (RFC 6238, the six-digit codes of any authenticator app)."""

import datetime

import pyotp
from django.db import transaction

from .models import User

ISSUER = "taizhang"


def new_secret():
    return pyotp.random_base32()


def provisioning_uri(user, secret):
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def _clean(code):
    return (code or "").strip().replace(" ", "")


def matching_step(secret, code):
    """The time step whose code is ``code`` (the current one, or one step either side for a
    clock a little off), else None."""
    code = _clean(code)
    if not secret or len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(datetime.datetime.now())
    for step in (now - 1, now, now + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


@transaction.atomic
def verify(user, code):
    """Check a sign-in code of an enrolled user; each code is accepted once only."""
    step = matching_step(user.totp_secret, code)
    if step is None:
        return False
    last = User.objects.select_for_update().values_list("totp_last_step", flat=True).get(pk=user.pk)
    if step <= last:
        return False
    # Bookkeeping against replay, not a change anyone made: a plain UPDATE.
    User.objects.filter(pk=user.pk).update(totp_last_step=step)
    user.totp_last_step = step
    return True
