"""Plans, their aspects, problems and measures, and the 问题清单 / 任务清单 across plans.

Thin: every page reads through the models' ``visible_to`` (what a user may not see is a 404)
and every change goes through ``services``; a refusal shows its message on the page again
with everything the user typed (files excepted)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.org.choices import Role
from taizhang.supervision.models import Task, TaskUnit
from taizhang.utils.errors import WorkflowError

from . import rules, services, stats
from .choices import Action
from .filters import MeasureFilterSet, PlanFilterSet, ProblemFilterSet
from .forms import (
    ActionForm,
    AspectForm,
    CloseForm,
    CommitDateForm,
    LinkRepeatForm,
    MeasureForm,
    PlanForm,
    ProblemForm,
    ReopenForm,
)
from .models import Aspect, Measure, Plan, PlanEvent, PlanFile, Problem, ProblemFile
from .similar import repeat_candidates

PAGE_SIZE = 30


def _staff_only(user):
    """The pages are the staff's: submitters and the three administrators have none."""
    if user.role not in Role.staff():
        raise PermissionDenied


def _plans(request):
    return Plan.objects.visible_to(request.user)


def _get_plan(request, pk):
    return get_object_or_404(_plans(request).select_related("office", "leader"), pk=pk)


def _get_problem(request, pk):
    problems = Problem.objects.visible_to(request.user).with_progress()
    return get_object_or_404(
        problems.select_related(
            "plan", "plan__office", "aspect", "lead_unit", "responsible_leader", "repeat_of__plan"
        ).prefetch_related("units"),
        pk=pk,
    )


