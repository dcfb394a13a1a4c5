"""Every change to documents and proposals goes through here."""

import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang import audit
from taizhang.extract import UnitDictionary
from taizhang.extract.normalise import to_simplified
from taizhang.extract.read import SUFFIXES
from taizhang.org.models import Unit
from taizhang.supervision import rules
from taizhang.supervision import services as supervision
from taizhang.utils.errors import Conflict, NotAllowed, WorkflowError

from . import reading
from .models import DocumentStatus, Proposal, ProposalState, SourceDocument

logger = logging.getLogger("taizhang.documents")

# What the child process runs (tests swap in a slow reader).
READ_AND_EXTRACT = reading.read_and_extract


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
            _("“%(name)s” is not a .txt, .docx, .xlsx or .pdf file.") % {"name": file.name}
        )
    limit = settings.TAIZHANG_UPLOAD_MAX_BYTES
    if file.size > limit:
        raise WorkflowError(_("The file is larger than %(limit)s MB.") % {"limit": limit // 2**20})
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
    """Move the progress bar; a change of status is saved as a change (the audit log keeps it),
    the percentages in between are not worth a record each."""
    if "status" not in fields:
        SourceDocument.objects.filter(pk=document.pk).update(progress=percent, **fields)
        return
    fresh = SourceDocument.objects.get(pk=document.pk)
    for name, value in {"progress": percent, **fields}.items():
        setattr(fresh, name, value)
    fresh.save(update_fields=["progress", *fields])


def process(document_id):
    """Read the file and run the engine in a child process within the time and memory limits,
    then store the proposals; a file that cannot be read, or takes too long, is marked failed
    with the reason."""
    document = SourceDocument.objects.select_related("organisation").get(pk=document_id)
    _progress(document, 10, status=DocumentStatus.PROCESSING)
    with document.file.open("rb") as f:
        data = f.read()
    outcome = run_engine(
        data,
        Path(document.file.name).suffix,
        document.organisation,
        on_read=lambda source: _progress(document, 40, text=source.text),
    )
    if outcome.kind != "done":
        _fail_outcome(document, outcome)
        return
    result = outcome.result
    _progress(document, 80)
    with transaction.atomic():
        document.proposals.all().delete()
        audit.bulk_create(
            Proposal,
            [
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
            ],
        )
        _progress(
            document,
            100,
            status=DocumentStatus.DONE,
            warnings=result.warnings,
            processed_at=timezone.now(),
        )


class DocumentFailed(Exception):
    """Raised after a document was marked failed for a reason the administrators should see."""


def _fail(document, error):
    _progress(document, 100, status=DocumentStatus.FAILED, error=error)


def outcome_error(outcome):
    """What went wrong with a file the engine could not finish, in the user's language."""
    if outcome.kind == "unreadable":
        return outcome.message or _(
            "The file could not be read: it is damaged or not in a format we can read."
        )
    if outcome.kind == "timed_out":
        return _(
            "Processing timed out: reading this document took longer than %(seconds)s seconds."
        ) % {"seconds": settings.TAIZHANG_DOCUMENT_TIME_LIMIT_SECONDS}
    if outcome.kind == "out_of_memory":
        return _("Reading this document needed more memory than the limit of %(megabytes)s MB.") % {
            "megabytes": settings.TAIZHANG_DOCUMENT_MEMORY_LIMIT_MB
        }
    if outcome.kind == "crashed":
        return _("The tasks of this document could not be found; the error has been logged.")
    return _(
        "Reading this document stopped unexpectedly (exit code %(code)s); "
        "it may need more memory than allowed."
    ) % {"code": outcome.exit_code}


def run_engine(data, suffix, organisation, *, time_limit=None, **options):
    """Read a file and run the engine on it in a child process, within the configured limits
    (a caller in a web request passes a shorter ``time_limit``)."""
    limit = settings.TAIZHANG_DOCUMENT_TIME_LIMIT_SECONDS
    return reading.run_isolated(
        data,
        suffix,
        unit_dictionary(organisation),
        time_limit=min(limit, time_limit) if time_limit else limit,
        memory_limit_mb=settings.TAIZHANG_DOCUMENT_MEMORY_LIMIT_MB,
        work=READ_AND_EXTRACT,
        **options,
    )


def log_crash(what, outcome):
    if outcome.kind == "crashed":
        logger.error("reading %s failed:\n%s", what, outcome.message)


def _fail_outcome(document, outcome):
    error = outcome_error(outcome)
    _fail(document, error)
    if outcome.kind == "unreadable":
        return
    log_crash(f"document {document.pk}", outcome)
    raise DocumentFailed(f"document {document.pk}: {outcome.kind} {error}")


def fail_interrupted(document_id, reason):
    """A document whose background job was ended (its worker died, or it overran) fails too."""
    document = SourceDocument.objects.filter(
        pk=document_id, status__in=(DocumentStatus.QUEUED, DocumentStatus.PROCESSING)
    ).first()
    if document is None:
        return False
    _progress(
        document,
        100,
        status=DocumentStatus.FAILED,
        error=_("Processing was interrupted: %(reason)s") % {"reason": reason},
    )
    return True


UNIT_FIELDS = ("lead_units", "responsible_units", "cooperating_units")


def match_units(proposal, index):
    """The unit names of a proposal (the engine's or a stored one) matched to units, lead
    first: ({role field: [Unit]}, [unknown names])."""
    matched = {field: [] for field in UNIT_FIELDS}
    unknown = []
    seen = set()
    written = [(field, name) for field in UNIT_FIELDS for name in getattr(proposal, field)]
    for field, name in written:
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
