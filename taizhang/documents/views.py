"""The documents page: upload, read with the proposals highlighted, accept / edit / drop."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.extract.normalise import to_simplified
from taizhang.extract.read import SUFFIXES
from taizhang.org.models import Unit
from taizhang.supervision import rules
from taizhang.utils.errors import WorkflowError
from taizhang.utils.htmx import is_htmx

from . import services
from .forms import AcceptForm, MapUnitForm, UploadForm
from .models import Proposal, ProposalState, SourceDocument


def _require_supervisor(request):
    if not rules.can_create(request.user):
        raise PermissionDenied


def _documents(request):
    _require_supervisor(request)
    return SourceDocument.objects.filter(organisation=request.user.organisation)


@login_required
def document_list(request):
    documents = (
        _documents(request)
        .select_related("uploaded_by")
        .annotate(
            proposed=Count("proposals", filter=Q(proposals__state=ProposalState.PROPOSED)),
            accepted=Count("proposals", filter=Q(proposals__state=ProposalState.ACCEPTED)),
        )
    )
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.upload(
                by=request.user, file=form.cleaned_data["file"], title=form.cleaned_data["title"]
            )
        except WorkflowError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect(document)
    context = {
        "documents": documents,
        "form": form,
        "accepted_types": ",".join(SUFFIXES),
        "precision": services.engine_precision(request.user.organisation),
    }
    return render(request, "documents/list.html", context)


def segments(text, proposals):
    """The text cut into plain runs and proposal spans, for highlighting."""
    out, pos = [], 0
    for p in sorted(proposals, key=lambda p: p.start):
        if p.start < pos:
            continue
        out.append((text[pos : p.start], None))
        out.append((text[p.start : p.end], p))
        pos = p.end
    out.append((text[pos:], None))
    return out


@login_required
def document_detail(request, pk):
    document = get_object_or_404(_documents(request).select_related("uploaded_by"), pk=pk)
    polling = is_htmx(request) and request.headers.get("HX-Target") == "document-status"
    proposals = list(document.proposals.select_related("task"))
    for p in proposals:
        p.ledger_title = to_simplified(p.title)  # a traditional-script title, for the ledger
    context = {
        "document": document,
        "proposals": proposals,
        "segments": segments(document.text, proposals),
        "open": sum(p.state == ProposalState.PROPOSED for p in proposals),
    }
    if polling and not document.finished:
        return render(request, "documents/includes/status.html", context)
    if polling:  # done: reload the whole page to show the text and its proposals
        response = render(request, "documents/includes/status.html", context)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "documents/detail.html", context)


def _proposal(request, pk):
    return get_object_or_404(
        Proposal.objects.select_related("document").filter(
            document__organisation=request.user.organisation
        ),
        pk=pk,
    )


def _decided(request, proposal):
    """A proposal someone has decided on already: back to its document, saying who and how."""
    messages.info(request, services.decided_message(proposal))
    return redirect(f"{proposal.document.get_absolute_url()}#proposal-{proposal.pk}")


def _typed(request, form):
    """The values the clerk typed into the accept form, to show again as they were."""
    return {
        name: field.widget.value_from_datadict(request.POST, request.FILES, form.add_prefix(name))
        for name, field in form.fields.items()
    }


def _accept_page(request, proposal, typed=None):
    organisation = request.user.organisation
    index = Unit.objects.filter(organisation=organisation).by_name()
    _matched, unknown = services.match_units(proposal, index)
    initial = {"source_kind": "document", "body": proposal.text}
    initial.update(services.offered(proposal, index))
    past = proposal.deadline_passed
    bound = request.method == "POST" and typed is None
    form = AcceptForm(
        request.POST if bound else None,
        organisation=organisation,
        user=request.user,
        initial=initial,
        past=past,
    )
    if typed is not None:  # back from mapping a unit name: what the clerk typed, unchecked
        form = AcceptForm(
            organisation=organisation, user=request.user, initial={**initial, **typed}, past=past
        )
    if bound and form.is_valid():
        try:
            task = services.accept(proposal, by=request.user, **form.service_kwargs())
        except services.PastDeadline as exc:
            form.add_error("confirm_past_deadline", exc.message)
        except WorkflowError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Task %(number)s registered from the document.") % {"number": task.number},
            )
            return redirect(proposal.document)
    context = {
        "proposal": proposal,
        "form": form,
        "past": past,
        "unknown": [
            (name, MapUnitForm(organisation=organisation, initial={"name": name}))
            for name in unknown
        ],
    }
    return render(request, "documents/accept.html", context)


@login_required
def proposal_accept(request, pk):
    _require_supervisor(request)
    proposal = _proposal(request, pk)
    if proposal.state != ProposalState.PROPOSED:
        return _decided(request, proposal)
    return _accept_page(request, proposal)


@login_required
@require_POST
def proposal_map_unit(request, pk):
    """记住: map a name the document used to a unit. The button posts the accept form along
    (its selects are named ``unit:<name>``), so the page comes back with what the clerk typed."""
    _require_supervisor(request)
    proposal = _proposal(request, pk)
    name = request.POST.get("name", "")
    data = {"name": name, "unit": request.POST.get(f"unit:{name}", request.POST.get("unit"))}
    form = MapUnitForm(data, organisation=request.user.organisation)
    if form.is_valid():
        unit = services.remember_alias(
            by=request.user,
            unit=form.cleaned_data["unit"],
            name=form.cleaned_data["name"],
            proposal=proposal,
        )
        messages.success(
            request,
            _("“%(name)s” will be read as %(unit)s from now on.")
            % {"name": form.cleaned_data["name"], "unit": unit.name},
        )
    else:
        messages.error(request, _("Choose the unit this name means."))
    if proposal.state != ProposalState.PROPOSED:
        return _decided(request, proposal)
    if "title" not in request.POST:
        return redirect("documents:accept", pk=proposal.pk)
    probe = AcceptForm(organisation=request.user.organisation, past=True)  # a checkbox
    return _accept_page(request, proposal, typed=_typed(request, probe))


def _decision(service):
    """A view that takes one decision on a proposal and goes back to its document."""

    @login_required
    @require_POST
    def view(request, pk):
        _require_supervisor(request)
        proposal = _proposal(request, pk)
        try:
            service(proposal, by=request.user)
        except WorkflowError as exc:
            messages.error(request, exc.message)
        return redirect(f"{proposal.document.get_absolute_url()}#proposal-{proposal.pk}")

    return view


proposal_drop = _decision(services.drop)
proposal_restore = _decision(services.restore)
