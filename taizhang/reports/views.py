"""The reports' pages: the overview (督办总览) and a unit's own view, the bulletins (督办通报,
工作简报) with their Word files, the year-end summary, the settings, and a task's 督办单 and
催办单 as Word files. Every figure on them links to the list that counts it."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from taizhang import audit
from taizhang.org.models import Unit
from taizhang.supervision.models import Task
from taizhang.utils.errors import WorkflowError

from . import (
    briefing_items,
    burden,
    charts,
    documents,
    jobs,
    modules,
    overview,
    periods,
    rules,
    services,
    summary,
)
from .choices import Action, Kind, Status
from .forms import SettingsForm
from .models import Bulletin, ReportSettings
from .workflow import LIFECYCLE

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FUNNEL_LABELS = {
    "received": gettext_lazy("Received"),
    "accepted": gettext_lazy("Accepted"),
    "replied": gettext_lazy("Replied"),
    "adopted": gettext_lazy("Adopted"),
    "converted": gettext_lazy("Turned into results"),
}


def docx_response(content, name):
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _period(request):
    """The period asked for; this month, with the reason said, when it is not one."""
    try:
        return periods.parse(
            request.GET.get("period"), request.GET.get("from"), request.GET.get("to")
        )
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return periods.parse("")


def _previous(period):
    try:
        return period.previous()
    except WorkflowError:  # before the first year a period may have
        return None


@login_required
def overview_page(request):
    user = request.user
    if not rules.sees_overview(user):
        if rules.sees_unit_view(user):
            return redirect("reports:unit")
        raise PermissionDenied
    period = _period(request)
    settings = ReportSettings.of(user.organisation_id)
    figures = overview.organisation_overview(user, period, settings)
    funnel = modules.suggestion_funnel(user, period)
    context = {
        "period": period,
        "shortcuts": periods.shortcuts(),
        "previous": _previous(period),
        "figures": figures,
        "funnel": funnel,
        "funnel_labels": FUNNEL_LABELS,
        "plans": modules.rectification_plans(user),
        "mechanisms": modules.meetings_against_plan(user, period.end.year),
        "units": Unit.objects.filter(organisation_id=user.organisation_id).order_by("code"),
        "charts": {
            "units": charts.lights_by_unit(figures["units"]),
            "trend": charts.on_time_trend(figures["trend"]),
            "sources": charts.by_source(figures["sources"]),
            "funnel": charts.funnel(funnel, FUNNEL_LABELS) if funnel else None,
        },
        "today": timezone.localdate(),
    }
    return render(request, "reports/overview.html", context)


@login_required
def unit_page(request):
    user = request.user
    if not rules.sees_unit_view(user):
        raise PermissionDenied
    units = Unit.objects.filter(organisation_id=user.organisation_id).order_by("code")
    if not user.sees_whole_organisation:
        units = units.filter(pk__in=user.unit_ids())
    code = request.GET.get("unit")
    # Another's unit is not offered: a handler who names one reads their own.
    unit = (units.filter(code=code).first() if code else None) or units.first()
    if unit is None:
        raise Http404
    period = _period(request)
    # The median is the organisation's, whatever part of the ledger the reader sees: it
    # names no task and no other unit.
    tasks = Task.objects.filter(organisation_id=user.organisation_id)
    rows = overview.ledger_figures(tasks, period, user.organisation_id)["units"]
    context = {
        "period": period,
        "shortcuts": periods.shortcuts(),
        "unit": unit,
        "units": units,
        "view": overview.unit_view(user, unit, period, rows),
    }
    return render(request, "reports/unit.html", context)


@login_required
def burden_page(request):
    """减负: what the system asks of each unit, against the organisation's thresholds."""
    user = request.user
    if not rules.sees_overview(user):
        raise PermissionDenied
    period = _period(request)
    settings = ReportSettings.of(user.organisation_id)
    context = {
        "period": period,
        "shortcuts": periods.shortcuts(),
        "meter": burden.unit_burden(user, period, settings),
        "labels": burden.FIGURES,
        "can_write": rules.writes(user),
    }
    return render(request, "reports/burden.html", context)


