"""Exchange events (speakers, photos, report, suggestions handed over) and the statistics page.
Thin, like every page: reads go through ``visible_to``, writes through services."""

import re
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from taizhang.org.models import Unit
from taizhang.supervision.forms import MultipleFileField
from taizhang.utils.errors import WorkflowError

from . import rules, services, stats, stats_excel
from .choices import Action, FileKind, MeetingKind
from .models import Mechanism, Meeting, Speaker

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
SPEAKER_SEPARATOR = re.compile(r"[｜|]")
MAX_SPEAKERS = 100

# ---- forms -------------------------------------------------------------------------------------


class SpeakersForm(forms.Form):
    """交流发言, one a line: ``单位或姓名｜交流主题``, or ``单位｜发言人｜交流主题``."""

    speakers = forms.CharField(
        label=gettext_lazy("Speakers"),
        required=False,
        max_length=30000,
        widget=forms.Textarea(attrs={"rows": 8, "class": "form-control"}),
        help_text=gettext_lazy(
            "One a line: “unit or name｜topic”, or “unit｜speaker｜topic”. A unit is written by "
            "its code, name or short name. An empty box removes every speaker."
        ),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_speakers(self):
        lines = [line.strip() for line in self.cleaned_data["speakers"].splitlines()]
        lines = [(n, line) for n, line in enumerate(lines, 1) if line]
        if len(lines) > MAX_SPEAKERS:
            raise forms.ValidationError(
                _("At most %(limit)d speakers, please.") % {"limit": MAX_SPEAKERS}
            )
        units = Unit.objects.filter(organisation=self.organisation).by_name() if lines else {}
        speakers, errors = [], []
        for n, line in lines:
            speaker, error = _speaker(line, units)
            if error:
                errors.append(_("Line %(n)d: %(error)s") % {"n": n, "error": error})
            else:
                speakers.append(speaker)
        if errors:
            raise forms.ValidationError(errors)
        return speakers


def _speaker(line, units):
    """(a speaker for services.set_speakers, None) or (None, what is wrong with the line)."""
    parts = [p.strip() for p in SPEAKER_SEPARATOR.split(line)]
    if len(parts) not in (2, 3):
        return None, _("write “unit or name｜topic” or “unit｜speaker｜topic”.")
    who, topic = parts[0], parts[-1]
    if not who:
        return None, _("name the speaker or their unit before the ｜.")
    if not topic:
        return None, _("say what the speaker shared after the ｜.")
    unit = units.get(who)
    if len(parts) == 3:
        if unit is None:
            return None, _("no unit is called “%(name)s”.") % {"name": who}
        return {"unit": unit, "name": parts[1], "topic": topic}, None
    if unit is not None:
        return {"unit": unit, "topic": topic}, None
    return {"name": who, "topic": topic}, None


def speakers_text(speakers):
    """The speakers as the form writes them, to edit them again."""
    lines = []
    for s in speakers:
        who = [str(s.unit), s.name] if s.unit_id and s.name else [str(s.unit or s.name)]
        lines.append("｜".join([*who, s.topic]))
    return "\n".join(lines)


class ReportForm(forms.Form):
    """活动简报 and the photos of the event."""

    report = forms.CharField(
        label=gettext_lazy("Short report"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10, "class": "form-control"}),
    )
    photos = MultipleFileField(
        label=gettext_lazy("Add photos"),
        required=False,
        help_text=gettext_lazy("Photos of the event (.jpg, .png); they are added to those above."),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].widget.attrs.update(
            {"class": "form-control", "accept": ",".join(PHOTO_SUFFIXES)}
        )

    def clean_photos(self):
        photos = self.cleaned_data["photos"]
        wrong = [p.name for p in photos if Path(p.name).suffix.lower() not in PHOTO_SUFFIXES]
        if wrong:
            raise forms.ValidationError(
                _("Only photos (%(types)s) here: %(names)s.")
                % {"types": " ".join(PHOTO_SUFFIXES), "names": "、".join(wrong)}
            )
        return photos


class HandOverForm(forms.Form):
    """转建言献策: a suggestion made at the event."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    body = forms.CharField(label=gettext_lazy("What was suggested"), max_length=20000)
    submitter_name = forms.CharField(label=gettext_lazy("Made by"), max_length=100, required=False)


# ---- exchange events ---------------------------------------------------------------------------


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
    try:
        services.remove_file(photo, by=request.user, version=request.POST.get("version"))
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


# ---- statistics --------------------------------------------------------------------------------


def _year(request):
    """The year asked for (?year=), else the current one."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _list_url(year, **filters):
    """The meetings held that a figure counts, as the meeting list filters them."""
    query = urlencode({"year": year, "held": "true", **filters})
    return f"{reverse('meetings:list')}?{query}"


def _month_chart(by_month):
    months = [_("Month %(month)d") % {"month": m} for m in range(1, 13)]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": months},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": str(label), "type": "bar", "stack": "held", "data": by_month[kind]}
            for kind, label in MeetingKind.choices
            if kind in by_month
        ],
    }


def _attendance_chart(units):
    rows = [u for u in units if u.invited]
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 24, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "min": 0, "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "yAxis": {"type": "category", "inverse": True, "data": [str(u.unit) for u in rows]},
        "series": [
            {
                "name": str(_("Attendance rate")),
                "type": "bar",
                "data": [u.attendance_rate for u in rows],
                "label": {"show": True, "position": "right", "formatter": "{c}%"},
            }
        ],
    }


@login_required
def stats_page(request):
    """会议统计: a year's meetings held by kind, each mechanism's plan against what was held,
    the decisions and how many are closed, and each unit's attendance and decisions. A fixed
    number of queries, however many meetings, decisions or invited."""
    if not rules.can_see_stats(request.user):
        raise PermissionDenied
    meetings = Meeting.objects.visible_to(request.user)
    years = sorted({d.year for d in meetings.dates("date", "year")} | {timezone.localdate().year})
    year = _year(request)
    figures = stats.organisation_figures(meetings, year)
    mechanisms = stats.mechanism_rows(
        Mechanism.objects.visible_to(request.user).filter(active=True), meetings, year
    )
    units = stats.unit_figures(meetings, year)
    if request.GET.get("export") == "xlsx":
        return stats_excel.stats_response(year, figures, mechanisms, units)
    kinds = [
        (label, figures["kinds"][kind], _list_url(year, kind=kind))
        for kind, label in MeetingKind.choices
        if figures["kinds"][kind]
    ]
    context = {
        "year": year,
        "years": sorted({*years, year}, reverse=True),
        "figures": figures,
        "kinds": kinds,
        "list_url": _list_url(year),
        "export_url": f"?{urlencode({'year': year, 'export': 'xlsx'})}",
        "mechanisms": [(row, _list_url(year, mechanism=row.mechanism.pk)) for row in mechanisms],
        "units": units,
        "charts": {
            "months": _month_chart(stats.held_by_month(meetings, year)),
            "attendance": _attendance_chart(units),
        },
    }
    return render(request, "meetings/stats.html", context)
