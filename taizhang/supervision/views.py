"""Pages of the ledger. Thin: they read through ``visible_to`` and write through services."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.org.choices import Role
from taizhang.org.models import Unit
from taizhang.org.views import unit_tree
from taizhang.utils.errors import WorkflowError
from taizhang.utils.htmx import is_htmx
from taizhang.utils.paging import IdsFirstPaginator, ids_first

from . import excel, excel_jobs, other_work, rules, services, sources
from .choices import Action, ExtensionStatus, Light, Status, UnitRole
from .filters import ledger_filter, ledger_url
from .forms import ActionForm, CommentForm, ImportForm, TaskForm, parent_label
from .models import Attachment, ExtensionRequest, Task, running_parts_visible_to

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
    _filterset, tasks = _filtered(request)
    count = tasks.count()
    if count > settings.TAIZHANG_EXPORT_BACKGROUND_ROWS:
        job = excel_jobs.start_export(request.user, request.GET.urlencode())
        return redirect("system:file-job", job.pk)
    try:
        return excel.ledger_response(tasks, count=count)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('supervision:ledger')}?{request.GET.urlencode()}")


@login_required
def ledger_import(request):
    if not rules.can_create(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # An oversized file stays on the direct path, which refuses it before keeping it.
        limits = settings.TAIZHANG_IMPORT_BACKGROUND_BYTES, settings.TAIZHANG_IMPORT_MAX_BYTES
        if limits[0] < upload.size <= limits[1]:
            job = excel_jobs.start_import(request.user, upload)
            return redirect("system:file-job", job.pk)
        try:
            created = excel.import_upload(upload, by=request.user)
        except excel.ImportFailed as exc:
            errors = exc.errors
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("%(count)d tasks imported as drafts.") % {"count": len(created)}
            )
            return redirect("supervision:ledger")
    return render(request, "supervision/import.html", {"form": form, "errors": errors})


@login_required
def task_detail(request, pk):
    task = _get_task(request, pk)
    user = request.user
    events = task.events.select_related("actor", "unit")
    context = {
        "task": task,
        "actions": rules.available_actions(user, task),
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
        "attachments": task.attachments.filter(progress_report__isnull=True),
        # The parent only when the user may open it: its title is not theirs to read otherwise.
        "parent": (
            Task.objects.visible_to(user, probe=True).filter(pk=task.parent_id).first()
            if task.parent_id
            else None
        ),
        "children": Task.objects.visible_to(user, probe=True).filter(parent=task),
        "task_units": sorted(task.task_units.all(), key=lambda tu: UNIT_ROLE_ORDER[tu.role]),
        "source_links": sources.links_for(task, user),
    }
    return render(request, "supervision/task_detail.html", context)


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
    try:
        services.perform(task, action, by=request.user, **params)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(action)s: done.") % {"action": Action.VERBS[action]})
    return redirect(task)


@require_POST
@login_required
def task_comment(request, pk):
    task = _get_task(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(
                task,
                by=request.user,
                text=form.cleaned_data["text"],
                instruction=form.cleaned_data["instruction"],
            )
        except WorkflowError as exc:
            messages.error(request, exc.message)
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
    attachment = get_object_or_404(Attachment, pk=pk)
    if not Task.objects.visible_to(request.user, probe=True).filter(pk=attachment.task_id).exists():
        raise Http404  # as if it did not exist: its task is not the user's to see
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
