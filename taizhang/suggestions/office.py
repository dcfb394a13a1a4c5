"""The office's tools on the 建言献策台账: Excel export and import, the statistics page, the
printable receipt and reply letter, and the follow-up list. Thin, like every page: reads go
through ``visible_to``, writes through services."""

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from taizhang.org.models import Unit
from taizhang.utils.errors import WorkflowError

from . import excel, rules, services, stats
from .choices import Channel, Rating, ReplyClass, Status
from .filters import SuggestionFilterSet
from .models import Suggestion

CLAIM_CODES = "taizhang_claim_codes"  # session key the create view stores new codes under
FOLLOW_UP_SOON_DAYS = 14


def _visible(request):
    return Suggestion.objects.visible_to(request.user)


def _office_only(user):
    if not rules.can_enter(user):
        raise PermissionDenied


# ---- Excel -------------------------------------------------------------------------------------


def _export_queryset(request):
    """The ledger as the list page filters it."""
    return SuggestionFilterSet(request.GET, queryset=_visible(request), user=request.user).qs


@login_required
def export(request):
    try:
        return excel.ledger_response(_export_queryset(request))
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('suggestions:list')}?{request.GET.urlencode()}")


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"))


@login_required
def import_page(request):
    _office_only(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            created = excel.import_upload(form.cleaned_data["file"], by=request.user)
        except excel.ImportFailed as exc:
            errors = exc.errors
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("%(count)d suggestions imported.") % {"count": len(created)}
            )
            return redirect("suggestions:list")
    context = {"form": form, "errors": errors, "headers": excel.IMPORT_HEADERS}
    return render(request, "suggestions/office/import.html", context)


@login_required
def import_template(request):
    _office_only(request.user)
    return excel.template_response()


# ---- statistics --------------------------------------------------------------------------------


class PeriodForm(forms.Form):
    """The period of the figures, on the date received: a year, or from–to."""

    year = forms.IntegerField(
        label=gettext_lazy("Year"), required=False, min_value=2000, max_value=2100
    )
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data

    def period(self):
        """(first day, last day), either may be None; this year when nothing was chosen."""
        if not self.is_bound:
            year = timezone.localdate().year
            return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        if not self.is_valid():
            return None, None
        data = self.cleaned_data
        if data.get("start") or data.get("end"):
            return data.get("start"), data.get("end")
        if data.get("year"):
            return datetime.date(data["year"], 1, 1), datetime.date(data["year"], 12, 31)
        return None, None


def _in_period(queryset, start, end):
    if start:
        queryset = queryset.filter(received_on__gte=start)
    if end:
        queryset = queryset.filter(received_on__lte=end)
    return queryset


def _labelled(rows, by):
    """Each breakdown row with a label for people: a unit's name, a channel's label, YYYY-MM."""
    if by == "unit":
        names = dict(
            Unit.objects.filter(pk__in=[r["key"] for r in rows if r["key"]]).values_list(
                "pk", "name"
            )
        )
    for row in rows:
        key = row["key"]
        if by == "unit":
            row["label"] = names.get(key, "") if key else _("(not assigned)")
        elif by == "channel":
            row["label"] = Channel(key).label if key in Channel.values else key
        elif by == "month":
            row["label"] = key.strftime("%Y-%m") if key else ""
        else:
            row["label"] = key or _("(no topic)")
    return rows


def _counts(queryset, field, choices):
    found = dict(
        queryset.exclude(**{field: ""}).order_by().values_list(field).annotate(n=Count("pk"))
    )
    return [(choices(value).label, found.get(value, 0)) for value in choices.values]


def _pie(name, pairs):
    return {
        "tooltip": {"trigger": "item"},
        "legend": {"bottom": 0},
        "series": [
            {
                "name": name,
                "type": "pie",
                "radius": ["35%", "65%"],
                "data": [{"name": label, "value": n} for label, n in pairs if n],
            }
        ],
    }


