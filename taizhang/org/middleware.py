import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from taizhang.utils.htmx import is_htmx

# The session's idle clock is written at most this often (seconds), not on every request.
REFRESH_EVERY = 60
LAST_SEEN = "taizhang_last_seen"


def _is_api(request):
    return request.path.startswith("/api/")


def _leave(response, request):
    """A redirect that also works for htmx, which would otherwise swap the target page into
    a fragment of the current one."""
    if is_htmx(request):
        return HttpResponse(status=204, headers={"HX-Redirect": response.url})
    return response


def start_idle_clock(sender, request, user, **kwargs):
    """On sign-in (``user_logged_in``): the session's idle clock starts now."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())


class IdleTimeoutMiddleware:
    """Sign out a session unused for ``TAIZHANG_SESSION_IDLE_MINUTES`` (等保2.0: 登录连接超时).

    The session cookie and the stored session expire after the same time; refreshing the
    session once a minute keeps an active user signed in without a write on every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            idle = settings.TAIZHANG_SESSION_IDLE_MINUTES * 60
            if last is not None and now - last > idle:
                logout(request)
                if _is_api(request):
                    return JsonResponse({"detail": _("Your session has expired.")}, status=401)
                messages.info(
                    request,
                    _("You were signed out after %(minutes)d minutes without activity.")
                    % {"minutes": settings.TAIZHANG_SESSION_IDLE_MINUTES},
                )
                return _leave(redirect_to_login(request.get_full_path()), request)
            if last is None or now - last >= REFRESH_EVERY:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Until a user with an initial or reset password has chosen their own, every page leads
    to the password page and the API answers 403."""

    allowed = ("password_change", "logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.must_change_password and not self._allowed(request):
            if _is_api(request):
                return JsonResponse(
                    {"detail": _("You must change your password first.")}, status=403
                )
            return _leave(redirect("password_change"), request)
        return self.get_response(request)

    def _allowed(self, request):
        paths = {reverse(name) for name in self.allowed}
        return request.path in paths or request.path.startswith(settings.STATIC_URL)
