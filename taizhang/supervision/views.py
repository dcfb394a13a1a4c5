"""Pages of the ledger. Thin: they read through ``visible_to`` and write through services."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST

from taizhang.notify.deliveries import deliveries_about
from taizhang.org.choices import Role
from taizhang.org.models import Unit
from taizhang.org.views import unit_tree
from taizhang.utils.errors import WorkflowError
from taizhang.utils.htmx import is_htmx
from taizhang.utils.paging import IdsFirstPaginator, ids_first

from . import excel, excel_jobs, hints, other_work, previews, rules, services, sources
from .choices import Action, ExtensionStatus, Light, Status, UnitRole
from .filters import chosen_ids, filter_errors, find_tasks, ledger_filter, ledger_url
from .forms import ActionForm, CommentForm, TaskForm, parent_label
from .models import Attachment, ExtensionRequest, Task, running_parts_visible_to
from .next_step import next_step, pending_extension, unsigned_units
from .saved_filters import ledger_list_context

PAGE_SIZES = (20, 50, 100)
UNIT_ROLE_ORDER = {role: i for i, role in enumerate(UnitRole)}


def _visible(request):
    return Task.objects.visible_to(request.user)


def _get_task(request, pk):
    """The task if the user may see it; 404 otherwise, so its existence is not revealed."""
    return get_object_or_404(Task.objects.visible_to(request.user, probe=True).with_units(), pk=pk)


def _ledger_rows(queryset):
    return queryset.with_units()


def _theirs(user, **part):
    return Task.objects.visible_to(user, parts=part)


# Rows a waiting list of 我的待办 shows; the rest is a click away in the filtered ledger.
TODO_ROWS = 10


def _todo_lists(user, tasks):
    """(title, tasks, the ledger filtered the same way or None) for this user's work."""
    lists = []
    if user.role == Role.LEADER:
        lists.append(
            (_("To approve"), tasks.filter(status=Status.DRAFT), ledger_url(status=Status.DRAFT))
        )
    if user.role == Role.SUPERVISOR:
        for title, status in (
            (_("To assign"), Status.APPROVED),
            (_("To verify"), Status.COMPLETION_REPORTED),
        ):
            lists.append((title, tasks.filter(status=status), ledger_url(status=status)))
    if user.role in (Role.LEADER, Role.SUPERVISOR):
        pending = ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING)
        lists.append(
            (_("Extensions to decide"), tasks.filter(pk__in=pending.values("task_id")), None)
        )
    if user.role == Role.HANDLER:
        working = [Status.SIGNED, Status.IN_PROGRESS, Status.RETURNED]
        lists += [
            (_("To sign for"), _theirs(user, signed_at__isnull=True), None),
            (
                _("To report on"),
                _theirs(user, signed_at__isnull=False).filter(status__in=working),
                None,  # the ledger has no filter for the parts a unit signed for
            ),
        ]
    for title, light in ((_("Due soon"), Light.BLUE), (_("Overdue"), Light.RED)):
        # A handler's from their units' light copies: a short list instead of all their tasks.
        lit = _theirs(user, light=light) if user.role == Role.HANDLER else tasks
        lists.append((title, lit.filter(light=light), ledger_url(light=light)))
    return lists


@login_required
def todo(request):
    """我的待办: what waits for this user, by kind of work: the first rows of each list (one
    more is read to know whether there are more) and the counts, each a link to the ledger."""
    user, tasks = request.user, _visible(request)
    sections = []
    for title, rows, url in _todo_lists(user, tasks):
        rows = ids_first(_ledger_rows(rows)[: TODO_ROWS + 1])
        sections.append((title, rows[:TODO_ROWS], len(rows) > TODO_ROWS, url))
    counts = tasks.aggregate(
        open=Count("pk", filter=Q(status__in=Status.open_states())),
        red=Count("pk", filter=Q(light=Light.RED)),
        yellow=Count("pk", filter=Q(light=Light.YELLOW)),
        closed=Count("pk", filter=Q(status=Status.CLOSED)),
    )
    links = {
        "open": ledger_url(status=sorted(Status.open_states())),
        "red": ledger_url(light=Light.RED),
        "yellow": ledger_url(light=Light.YELLOW),
        "closed": ledger_url(status=Status.CLOSED),
    }
    context = {
        "bulk_actions": services.bulk_actions_for(user),
        "sections": sections,
        "counts": counts,
        "links": links,
        "other_work": other_work.for_user(user),
    }
    return render(request, "supervision/todo.html", context)


