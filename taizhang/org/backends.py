from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from taizhang.utils.addresses import client_address

from . import security


class LockoutBackend(ModelBackend):
    """Django's user-and-password check behind the lock-out of repeated failures.

    While the account or the address is locked the password is not even checked. The
    lock-out, if any, is left on ``request.login_lockout`` for the page or API to explain.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        address = client_address(request)
        try:
            security.check(username, address)
        except security.LoginLocked as locked:
            _tell(request, locked.lockout)
            raise PermissionDenied(locked.message) from None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            if (lock := security.record_failure(username, address)) is not None:
                _tell(request, lock)
            return None
        if not user.has_totp:
            # With a second factor, sign-in succeeds only once the code is right too.
            security.record_success(username)
        return user


def _tell(request, lockout):
    if request is not None:
        request.login_lockout = lockout
