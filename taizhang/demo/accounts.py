"""The demo's accounts: all with the one demo password, hashed once (hashing it anew for each
of some forty users was most of the demo command's time)."""

import functools
import os

from django.contrib.auth.hashers import make_password

from taizhang.org.models import User


def demo_password():
    return os.environ.get("TAIZHANG_DEMO_PASSWORD", "taizhang2026")


@functools.cache
def _hashed(password):
    return make_password(password)


def demo_user(username, **fields):
    """A user who signs in with the demo password (no forced change: demo convenience)."""
    return User.objects.create(username=username, password=_hashed(demo_password()), **fields)
