"""The inbox; what the organisation's notifications sent, by every channel (for its
administrators); and the pages that configure the channels: the organisation's group robots,
its notification settings, each person's preferences."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from . import deliveries, email, robots, sms
from .choices import KIND_LABELS, ChannelKind, kind_of
from .filters import DeliveryFilterSet, of_kind
from .forms import CONFIGURABLE, PreferenceForm, RobotChangeForm, RobotForm, SettingsForm
from .models import OrganisationSettings, Preference
from .services import mark_read

PAGE_SIZE = 30
DELIVERIES_PAGE_SIZE = 50


def _kinds_present(notifications):
    """``[(kind, label)]`` of the kinds among ``notifications``, in the labels' order (kinds
    without a label of their own counted as "other")."""
    kinds = notifications.order_by().values_list("kind", flat=True).distinct()
    present = {kind_of(kind) for kind in kinds}
    return [(kind, label) for kind, label in KIND_LABELS.items() if kind in present]


@login_required
def notification_list(request):
    """The inbox, newest first; ``?kind=`` one kind, ``?unread=1`` the unread only."""
    mine = request.user.notifications.all()
    kinds = _kinds_present(mine)
    chosen = request.GET.get("kind", "")
    shown = mine
    if chosen in dict(kinds):
        shown = of_kind(shown, chosen)
    else:
        chosen = ""
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        shown = shown.filter(read_at__isnull=True)
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "kinds": kinds,
        "chosen_kind": chosen,
        "unread_only": unread_only,
        "may_see_deliveries": robots.may_keep_channels(request.user),
    }
    return render(request, "notify/list.html", context)


@require_POST
@login_required
def notification_read(request, pk=None):
    mark_read(request.user, pk)
    target = request.POST.get("next") or ""
    # Only a path of this site: a browser takes `/\evil.example` for another host.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts=None, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notify:list")


# Configuring the channels -----------------------------------------------------------------


def allowed(predicate):
    """Signed in (else the login page) and allowed by ``predicate`` (else 403)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def backends_available():
    """Whether this installation can send e-mail and SMS (their backends configured)."""
    return {ChannelKind.EMAIL: email.available(), ChannelKind.SMS: sms.available()}


def _robot(request, pk):
    return get_object_or_404(robots.robots_of(request.user.organisation_id), pk=pk)


def _save(form, action):
    """Run a service with the form's data; its refusals become the form's errors."""
    try:
        return action()
    except ValidationError as error:
        form.add_error(None, error)
    return None


def _context(request, **extra):
    """What every page of the settings shows: the tabs the user may open."""
    return {
        "may_keep_channels": robots.may_keep_channels(request.user),
        "may_change_settings": robots.may_change_settings(request.user),
        **extra,
    }


@allowed(robots.may_keep_channels)
def robot_list(request):
    rules = OrganisationSettings.of(request.user.organisation_id)
    rows = list(
        robots.robots_of(request.user.organisation_id).order_by(
            F("unit__sort_order").asc(nulls_first=True), "unit__code", "kind", "pk"
        )
    )
    for robot in rows:
        robot.colour = ChannelKind.colour(robot.kind)
        robot.in_use = rules.uses(robot.kind)
    context = _context(request, robots=rows, now=timezone.now(), tab="robots")
    return render(request, "notify/robots.html", context)


@allowed(robots.may_keep_channels)
@sensitive_post_parameters("url", "secret")
def robot_add(request):
    organisation = request.user.organisation
    form = RobotForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        robot = _save(
            form,
            lambda: robots.add_robot(
                organisation=organisation,
                unit=data["unit"],
                kind=data["kind"],
                url=data["url"],
                secret=data["secret"],
                name=data["name"],
                by=request.user,
            ),
        )
        if robot is not None:
            messages.success(request, _("Group robot %(robot)s added.") % {"robot": robot})
            return redirect("notify:robots")
    return render(request, "notify/robot_form.html", _context(request, form=form, tab="robots"))


@allowed(robots.may_keep_channels)
@sensitive_post_parameters("url", "secret")
def robot_edit(request, pk):
    robot = _robot(request, pk)
    initial = {"name": robot.name, "is_active": robot.is_active}
    form = RobotChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _save(
            form,
            lambda: robots.change_robot(
                robot,
                by=request.user,
                url=data["url"],
                secret=data["secret"],
                forget_secret=data["forget_secret"],
                name=data["name"],
                is_active=data["is_active"],
            ),
        )
        if saved is not None:
            messages.success(request, _("Group robot %(robot)s saved.") % {"robot": saved})
            return redirect("notify:robots")
    context = _context(request, form=form, robot=robot, tab="robots")
    return render(request, "notify/robot_form.html", context)


