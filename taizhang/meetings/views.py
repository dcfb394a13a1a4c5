"""Pages of meetings: the list, planning form, the meeting page
with its notice, replies, attendance, minutes, decisions, 会签 and issuing.

Thin: they read through ``Meeting.objects.visible_to`` and write through ``services``; a
refusal shows its message on the page again with everything the user typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.org.choices import Role
from taizhang.org.models import Unit
from taizhang.supervision.models import Task
from taizhang.utils.errors import WorkflowError

from . import printing, rules, services, stats
from .choices import Action, Answer, Attendance, DecisionState, FileKind, Response, Status
from .filters import MeetingFilterSet
from .forms import (
    ActionForm,
    AttendanceSheetForm,
    CountersignForm,
    DecisionForm,
    FilesForm,
    MeetingForm,
    MinutesForm,
    NoticeForm,
    ProposeForm,
    RespondForm,
    format_agenda,
    format_guests,
    unseen_errors,
)
from .models import (
    Countersignature,
    Decision,
    Invitee,
    Meeting,
    MeetingEvent,
    MeetingFile,
)

PAGE_SIZE = 20


def _visible(request):
    return Meeting.objects.visible_to(request.user)


def _with_everything(meetings):
    """What the meeting page and the rules read, in a fixed number of queries."""
    return meetings.select_related(
        "organisation", "mechanism", "convener", "chair", "issued_by"
    ).prefetch_related(
        "agenda",
        Prefetch("invitees", queryset=Invitee.objects.select_related("unit", "user")),
        Prefetch(
            "countersignatures",
            queryset=Countersignature.objects.select_related("unit", "signed_by"),
        ),
        Prefetch(
            "decisions",
            queryset=Decision.objects.select_related("task", "lead_unit").prefetch_related(
                "responsible_units", "cooperating_units"
            ),
        ),
        Prefetch("files", queryset=MeetingFile.objects.select_related("uploaded_by")),
        "mechanism__members",
    )


def _get(request, pk):
    """The meeting if the user may see it; 404 otherwise, so its existence is not revealed."""
    return get_object_or_404(_with_everything(_visible(request)), pk=pk)


# ---- the list ------------------------------------------------------------------------------


@login_required
def meeting_list(request):
    user = request.user
    if user.is_administrator:
        raise PermissionDenied
    filterset = MeetingFilterSet(request.GET or None, queryset=_visible(request), user=user)
    page = Paginator(filterset.qs.for_lists(), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filterset": filterset,
        "page": page,
        "query": query.urlencode(),
        # Some filter is chosen (not merely a page): an empty list means nothing matches.
        "filtered": any(request.GET.get(name) for name in filterset.filters),
        "can_plan": rules.can_plan(user),
        "can_see_mechanisms": rules.can_see_mechanisms(user),
        "can_see_stats": rules.can_see_stats(user),
    }
    return render(request, "meetings/meeting_list.html", context)


# ---- planning ------------------------------------------------------------------------------


def _form_page(request, form, meeting=None, status=None):
    context = {"form": form, "meeting": meeting}
    if status is None:
        status = 400 if form.errors else 200
    return render(request, "meetings/meeting_form.html", context, status=status)


@login_required
def meeting_new(request):
    """计划会议: the secretariat registers a meeting (from a line of a mechanism's plan)."""
    user = request.user
    if not rules.can_plan(user):
        raise PermissionDenied
    initial = {"date": timezone.localdate()}
    for name in ("mechanism", "planned_as", "kind"):
        if request.GET.get(name):
            initial[name] = request.GET[name]
    form = MeetingForm(request.POST or None, organisation=user.organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        units = list(data["invited_units"])
        try:
            meeting = services.create_meeting(
                by=user,
                mechanism=data["mechanism"],
                planned_as=data["planned_as"],
                invited_units=units or (None if data["mechanism"] else []),
                invited_people=list(data["invited_people"]),
                guests=data["guests"],
                **form.meeting_fields(),
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
            return _form_page(request, form, status=exc.status_code)
        messages.success(request, _("Meeting “%(title)s” planned.") % {"title": meeting.title})
        return redirect(meeting)
    return _form_page(request, form)


def _edit_initial(meeting):
    invitees = list(meeting.invitees.all())
    return {
        **{name: getattr(meeting, name) for name in MeetingForm.FIELDS},
        "convener": meeting.convener,
        "agenda": format_agenda(meeting.agenda.all()),
        "invited_units": [i.unit for i in invitees if i.unit_id],
        "invited_people": [i.user for i in invitees if i.user_id],
        "guests": format_guests([i for i in invitees if i.is_guest]),
        "version": meeting.version,
    }


def _guest_details(guest):
    """What the form says of a guest besides the name, to see whether a line was changed."""
    return (guest["affiliation"], guest["kind"], guest.get("contact", ""))


def _sync_invited(meeting, user, data):
    """Invite the units, people and guests added in the form; uninvite the ones taken out. A
    guest whose organisation, kind or contact changed is invited again with the new details
    (their reply and attendance start over); unchanged guests keep theirs."""
    invitees = list(Invitee.objects.filter(meeting=meeting).select_related("unit", "user"))
    units = {u.pk: u for u in data["invited_units"]}
    people = {p.pk: p for p in data["invited_people"]}
    guests = {g["name"]: g for g in data["guests"]}
    kept_guests = set()
    for row in invitees:
        guest = guests.get(row.guest_name) if row.is_guest else None
        same_guest = guest is not None and _guest_details(guest) == (
            row.guest_affiliation,
            row.guest_kind,
            row.guest_contact,
        )
        gone = (
            (row.unit_id and row.unit_id not in units)
            or (row.user_id and row.user_id not in people)
            or (row.is_guest and not same_guest)
        )
        if gone:
            services.uninvite(row, by=user)
        elif row.is_guest:
            kept_guests.add(row.guest_name)
    services.invite(
        meeting,
        by=user,
        units=[u for pk, u in units.items() if pk not in {i.unit_id for i in invitees}],
        people=[p for pk, p in people.items() if pk not in {i.user_id for i in invitees}],
        guests=[g for name, g in guests.items() if name not in kept_guests],
    )


@login_required
def meeting_edit(request, pk):
    meeting = _get(request, pk)
    user = request.user
    reason = rules.why_not(user, Action.EDIT, meeting)
    if reason:
        messages.error(request, reason)
        return redirect(meeting)
    form = MeetingForm(
        request.POST or None,
        organisation=meeting.organisation,
        editing=True,
        initial=_edit_initial(meeting),
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.update_meeting(
                    meeting, by=user, version=form.cleaned_data["version"], **form.meeting_fields()
                )
                _sync_invited(meeting, user, form.cleaned_data)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
            return _form_page(request, form, meeting, status=exc.status_code)
        messages.success(request, _("Meeting saved."))
        return redirect(meeting)
    return _form_page(request, form, meeting)


# ---- the meeting page ----------------------------------------------------------------------


def _selected(form, name):
    """The chosen values of a unit field, bound or not, as strings (for the template)."""
    value = form[name].value()
    if value in (None, ""):
        return set()
    if not isinstance(value, list | tuple | set):
        value = [value]
    return {str(getattr(v, "pk", v)) for v in value}


def _decision_row(decision, form):
    return {
        "decision": decision,
        "form": form,
        "lead": _selected(form, "lead_unit"),
        "responsible": _selected(form, "responsible_units"),
        "cooperating": _selected(form, "cooperating_units"),
    }


def _decision_form(meeting, decision, failed):
    key = f"decision:{decision.pk}"
    if key in failed:
        return failed[key]
    return DecisionForm(
        organisation=meeting.organisation,
        auto_id=f"id_d{decision.pk}_%s",
        initial={
            "title": decision.title,
            "body": decision.body,
            "lead_unit": decision.lead_unit_id,
            "responsible_units": [u.pk for u in decision.responsible_units.all()],
            "cooperating_units": [u.pk for u in decision.cooperating_units.all()],
            "deadline": decision.deadline,
            "deadline_working_days": decision.deadline_working_days,
            "version": meeting.version,
        },
    )


def _minutes_context(user, meeting, failed):
    decisions = list(meeting.decisions.all())
    can_write = rules.can(user, Action.WRITE_MINUTES, meeting)
    context = {"can_write": can_write}
    accepted = [d for d in decisions if d.state == DecisionState.ACCEPTED]
    task_ids = [d.task_id for d in accepted if d.task_id]
    visible = (
        set(
            Task.objects.visible_to(user, probe=True)
            .filter(pk__in=task_ids)
            .values_list("pk", flat=True)
        )
        if task_ids
        else set()
    )
    context["decisions"] = [(d, d.task_id in visible) for d in accepted]
    context["dropped"] = [d for d in decisions if d.state == DecisionState.DROPPED]
    if not can_write:
        context["proposals"] = []
        return context
    version = {"version": meeting.version}
    context.update(
        units=list(Unit.objects.filter(organisation=meeting.organisation)),
        minutes_form=failed.get("minutes")
        or MinutesForm(initial={"text": meeting.minutes_text, **version}),
        propose_form=failed.get("propose") or ProposeForm(),
        proposals=[
            _decision_row(d, _decision_form(meeting, d, failed))
            for d in decisions
            if d.state == DecisionState.PROPOSED
        ],
        editable=[
            _decision_row(d, _decision_form(meeting, d, failed)) for d in accepted if not d.task_id
        ],
    )
    add_form = failed.get("add_decision") or DecisionForm(
        organisation=meeting.organisation, auto_id="id_new_%s", initial=version
    )
    context["add_form"] = _decision_row(None, add_form)
    return context


def _attendance_sheet(meeting, failed, invitees):
    return failed.get("attendance") or AttendanceSheetForm(invitees=invitees)


def _invitee_rows(user, meeting, failed):
    """Each invited with the colours of their reply and attendance, and for the secretariat
    their attendance form."""
    recording = rules.can(user, Action.RECORD_ATTENDANCE, meeting)
    own = {i.pk for i in rules.my_invitations(user, meeting)}
    invitees = list(meeting.invitees.all())
    sheet = _attendance_sheet(meeting, failed, invitees) if recording else None
    return [
        {
            "invitee": i,
            "response_colour": Response.colour(i.response),
            "attendance_colour": Attendance.colour(i.attendance),
            # 请假事由 are the secretariat's, the leaders' and the row's own unit or person's.
            "show_reasons": user.sees_whole_organisation or i.pk in own,
            "fields": sheet.row(i) if sheet else None,
        }
        for i in invitees
    ]


# Buttons whose comment is optional but shown: the chair may say something on approving.
OPTIONAL_COMMENT = {Action.APPROVE_TASKS}

# Buttons drawn in red: they end the meeting's course.
DANGEROUS = {Action.CANCEL}

# Buttons whose hint would only repeat what the page shows (nothing left to approve…).
UNHINTED = {Action.APPROVE_TASKS, Action.ASSIGN_TASKS, Action.CANCEL}


def _held_back(user, meeting):
    """(verb, reason) of the buttons the secretariat would have now, but for a condition
    still unmet: the minutes wait for a unit's countersignature, the meeting is tomorrow…"""
    found = []
    for action in Action.buttons():
        transition = rules.LIFECYCLE[action]
        if action in UNHINTED or meeting.status not in transition.sources:
            continue
        if user.role not in transition.roles:
            continue
        if reason := rules.why_not(user, action, meeting):
            found.append((Action.VERBS[action], reason))
    return found


def _button_form(meeting, action, failed):
    if f"action:{action}" in failed:
        return failed[f"action:{action}"]
    initial = {"version": meeting.version}
    if action == Action.SEND_NOTICE:
        initial["text"] = meeting.notice_text or services.default_notice(meeting)
        return NoticeForm(auto_id=f"id_{action}_%s", initial=initial)
    return ActionForm(auto_id=f"id_{action}_%s", initial=initial)


def _detail_context(request, meeting, failed=None):
    failed = failed or {}
    user = request.user
    version = {"version": meeting.version}
    buttons = [
        {
            "action": action,
            "verb": _("Send the notice again")
            if action == Action.SEND_NOTICE and meeting.notice_sent_at
            else verb,
            "needs_comment": rules.LIFECYCLE[action].needs_comment,
            "takes_comment": rules.LIFECYCLE[action].needs_comment or action in OPTIONAL_COMMENT,
            "form": _button_form(meeting, action, failed),
            "danger": action in DANGEROUS,
        }
        for action, verb in rules.available_buttons(user, meeting)
    ]
    mine = rules.my_invitations(user, meeting)
    can_respond = rules.can(user, Action.RESPOND, meeting)
    my_signatures = rules.my_countersignatures(user, meeting)
    can_countersign = bool(my_signatures) and rules.can(user, Action.COUNTERSIGN, meeting)
    files = list(meeting.files.all())
    can_manage = rules.can_manage(user, meeting)
    return {
        "meeting": meeting,
        "version": meeting.version,
        "can_edit": rules.can(user, Action.EDIT, meeting),
        "can_print": printing.may_print(user),
        "countersigning": meeting.status == Status.COUNTERSIGNING,
        "can_manage": can_manage,
        "buttons": buttons,
        "held_back": _held_back(user, meeting),
        "agenda": list(meeting.agenda.all()),
        "invitees": _invitee_rows(user, meeting, failed),
        "can_record": rules.can(user, Action.RECORD_ATTENDANCE, meeting),
        "my_invitations": mine,
        "respond_form": (failed.get("respond") or RespondForm(initial=_reply_initial(mine)))
        if can_respond
        else None,
        "attendance": stats.meeting_attendance(meeting),
        "materials": [f for f in files if f.kind != FileKind.MINUTES],
        "minutes_files": [f for f in files if f.kind == FileKind.MINUTES],
        "files_form": (failed.get("files") or FilesForm(initial=version)) if can_manage else None,
        **_countersign_rounds(user, meeting, can_manage),
        "my_signatures": my_signatures,
        "countersign_form": (failed.get("countersign") or CountersignForm())
        if can_countersign
        else None,
        "events": _timeline(user, meeting),
        **_minutes_context(user, meeting, failed),
    }


def _countersign_rounds(user, meeting, can_manage):
    """Every round of 会签, newest first (an objection stays in sight after the next request);
    for the secretary, why the last round ended when it did not end in agreement; for a unit
    whose answer the round no longer needs, that it is over."""
    signatures = list(meeting.countersignatures.all())
    rounds = []
    for number in sorted({c.round for c in signatures}, reverse=True):
        ended = number < meeting.countersign_round or meeting.status != Status.COUNTERSIGNING
        rows = [
            (c, Answer.colour(c.answer), ended and c.answer == Answer.PENDING)
            for c in signatures
            if c.round == number
        ]
        rounds.append({"number": number, "rows": rows, "ended": ended})
    context = {"countersign_rounds": rounds, "countersignatures": signatures}
    last = rounds[0] if rounds else None
    if not last or not last["ended"] or meeting.status != Status.MINUTES_DRAFTED:
        return context
    if can_manage:
        objections = [c for c, _colour, _over in last["rows"] if c.answer == Answer.DISAGREED]
        if objections:
            context["round_ended"] = {"objections": objections}
        else:
            withdrawn = (
                meeting.events.filter(action=Action.WITHDRAW_COUNTERSIGN).order_by("-id").first()
            )
            context["round_ended"] = {"withdrawn": withdrawn}
    elif user.role == Role.HANDLER:
        units = user.unit_ids()
        context["round_over_for_me"] = any(
            over and c.unit_id in units for c, _colour, over in last["rows"]
        )
    return context


# Timeline entries whose comment is a reply's reason (请假事由): not for every reader.
PRIVATE_COMMENTS = {Action.RESPOND, Action.RECORD_ATTENDANCE}


def _timeline(user, meeting):
    """(event, show its comment) of the meeting's timeline: a reply's reason is shown to the
    secretariat, the leaders and the unit or person who replied."""
    units = user.unit_ids() if user.role == Role.HANDLER else set()
    return [
        (
            e,
            e.action not in PRIVATE_COMMENTS
            or user.sees_whole_organisation
            or e.actor_id == user.pk
            or (e.unit_id is not None and e.unit_id in units),
        )
        for e in MeetingEvent.objects.filter(meeting=meeting).select_related("actor", "unit")
    ]


def _reply_initial(mine):
    first = mine[0] if mine else None
    initial = {}
    if first is not None and first.response != Response.PENDING:
        initial.update(
            response=first.response,
            substitute=first.substitute,
            comment=first.response_comment,
        )
    return initial


@login_required
def meeting_detail(request, pk):
    meeting = _get(request, pk)  # administrators see no meeting: _get gives them a 404
    return render(request, "meetings/meeting_detail.html", _detail_context(request, meeting))


def _failed(request, pk, message, status, failed):
    """The page again, with the error and everything the user typed (files excepted)."""
    messages.error(request, message)
    meeting = _get(request, pk)  # fresh: the refusal may come from someone else's change
    context = _detail_context(request, meeting, failed)
    return render(request, "meetings/meeting_detail.html", context, status=status)


def _form_errors(form):
    return unseen_errors(form)


def _done(request, meeting, message, anchor=""):
    messages.success(request, message)
    return redirect(f"{meeting.get_absolute_url()}{anchor}")


# Each posted form: (its key for a failure, the form, the service call, the success message).


def _button(request, meeting, action):
    form_class = NoticeForm if action == Action.SEND_NOTICE else ActionForm
    form = form_class(request.POST, auto_id=f"id_{action}_%s")
    return (
        f"action:{action}",
        form,
        lambda data: services.perform(meeting, action, by=request.user, **data),
        _("%(action)s: done.") % {"action": Action.VERBS[action]},
        "",
    )


def _respond(request, meeting):
    form = RespondForm(request.POST)
    return (
        "respond",
        form,
        lambda data: services.respond(meeting, by=request.user, **data),
        _("Your reply has been sent to the secretariat."),
        "#invited",
    )


def _attendance(request, meeting):
    """签到 of every row in one go: all or nothing, each refusal named by its row."""
    form = AttendanceSheetForm(request.POST, invitees=meeting.invitees.all())

    def run(data):
        errors = []
        try:
            with transaction.atomic():
                for invitee, status, attended_by, reason in form.changed_rows():
                    try:
                        services.record_attendance(
                            meeting,
                            by=request.user,
                            invitee=invitee,
                            status=status,
                            attended_by=attended_by,
                            reason=reason,
                        )
                    except WorkflowError as exc:
                        if type(exc) is not WorkflowError:  # not allowed, a conflict: stop
                            raise
                        errors.append(f"{invitee.name}：{exc.message}")
                if errors:
                    raise _Undo
        except _Undo:
            raise WorkflowError("；".join(errors)) from None

    return ("attendance", form, run, _("Attendance recorded."), "#invited")


class _Undo(Exception):
    """Rolls the attendance sheet back when a row was refused."""


def _minutes(request, meeting):
    form = MinutesForm(request.POST, request.FILES)
    return (
        "minutes",
        form,
        lambda data: services.write_minutes(
            meeting,
            by=request.user,
            text=data["text"],
            files=data["files"],
            version=data["version"],
        ),
        _("Minutes saved."),
        "#minutes",
    )


def _propose(request, meeting):
    form = ProposeForm(request.POST, request.FILES)

    def run(data):
        created, _warnings = services.propose_decisions(
            meeting, by=request.user, upload=data["upload"]
        )
        if not created:
            raise WorkflowError(_("The text engine found no decisions in these minutes."))
        return created

    return (
        "propose",
        form,
        run,
        _("Decisions recognised: check each proposal, then accept or drop it."),
        "#proposals",
    )


def _chosen_decision(request, meeting):
    try:
        pk = int(request.POST.get("decision", ""))
    except ValueError:
        raise Http404 from None
    decision = next((d for d in meeting.decisions.all() if d.pk == pk), None)
    if decision is None:
        raise Http404
    return decision


def _add_decision(request, meeting):
    form = DecisionForm(request.POST, organisation=meeting.organisation, auto_id="id_new_%s")
    return (
        "add_decision",
        form,
        lambda data: services.add_decision(
            meeting, by=request.user, version=data["version"], **form.service_kwargs()
        ),
        _("Decision added."),
        "#decisions",
    )


def _change_decision(service, message):
    def handler(request, meeting):
        decision = _chosen_decision(request, meeting)
        form = DecisionForm(
            request.POST, organisation=meeting.organisation, auto_id=f"id_d{decision.pk}_%s"
        )
        return (
            f"decision:{decision.pk}",
            form,
            lambda data: service(
                decision, by=request.user, version=data["version"], **form.service_kwargs()
            ),
            message,
            "#decisions",
        )

    return handler


def _drop_decision(request, meeting):
    decision = _chosen_decision(request, meeting)
    form = ActionForm(request.POST)
    return (
        f"drop:{decision.pk}",
        form,
        lambda data: services.drop_decision(decision, by=request.user, version=data["version"]),
        _("Decision dropped."),
        "#proposals",
    )


def _countersign(request, meeting):
    form = CountersignForm(request.POST)

    def run(data):
        services.countersign(
            meeting,
            by=request.user,
            agree=data["agree"],
            comment=data["comment"],
        )

    agreed = request.POST.get("agree") != "no"
    message = (
        _("Your unit agreed to the minutes.")
        if agreed
        else _("Your unit's opinion has been sent to the secretariat.")
    )
    return ("countersign", form, run, message, "#countersign")


def _attach(request, meeting):
    form = FilesForm(request.POST, request.FILES)
    return (
        "files",
        form,
        lambda data: services.attach_files(
            meeting, by=request.user, files=data["files"], version=data["version"]
        ),
        _("Files attached."),
        "#materials",
    )


FORMS = {
    Action.RESPOND: _respond,
    Action.RECORD_ATTENDANCE: _attendance,
    Action.WRITE_MINUTES: _minutes,
    Action.COUNTERSIGN: _countersign,
    "propose": _propose,
    "add_decision": _add_decision,
    "update_decision": _change_decision(services.update_decision, _("Decision saved.")),
    "accept_decision": _change_decision(services.accept_decision, _("Decision accepted.")),
    "drop_decision": _drop_decision,
    "attach": _attach,
}


@require_POST
@login_required
def meeting_action(request, pk, action):
    meeting = _get(request, pk)
    if action in Action.buttons():
        key, form, run, message, anchor = _button(request, meeting, action)
    elif action in FORMS:
        key, form, run, message, anchor = FORMS[action](request, meeting)
    else:
        raise Http404
    if not form.is_valid():
        return _failed(request, pk, _form_errors(form), 400, {key: form})
    try:
        run(form.cleaned_data)
    except WorkflowError as exc:
        return _failed(request, pk, exc.message, exc.status_code, {key: form})
    return _done(request, meeting, message, anchor)


@login_required
def file_download(request, pk):
    """A material, photo or minutes file of a meeting the user sees."""
    upload = get_object_or_404(MeetingFile.objects.filter(meeting__in=_visible(request)), pk=pk)
    return FileResponse(upload.file.open("rb"), as_attachment=True, filename=upload.name)
