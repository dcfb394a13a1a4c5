"""Pages of the talent pool. Thin: they read through ``visible_to`` and write through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Sum
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.org.choices import Role
from taizhang.org.models import User
from taizhang.suggestions.models import Commendation, Suggestion
from taizhang.utils.errors import WorkflowError
from taizhang.utils.htmx import is_htmx

from . import excel, rules, services
from .choices import AccessKind
from .filters import PersonFilterSet
from .forms import EventForm, ImportForm, KeeperForm, PersonForm
from .models import Keeper, PathEvent, Person, SensitiveAccess

PAGE_SIZE = 25
ACCESS_LOG_ROWS = 50


def _visible(request):
    return Person.objects.visible_to(request.user)


def _get_person(request, pk):
    """The person if the user may see them; 404 otherwise, so their presence is not revealed."""
    return get_object_or_404(_visible(request).select_related("unit", "account"), pk=pk)


def _filtered(request):
    filterset = PersonFilterSet(request.GET or None, queryset=_visible(request), user=request.user)
    return filterset, filterset.qs


def _require_keeper(request):
    if not rules.can_manage(request.user):
        raise PermissionDenied


@login_required
def person_list(request):
    """人才库: the filtered, paged list; sensitive fields always masked here."""
    if not _can_see_pool(request.user):
        raise PermissionDenied
    filterset, people = _filtered(request)
    rows = people.select_related("unit").with_stage()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filterset": filterset,
        "page": page,
        "query": query.urlencode(),
        "can_manage": rules.can_manage(request.user),
    }
    template = "talent/includes/table.html" if is_htmx(request) else "talent/list.html"
    return render(request, template, context)


def _can_see_pool(user):
    """Roles to whom the pool is open, even while it holds nobody they may see."""
    return rules.is_keeper(user) or user.sees_whole_organisation or user.role == Role.HANDLER


@login_required
def person_export(request):
    _filterset, people = _filtered(request)
    try:
        return excel.export_response(people, by=request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('talent:list')}?{request.GET.urlencode()}")


def _detail(request, person, revealed=None):
    keeper = rules.is_keeper(request.user)
    context = {
        "person": person,
        "events": person.events.all(),
        "revealed": revealed,
        "can_manage": rules.can_manage(request.user),
        "can_unmask": rules.can_unmask(request.user, person),
        "event_form": EventForm() if keeper else None,
        "accesses": person.accesses.select_related("user")[:ACCESS_LOG_ROWS] if keeper else None,
        "suggestions": _suggestions_of(request.user, person),
    }
    return render(request, "talent/detail.html", context)


def _suggestions_of(user, person):
    """The suggestions the person made (with their account), as far as the reader may see
    them, with what became of them."""
    if person.account_id is None:
        return []
    return (
        Suggestion.objects.visible_to(user)
        .filter(suggestion_submitters__user_id=person.account_id)
        .annotate(
            benefit=Sum("outcomes__benefit_amount"),
            # Exists, not a second join: joining commendations too would count each benefit
            # once per commendation.
            commended=Exists(
                Commendation.objects.filter(suggestion=OuterRef("pk"), approved_at__isnull=False)
            ),
        )
        .order_by("-received_on", "-pk")
    )


@login_required
def person_detail(request, pk):
    return _detail(request, _get_person(request, pk))


@require_POST
@login_required
def person_reveal(request, pk):
    """ "Show": a keeper unmasks one person's sensitive fields; the access is logged."""
    person = _get_person(request, pk)
    try:
        revealed = services.reveal(person, by=request.user, kind=AccessKind.PAGE)
    except WorkflowError as exc:
        raise PermissionDenied(exc.message) from None
    return _detail(request, person, revealed)


@login_required
def person_photo(request, pk):
    person = _get_person(request, pk)
    if not person.photo:
        raise Http404
    return FileResponse(person.photo.open("rb"))


def _form_page(request, form, person=None):
    return render(request, "talent/form.html", {"form": form, "person": person})