@login_required
def bulletin_list(request):
    bulletins = Bulletin.objects.visible_to(request.user)
    if not rules.sees_unit_view(request.user):
        raise PermissionDenied
    kind = request.GET.get("kind")
    if kind in Kind.values:
        bulletins = bulletins.filter(kind=kind)
    status = request.GET.get("status")
    if status in Status.values:
        bulletins = bulletins.filter(status=status)
    year = request.GET.get("year", "")
    if year.isdigit():
        bulletins = bulletins.filter(year=int(year))
    context = {
        "bulletins": bulletins.select_related("issued_by"),
        "kinds": Kind.choices,
        "statuses": Status.choices,
        "can_write": rules.writes(request.user),
        "count": bulletins.count(),
    }
    return render(request, "reports/bulletin_list.html", context)


def _items_from(post):
    """The briefing's items as the editor posts them: item-N-kind / -id / -title / -text."""
    found = []
    chosen = post.getlist("add")  # "kind:id" of candidates ticked
    for n in range(200):
        kind = post.get(f"item-{n}-kind")
        if kind is None:
            break
        if post.get(f"item-{n}-remove"):
            continue
        found.append(
            {
                "kind": kind,
                "id": post.get(f"item-{n}-id"),
                "title": post.get(f"item-{n}-title", ""),
                "text": post.get(f"item-{n}-text", ""),
            }
        )
    for value in chosen:
        kind, _sep, pk = value.partition(":")
        found.append({"kind": kind, "id": pk})
    return found


FIELDS = (
    "title",
    "body",
    "period_start",
    "period_end",
    "report_to",
    "send_to",
    "issue_to",
    "copy_to",
)


@login_required
def bulletin_new(request):
    if not rules.writes(request.user):
        raise PermissionDenied
    kind = request.POST.get("kind") or request.GET.get("kind") or Kind.NOTICE
    if kind not in Kind.values:
        raise Http404
    today = timezone.localdate()
    last_month = periods.month(today.year, today.month).previous()
    initial = {
        "kind": kind,
        "year": today.year,
        "title": _("Supervision notice on the tasks of %(period)s") % {"period": last_month.label}
        if kind == Kind.NOTICE
        else _("Work briefing"),
        "period_start": last_month.start.isoformat() if kind == Kind.NOTICE else "",
        "period_end": last_month.end.isoformat() if kind == Kind.NOTICE else "",
    }
    if request.method == "POST":
        data = {name: request.POST.get(name, "") for name in FIELDS}
        try:
            bulletin = services.create_bulletin(
                by=request.user, kind=kind, year=request.POST.get("year"), **data
            )
        except WorkflowError as exc:
            messages.error(request, exc.message)
            initial.update(data)
        else:
            messages.success(request, _("Draft saved."))
            return redirect(bulletin)
    return render(request, "reports/bulletin_new.html", {"initial": initial, "kind": kind})


def _visible_bulletin(request, pk):
    return get_object_or_404(Bulletin.objects.visible_to(request.user), pk=pk)


@login_required
def bulletin_detail(request, pk):
    bulletin = _visible_bulletin(request, pk)
    user = request.user
    if request.method == "POST":
        data = {name: request.POST.get(name, "") for name in FIELDS}
        if bulletin.kind == Kind.BRIEFING and (
            "item-0-kind" in request.POST or request.POST.getlist("add")
        ):
            data["items"] = _items_from(request.POST)
        try:
            services.edit_bulletin(bulletin, by=user, version=request.POST.get("version"), **data)
        except WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Draft saved."))
        return redirect(bulletin)
    can_edit = LIFECYCLE.can(user, Action.EDIT, bulletin)
    context = {
        "bulletin": bulletin,
        "facts": services.draft_facts(bulletin, user),
        "can_edit": can_edit,
        "actions": [
            (a, verb) for a, verb in LIFECYCLE.available(user, bulletin) if a != Action.EDIT
        ],
        "candidates": briefing_items.candidates(user)
        if can_edit and bulletin.kind == Kind.BRIEFING
        else [],
        "events": bulletin.events.select_related("actor"),
        "pdf": jobs.soffice() is not None,
    }
    return render(request, "reports/bulletin_detail.html", context)