def _charts(tables, reply_classes, ratings):
    """The ECharts options drawn from the page's own figures (the tables stay the record)."""
    units, months = tables["unit"], tables["month"]
    bar_series = [
        (str(_("Received")), "received"),
        (pgettext("suggestion figures", "Accepted"), "accepted"),
        (str(_("Adopted")), "adopted"),
    ]
    return {
        "units": {
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 8, "right": 8, "bottom": 8, "containLabel": True},
            "xAxis": {"type": "value", "minInterval": 1},
            "yAxis": {"type": "category", "data": [r["label"] for r in units], "inverse": True},
            "series": [
                {"name": name, "type": "bar", "data": [r[key] for r in units]}
                for name, key in bar_series
            ],
        },
        "months": {
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 8, "right": 16, "bottom": 8, "containLabel": True},
            "xAxis": {"type": "category", "data": [r["label"] for r in months]},
            "yAxis": {"type": "value", "minInterval": 1},
            "series": [
                {"name": name, "type": "line", "data": [r[key] for r in months]}
                for name, key in [
                    (str(_("Received")), "received"),
                    (str(_("Replied")), "replied"),
                    (str(_("Adopted")), "adopted"),
                ]
            ],
        },
        "reply_classes": _pie(str(_("Reply class")), reply_classes),
        "ratings": _pie(str(_("Rating")), ratings),
    }


def _rates(f):
    return [
        (
            _("Acceptance rate"),
            f["accepted_rate"],
            _("%(n)d of %(d)d decided") % {"n": f["accepted"], "d": f["decided"]},
        ),
        (
            _("On-time reply rate"),
            f["on_time_reply_rate"],
            _("%(n)d of %(d)d due") % {"n": f["on_time"], "d": f["due"]},
        ),
        (
            _("Satisfaction rate"),
            f["satisfaction_rate"],
            _("%(n)d of %(d)d rated") % {"n": f["content"], "d": f["rated"]},
        ),
        (
            _("Adoption rate"),
            f["adoption_rate"],
            _("%(n)d of %(d)d accepted") % {"n": f["adopted"], "d": f["accepted"]},
        ),
    ]


def _count_cells(f):
    return [
        (_("Received"), f["received"]),
        (pgettext("suggestion figures", "Accepted"), f["accepted"]),
        (_("Not accepted"), f["refused"]),
        (_("Merged"), f["merged"]),
        (_("Replied"), f["replied"]),
        (_("Overdue"), f["overdue"]),
        (_("Converted"), f["converted"]),
        (_("Benefit (10,000 yuan)"), f"{f['benefit']:,.2f}"),
    ]


@login_required
def stats_page(request):
    """The channel's figures for supervisors and leaders, for a period, whole and by unit,
    channel, topic and month. A fixed number of queries, however many suggestions or units."""
    if not request.user.sees_whole_organisation:
        raise PermissionDenied
    form = PeriodForm(request.GET if request.GET else None)
    start, end = form.period()
    suggestions = _in_period(_visible(request), start, end)
    tables = {by: _labelled(stats.breakdown(suggestions, by), by) for by in stats.GROUPS}
    reply_classes = _counts(suggestions, "reply_class", ReplyClass)
    ratings = _counts(suggestions.filter(status=Status.CLOSED), "rating", Rating)
    figures = stats.summary(suggestions)
    context = {
        "form": form,
        "start": start,
        "end": end,
        "figures": figures,
        "rates": _rates(figures),
        "counts": _count_cells(figures),
        "tables": [
            (by, label, tables[by])
            for by, label in [
                ("unit", _("By lead unit")),
                ("channel", _("By channel")),
                ("topic", _("By topic")),
                ("month", _("By month received")),
            ]
        ],
        "reply_classes": reply_classes,
        "ratings": ratings,
        "charts": _charts(tables, reply_classes, ratings),
    }
    return render(request, "suggestions/office/stats.html", context)


# ---- printable letters -------------------------------------------------------------------------


def claim_url():
    return reverse("suggestions:claim")


def _session_code(request, suggestion):
    """The claim code the create view left in the session for this suggestion, if it
    really is this suggestion's code."""
    code = request.session.get(CLAIM_CODES, {}).get(str(suggestion.pk))
    if code and suggestion.anonymous and services.claim_hash(code) == suggestion.claim_code_hash:
        return code
    return None


def _printable(request, pk):
    """The suggestion as the detail page shows it; an anonymous one also to whoever holds its
    new claim code in the session (its submitter, who cannot see it otherwise)."""
    suggestion = (
        Suggestion.objects.for_lists().filter(pk=pk, organisation_id=request.user.organisation_id)
    ).first()
    if suggestion is None:
        raise Http404
    if _visible(request).filter(pk=pk).exists() or _session_code(request, suggestion):
        return suggestion
    raise Http404


