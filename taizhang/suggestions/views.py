"""Pages of 建言献策. Thin: they read through ``visible_to`` and write through services."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.org.choices import Role
from taizhang.org.models import Unit
from taizhang.supervision.models import Task
from taizhang.utils.addresses import client_address
from taizhang.utils.errors import WorkflowError
from taizhang.utils.htmx import is_htmx

from . import rules, services, similar
from .choices import (
    Action,
    Channel,
    CommendationKind,
    Extent,
    Rating,
    ReplyClass,
    Status,
    UnitPart,
)
from .filters import SuggestionFilterSet
from .forms import ActionForm, ClaimForm, EnterForm, ReasonForm, SpawnTaskForm, SuggestionForm
from .models import (
    ChannelSettings,
    Commendation,
    RefusalReason,
    Reply,
    Suggestion,
    SuggestionAttachment,
    SuggestionUnit,
)

PAGE_SIZES = (20, 50, 100)
CLAIM_CODES = "taizhang_claim_codes"  # session: {suggestion pk: code}, read by the receipt page
MULTIPLE = ("joint_units", "assisting_units")
PART_ORDER = {part: i for i, part in enumerate(UnitPart)}


def _visible(request):
    return Suggestion.objects.visible_to(request.user)


def _get(request, pk):
    """The suggestion if the user may see it; 404 otherwise, so its existence is not revealed."""
    return get_object_or_404(_visible(request).for_lists(), pk=pk)


def _is_submitter(user):
    return user.role == Role.SUBMITTER


# ---- the ledger --------------------------------------------------------------------------------


def waiting_work(user, suggestions):
    """待我处理: (key, title, queryset) by kind of work waiting for this user."""
    sections = []
    if user.role == Role.SUPERVISOR:
        sections += [
            ("accept", _("To accept"), suggestions.filter(status=Status.SUBMITTED)),
            (
                "assign",
                _("To assign"),
                suggestions.filter(status__in=[Status.ACCEPTED, Status.RETURNED]),
            ),
            ("review", _("Replies to review"), suggestions.filter(status=Status.REPLY_REVIEW)),
        ]
    if user.role == Role.LEADER:
        sections.append(
            (
                "commend",
                _("Commendations to approve"),
                suggestions.filter(
                    pk__in=Commendation.objects.filter(approved_at__isnull=True).values(
                        "suggestion_id"
                    )
                ),
            )
        )
    if user.role == Role.HANDLER:
        mine = SuggestionUnit.objects.filter(unit_id__in=user.unit_ids(), returned_at__isnull=True)
        handling = suggestions.filter(status__in=Status.handling_states())
        sections += [
            (
                "sign",
                _("To sign for"),
                handling.filter(pk__in=mine.filter(signed_at__isnull=True).values("suggestion")),
            ),
            (
                "reply",
                _("To reply to"),
                suggestions.filter(
                    status=Status.IN_HAND,
                    pk__in=mine.filter(part=UnitPart.LEAD, signed_at__isnull=False).values(
                        "suggestion"
                    ),
                ),
            ),
        ]
    if user.role == Role.SUBMITTER:
        sections.append(("rate", _("To rate"), suggestions.filter(status=Status.REPLIED)))
    return sections


def _waiting(user, suggestions):
    return [
        (key, title, list(qs.for_lists()[:50]))
        for key, title, qs in waiting_work(user, suggestions)
    ]


def todo_counts(user):
    """The suggestion work waiting for the user, for the ledger's 我的待办 (see
    supervision.other_work): (title, count, url) of each kind that has any."""
    visible = Suggestion.objects.visible_to(user)
    url = reverse("suggestions:list")
    found = []
    for key, title, queryset in waiting_work(user, visible):
        if count := queryset.count():
            found.append(
                (_("Suggestions: %(work)s") % {"work": title}, count, f"{url}#waiting-{key}")
            )
    return found


def _per_page(request):
    try:
        per_page = int(request.GET.get("per_page", PAGE_SIZES[0]))
    except ValueError:
        return PAGE_SIZES[0]
    return per_page if per_page in PAGE_SIZES else PAGE_SIZES[0]


@login_required
def suggestion_list(request):
    """建言献策台账 for staff and units; 我的建议 for a submitter. htmx gets the table alone."""
    user = request.user
    if user.is_administrator:
        raise PermissionDenied
    visible = _visible(request)
    filterset = SuggestionFilterSet(request.GET or None, queryset=visible, user=user)
    per_page = _per_page(request)
    page = Paginator(filterset.qs.for_lists(), per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filterset": filterset,
        "page": page,
        "query": query.urlencode(),
        "per_page": per_page,
        "page_sizes": PAGE_SIZES,
        "is_submitter": _is_submitter(user),
        "can_submit": rules.can_submit(user),
        "can_enter": rules.can_enter(user),
        "can_manage": rules.can_manage_channel(user),
    }
    if is_htmx(request):
        return render(request, "suggestions/includes/table.html", context)
    context["waiting"] = _waiting(user, visible)
    context["units"] = Unit.objects.filter(organisation_id=user.organisation_id)
    return render(request, "suggestions/list.html", context)


@login_required
def published_replies(request):
    """公开答复: the approved replies the office made public, without submitters' names."""
    user = request.user
    if user.is_administrator or user.organisation_id is None:
        raise PermissionDenied
    public = Reply.objects.filter(approved=True, public=True).select_related("unit")
    suggestions = (
        Suggestion.objects.published(user.organisation_id)
        .prefetch_related(Prefetch("replies", queryset=public, to_attr="public_replies"))
        .order_by("-replied_at", "-pk")
    )
    q = request.GET.get("q", "").strip()
    for word in q.split():
        suggestions = suggestions.filter(Q(title__icontains=word) | Q(body__icontains=word))
    page = Paginator(suggestions, 20).get_page(request.GET.get("page"))
    for suggestion in page:
        suggestion.public_reply = suggestion.public_replies[-1]
    return render(request, "suggestions/replies.html", {"page": page, "q": q})