@login_required
@require_POST
def bulletin_act(request, pk, action):
    bulletin = _visible_bulletin(request, pk)
    version = request.POST.get("version")
    try:
        if action == Action.ISSUE:
            services.issue_bulletin(bulletin, by=request.user, version=version)
            messages.success(request, _("Issued and archived."))
        elif action == Action.DELETE:
            services.delete_bulletin(bulletin, by=request.user, version=version)
            messages.success(request, _("Draft deleted."))
            return redirect("reports:bulletins")
        else:
            raise Http404
    except WorkflowError as exc:
        messages.error(request, exc.message)
    return redirect(bulletin)


@login_required
def bulletin_docx(request, pk):
    bulletin = _visible_bulletin(request, pk)
    content = services.bulletin_file(bulletin, request.user)
    audit.record_printout(request, f"{bulletin.get_kind_display()} {bulletin}", instance=bulletin)
    return docx_response(content, bulletin.file_name())


def _summary_year(request):
    try:
        value = int(request.GET.get("year") or request.POST.get("year") or 0)
    except ValueError:
        value = 0
    if not periods.FIRST_YEAR <= value <= periods.LAST_YEAR:
        value = timezone.localdate().year - (1 if timezone.localdate().month < 7 else 0)
    return value


@login_required
def year_summary_page(request):
    user = request.user
    if not rules.sees_overview(user):
        raise PermissionDenied
    record = services.year_summary(user, _summary_year(request))
    if request.method == "POST":
        try:
            if "freeze" in request.POST or "unfreeze" in request.POST:
                services.freeze_summary(
                    record,
                    by=user,
                    version=request.POST.get("version"),
                    frozen="freeze" in request.POST,
                )
            else:
                services.save_summary(
                    record,
                    by=user,
                    template=request.POST.get("template"),
                    version=request.POST.get("version"),
                )
            messages.success(request, _("Saved."))
        except WorkflowError as exc:
            messages.error(request, exc.message)
        return redirect(f"{request.path}?year={record.year}")
    figures = services.summary_figures(record, user)
    organisation = user.organisation
    lines = summary.paragraphs(record.template, figures, organisation.name, record.year)
    context = {
        "record": record,
        "lines": lines,
        "notes": summary.noted(lines),
        "figures": figures,
        "missing": [f for f in figures if f.value is None],
        "can_write": rules.writes(user),
        "years": range(timezone.localdate().year, timezone.localdate().year - 8, -1),
        "pdf": jobs.soffice() is not None,
    }
    return render(request, "reports/year_summary.html", context)


@login_required
def year_summary_docx(request):
    user = request.user
    if not rules.sees_overview(user):
        raise PermissionDenied
    year_value = _summary_year(request)
    content, name = services.year_summary_file(
        user, year_value, base_url=request.build_absolute_uri("/").rstrip("/")
    )
    audit.record_printout(request, f"年度工作总结 {year_value}")
    return docx_response(content, name)


@login_required
@require_POST
def report_file(request):
    """A report's Word or PDF file made in the background: the job's page follows it."""
    user = request.user
    file_format = request.POST.get("format")
    if file_format not in jobs.FORMATS:
        raise Http404
    if request.POST.get("bulletin"):
        bulletin = _visible_bulletin(request, request.POST["bulletin"])
        job = jobs.start_bulletin(user, bulletin, file_format=file_format)
    else:
        if not rules.sees_overview(user):
            raise PermissionDenied
        job = jobs.start_year_summary(
            user,
            _summary_year(request),
            file_format=file_format,
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
    return redirect("system:file-job", job.pk)


@login_required
def settings_page(request):
    if not rules.writes(request.user):
        raise PermissionDenied
    record = ReportSettings.of(request.user.organisation_id)
    form = SettingsForm(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_settings(
                request.user.organisation_id,
                by=request.user,
                values={name: form.cleaned_data[name] for name in SettingsForm.Meta.fields},
                version=request.POST.get("version"),
            )
        except WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("reports:settings")
    return render(request, "reports/settings.html", {"form": form, "record": record})


@login_required
def task_sheet_docx(request, pk, sheet):
    """督办单 / 催办单 of a task as a Word file, for whoever sees the task."""
    task = get_object_or_404(Task.objects.visible_to(request.user, probe=True).with_units(), pk=pk)
    content = documents.task_sheet_document(task, request.user, sheet)
    label = "督办单" if sheet == "duban" else "催办单"
    audit.record_printout(request, f"{label} {task.number}", instance=task)
    return docx_response(content, f"{label}{task.number}.docx")
