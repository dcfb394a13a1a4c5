"""三员分立 in the application: the system administrator's users and units, the security
administrator's roles, lock-outs and password policy. Each page is its organisation's only."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from . import services
from .choices import Role
from .forms import NewUserForm, ResetPasswordForm, RoleForm, UnitForm, UserForm
from .models import Unit, User
from .views import unit_tree


def role_required(role):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if request.user.role != role or request.user.organisation_id is None:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _org_users(request):
    return User.objects.filter(organisation_id=request.user.organisation_id)


def _save(form, action):
    """Run a service with the form's data; its refusals become the form's errors."""
    try:
        return action()
    except ValidationError as error:
        form.add_error(None, error)
    return None


# --- system administrator -----------------------------------------------------------------


@role_required(Role.ADMIN)
def users(request):
    rows = _org_users(request).prefetch_related("units").order_by("role", "username")
    return render(request, "manage/users.html", {"users": rows})


@role_required(Role.ADMIN)
@sensitive_post_parameters("password")
def user_create(request):
    org = request.user.organisation
    form = NewUserForm(request.POST or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = _save(
            form,
            lambda: services.create_user(
                by=request.user,
                username=data["username"],
                password=data["password"],
                display_name=data["display_name"],
                phone=data["phone"],
                units=data["units"],
            ),
        )
        if user is not None:
            messages.success(request, _("User %(user)s created.") % {"user": user.username})
            return redirect("manage:users")
    return render(request, "manage/user_form.html", {"form": form, "new": True})


@role_required(Role.ADMIN)
def user_edit(request, pk):
    user = get_object_or_404(_org_users(request), pk=pk)
    form = UserForm(request.POST or None, instance=user, organisation=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _save(
            form,
            lambda: services.update_user(
                User.objects.get(pk=user.pk),
                by=request.user,
                display_name=data["display_name"],
                phone=data["phone"],
                is_active=data["is_active"],
                units=data["units"],
            ),
        )
        if saved is not None:
            messages.success(request, _("User %(user)s saved.") % {"user": user.username})
            return redirect("manage:users")
    reset = ResetPasswordForm(user=user)
    context = {"form": form, "reset": reset, "managed": user, "new": False}
    return render(request, "manage/user_form.html", context)


@require_POST
@role_required(Role.ADMIN)
@sensitive_post_parameters("password")
def user_reset_password(request, pk):
    user = get_object_or_404(_org_users(request), pk=pk)
    reset = ResetPasswordForm(request.POST, user=user)
    if reset.is_valid() and _save(
        reset,
        lambda: services.reset_password(user, reset.cleaned_data["password"], by=request.user),
    ):
        messages.success(
            request,
            _("The password of %(user)s has been reset; they must change it at sign-in.")
            % {"user": user.username},
        )
        return redirect("manage:users")
    form = UserForm(instance=user, organisation=request.user.organisation)
    context = {"form": form, "reset": reset, "managed": user, "new": False}
    return render(request, "manage/user_form.html", context, status=400)


@role_required(Role.ADMIN)
def units(request):
    rows = Unit.objects.filter(organisation_id=request.user.organisation_id)
    return render(request, "manage/units.html", {"tree": unit_tree(rows)})


@role_required(Role.ADMIN)
def unit_edit(request, pk=None):
    org = request.user.organisation
    unit = get_object_or_404(Unit, pk=pk, organisation=org) if pk else Unit(organisation=org)
    form = UnitForm(request.POST or None, instance=unit, organisation=org)
    if request.method == "POST" and form.is_valid():
        saved = _save(form, lambda: services.save_unit(form.instance, by=request.user))
        if saved is not None:
            messages.success(request, _("Unit %(unit)s saved.") % {"unit": saved.name})
            return redirect("manage:units")
    return render(request, "manage/unit_form.html", {"form": form, "unit": unit})


# --- security administrator -----------------------------------------------------------------


def password_policy():
    """The rules in force, as the security administrator reads them."""
    return {
        "rules": password_validators_help_texts(),
        "max_failures": settings.TAIZHANG_LOGIN_MAX_FAILURES,
        "max_failures_per_address": settings.TAIZHANG_LOGIN_MAX_FAILURES_PER_ADDRESS,
        "window": settings.TAIZHANG_LOGIN_FAILURE_WINDOW_MINUTES,
        "lockout": settings.TAIZHANG_LOCKOUT_MINUTES,
        "idle": settings.TAIZHANG_SESSION_IDLE_MINUTES,
        "token_days": settings.TAIZHANG_API_TOKEN_DAYS,
    }


@role_required(Role.SECURITY)
def security_overview(request):
    context = {
        "users": _org_users(request).order_by("role", "username"),
        "roles": Role.choices,
        "lockouts": services.lockouts_visible_to(request.user).order_by("-created"),
        "policy": password_policy(),
    }
    return render(request, "manage/security.html", context)


@require_POST
@role_required(Role.SECURITY)
def change_role(request, pk):
    user = get_object_or_404(_org_users(request), pk=pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown role."))
        return redirect("manage:security")
    try:
        services.change_role(user, form.cleaned_data["role"], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(user)s is now %(role)s.")
            % {"user": user.username, "role": user.get_role_display()},
        )
    return redirect("manage:security")


@require_POST
@role_required(Role.SECURITY)
def unlock(request, pk):
    lockout = get_object_or_404(services.lockouts_visible_to(request.user), pk=pk)
    services.unlock(lockout, by=request.user)
    messages.success(request, _("%(key)s has been unlocked.") % {"key": lockout.key})
    return redirect("manage:security")