# ---- one suggestion ----------------------------------------------------------------------------


def _action_defaults(suggestion):
    return {
        "topic": suggestion.topic,
        "deadline_working_days": suggestion.deadline_working_days
        or settings.TAIZHANG_SUGGESTION_REPLY_WORKING_DAYS,
        "lead_unit": suggestion.lead_unit.code if suggestion.lead_unit else "",
        "joint_units": [u.code for u in suggestion.joint_units],
        "assisting_units": [u.code for u in suggestion.assisting_units],
        "extent": Extent.WHOLE,
    }


def _posted(request):
    return {
        k: (request.POST.getlist(k) if k in MULTIPLE else request.POST.get(k)) for k in request.POST
    }


def _staff_context(user, suggestion):
    """What staff and units see beyond the submitter: units, opinions, merges, tasks."""
    spawned = suggestion.spawned.select_related("task")
    opens = set(
        Task.objects.visible_to(user, probe=True)
        .filter(pk__in=[link.task_id for link in spawned])
        .values_list("pk", flat=True)
    )
    opinions = list(suggestion.opinions.select_related("unit", "author"))
    given = {o.unit_id for o in opinions if o.round == suggestion.round}
    return {
        "opinions": opinions,
        # 会办 units whose opinion the lead unit's reply should carry and does not have yet.
        "opinions_missing": [
            u
            for u in suggestion.joint_units
            if u.pk not in given and suggestion.status in Status.handling_states()
        ],
        "suggestion_units": sorted(
            suggestion.suggestion_units.all(), key=lambda su: PART_ORDER[su.part]
        ),
        "merged_from": suggestion.merged_from.all(),
        "spawned": [(link.task, link.task_id in opens) for link in spawned],
    }


def _action_context(request, suggestion, failed_action, spawn_form):
    """One form per action the user may take, filled with what they typed if it failed."""
    user = request.user
    defaults = _action_defaults(suggestion)
    actions = [
        (action, verb, _posted(request) if action == failed_action else defaults)
        for action, verb in rules.available_actions(user, suggestion)
    ]
    names = {action for action, _verb, _values in actions}
    context = {
        "actions": actions,
        "failed_action": failed_action,
        "rating_choices": Rating.choices,
        "reply_classes": ReplyClass.choices,
        "extents": Extent.choices,
        "commendation_kinds": CommendationKind.choices,
    }
    if Action.ASSIGN in names:
        context["units"] = Unit.objects.filter(organisation_id=suggestion.organisation_id)
    if Action.REFUSE in names:
        context["refusal_reasons"] = services.refusal_reasons(suggestion.organisation)
    if Action.MERGE in names:
        context["merge_candidates"] = similar.merge_candidates(suggestion)
    if rules.can_spawn_task(user, suggestion):
        context["spawn_form"] = spawn_form or SpawnTaskForm(
            organisation=suggestion.organisation,
            initial={
                "title": suggestion.title,
                "body": suggestion.body[:2000],
                # The unit that answered it usually carries the task out.
                "lead_unit": suggestion.lead_unit,
            },
        )
    return context