def _filtered(request):
    filterset = ledger_filter(request.user, request.GET)
    return filterset, filterset.qs


@login_required
def ledger(request):
    """督办台账: the filtered, paged list of tasks; htmx gets the table alone."""
    filterset, tasks = _filtered(request)
    try:
        per_page = int(request.GET.get("per_page", PAGE_SIZES[0]))
    except ValueError:
        per_page = PAGE_SIZES[0]
    per_page = per_page if per_page in PAGE_SIZES else PAGE_SIZES[0]
    page = IdsFirstPaginator(_ledger_rows(tasks), per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filterset": filterset,
        "page": page,
        "query": query.urlencode(),
        "per_page": per_page,
        "page_sizes": PAGE_SIZES,
        "can_create": rules.can_create(request.user),
        **ledger_list_context(request, filterset, query),
        "bulk_actions": services.bulk_actions_for(request.user),
    }
    template = (
        "supervision/includes/ledger_table.html"
        if is_htmx(request)
        else ("supervision/ledger.html")
    )
    return render(request, template, context)


@login_required
def ledger_export(request):
    """The filtered ledger as .xlsx: streamed in the request, or above
    ``TAIZHANG_EXPORT_BACKGROUND_ROWS`` rows written in the background to a file of the
    user's, on a page that shows its progress."""
    filterset, tasks = _filtered(request)
    if refused := filter_errors(filterset):
        messages.error(request, refused)
        return redirect("supervision:ledger")
    count = tasks.count()
    if count > settings.TAIZHANG_EXPORT_BACKGROUND_ROWS:
        job = excel_jobs.start_export(request.user, request.GET.urlencode())
        return redirect("system:file-job", job.pk)
    try:
        return excel.ledger_response(tasks, count=count, note=excel.filter_line(filterset))
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('supervision:ledger')}?{request.GET.urlencode()}")


@login_required
def task_detail(request, pk):
    task = _get_task(request, pk)
    user = request.user
    events = task.events.select_related("actor", "unit")
    actions = rules.available_actions(user, task)
    context = {
        "task": task,
        "actions": actions,
        "action_form": ActionForm(initial={"version": task.version}),
        "comment_form": CommentForm(),
        "can_edit": rules.can_edit(user, task),
        "can_instruct": rules.can_instruct(user, task),
        "events": events,
        "instructions": [e for e in events if e.action == Action.INSTRUCT],
        "reports": task.progress_reports.select_related("unit", "author").prefetch_related(
            "attachments"
        ),
        "extensions": task.extension_requests.select_related("requested_by", "decided_by"),
        **_task_page_extras(task, user, events),
        # The parent only when the user may open it: its title is not theirs to read otherwise.
        "parent": (
            Task.objects.visible_to(user, probe=True).filter(pk=task.parent_id).first()
            if task.parent_id
            else None
        ),
        "children": Task.objects.visible_to(user, probe=True).filter(parent=task),
        "task_units": sorted(task.task_units.all(), key=lambda tu: UNIT_ROLE_ORDER[tu.role]),
        "source_links": sources.links_for(task, user),
        # 减负: before 交办, what the task's units are already asked (other apps' hints).
        "assign_hints": (
            hints.before_assigning(task, user)
            if any(action == Action.ASSIGN for action, _verb in actions)
            else []
        ),
        "instruction_requested": rules.instruction_requested(task),
        **_deliveries_card(task, user),
    }
    return render(request, "supervision/task_detail.html", context)