def _save_form(request, form, action):
    """Run the service with the form's data; its refusals become the form's errors."""
    try:
        return action(**form.service_kwargs())
    except services.InvalidInput as exc:
        for field, found in exc.field_errors.items():
            for message in found:
                form.add_error(field if field in form.fields else None, message)
        if not exc.field_errors:
            form.add_error(None, exc.message)
    except WorkflowError as exc:
        form.add_error(None, exc.message)
    return None


@login_required
def person_create(request):
    _require_keeper(request)
    org = request.user.organisation
    form = PersonForm(request.POST or None, request.FILES or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        person = _save_form(
            request,
            form,
            lambda **data: services.create_person(by=request.user, organisation=org, **data),
        )
        if person is not None:
            messages.success(request, _("%(name)s added to the pool.") % {"name": person.name})
            return redirect(person)
    return _form_page(request, form)


@login_required
def person_edit(request, pk):
    _require_keeper(request)
    person = _get_person(request, pk)
    form = PersonForm(
        request.POST or None,
        request.FILES or None,
        instance=person,
        organisation=person.organisation,
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_form(
            request,
            form,
            lambda **data: services.update_person(person, by=request.user, **data),
        )
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect(saved)
    # The form holds the sensitive fields in full: showing it is an access like "Show".
    services.reveal(person, by=request.user, kind=AccessKind.EDIT)
    return _form_page(request, form, person)


@require_POST
@login_required
def event_add(request, pk):
    _require_keeper(request)
    person = _get_person(request, pk)
    form = EventForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{' '.join(errors)}" if label else " ".join(errors))
        return redirect(person)
    try:
        services.add_event(person, by=request.user, **form.cleaned_data)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Path event recorded."))
    return redirect(person)


@require_POST
@login_required
def event_remove(request, pk, event_pk):
    _require_keeper(request)
    person = _get_person(request, pk)
    event = get_object_or_404(PathEvent.objects.filter(person=person), pk=event_pk)
    try:
        services.remove_event(event, by=request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    return redirect(person)


@login_required
def roster_import(request):
    _require_keeper(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            created = excel.import_upload(form.cleaned_data["file"], by=request.user)
        except excel.ImportFailed as exc:
            errors = exc.errors
            messages.error(request, exc.message)
        except WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(count)d people imported.") % {"count": len(created)})
            return redirect("talent:list")
    return render(request, "talent/import.html", {"form": form, "errors": errors})


@login_required
def roster_template(request):
    _require_keeper(request)
    return excel.template_response()


@login_required
def access_log(request):
    """Every read of sensitive fields in the organisation, newest first: for keepers."""
    _require_keeper(request)
    rows = SensitiveAccess.objects.visible_to(request.user).select_related("person", "user")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "talent/access_log.html", {"page": page})


# ---- keepers, granted by the security administrator -----------------------------------------


def _require_granter(request):
    if not rules.can_grant_keepers(request.user):
        raise PermissionDenied


def _org_users(request):
    return User.objects.filter(organisation_id=request.user.organisation_id)


@login_required
def keepers(request):
    """管理员 of the pool, granted and revoked by the security administrator."""
    _require_granter(request)
    keepers = Keeper.objects.filter(user__in=_org_users(request)).select_related(
        "user", "granted_by"
    )
    candidates = (
        _org_users(request)
        .filter(is_active=True, talent_keeper__isnull=True, role__in=Role.staff())
        .order_by("username")
    )
    form = KeeperForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_keeper(form.cleaned_data["user"], by=request.user)
        except WorkflowError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(user)s now keeps the talent pool.")
                % {"user": form.cleaned_data["user"].username},
            )
            return redirect("talent:keepers")
    return render(request, "talent/keepers.html", {"keepers": keepers, "form": form})


@require_POST
@login_required
def keeper_revoke(request, pk):
    _require_granter(request)
    user = get_object_or_404(_org_users(request), pk=pk)
    try:
        services.revoke_keeper(user, by=request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(user)s no longer keeps the talent pool.") % {"user": user.username}
        )
    return redirect("talent:keepers")
