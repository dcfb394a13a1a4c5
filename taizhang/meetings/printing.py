"""Printed 会议通知 and 签到表 (A4), and the phone sign-in page the sheet's QR code opens.

The two printed pages are the secretariat's (and the leaders'). The sign-in page is the one
page of meetings that works without logging in: whoever holds the meeting's sign-in token
(printed as a QR code on the sheet) may mark one invitation present, on the meeting's day. It
shows nothing but the invitees' names: no affiliation, contact, reply nor attendance."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from taizhang.org.models import Unit
from taizhang.utils.errors import WorkflowError

from . import rules, services
from .models import Meeting


def may_print(user):
    """Who prints the notice and the sign-in sheet: the secretariat and the leaders. The
    meeting page shows the print buttons by this same rule."""
    return user.is_authenticated and user.sees_whole_organisation


def _printable(request, pk):
    """The meeting, for the secretariat and the leaders; 404 to whoever does not see it."""
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related(
            "organisation", "mechanism", "convener", "chair"
        ),
        pk=pk,
    )
    if not may_print(request.user):
        raise PermissionDenied(
            _("Only the secretariat and the leaders print the meeting's papers.")
        )
    return meeting


def _invitees(meeting):
    return list(
        meeting.invitees.select_related("unit", "user").prefetch_related(
            Prefetch("user__units", queryset=Unit.objects.order_by("code"))
        )
    )


def _affiliation(invitee):
    if invitee.unit_id:
        return ""
    if invitee.user_id:
        return "、".join(str(u) for u in invitee.user.units.all())
    return invitee.guest_affiliation


def sign_in_url(meeting):
    return reverse("meetings:sign_in", args=[meeting.pk, meeting.sign_in_token])


def _notice_body(meeting, agenda):
    """The notice's text and which of time, place and agenda the table below it gives: each
    is printed once. The usual wording keeps its opening line and leaves them to the table; a
    text of the secretary's own is printed whole, the table giving only what it does not say."""
    default = services.default_notice(meeting)
    text = meeting.notice_text or default
    if text == default:
        return {
            "text": text.splitlines()[0],
            "show_when": True,
            "show_where": True,
            "show_agenda": True,
        }
    dates = (
        meeting.date.isoformat(),
        f"{meeting.date.year}年{meeting.date.month}月{meeting.date.day}日",
    )
    return {
        "text": text,
        "show_when": not any(d in text for d in dates),
        "show_where": not (meeting.place and meeting.place in text),
        "show_agenda": not (agenda and all(item.title in text for item in agenda)),
    }


@login_required
def notice(request, pk):
    """会议通知, one A4 sheet: who convenes, the text, when, where, the agenda, the invited."""
    meeting = _printable(request, pk)
    invitees = _invitees(meeting)
    agenda = list(meeting.agenda.all())
    context = {
        "meeting": meeting,
        "issuer": meeting.convener
        or (meeting.mechanism.convening_unit if meeting.mechanism else None),
        **_notice_body(meeting, agenda),
        "agenda": agenda,
        "units": [i for i in invitees if i.unit_id],
        "people": [i for i in invitees if not i.unit_id],
        "date": (
            timezone.localtime(meeting.notice_sent_at).date()
            if meeting.notice_sent_at
            else timezone.localdate()
        ),
    }
    return render(request, "meetings/print_notice.html", context)


@login_required
def sign_in_sheet(request, pk):
    """签到表: every invited with blank cells to sign, and the QR code for phones."""
    meeting = _printable(request, pk)
    rows = [(i, _affiliation(i)) for i in _invitees(meeting)]
    context = {
        "meeting": meeting,
        "rows": rows,
        "qr_url": request.build_absolute_uri(sign_in_url(meeting)),
        "blank_rows": range(max(0, 3 - len(rows)) + 2),  # for those who come uninvited
    }
    return render(request, "meetings/print_sign_in_sheet.html", context)


def _by_token(pk, token):
    meeting = Meeting.objects.filter(pk=pk).select_related("organisation").first()
    if meeting is None or not secrets.compare_digest(str(token), meeting.sign_in_token):
        raise Http404
    return meeting


def _mine(request, meeting, invitees):
    """The logged-in user's own invitations among this meeting's (the one-button sign-in)."""
    user = request.user
    if not user.is_authenticated or user.organisation_id != meeting.organisation_id:
        return []
    mine = {i.pk for i in rules.my_invitations(user, meeting)}
    return [i for i in invitees if i.pk in mine]


@never_cache
def sign_in(request, pk, token):
    """扫码签到 on a phone: pick one's name (or unit, and write one's name), and sign in."""
    meeting = _by_token(pk, token)
    # Names only: the template gets nothing else of an invitation than its pk and name.
    invitees = list(meeting.invitees.select_related("unit", "user"))
    mine = _mine(request, meeting, invitees)
    status = 200
    chosen, name = None, ""
    if request.method == "POST":
        chosen = request.POST.get("invitee", "")
        name = request.POST.get("name", "")
        if request.POST.get("mine") and mine:
            own = next((i for i in mine if str(i.pk) == chosen), None)
            if own is not None and own.unit_id:
                name = str(request.user)
        try:
            row = services.sign_in(meeting, token=token, invitee=_pk(chosen), name=name)
        except WorkflowError as exc:
            messages.error(request, exc.message)
            status = exc.status_code
        else:
            signed = row.name + (f"（{row.attended_by}）" if row.attended_by else "")
            messages.success(
                request, _("Thank you, %(name)s: you are signed in.") % {"name": signed}
            )
            return redirect(f"{sign_in_url(meeting)}?done=1")
    context = {
        "meeting": meeting,
        "open": services.sign_in_open(meeting),
        "closed_reason": _("Sign-in is open on the day of the meeting only."),
        "choices": [(i.pk, i.name, bool(i.unit_id)) for i in invitees],
        "mine": [(i.pk, i.name, bool(i.unit_id)) for i in mine],
        "done": request.GET.get("done") == "1",
        "chosen": chosen,
        "name": name,
    }
    response = render(request, "meetings/sign_in.html", context, status=status)
    # The token is in the address: no other site learns it from a Referer header. (Not
    # "no-referrer": the browser would then send "Origin: null" and fail the CSRF check.)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _pk(value):
    return int(value) if str(value).isdigit() else None
