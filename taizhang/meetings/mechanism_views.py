"""Pages of mechanisms: members, the yearly plan against what was held, and their figures.

Thin: they read through ``Mechanism.objects.visible_to`` and write through ``services``; the
figures come from ``stats.mechanism_figures`` in a constant number of queries."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.org.models import Unit
from taizhang.utils.errors import WorkflowError

from . import rules, services, stats
from .choices import Status
from .forms import MechanismFilesForm, MechanismForm, MemberForm, PlanLineForm, unseen_errors
from .models import Mechanism, MechanismFile, Meeting, PlannedMeeting


def _visible(request):
    return Mechanism.objects.visible_to(request.user)


def _form_errors(form):
    return unseen_errors(form)


def _require_manager(request):
    if not rules.can_manage_mechanisms(request.user):
        raise PermissionDenied(_("Only the secretariat (a supervisor) may do this."))


# ---- list, new, edit -----------------------------------------------------------------------


@login_required
def mechanism_list(request):
    mechanisms = (
        _visible(request)
        .select_related("convening_unit")
        .annotate(
            member_count=Count("members", distinct=True),
            # The meetings the user sees: the number the list behind its link shows.
            meeting_count=Count(
                "meetings",
                filter=Q(meetings__in=Meeting.objects.visible_to(request.user)),
                distinct=True,
            ),
        )
    )
    return render(
        request,
        "meetings/mechanism_list.html",
        {
            "mechanisms": mechanisms,
            "can_manage": rules.can_manage_mechanisms(request.user),
            "year": timezone.localdate().year,
        },
    )


@login_required
def mechanism_new(request):
    _require_manager(request)
    organisation = request.user.organisation
    form = MechanismForm(
        request.POST or None,
        organisation=organisation,
        initial={"countersign_working_days": settings.TAIZHANG_COUNTERSIGN_WORKING_DAYS},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mechanism = services.create_mechanism(
                by=request.user,
                name=data["name"],
                kind=data["kind"],
                convening_unit=data["convening_unit"],
                member_units=list(data["member_units"]),
                description=data["description"],
                rules_text=data["rules_text"],
                countersign_working_days=data["countersign_working_days"],
            )
        except WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Mechanism “%(name)s” set up.") % {"name": mechanism})
            return redirect(mechanism)
    elif request.method == "POST":
        messages.error(request, _form_errors(form))
    return render(
        request,
        "meetings/mechanism_form.html",
        {"form": form, "mechanism": None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def mechanism_edit(request, pk):
    mechanism = get_object_or_404(_visible(request), pk=pk)
    _require_manager(request)
    initial = {
        "name": mechanism.name,
        "kind": mechanism.kind,
        "convening_unit": mechanism.convening_unit_id,
        "description": mechanism.description,
        "rules_text": mechanism.rules_text,
        "countersign_working_days": mechanism.countersign_working_days,
        "active": mechanism.active,
        "version": mechanism.version,
    }
    form = MechanismForm(
        request.POST or None,
        organisation=mechanism.organisation,
        editing=True,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.update_mechanism(mechanism, by=request.user, version=version, **data)
        except WorkflowError as exc:
            messages.error(request, exc.message)
            status = exc.status_code
        else:
            messages.success(request, _("Changes saved."))
            return redirect(mechanism)
    elif request.method == "POST":
        messages.error(request, _form_errors(form))
        status = 400
    else:
        status = 200
    return render(
        request,
        "meetings/mechanism_form.html",
        {"form": form, "mechanism": mechanism},
        status=status,
    )


# ---- the mechanism's page ----------------------------------------------------------------


def _year(request, data=None):
    today = timezone.localdate().year
    try:
        year = int((data if data is not None else request.GET).get("year") or today)
    except ValueError:
        return today
    return year if abs(year - today) <= 50 else today


def _download(request, mechanism):
    document = get_object_or_404(
        MechanismFile.objects.filter(mechanism=mechanism), pk=request.GET["file"]
    )
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.name)


def _month_chart(plan_lines, meetings, year):
    planned = [0] * 12
    held = [0] * 12
    for line in plan_lines:
        planned[line.month - 1] += 1
    for meeting in meetings:
        if meeting.status in Status.held_states():
            held[meeting.date.month - 1] += 1
    months = [_("Month %(month)d") % {"month": m} for m in range(1, 13)]
    return {
        "title": {"text": _("Meetings planned and held in %(year)d") % {"year": year}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "xAxis": {"type": "category", "data": months},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": _("Planned"), "type": "bar", "data": planned},
            {"name": _("Held"), "type": "bar", "data": held},
        ],
    }


def _posted_pk(request, name):
    """The row a button names; anything but a number names no row (404, not a crash)."""
    value = request.POST.get(name, "")
    if not value.isdigit():
        raise Http404
    return int(value)


def _post(request, mechanism, bound):
    """One change on the page: a member, a plan line, documents. The services check who.
    A form that fails is left in ``bound`` to be drawn again with what was typed."""
    op = request.POST.get("op")
    year = _year(request, request.POST)
    by = request.user
    forms = {
        "member": lambda: MemberForm(request.POST, organisation=mechanism.organisation),
        "plan": lambda: PlanLineForm(request.POST),
        "files": lambda: MechanismFilesForm(request.POST, request.FILES),
    }
    form = forms[op]() if op in forms else None
    if form is not None:
        bound[op] = form
        if not form.is_valid():
            raise WorkflowError(_form_errors(form))
    try:
        if op == "member":
            services.set_member(mechanism, by=by, **form.cleaned_data)
            done = _("Member unit saved.")
        elif op == "remove_member":
            unit = get_object_or_404(
                Unit.objects.filter(organisation=mechanism.organisation),
                pk=_posted_pk(request, "unit"),
            )
            services.remove_member(mechanism, by=by, unit=unit)
            done = _("Member unit removed.")
        elif op == "plan":
            services.add_plan_line(mechanism, by=by, year=year, **form.cleaned_data)
            done = _("Line added to the plan.")
        elif op == "remove_plan":
            line = get_object_or_404(mechanism.plan.all(), pk=_posted_pk(request, "line"))
            services.remove_plan_line(line, by=by)
            done = _("Line removed from the plan.")
        elif op == "files":
            services.attach_mechanism_files(mechanism, by=by, files=form.cleaned_data["files"])
            done = _("Documents uploaded.")
        else:
            raise WorkflowError(_("Unknown change."))
    except WorkflowError:
        raise  # shown once, at the top of the page
    messages.success(request, done)
    return redirect(f"{mechanism.get_absolute_url()}?year={year}")


@login_required
def mechanism_detail(request, pk):
    mechanism = get_object_or_404(_visible(request).select_related("convening_unit"), pk=pk)
    bound = {}
    if request.method == "POST":
        try:
            return _post(request, mechanism, bound)
        except WorkflowError as exc:
            messages.error(request, exc.message)
            status = exc.status_code
    else:
        if request.GET.get("file", "").isdigit():
            return _download(request, mechanism)
        status = 200
    year = _year(request)
    plan_lines = list(
        PlannedMeeting.objects.filter(mechanism=mechanism, year=year).select_related("meeting")
    )
    visible_meetings = Meeting.objects.visible_to(request.user).filter(mechanism=mechanism)
    meetings = list(visible_meetings.filter(date__year=year).select_related("convener"))
    figures = stats.mechanism_figures(mechanism, year, Meeting.objects.visible_to(request.user))
    members = list(mechanism.members.select_related("unit"))
    years = sorted(
        {year, timezone.localdate().year}
        | set(mechanism.plan.values_list("year", flat=True).distinct())
        | {d.year for d in mechanism.meetings.dates("date", "year")}
    )
    can_manage = rules.can_manage_mechanisms(request.user) and (
        request.user.organisation_id == mechanism.organisation_id
    )
    list_url = f"{reverse('meetings:list')}?mechanism={mechanism.pk}&year={year}"
    context = {
        "mechanism": mechanism,
        "year": year,
        "years": years,
        "members": members,
        "documents": mechanism.files.all(),
        "plan_lines": plan_lines,
        "visible_ids": {m.pk for m in meetings},
        "meetings": meetings,
        "figures": figures,
        "chart": _month_chart(plan_lines, meetings, year),
        "list_url": list_url,
        "new_url": f"{reverse('meetings:new')}?mechanism={mechanism.pk}",
        "can_manage": can_manage,
        "can_plan": can_manage and rules.can_plan(request.user),
        "member_form": (bound.get("member") or MemberForm(organisation=mechanism.organisation))
        if can_manage
        else None,
        "plan_form": (bound.get("plan") or PlanLineForm()) if can_manage else None,
        "files_form": (bound.get("files") or MechanismFilesForm()) if can_manage else None,
    }
    return render(request, "meetings/mechanism_detail.html", context, status=status)