DELIVERIES_SHOWN = 50


def _deliveries_card(task, user):
    """送达情况 for supervisors and leaders: the task's latest deliveries (the rest in the API)."""
    if not user.sees_whole_organisation:
        return {}
    query = urlencode({"task": task.pk})
    return {
        "deliveries": deliveries_about(task, DELIVERIES_SHOWN),
        "deliveries_limit": DELIVERIES_SHOWN,
        "deliveries_api": f"{reverse('api:notification-deliveries')}?{query}",
    }


@login_required
def task_create(request):
    if not rules.can_create(request.user):
        raise PermissionDenied
    form = TaskForm(
        request.POST or None,
        organisation=request.user.organisation,
        user=request.user,
        initial={"parent": request.GET.get("parent")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            task = services.create_task(
                by=request.user, organisation=request.user.organisation, **form.service_kwargs()
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Task %(number)s registered.") % {"number": task.number})
            return redirect(task)
    return render(request, "supervision/task_form.html", {"form": form})


@login_required
def task_edit(request, pk):
    task = _get_task(request, pk)
    if not rules.can_edit(request.user, task):
        raise PermissionDenied
    form = TaskForm(
        request.POST or None, instance=task, organisation=task.organisation, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_task(
                task, by=request.user, version=form.cleaned_data["version"], **form.service_kwargs()
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(task)
    return render(request, "supervision/task_form.html", {"form": form, "task": task})


@require_POST
@login_required
def task_action(request, pk, action):
    task = _get_task(request, pk)
    if action not in services.ACTION_PARAMS:
        raise Http404
    form = ActionForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect(task)
    # One form for every action; perform() keeps the inputs this action takes.
    params = {**form.cleaned_data, "text": form.cleaned_data["comment"]}
    if action == Action.REMIND:
        params.update(_remind_params(request))
    try:
        result = services.perform(task, action, by=request.user, **params)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(action)s: done.") % {"action": Action.VERBS[action]})
        if action == Action.REMIND:
            _remind_messages(request, result)
    return redirect(task)


@require_POST
@login_required
def task_comment(request, pk):
    task = _get_task(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            event = services.add_comment(
                task,
                by=request.user,
                text=form.cleaned_data["text"],
                instruction=form.cleaned_data["instruction"],
                reply_to=form.cleaned_data["reply_to"],
            )
        except WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            _say_mentions(request, event)
            return redirect(f"{task.get_absolute_url()}#comment-{event.pk}")
    else:
        messages.error(request, _("Write something first."))
    return redirect(task)


@require_POST
@login_required
def task_attach(request, pk):
    task = _get_task(request, pk)
    try:
        services.add_attachments(task, by=request.user, files=request.FILES.getlist("files"))
    except WorkflowError as exc:
        messages.error(request, exc.message)
    return redirect(task)


@login_required
def attachment_download(request, pk):
    attachment = _visible_attachment(request, pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@login_required
def units(request):
    """单位树: the organisation's units with the open and overdue tasks this user can see.

    Counted from the task units alone, by the light they carry (a task's light is copied onto
    its units; NONE: not running), in one pass over an index.
    """
    user = request.user
    rows = list(Unit.objects.filter(organisation_id=user.organisation_id))
    counts = {
        row["unit_id"]: row
        for row in running_parts_visible_to(user)
        .filter(role__in=UnitRole.acting())
        .values("unit_id")
        .annotate(open=Count("pk"), red=Count("pk", filter=Q(light=Light.RED)))
        .order_by()
    }
    for unit in rows:
        found = counts.get(unit.pk, {})
        unit.open_tasks, unit.red_tasks = found.get("open", 0), found.get("red", 0)
    return render(request, "supervision/units.html", {"tree": unit_tree(rows)})


# ---- the task page: next step, files, comment threads, previews (issue 14, item 10) ----------


def _attachment_rows(task, reports, completions):
    """Every file of the task with where it came from: the task's own, a progress report's
    (unit, date) or a completion report's."""
    report_of = {r.pk: r for r in reports}
    completion_of = {e.pk: e for e in completions}
    rows = []
    for a in task.attachments.all():
        if a.progress_report_id in report_of:
            r = report_of[a.progress_report_id]
            source = _("Progress report of %(unit)s, %(day)s") % {
                "unit": r.unit,
                "day": timezone.localdate(r.created_at).isoformat(),
            }
        elif a.completion_report_id in completion_of:
            e = completion_of[a.completion_report_id]
            day = timezone.localdate(e.created_at).isoformat()  # the office's day, not UTC's
            source = _("Completion report, %(day)s") % {"day": day}
        else:
            source = _("Task file")
        a.preview_kind = previews.kind(a)
        rows.append((a, source))
    return rows


def _task_page_extras(task, user, events):
    """What the task page shows beside the task: the next step, the files, the comment threads."""
    events = list(events)
    reports = list(task.progress_reports.select_related("unit", "author"))
    completions = [e for e in events if e.action == Action.SUBMIT_COMPLETION]
    files_by_report = {}
    for a in task.attachments.all():
        if a.completion_report_id:
            files_by_report.setdefault(a.completion_report_id, []).append(a)
    for e in completions:
        e.files = files_by_report.get(e.pk, [])
    replies = {}
    for e in reversed(events):  # oldest first under their comment
        if e.reply_to_id:
            replies.setdefault(e.reply_to_id, []).append(e)
    for e in events:
        e.thread = replies.get(e.pk, [])
    return {
        "next": next_step(task),
        "pending_extension": pending_extension(task),
        "unsigned_units": unsigned_units(task),
        "events": [e for e in events if not e.reply_to_id],
        "attachments": _attachment_rows(task, reports, completions),
        "completion_reports": completions,
        "can_comment": task.status not in Status.final_states(),
    }


def _say_mentions(request, event):
    if getattr(event, "mentioned", None):
        names = "、".join(str(u) for u in event.mentioned)
        messages.success(request, _("Notified: %(units)s.") % {"units": names})
    if getattr(event, "not_mentioned", None):
        names = "、".join(str(u) for u in event.not_mentioned)
        messages.warning(
            request,
            _("%(units)s not notified: they do not take part in this task.") % {"units": names},
        )


def _visible_attachment(request, pk):
    attachment = get_object_or_404(Attachment, pk=pk)
    if not Task.objects.visible_to(request.user, probe=True).filter(pk=attachment.task_id).exists():
        raise Http404  # as if it did not exist: its task is not the user's to see
    return attachment


# The inline file may be framed by our own pages (the PDF viewer) and nothing else; Chromium's
# PDF viewer is a plugin, which object-src 'none' would block.
INLINE_CSP = {
    "default-src": [CSP.NONE],
    "img-src": [CSP.SELF],
    "object-src": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
}


@login_required
@xframe_options_sameorigin
@csp_override(INLINE_CSP)
def attachment_inline(request, pk):
    """An image or PDF attachment served to be shown in the page, not downloaded."""
    attachment = _visible_attachment(request, pk)
    content_type = previews.content_type(attachment)
    if content_type is None:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"), filename=attachment.name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def attachment_preview(request, pk):
    """The preview of one attachment: an image, the PDF viewer or a .docx's text (htmx gets
    the fragment the task page opens in place)."""
    attachment = _visible_attachment(request, pk)
    kind = previews.kind(attachment)
    if kind is None:
        raise Http404
    context = {"a": attachment, "kind": kind, "task": attachment.task}
    if kind == "docx":
        try:
            with attachment.file.open("rb") as f:
                data = f.read(settings.TAIZHANG_UPLOAD_MAX_BYTES + 1)
            context["text"], context["cut"] = previews.docx_text(data)
        except previews.PreviewError as exc:
            context["error"] = str(exc)
        except OSError:
            context["error"] = _("The file could not be read from storage: download it.")
    template = (
        "supervision/includes/attachment_preview.html"
        if is_htmx(request)
        else "supervision/attachment_preview.html"
    )
    return render(request, template, context)


# ---- global search (the header's box) -------------------------------------------------------

SEARCH_ROWS = 50


@login_required
def search(request):
    """全局搜索: the tasks the query finds, the first rows in the ledger's order; a query that
    is exactly one task's number opens that task."""
    query = request.GET.get("q", "").strip()
    rows = ids_first(_ledger_rows(find_tasks(request.user, query))[: SEARCH_ROWS + 1])
    exact = [task for task in rows if task.number == query]
    if len(exact) == 1:
        return redirect(exact[0])
    context = {
        "query": query,
        "tasks": rows[:SEARCH_ROWS],
        "more": len(rows) > SEARCH_ROWS,
        "ledger": ledger_url(q=query),
        "bulk_actions": None,  # no row checkboxes: the ledger has them
    }
    return render(request, "supervision/search.html", context)


# ---- 催办 by hand and bulk actions (issue 14, area "bulk") -----------------------------------


def _remind_params(request):
    """The reminder's own inputs: urgent (加急) and the units chosen on the task page."""
    return {"urgent": bool(request.POST.get("urgent")), "units": request.POST.getlist("units")}


def _remind_messages(request, result):
    names = "、".join(str(unit) for unit in result.reminded)
    channels = "、".join(str(c) for c in result.channels)
    messages.info(
        request,
        _("Reminded: %(units)s (by %(channels)s).") % {"units": names, "channels": channels},
    )
    for _unit, reason in result.refused:
        messages.warning(request, reason)


EXPORT_CHOSEN = "export"


@require_POST
@login_required
def bulk_action(request):
    """Row checkboxes of the ledger and 我的待办: one action on the chosen tasks, each checked
    as one at a time; a summary page of what was done and what was refused and why. "Export"
    is the ledger's export of the chosen ids."""
    ids, action = request.POST.getlist("ids"), request.POST.get("action", "")
    back = request.POST.get("next") or reverse("supervision:ledger")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("supervision:ledger")
    if not ids:
        messages.error(request, _("Choose at least one task."))
        return redirect(back)
    if action == EXPORT_CHOSEN:
        try:
            chosen = chosen_ids(ids)
        except ValueError as exc:
            messages.error(request, str(exc))
            return redirect(back)
        return redirect(f"{reverse('supervision:export')}?{urlencode({'id': chosen}, doseq=True)}")
    try:
        done, refused = services.bulk_perform(
            ids, action, by=request.user, comment=request.POST.get("comment", "")
        )
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    shown = Task.objects.visible_to(request.user, probe=True).in_bulk(
        [*done, *(pk for pk, _reason in refused)]
    )
    context = {
        "verb": Action.VERBS[action],
        "done": [shown[pk] for pk in done],
        "refused": [(pk, shown.get(pk), reason) for pk, reason in refused],
        "back": back,
    }
    return render(request, "supervision/bulk_result.html", context)


# --- Forms (issue 14, item 1): the parent task's remote-search choices --------------------------

TASK_CHOICES_LIMIT = 20


@login_required
def task_choices(request):
    """GET /tasks/choices/?q=…: at most 20 tasks the user may see whose number or title holds q,
    as ``{"results": [{"value": id, "text": "编号 标题"}]}`` for the 上级事项 search box."""
    query = " ".join(request.GET.get("q", "").split())[:100]
    rows = []
    if query:
        tasks = _visible(request).filter(Q(number__icontains=query) | Q(title__icontains=query))
        exclude = request.GET.get("exclude", "")
        if exclude.isdigit():
            tasks = tasks.exclude(pk=int(exclude))
        rows = [
            {"value": task.pk, "text": parent_label(task)}
            for task in tasks.only("number", "title").order_by("-pk")[:TASK_CHOICES_LIMIT]
        ]
    return JsonResponse({"results": rows})
