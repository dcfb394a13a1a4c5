"""Every change to documents and proposals goes through here."""

from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.extract import ReadError, UnitDictionary, extract_text
from taizhang.extract.normalise import to_simplified
from taizhang.extract.read import SUFFIXES, read_bytes
from taizhang.org.models import Unit
from taizhang.supervision import rules
from taizhang.supervision import services as supervision
from taizhang.utils.errors import Conflict, NotAllowed, WorkflowError

from .models import DocumentStatus, Proposal, ProposalState, SourceDocument

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _require_supervisor(user):
    if not rules.can_create(user):
        raise NotAllowed(_("Only a supervisor may work with documents."))


def upload(*, by, file, title=""):
    """Store an uploaded document and queue it for reading; a file we cannot take says why."""
    from .jobs import process_document

    _require_supervisor(by)
    suffix = Path(file.name).suffix.lower()
    if suffix not in SUFFIXES:
        raise WorkflowError(
            _("“%(name)s” is not a .txt, .docx or .pdf file.") % {"name": file.name}
        )
    if file.size > MAX_UPLOAD_BYTES:
        raise WorkflowError(_("The file is larger than 20 MB."))
    if not file.size:
        raise WorkflowError(_("The file is empty."))
    document = SourceDocument.objects.create(
        organisation=by.organisation,
        title=(title or Path(file.name).stem)[:300],
        file=file,
        uploaded_by=by,
    )
    transaction.on_commit(lambda: process_document.enqueue(document.pk))
    return document


def unit_dictionary(organisation):
    """The organisation's units and every name they go by, for the engine."""
    return UnitDictionary.from_entries(
        [u.name, u.short_name, *u.alias_list]
        for u in Unit.objects.filter(organisation=organisation)
    )


def _progress(document, percent, **fields):
    SourceDocument.objects.filter(pk=document.pk).update(progress=percent, **fields)


def process(document_id):
    """Read the file, run the engine, store its proposals; a file that fails is marked so."""
    document = SourceDocument.objects.select_related("organisation").get(pk=document_id)
    _progress(document, 10, status=DocumentStatus.PROCESSING)
    try:
        with document.file.open("rb") as f:
            source = read_bytes(f.read(), Path(document.file.name).suffix)
    except ReadError as exc:
        _progress(document, 100, status=DocumentStatus.FAILED, error=str(exc))
        return
    _progress(document, 40, text=source.text)
    try:
        result = extract_text(source.text, unit_dictionary(document.organisation))
    except Exception:
        _progress(
            document,
            100,
            status=DocumentStatus.FAILED,
            error=_("The tasks of this document could not be found; the error has been logged."),
        )
        raise
    _progress(document, 80)
    with transaction.atomic():
        document.proposals.all().delete()
        Proposal.objects.bulk_create(
            Proposal(
                document=document,
                order=i,
                title=p.title[:300],
                text=p.text,
                start=p.start,
                end=p.end,
                section=p.section[:300],
                lead_units=p.lead_units,
                responsible_units=p.responsible_units,
                cooperating_units=p.cooperating_units,
                deadline=p.deadline,
                deadline_text=(p.deadline_text or "")[:100],
                confidence=p.confidence,
            )
            for i, p in enumerate(result.proposals, 1)
        )
        _progress(
            document,
            100,
            status=DocumentStatus.DONE,
            warnings=source.warnings + result.warnings,
            processed_at=timezone.now(),
        )


def match_units(proposal, index):
    """The proposal's unit names matched to units: ({role field: [Unit]}, [unknown names])."""
    matched = {"lead_units": [], "responsible_units": [], "cooperating_units": []}
    unknown = []
    seen = set()
    for field, name in proposal.written_units():
        unit = index.get(name) or index.get(to_simplified(name))
        if unit is None:
            unknown.append(name)
        elif unit.pk not in seen:
            seen.add(unit.pk)
            matched[field].append(unit)
    return matched, unknown


@transaction.atomic
def remember_alias(*, by, unit, name):
    """Map a name the document used to one of our units, and remember it for next time."""
    _require_supervisor(by)
    unit = Unit.objects.select_for_update().get(pk=unit.pk, organisation=by.organisation)
    name = name.strip()
    if not name or name in unit.alias_list or name in (unit.name, unit.short_name):
        return unit
    unit.aliases = "\n".join([*unit.alias_list, name])
    unit.save(update_fields=["aliases"])
    return unit


def _decide(proposal, by):
    # Lock the proposal's row only: PostgreSQL refuses FOR UPDATE on the nullable outer join.
    fresh = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("decided_by")
        .get(pk=proposal.pk)
    )
    if fresh.state != ProposalState.PROPOSED:
        raise Conflict(
            _("This proposal was already %(state)s by %(user)s.")
            % {"state": fresh.get_state_display(), "user": fresh.decided_by}
        )
    fresh.decided_by = by
    fresh.decided_at = timezone.now()
    return fresh


@transaction.atomic
def accept(proposal, *, by, **task_fields):
    """Register the proposal as a draft task whose source is the document and its span."""
    _require_supervisor(by)
    proposal = _decide(proposal, by)
    document = proposal.document
    task_fields.setdefault("source_kind", "document")
    task_fields["source_ref"] = f"{document.title}（{proposal.start}–{proposal.end}）"[:300]
    task = supervision.create_task(by=by, organisation=document.organisation, **task_fields)
    proposal.state = ProposalState.ACCEPTED
    proposal.task = task
    proposal.save(update_fields=["state", "task", "decided_by", "decided_at"])
    return task


@transaction.atomic
def drop(proposal, *, by):
    _require_supervisor(by)
    proposal = _decide(proposal, by)
    proposal.state = ProposalState.DROPPED
    proposal.save(update_fields=["state", "decided_by", "decided_at"])
    return proposal