def _qr_target(request, suggestion, code=None):
    if suggestion.anonymous:
        url = claim_url()
        if code:
            url = f"{url}?code={code}"
    else:
        url = suggestion.get_absolute_url()
    return request.build_absolute_uri(url)


def _next_steps(suggestion):
    """What the receipt promises: by when the submitter hears back, or what became of it."""
    if suggestion.status == Status.REFUSED:
        reason = suggestion.refusal_reason.label if suggestion.refusal_reason else ""
        text = _("It was not accepted: %(reason)s.") % {"reason": reason}
        if suggestion.alternative_channel:
            text += " " + _("Where to turn instead: %(where)s.") % {
                "where": suggestion.alternative_channel
            }
        return text
    if suggestion.status == Status.MERGED and suggestion.merged_into:
        return _(
            "It was merged into suggestion %(number)s, which is handled and answered for both."
        ) % {"number": suggestion.merged_into.number}
    if suggestion.status == Status.WITHDRAWN:
        return _("It was withdrawn.")
    if suggestion.replied_at:
        return _("It was answered on %(day)s; the reply letter has the details.") % {
            "day": timezone.localdate(suggestion.replied_at).isoformat()
        }
    if suggestion.deadline:
        return _(
            "The units handling it reply by %(day)s; you will be told and may rate the reply."
        ) % {"day": suggestion.deadline.isoformat()}
    return _(
        "The office decides whether to accept it and tells you; once it is assigned, the units "
        "reply within %(days)d working days, and you may rate the reply."
    ) % {"days": settings.TAIZHANG_SUGGESTION_REPLY_WORKING_DAYS}


@login_required
def receipt(request, pk):
    """建议办理回执: printed for an offline or anonymous submitter. An anonymous one's claim
    code is shown on the first print only, then forgotten (only its hash is kept)."""
    suggestion = _printable(request, pk)
    code = _session_code(request, suggestion)
    if code:
        codes = request.session[CLAIM_CODES]
        codes.pop(str(suggestion.pk), None)
        request.session[CLAIM_CODES] = codes
        request.session.modified = True
    context = {
        "suggestion": suggestion,
        "claim_code": code,
        "next_steps": _next_steps(suggestion),
        "qr_url": _qr_target(request, suggestion, code),
        "today": timezone.localdate(),
        # An anonymous submitter cannot open the suggestion itself: only the claim page.
        "can_open": _visible(request).filter(pk=suggestion.pk).exists(),
    }
    return render(request, "suggestions/office/receipt.html", context)


@login_required
def reply_letter(request, pk):
    """答复函: the approved reply in a letter, with the invitation to rate it."""
    suggestion = get_object_or_404(_visible(request).for_lists(), pk=pk)
    reply = (
        suggestion.replies.filter(approved=True)
        .select_related("unit")
        .order_by("-round", "-reviewed_at")
        .first()
    )
    if reply is None:
        raise Http404
    context = {
        "suggestion": suggestion,
        "reply": reply,
        "qr_url": _qr_target(request, suggestion),
        "rating_open": suggestion.status == Status.REPLIED,
    }
    return render(request, "suggestions/office/reply_letter.html", context)


# ---- follow-up ---------------------------------------------------------------------------------


@login_required
def follow_up_list(request):
    """B replies until their promised date, C replies for their yearly review: due or overdue
    first."""
    _office_only(request.user)
    today = timezone.localdate()
    suggestions = (
        _visible(request)
        .filter(follow_up_on__isnull=False, reply_class__in=[ReplyClass.B, ReplyClass.C])
        .for_lists()
        .order_by("follow_up_on", "number")
    )
    soon = today + datetime.timedelta(days=FOLLOW_UP_SOON_DAYS)
    rows = [
        (
            s,
            "overdue" if s.follow_up_on < today else "due" if s.follow_up_on <= soon else "later",
        )
        for s in suggestions
    ]
    context = {"rows": rows, "today": today, "soon_days": FOLLOW_UP_SOON_DAYS}
    return render(request, "suggestions/office/follow_up.html", context)