def _detail_context(request, suggestion, *, failed_action=None, spawn_form=None):
    staff = not _is_submitter(request.user)
    events = suggestion.events.select_related("actor", "unit")
    replies = suggestion.replies.select_related("unit", "author", "reviewed_by", "rated_by")
    if not staff:  # a submitter reads the public steps and the replies sent to them
        events = events.filter(public=True)
        replies = replies.filter(approved=True)
    return {
        "suggestion": suggestion,
        "staff": staff,
        "events": events,
        "replies": replies,
        "outcomes": suggestion.outcomes.prefetch_related("attachments"),
        "commendations": suggestion.commendations.select_related("proposed_by", "approved_by"),
        "attachments": suggestion.attachments.filter(outcome__isnull=True),
        "merged_into": suggestion.merged_into,
        **(_staff_context(request.user, suggestion) if staff else {}),
        **_action_context(request, suggestion, failed_action, spawn_form),
    }


@login_required
def suggestion_detail(request, pk):
    suggestion = _get(request, pk)
    return render(request, "suggestions/detail.html", _detail_context(request, suggestion))


def _failed(request, suggestion, message, status, **kwargs):
    """The page again, with the error and everything the user typed (files excepted)."""
    messages.error(request, message)
    context = _detail_context(request, suggestion, **kwargs)
    return render(request, "suggestions/detail.html", context, status=status)


@require_POST
@login_required
def suggestion_action(request, pk, action):
    suggestion = _get(request, pk)
    if action not in services.ACTION_PARAMS:
        raise Http404
    form = ActionForm(request.POST, request.FILES, organisation=suggestion.organisation)
    if not form.is_valid():
        errors = " ".join(" ".join(e) for e in form.errors.values())
        return _failed(request, suggestion, errors, 400, failed_action=action)
    try:
        services.perform(
            suggestion,
            action,
            by=request.user,
            version=form.cleaned_data["version"],
            **form.service_params(),
        )
    except WorkflowError as exc:
        fresh = _get(request, pk)
        return _failed(request, fresh, exc.message, exc.status_code, failed_action=action)
    messages.success(request, _("%(action)s: done.") % {"action": Action.VERBS[action]})
    return redirect(suggestion)


@require_POST
@login_required
def spawn_task(request, pk):
    """One step from an adopted suggestion to a supervision task."""
    suggestion = _get(request, pk)
    if not rules.can_spawn_task(request.user, suggestion):
        raise PermissionDenied
    form = SpawnTaskForm(request.POST, organisation=suggestion.organisation)
    if not form.is_valid():
        return _failed(request, suggestion, _("Check the task's fields."), 400, spawn_form=form)
    try:
        task = services.spawn_task(suggestion, by=request.user, **form.service_kwargs())
    except WorkflowError as exc:
        return _failed(request, suggestion, exc.message, exc.status_code, spawn_form=form)
    messages.success(request, _("Task %(number)s registered.") % {"number": task.number})
    return redirect(task)


@login_required
def attachment_download(request, pk):
    attachment = get_object_or_404(
        SuggestionAttachment.objects.filter(suggestion__in=_visible(request)), pk=pk
    )
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


# ---- filing ------------------------------------------------------------------------------------


def _topics(organisation_id):
    return (
        Suggestion.objects.filter(organisation_id=organisation_id)
        .exclude(topic="")
        .values_list("topic", flat=True)
        .order_by("topic")
        .distinct()[:200]
    )


def _filed(request, suggestion, code):
    if code:
        request.session.setdefault(CLAIM_CODES, {})[str(suggestion.pk)] = code
        request.session.modified = True
    messages.success(
        request, _("Suggestion %(number)s registered.") % {"number": suggestion.number}
    )
    return redirect("suggestions:receipt", suggestion.pk)


def _file(request, form_class, template, allowed):
    user = request.user
    if not allowed(user):
        raise PermissionDenied
    anonymous_allowed = ChannelSettings.of(user.organisation).anonymous_allowed
    form = form_class(
        request.POST or None, request.FILES or None, anonymous_allowed=anonymous_allowed
    )
    if request.method == "POST" and form.is_valid():
        try:
            suggestion, code = services.create_suggestion(by=user, **form.service_kwargs())
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            return _filed(request, suggestion, code)
    context = {"form": form, "topics": _topics(user.organisation_id)}
    return render(request, template, context, status=400 if form.errors else 200)


@login_required
def suggestion_new(request):
    """A submitter files a suggestion online."""
    return _file(request, SuggestionForm, "suggestions/new.html", rules.can_submit)