@allowed(robots.may_keep_channels)
def robot_delete(request, pk):
    robot = _robot(request, pk)
    if request.method == "POST":
        label = str(robot)
        robots.remove_robot(robot, by=request.user)
        messages.success(request, _("Group robot %(robot)s deleted.") % {"robot": label})
        return redirect("notify:robots")
    return render(request, "notify/robot_delete.html", _context(request, robot=robot))


@require_POST
@allowed(robots.may_keep_channels)
def robot_test(request, pk):
    robot = _robot(request, pk)
    answer = robots.send_test(robot, by=request.user)
    if answer.ok:
        messages.success(request, _("Test message sent to %(robot)s.") % {"robot": robot})
    else:
        messages.error(
            request,
            _("The test message to %(robot)s was not sent: %(answer)s")
            % {"robot": robot, "answer": answer.text},
        )
    return redirect("notify:robots")


@allowed(robots.may_change_settings)
def organisation_settings(request):
    rules = OrganisationSettings.of(request.user.organisation_id)
    form = SettingsForm(request.POST or None, instance=rules, available=backends_available())
    saving = request.method == "POST" and form.is_valid()
    if saving and _save(form, lambda: robots.save_settings(form.instance, by=request.user)):
        messages.success(request, _("Notification settings saved."))
        return redirect("notify:settings")
    return render(request, "notify/settings.html", _context(request, form=form, tab="settings"))


def preference_notes(user, rules, available):
    """Beside each choice: where it goes (the address on record), or why it cannot."""
    notes = {
        "email": _("Sent to the address above.") if user.email else _("Enter your address above."),
        "sms": _("Sent to the number above.") if user.phone else _("Enter your number above."),
        "quiet_hours": _("From %(start)s to %(end)s, messages that are not urgent wait.")
        % {"start": rules.quiet_start.strftime("%H:%M"), "end": rules.quiet_end.strftime("%H:%M")},
        "digest": _("E-mails and SMS folded into one, at %(time)s on working days.")
        % {"time": rules.digest_at.strftime("%H:%M")},
    }
    for name, kind in PREFERENCE_CHANNELS.items():
        note = [str(notes.get(name, PLATFORM_ID_HELP))]
        if not rules.uses(kind):
            note.append(_("Your organisation does not use %(channel)s.") % {"channel": kind.label})
        elif not available.get(kind, True):
            note.append(_("Not configured on this installation."))
        notes[name] = " ".join(str(part) for part in note)
    return notes


PREFERENCE_CHANNELS = {
    "email": ChannelKind.EMAIL,
    "sms": ChannelKind.SMS,
    "wecom_user_id": ChannelKind.WECOM,
    "dingtalk_user_id": ChannelKind.DINGTALK,
    "feishu_open_id": ChannelKind.FEISHU,
}
PLATFORM_ID_HELP = gettext_lazy("So that your unit's group robot can @ you there.")


def _save_own(form):
    data = form.cleaned_data
    return robots.save_preference(
        form.instance, by=form.instance.user, email=data["address"], phone=data["phone"]
    )


@login_required
def preferences(request):
    user = request.user
    rules = OrganisationSettings.of(user.organisation_id)
    notes = preference_notes(user, rules, backends_available())
    form = PreferenceForm(request.POST or None, instance=Preference.of(user), notes=notes)
    if request.method == "POST" and form.is_valid() and _save(form, lambda: _save_own(form)):
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notify:preferences")
    unused = [kind.label for kind in CONFIGURABLE if not rules.uses(kind)]
    context = _context(request, form=form, unused=unused, tab="preferences")
    return render(request, "notify/preferences.html", context)


@allowed(robots.may_keep_channels)
def delivery_list(request):
    """送达情况: every delivery of the organisation, for its system administrators and
    supervisors, with counts per status (under the other filters) and the filters."""
    everything = deliveries.of_organisation(request.user)
    filterset = DeliveryFilterSet(request.GET, queryset=everything, user=request.user)
    rows = filterset.qs if filterset.is_valid() else everything.none()
    other_filters = request.GET.copy()
    other_filters.pop("status", None)
    counted = DeliveryFilterSet(other_filters, queryset=everything, user=request.user)
    counts = deliveries.status_counts(counted.qs if counted.is_valid() else everything.none())
    page = Paginator(deliveries.listed(rows), DELIVERIES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = _context(request, page=page, filterset=filterset, counts=counts, tab="deliveries")
    return render(request, "notify/deliveries.html", context)
