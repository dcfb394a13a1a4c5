"""Signing in (password, then the second factor if enrolled) and one's own account: password,
second factor, API tokens."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from taizhang.utils.addresses import client_address

from . import security, services, totp
from .choices import Role
from .forms import CodeForm, LoginForm, OwnPasswordForm
from .models import ApiToken, User

PENDING = "taizhang_second_factor"
PENDING_SECONDS = 300
ENROLMENT = "taizhang_totp_enrolment"
NEW_TOKEN = "taizhang_new_api_token"

# Where each administrator starts; everyone else starts on their to-do list.
HOME_BY_ROLE = {
    Role.ADMIN: "manage:users",
    Role.SECURITY: "manage:security",
    Role.AUDITOR: "audit:log",
    Role.SUBMITTER: "suggestions:list",
}


def home_url(user):
    return resolve_url(HOME_BY_ROLE.get(user.role, "supervision:todo"))


@login_required
def home(request):
    return redirect(home_url(request.user))


class LoginView(auth_views.LoginView):
    """Password first; an enrolled user then gives the six-digit code on the next page."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not user.has_totp:
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_redirect_url(),
            "at": int(time.time()),
        }
        return redirect("login_code")

    def get_default_redirect_url(self):
        return home_url(self.request.user)


def _pending_user(request):
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None, None
    return User.objects.filter(pk=pending["user"], is_active=True).first(), pending


@never_cache
@sensitive_post_parameters("code")
def login_code(request):
    """The second step of signing in: the authenticator app's code."""
    user, pending = _pending_user(request)
    if user is None:
        request.session.pop(PENDING, None)
        messages.info(request, _("Please sign in again."))
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address = client_address(request)
        try:
            security.check(user.username, address)
        except security.LoginLocked as locked:
            form.add_error(None, locked.message)
        else:
            if totp.verify(user, form.cleaned_data["code"]):
                del request.session[PENDING]
                security.record_success(user.username)
                login(request, user, backend=pending["backend"])
                target = pending.get("next")
                if not (target and url_has_allowed_host_and_scheme(target, {request.get_host()})):
                    target = home_url(user)
                return redirect(target)
            lockout = security.refuse(request, user.username)
            form.add_error(
                None,
                security.locked_message(lockout) if lockout else _("Wrong code. Try again."),
            )
    return render(request, "registration/login_code.html", {"form": form})


def set_language(request):
    """The menu's language choice: Django's view (the cookie), and for a signed-in person their
    saved language, in which their notifications are written."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if (
        request.method == "POST"
        and user.is_authenticated
        and language != user.language
        and translation.check_for_language(language)
        and language in {code for code, _name in settings.LANGUAGES}
    ):
        services.set_language(user, language)
    return response


@login_required
def account(request):
    tokens = request.user.api_tokens.usable().count()
    return render(request, "accounts/account.html", {"usable_tokens": tokens})


@never_cache
@login_required
@sensitive_post_parameters()
def password_change(request):
    form = OwnPasswordForm(request.user, request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        services.change_password(request.user, form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(
            request, _("Your password has been changed. Your API tokens have been revoked.")
        )
        return redirect(home_url(request.user))
    return render(request, "registration/password_change.html", {"form": form})


@never_cache
@login_required
def two_factor(request):
    """Enrol in (or leave) the TOTP second factor. The secret is kept in the session until a
    code from the app proves it was copied right."""
    user = request.user
    form = CodeForm(request.POST or None)
    if user.has_totp:
        if request.method == "POST" and form.is_valid():
            if totp.matching_step(user.totp_secret, form.cleaned_data["code"]) is not None:
                services.disable_totp(user)
                messages.success(request, _("The second factor is off."))
                return redirect("account")
            form.add_error("code", _("Wrong code. Try again."))
        return render(request, "accounts/two_factor.html", {"form": form, "enrolled": True})
    secret = request.session.get(ENROLMENT) or totp.new_secret()
    request.session[ENROLMENT] = secret
    if request.method == "POST" and form.is_valid():
        if totp.matching_step(secret, form.cleaned_data["code"]) is not None:
            services.enable_totp(user, secret)
            del request.session[ENROLMENT]
            messages.success(request, _("The second factor is on: sign-in now asks for a code."))
            return redirect("account")
        form.add_error("code", _("Wrong code. Try again."))
    context = {
        "form": form,
        "enrolled": False,
        "secret": secret,
        "uri": totp.provisioning_uri(user, secret),
    }
    return render(request, "accounts/two_factor.html", context)


@never_cache
@login_required
def api_tokens(request):
    """The owner's tokens. A new key is kept in the session for the one page that shows it
    (post, redirect, get: reloading the page does not make another token)."""
    if request.method == "POST":
        token, key = services.create_api_token(request.user, request.POST.get("name", ""))
        request.session[NEW_TOKEN] = {"pk": token.pk, "key": key}
        return redirect("api_tokens")
    created = None
    if new := request.session.pop(NEW_TOKEN, None):
        token = request.user.api_tokens.filter(pk=new["pk"]).first()
        created = {"token": token, "key": new["key"]} if token else None
    tokens = request.user.api_tokens.all()
    return render(request, "accounts/api_tokens.html", {"tokens": tokens, "created": created})


@require_POST
@login_required
def api_token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_token(token, by=request.user)
    messages.success(request, _("The token has been revoked."))
    return redirect("api_tokens")
