"""Exchange events' pages: speakers, photos, report, and suggestions handed over.
Thin, like every page: reads go through ``visible_to``, writes through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.utils.errors import WorkflowError

from . import rules, services
from .choices import Action, FileKind
from .forms import HandOverForm, ReportForm, SpeakersForm, VersionForm, speakers_text
from .models import Meeting, Speaker


def _managed_event(request, pk):
    """The exchange event if the user may see it (404 otherwise) and manage it (403)."""
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).for_lists(), pk=pk)
    if not meeting.is_exchange_event:
        raise Http404
    if not rules.can_manage(request.user, meeting):
        raise PermissionDenied
    return meeting


def _render_event(
    request, meeting, *, status=200, speakers_form=None, report_form=None, hand_over_form=None
):
    speakers = list(Speaker.objects.filter(meeting=meeting).select_related("unit"))
    initial = {"version": meeting.version}
    context = {
        "meeting": meeting,
        "speakers_form": speakers_form
        or SpeakersForm(
            initial={**initial, "speakers": speakers_text(speakers)},
            organisation=meeting.organisation,
        ),
        "report_form": report_form or ReportForm(initial={**initial, "report": meeting.report}),
        "hand_over_form": hand_over_form,
        "can_hand_over": rules.can(request.user, Action.TO_SUGGESTION, meeting),
        "hand_over_why_not": rules.why_not(request.user, Action.TO_SUGGESTION, meeting),
    }
    return render(request, "meetings/event_edit.html", context, status=status)


def _save(form, action):
    """Run the service with the form's data: None when done, else the response's status (the
    form then shows why)."""
    if not form.is_valid():
        return 400
    try:
        action(form.cleaned_data)
    except WorkflowError as exc:
        form.add_error(None, exc.message)
        return exc.status_code
    return None


@login_required
def event_edit(request, pk):
    """The secretariat keeps an exchange event's speakers, report and photos."""
    meeting = _managed_event(request, pk)
    if request.method != "POST":
        return _render_event(request, meeting)
    if request.POST.get("part") == "remove_photo":
        return _remove_photo(request, meeting)
    if request.POST.get("part") == "report":
        form = ReportForm(request.POST, request.FILES)
        failed = _save(
            form,
            lambda data: services.save_report(
                meeting,
                by=request.user,
                report=data["report"],
                files=data["photos"],
                version=data["version"],
            ),
        )
        if failed:
            return _render_event(request, meeting, status=failed, report_form=form)
        messages.success(request, _("The report is saved."))
    else:
        form = SpeakersForm(request.POST, organisation=meeting.organisation)
        failed = _save(
            form,
            lambda data: services.set_speakers(
                meeting, by=request.user, speakers=data["speakers"], version=data["version"]
            ),
        )
        if failed:
            return _render_event(request, meeting, status=failed, speakers_form=form)
        messages.success(request, _("The speakers are saved."))
    return redirect("meetings:event", pk=meeting.pk)


def _remove_photo(request, meeting):
    pk = request.POST.get("file", "")
    if not pk.isdigit():
        raise Http404
    photo = get_object_or_404(meeting.files.filter(kind=FileKind.PHOTO), pk=pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["version"]))
        return _render_event(request, meeting, status=400)
    try:
        services.remove_file(photo, by=request.user, version=form.cleaned_data["version"])
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The photo “%(name)s” is removed.") % {"name": photo.name})
    return redirect("meetings:event", pk=meeting.pk)


@require_POST
@login_required
def hand_over(request, pk):
    """转建言献策: the suggestion goes to the 建言献策 ledger, linked to the event."""
    meeting = _managed_event(request, pk)
    form = HandOverForm(request.POST)
    suggestion = None

    def create(data):
        nonlocal suggestion
        suggestion = services.hand_over_suggestion(meeting, by=request.user, **data)

    if failed := _save(form, create):
        return _render_event(request, meeting, status=failed, hand_over_form=form)
    messages.success(
        request,
        _("Handed over to 建言献策 as suggestion %(number)s.") % {"number": suggestion.number},
    )
    return redirect(suggestion)