def _page(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def _filtered(request, filterset):
    return any(request.GET.get(name) for name in filterset.filters)


def _form_error(form):
    """The message for the top of the page: errors no field shows, or a pointer below."""
    hidden = {f.name for f in form.hidden_fields()}
    unseen = [
        str(e)
        for name, errors in form.errors.items()
        if name == "__all__" or name in hidden
        for e in errors
    ]
    return " ".join(unseen) or _("Please correct what is marked below.")


# ---- the plan list -------------------------------------------------------------------------


@login_required
def plan_list(request):
    user = request.user
    _staff_only(user)
    filterset = PlanFilterSet(request.GET or None, queryset=_plans(request), user=user)
    page, query = _page(request, filterset.qs.select_related("office"))
    figures = stats.figures_for(page.object_list, user)
    context = {
        "filterset": filterset,
        "page": page,
        "rows": [(p, figures[p.pk]) for p in page.object_list],
        "query": query,
        "filtered": _filtered(request, filterset),
        "can_manage": rules.can_manage(user),
    }
    return render(request, "rectification/plan_list.html", context)


# ---- registering and editing a plan --------------------------------------------------------


def _plan_form_page(request, form, plan=None, status=None):
    if status is None:
        status = 400 if form.errors else 200
    context = {"form": form, "plan": plan}
    return render(request, "rectification/plan_form.html", context, status=status)


@login_required
def plan_new(request):
    user = request.user
    if not rules.can_manage(user):
        raise PermissionDenied
    form = PlanForm(request.POST or None, request.FILES or None, organisation=user.organisation)
    if request.method == "POST" and form.is_valid():
        fields = form.plan_fields()
        try:
            plan = services.create_plan(by=user, files=form.cleaned_data["files"], **fields)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
            return _plan_form_page(request, form, status=exc.status_code)
        messages.success(request, _("Plan “%(title)s” registered.") % {"title": plan.title})
        return redirect(plan)
    return _plan_form_page(request, form)


@login_required
def plan_edit(request, pk):
    plan = _get_plan(request, pk)
    if refused := _refuse_plan(request, Action.EDIT, plan):
        return refused
    initial = {name: getattr(plan, name) for name in PlanForm.FIELDS}
    initial["version"] = plan.version
    form = PlanForm(
        request.POST or None,
        request.FILES or None,
        organisation=plan.organisation_id,
        editing=True,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # the fields and the documents, or neither
                plan = services.update_plan(
                    plan, by=request.user, version=data["version"], **form.plan_fields()
                )
                if data["files"]:
                    services.attach_plan_files(plan, by=request.user, files=data["files"])
        except WorkflowError as exc:
            form.add_error(None, exc.message)
            return _plan_form_page(request, form, plan, status=exc.status_code)
        messages.success(request, _("Plan saved."))
        return redirect(plan)
    return _plan_form_page(request, form, plan)


def _refuse_plan(request, action, plan):
    if not rules.can_manage(request.user, plan.organisation_id):
        raise PermissionDenied
    reason = rules.PLAN_LIFECYCLE.why_not(request.user, action, plan)
    if reason:
        messages.error(request, reason)
        return redirect(plan)
    return None


def _refuse_problem(request, action, problem):
    if not rules.can_manage(request.user, problem.plan.organisation_id):
        raise PermissionDenied
    reason = rules.PROBLEM_LIFECYCLE.why_not(request.user, action, problem)
    if reason:
        messages.error(request, reason)
        return redirect(problem)
    return None


# ---- the plan page -------------------------------------------------------------------------

PLAN_BUTTONS = tuple(services.PLAN_HANDLERS)
# The head may say something on approving; the table requires a comment elsewhere.
# 交办 carries the office's instructions to the units, 审定 the head's.
OPTIONAL_COMMENT = {Action.APPROVE, Action.APPROVE_TASKS, Action.ASSIGN, Action.ASSIGN_TASKS}


def _may_play(user, plan, transition):
    return user.role in transition.roles or (bool(transition.parts) and rules.is_head(user, plan))


def _plan_buttons(user, plan, failed):
    available = {a for a, _verb in rules.plan_actions(user, plan)}
    buttons, held_back = [], []
    for action in PLAN_BUTTONS:
        transition = rules.PLAN_LIFECYCLE[action]
        if action in available:
            form = failed.get(f"action:{action}") or ActionForm(
                auto_id=f"id_{action}_%s", initial={"version": plan.version}
            )
            buttons.append(
                {
                    "action": action,
                    "verb": Action.VERBS[action],
                    "needs_comment": transition.needs_comment,
                    "takes_comment": transition.needs_comment or action in OPTIONAL_COMMENT,
                    "takes_files": action == Action.COMPLETE,
                    "form": form,
                }
            )
        elif plan.status in transition.sources and _may_play(user, plan, transition):
            if action in (Action.APPROVE_TASKS, Action.ASSIGN_TASKS):
                continue  # nothing waiting: the page says so already
            reason = rules.PLAN_LIFECYCLE.why_not(user, action, plan)
            held_back.append((Action.VERBS[action], reason))
    return buttons, held_back


def _tree(user, plan):
    """The plan's aspects → problems → measures the user sees, in a fixed number of queries."""
    measures = (
        Measure.objects.visible_to(user)
        .filter(plan=plan)
        .select_related("task")
        .prefetch_related(
            Prefetch("task__task_units", queryset=TaskUnit.objects.select_related("unit"))
        )
        .order_by("position")
    )
    problems = list(
        Problem.objects.visible_to(user)
        .filter(plan=plan)
        .with_progress()
        .select_related("lead_unit", "responsible_leader", "repeat_of")
        .prefetch_related("units", Prefetch("measures", queryset=measures))
        .order_by("number")
    )
    task_ids = [m.task_id for p in problems for m in p.measures.all()]
    visible_tasks = set(
        Task.objects.visible_to(user, probe=True)
        .filter(pk__in=task_ids)
        .values_list("pk", flat=True)
    )
    for problem in problems:
        problem.rows = [(m, m.task_id in visible_tasks) for m in problem.measures.all()]
    aspects = list(plan.aspects.order_by("position"))
    for aspect in aspects:
        aspect.problem_rows = [p for p in problems if p.aspect_id == aspect.pk]
    if not user.sees_whole_organisation:  # a unit reads the aspects of its own problems
        aspects = [a for a in aspects if a.problem_rows]
    return aspects


def _plan_events(user, plan):
    """The plan's timeline; a unit reads the lines of the plan and of its own problems."""
    events = PlanEvent.objects.filter(plan=plan).select_related("actor", "problem")
    if not user.sees_whole_organisation:
        problems = Problem.objects.visible_to(user).filter(plan=plan)
        events = events.filter(Q(problem__isnull=True) | Q(problem__in=problems))
    return list(events[:200])


def _plan_context(request, plan, failed=None):
    failed = failed or {}
    user = request.user
    buttons, held_back = _plan_buttons(user, plan, failed)
    can_add = rules.PLAN_LIFECYCLE.can(user, Action.ADD_PROBLEM, plan)
    version = {"version": plan.version}
    aspects = _tree(user, plan)
    # Of what the user may see: a unit's figures are its own part of the plan.
    figures = stats.plan_figures(plan, user)
    return {
        "plan": plan,
        "figures": figures,
        "open_problems": figures["open_problems"],
        "open_measures": figures["open_measures"],
        "aspects": aspects,
        "files": list(plan.files.all()),
        "events": _plan_events(user, plan),
        "buttons": buttons,
        "held_back": held_back,
        "can_edit": rules.PLAN_LIFECYCLE.can(user, Action.EDIT, plan),
        "can_add": can_add,
        "aspect_form": (failed.get("aspect") or AspectForm(initial=version)) if can_add else None,
        "is_office": rules.can_manage(user, plan.organisation_id),
    }


@login_required
def plan_detail(request, pk):
    plan = _get_plan(request, pk)
    return render(request, "rectification/plan_detail.html", _plan_context(request, plan))


def _failed_plan(request, pk, message, status, failed):
    messages.error(request, message)
    _files_again(request)
    plan = _get_plan(request, pk)  # fresh: the refusal may come from someone else's change
    context = _plan_context(request, plan, failed)
    return render(request, "rectification/plan_detail.html", context, status=status)


@require_POST
@login_required
def plan_action(request, pk, action):
    plan = _get_plan(request, pk)
    if action not in PLAN_BUTTONS:
        raise Http404
    form = ActionForm(request.POST, request.FILES, auto_id=f"id_{action}_%s")
    key = f"action:{action}"
    if not form.is_valid():
        return _failed_plan(request, pk, _form_error(form), 400, {key: form})
    try:
        services.perform(
            plan,
            action,
            by=request.user,
            version=form.cleaned_data["version"],
            **form.service_kwargs(action),
        )
    except WorkflowError as exc:
        return _failed_plan(request, pk, exc.message, exc.status_code, {key: form})
    messages.success(request, _("%(action)s: done.") % {"action": Action.VERBS[action]})
    return redirect(plan)


# ---- aspects and problems ------------------------------------------------------------------


def _simple_page(request, template, context, form, status=None):
    if status is None:
        status = 400 if form.errors else 200
    return render(request, f"rectification/{template}", {**context, "form": form}, status=status)


@login_required
def aspect_new(request, pk):
    plan = _get_plan(request, pk)
    if refused := _refuse_plan(request, Action.ADD_PROBLEM, plan):
        return refused
    form = AspectForm(request.POST or None, initial={"version": plan.version})
    context = {"plan": plan, "aspect": None}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_aspect(plan, by=request.user, title=data["title"], version=data["version"])
        except WorkflowError as exc:
            form.add_error(None, exc.message)
            return _simple_page(request, "aspect_form.html", context, form, exc.status_code)
        messages.success(request, _("Aspect added."))
        return redirect(f"{plan.get_absolute_url()}#aspects")
    return _simple_page(request, "aspect_form.html", context, form)


@login_required
def aspect_edit(request, pk):
    aspect = get_object_or_404(
        Aspect.objects.filter(plan__in=_plans(request)).select_related("plan"), pk=pk
    )
    plan = aspect.plan
    if refused := _refuse_plan(request, Action.EDIT, plan):
        return refused
    form = AspectForm(
        request.POST or None, initial={"title": aspect.title, "version": plan.version}
    )
    context = {"plan": plan, "aspect": aspect}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.rename_aspect(
                aspect, by=request.user, title=data["title"], version=data["version"]
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
            return _simple_page(request, "aspect_form.html", context, form, exc.status_code)
        messages.success(request, _("Aspect saved."))
        return redirect(f"{plan.get_absolute_url()}#aspects")
    return _simple_page(request, "aspect_form.html", context, form)


@login_required
def problem_new(request, pk):
    plan = _get_plan(request, pk)
    if refused := _refuse_plan(request, Action.ADD_PROBLEM, plan):
        return refused
    initial = {"version": plan.version, "aspect": request.GET.get("aspect")}
    form = ProblemForm(request.POST or None, plan=plan, initial=initial)
    context = {"plan": plan, "problem": None}
    if request.method == "POST" and form.is_valid():
        fields = form.problem_fields()
        try:
            problem = services.add_problem(
                plan, by=request.user, version=form.cleaned_data["version"], **fields
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
            return _simple_page(request, "problem_form.html", context, form, exc.status_code)
        messages.success(
            request,
            _("Problem %(number)s added: now give it its measures.") % {"number": problem.number},
        )
        return redirect(problem)
    return _simple_page(request, "problem_form.html", context, form)


@login_required
def problem_edit(request, pk):
    problem = _get_problem(request, pk)
    if refused := _refuse_problem(request, Action.EDIT_PROBLEM, problem):
        return refused
    initial = {name: getattr(problem, name) for name in ProblemForm.FIELDS if name != "units"}
    initial["units"] = [u.pk for u in problem.units.all()]
    initial["version"] = problem.version
    form = ProblemForm(request.POST or None, plan=problem.plan, initial=initial)
    context = {"plan": problem.plan, "problem": problem}
    if request.method == "POST" and form.is_valid():
        fields = form.problem_fields()
        try:
            services.update_problem(
                problem, by=request.user, version=form.cleaned_data["version"], **fields
            )
        except WorkflowError as exc:
            form.add_error(None, exc.message)
            return _simple_page(request, "problem_form.html", context, form, exc.status_code)
        messages.success(request, _("Problem saved."))
        return redirect(problem)
    return _simple_page(request, "problem_form.html", context, form)


# ---- the problem page ----------------------------------------------------------------------

PROBLEM_FORMS = {
    Action.COMMIT_DATE: CommitDateForm,
    Action.CLOSE_PROBLEM: CloseForm,
    Action.REOPEN_PROBLEM: ReopenForm,
    Action.LINK_REPEAT: LinkRepeatForm,
}
NEEDS_PROBLEM = {Action.REOPEN_PROBLEM, Action.LINK_REPEAT}


def _problem_form(action, problem, data=None, files=None):
    form_class = PROBLEM_FORMS[action]
    kwargs = {"auto_id": f"id_{action}_%s", "prefix": action}
    if action in NEEDS_PROBLEM:
        kwargs["problem"] = problem
    initial = {"version": problem.version}
    if action == Action.COMMIT_DATE:
        initial["committed_date"] = problem.committed_date
    if action == Action.LINK_REPEAT:
        initial["earlier"] = problem.repeat_of_id
    return form_class(data, files, initial=initial, **kwargs)


def _repeat_candidates(user, problem, available):
    """Earlier problems like this one, offered to the office while it is not linked."""
    if Action.LINK_REPEAT not in available or problem.repeat_of_id:
        return []
    return repeat_candidates(problem, among=Problem.objects.visible_to(user), limit=3)


def _problem_context(request, problem, failed=None):
    failed = failed or {}
    user = request.user
    available = {a for a, _verb in rules.problem_actions(user, problem)}
    forms = [
        {
            "action": action,
            "verb": Action.VERBS[action],
            "form": failed.get(action) or _problem_form(action, problem),
        }
        for action in PROBLEM_FORMS
        if action in available
    ]
    measures = (
        Measure.objects.visible_to(user)
        .filter(problem=problem)
        .select_related("task")
        .prefetch_related(
            Prefetch("task__task_units", queryset=TaskUnit.objects.select_related("unit"))
        )
        .order_by("position")
    )
    measures = list(measures)
    visible_tasks = set(
        Task.objects.visible_to(user, probe=True)
        .filter(pk__in=[m.task_id for m in measures])
        .values_list("pk", flat=True)
    )
    can_add = Action.ADD_MEASURE in available
    return {
        "problem": problem,
        "plan": problem.plan,
        "measures": [(m, m.task_id in visible_tasks) for m in measures],
        "repeats": list(
            Problem.objects.visible_to(user).filter(repeat_of=problem).select_related("plan")
        ),
        "repeat_visible": problem.repeat_of_id is not None
        and Problem.objects.visible_to(user).filter(pk=problem.repeat_of_id).exists(),
        "repeat_candidates": _repeat_candidates(user, problem, available),
        "files": list(problem.files.all()),
        "events": list(problem.events.select_related("actor")),
        "forms": forms,
        "can_edit": Action.EDIT_PROBLEM in available,
        "measure_form": (
            failed.get(Action.ADD_MEASURE)
            or MeasureForm(problem=problem, prefix="m", initial={"version": problem.version})
        )
        if can_add
        else None,
    }


@login_required
def problem_detail(request, pk):
    problem = _get_problem(request, pk)
    context = _problem_context(request, problem)
    return render(request, "rectification/problem_detail.html", context)


def _files_again(request):
    """A browser cannot be handed a chosen file back: say so rather than lose it unseen."""
    if request.FILES:
        messages.warning(request, _("The files you chose were not kept; choose them again."))


def _failed_problem(request, pk, message, status, failed):
    messages.error(request, message)
    _files_again(request)
    problem = _get_problem(request, pk)
    context = _problem_context(request, problem, failed)
    return render(request, "rectification/problem_detail.html", context, status=status)


@require_POST
@login_required
def problem_action(request, pk, action):
    problem = _get_problem(request, pk)
    if action not in PROBLEM_FORMS:
        raise Http404
    form = _problem_form(action, problem, request.POST, request.FILES)
    if not form.is_valid():
        return _failed_problem(request, pk, _form_error(form), 400, {action: form})
    try:
        services.perform(
            problem,
            action,
            by=request.user,
            version=form.cleaned_data["version"],
            **form.service_kwargs(),
        )
    except WorkflowError as exc:
        return _failed_problem(request, pk, exc.message, exc.status_code, {action: form})
    messages.success(request, _("%(action)s: done.") % {"action": Action.VERBS[action]})
    return redirect(problem)


@login_required
def measure_new(request, pk):
    """新增措施: the form on the problem page posts here; a page of its own on GET."""
    problem = _get_problem(request, pk)
    if refused := _refuse_problem(request, Action.ADD_MEASURE, problem):
        return refused
    form = MeasureForm(
        request.POST or None, problem=problem, prefix="m", initial={"version": problem.version}
    )
    if request.method == "POST":
        if not form.is_valid():
            return _failed_problem(request, pk, _form_error(form), 400, {Action.ADD_MEASURE: form})
        try:
            measure = services.add_measure(
                problem,
                by=request.user,
                version=form.cleaned_data["version"],
                **form.measure_fields(),
            )
        except WorkflowError as exc:
            return _failed_problem(
                request, pk, exc.message, exc.status_code, {Action.ADD_MEASURE: form}
            )
        messages.success(request, _("Measure %(number)s added.") % {"number": measure.task.number})
        return redirect(f"{problem.get_absolute_url()}#measures")
    return render(request, "rectification/measure_form.html", {"problem": problem, "form": form})


# ---- the lists across plans ----------------------------------------------------------------


@login_required
def problem_list(request):
    """问题清单: every problem the user sees, filtered as the figures link to them."""
    user = request.user
    _staff_only(user)
    problems = Problem.objects.visible_to(user).with_progress()
    filterset = ProblemFilterSet(request.GET or None, queryset=problems, user=user)
    rows = filterset.qs.select_related(
        "plan", "aspect", "lead_unit", "responsible_leader"
    ).order_by("-plan__created_at", "plan_id", "number")
    page, query = _page(request, rows)
    context = {
        "filterset": filterset,
        "page": page,
        "query": query,
        "filtered": _filtered(request, filterset),
    }
    return render(request, "rectification/problem_list.html", context)


@login_required
def measure_list(request):
    """任务清单: every measure the user sees, with its task's state."""
    user = request.user
    _staff_only(user)
    filterset = MeasureFilterSet(
        request.GET or None, queryset=Measure.objects.visible_to(user), user=user
    )
    rows = (
        filterset.qs.select_related("task", "problem", "plan")
        .prefetch_related(
            Prefetch("task__task_units", queryset=TaskUnit.objects.select_related("unit"))
        )
        .order_by("-plan__created_at", "plan_id", "problem__number", "position")
    )
    page, query = _page(request, rows)
    visible_tasks = set(
        Task.objects.visible_to(user, probe=True)
        .filter(pk__in=[m.task_id for m in page.object_list])
        .values_list("pk", flat=True)
    )
    context = {
        "filterset": filterset,
        "page": page,
        "rows": [(m, m.task_id in visible_tasks) for m in page.object_list],
        "query": query,
        "filtered": _filtered(request, filterset),
    }
    return render(request, "rectification/measure_list.html", context)


# ---- files ---------------------------------------------------------------------------------


@login_required
def plan_file(request, pk):
    upload = get_object_or_404(PlanFile.objects.filter(plan__in=_plans(request)), pk=pk)
    return FileResponse(upload.file.open("rb"), as_attachment=True, filename=upload.name)


@login_required
def problem_file(request, pk):
    upload = get_object_or_404(
        ProblemFile.objects.filter(problem__in=Problem.objects.visible_to(request.user)), pk=pk
    )
    return FileResponse(upload.file.open("rb"), as_attachment=True, filename=upload.name)