@login_required
def suggestion_enter(request):
    """The office enters one received offline (a letter, a forum, a meeting)."""
    return _file(request, EnterForm, "suggestions/enter.html", rules.can_enter)


@login_required
def similar_suggestions(request):
    """htmx: the earlier suggestions most like what is being written."""
    user = request.user
    if user.is_administrator or user.organisation_id is None:
        raise PermissionDenied
    own = set()
    if _is_submitter(user):
        own = set(_visible(request).values_list("pk", flat=True))
        published = Suggestion.objects.published(user.organisation_id).values("pk")
        among = Suggestion.objects.filter(Q(pk__in=published) | Q(pk__in=own))
    else:
        among = _visible(request)
    found = similar.similar_to(
        request.GET.get("title", "")[:200],
        request.GET.get("body", "")[:2000],
        among=among,
        organisation_id=user.organisation_id,
    )
    for suggestion in found:
        suggestion.opens = not own or suggestion.pk in own
    return render(request, "suggestions/includes/similar.html", {"similar": found})


# ---- the anonymous claim page ------------------------------------------------------------------


def claim(request):
    """凭查询码查看: an anonymous submitter reads the reply and rates it with the claim code."""
    code = (request.POST.get("code") or request.GET.get("code") or "").strip()
    form = ClaimForm(initial={"code": code})
    context = {"form": form, "code": code}
    if not code:
        return render(request, "suggestions/claim.html", context)
    try:
        suggestion = services.claim(code, client_address(request))
    except WorkflowError as exc:
        context["error"] = exc.message
        return render(request, "suggestions/claim.html", context, status=exc.status_code)
    if suggestion is None:
        context["error"] = _("Not found. Check the claim code on your receipt.")
        return render(request, "suggestions/claim.html", context, status=404)
    claimant = rules.Claimant(suggestion)
    status = 200
    if request.method == "POST" and request.POST.get("rating") is not None:
        try:
            services.rate(
                suggestion,
                by=claimant,
                rating=request.POST.get("rating"),
                comment=request.POST.get("comment", ""),
                version=request.POST.get("version") or None,
            )
        except WorkflowError as exc:
            context["error"] = exc.message
            context["posted"] = request.POST
            status = exc.status_code
        else:
            messages.success(request, _("Thank you: your rating was recorded."))
            return redirect(f"{reverse('suggestions:claim')}?code={code}")
    suggestion = Suggestion.objects.for_lists().get(pk=suggestion.pk)
    context.update(
        {
            "suggestion": suggestion,
            "events": suggestion.events.filter(public=True),
            "replies": suggestion.replies.filter(approved=True).select_related("unit"),
            "can_rate": rules.can(claimant, Action.RATE, suggestion),
            "rating_choices": Rating.choices,
        }
    )
    return render(request, "suggestions/claim.html", context, status=status)


# ---- the channel's settings --------------------------------------------------------------------


def _settings_op(request, organisation):
    op = request.POST.get("op")
    reasons = RefusalReason.objects.filter(organisation=organisation)
    if op == "anonymous":
        services.set_anonymous_allowed(
            organisation, by=request.user, allowed=request.POST.get("anonymous_allowed") == "on"
        )
    elif op == "add":
        services.add_refusal_reason(
            organisation,
            by=request.user,
            label=request.POST.get("label", ""),
            code=request.POST.get("code", ""),
        )
    elif op in ("rename", "switch"):
        reason = get_object_or_404(reasons, pk=request.POST.get("reason"))
        if op == "rename":
            services.update_refusal_reason(reason, by=request.user, label=request.POST.get("label"))
        else:
            services.update_refusal_reason(reason, by=request.user, active=not reason.active)
    else:
        raise Http404


@login_required
def channel_settings(request):
    """The office's switches: anonymous suggestions and the refusal reasons (不予立案理由)."""
    user = request.user
    if not rules.can_manage_channel(user):
        raise PermissionDenied
    organisation = user.organisation
    status = 200
    if request.method == "POST":
        try:
            _settings_op(request, organisation)
        except WorkflowError as exc:
            messages.error(request, exc.message)
            status = exc.status_code
        else:
            messages.success(request, _("Changes saved."))
            return redirect("suggestions:settings")
    services.refusal_reasons(organisation)
    context = {
        "channel": ChannelSettings.of(organisation),
        "reasons": RefusalReason.objects.filter(organisation=organisation),
        "reason_form": ReasonForm(request.POST if status != 200 else None),
        "channels": Channel,
    }
    return render(request, "suggestions/settings.html", context, status=status)
