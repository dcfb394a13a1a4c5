"""Every change to documents and proposals goes through here."""

import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang import audit
from taizhang.extract import UnitDictionary
from taizhang.extract.normalise import to_simplified
from taizhang.extract.read import SUFFIXES
from taizhang.org.models import Unit
from taizhang.supervision import rules
from taizhang.supervision import services as supervision
from taizhang.utils import services as steps
from taizhang.utils.errors import Conflict, NotAllowed, WorkflowError

from . import reading, workflow
from .models import (
    DocumentStatus,
    Proposal,
    Review,
    ReviewOutcome,
    SourceDocument,
    UnitMapping,
    deadline_is_past,
)

logger = logging.getLogger("taizhang.documents")

# What the child process runs (tests swap in a slow reader).
READ_AND_EXTRACT = reading.read_and_extract


def _save_as_docx():
    return _("Save it as .docx in Word or WPS, then upload that.")


def _save_as_xlsx():
    return _("Save it as .xlsx in Excel or WPS, then upload that.")


# Older office formats we do not read, and how to turn them into ones we do.
OLD_FORMATS = {
    ".doc": _save_as_docx,
    ".wps": _save_as_docx,
    ".xls": _save_as_xlsx,
    ".et": _save_as_xlsx,
}


def _require_supervisor(user):
    if not rules.can_create(user):
        raise NotAllowed(_("Only a supervisor may work with documents."))


def upload(*, by, file, title=""):
    """Store an uploaded document and queue it for reading; a file we cannot take says why."""
    from .jobs import process_document

    _require_supervisor(by)
    suffix = Path(file.name).suffix.lower()
    if suffix not in SUFFIXES:
        message = _("“%(name)s” is not a .txt, .docx, .xlsx or .pdf file.") % {"name": file.name}
        if suffix in OLD_FORMATS:
            message = f"{message} {OLD_FORMATS[suffix]()}"
        raise WorkflowError(message)
    limit = settings.TAIZHANG_UPLOAD_MAX_BYTES
    if file.size > limit:
        raise WorkflowError(_("The file is larger than %(limit)s MB.") % {"limit": limit // 2**20})
    if not file.size:
        raise WorkflowError(_("The file is empty: check it and upload again."))
    document = SourceDocument.objects.create(
        organisation=by.organisation,
        title=(title.strip() or Path(file.name).stem)[:300],
        title_from_file_name=not title.strip(),
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
        # The decisions on the proposals about to be replaced no longer count: the new
        # proposals are reviewed afresh, so the export and the precision see each once.
        stale = list(
            Review.objects.select_for_update().filter(document=document, superseded_at=None)
        )
        now = timezone.now()
        for review in stale:
            review.superseded_at = now
        audit.bulk_update(Review, stale, ["superseded_at"])
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
                    reason=p.reason,
                )
                for i, p in enumerate(result.proposals, 1)
            ],
        )
        own_title = {}
        if document.title_from_file_name and result.title:
            # The document's own heading (or 文号 line) names it better than its file name.
            own_title = {"title": result.title[:300], "title_from_file_name": False}
        _progress(
            document,
            100,
            status=DocumentStatus.DONE,
            warnings=result.warnings,
            processed_at=timezone.now(),
            **own_title,
        )


class DocumentFailed(Exception):
    """Raised after a document was marked failed for a reason the administrators should see."""


def _fail(document, error):
    _progress(document, 100, status=DocumentStatus.FAILED, error=error)


def outcome_error(outcome):
    """What went wrong with a file the engine could not finish, in the user's language (the
    reader's own reason says what to do with the file)."""
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
# The task form's unit fields and the roles they stand for in a proposal.
TASK_ROLES = {
    "lead_unit": "lead_units",
    "responsible_units": "responsible_units",
    "cooperating_units": "cooperating_units",
    "supervising_units": None,  # the ledger's own choice, no role the text gives
}


def match_units(proposal, index):
    """The unit names of a proposal (the engine's or a stored one) matched to units, lead
    first: ({role field: [Unit]}, [unknown names])."""
    matched = {field: [] for field in UNIT_FIELDS}
    unknown = []
    seen = set()
    for field, name in _written(proposal):
        unit = _lookup(index, name)
        if unit is None:
            unknown.append(name)
        elif unit.pk not in seen:
            seen.add(unit.pk)
            matched[field].append(unit)
    return matched, unknown


def _written(proposal):
    return [(field, name) for field in UNIT_FIELDS for name in getattr(proposal, field)]


def _lookup(index, name):
    return index.get(name) or index.get(to_simplified(name))


def offered(proposal, index):
    """What the accept form offers for a proposal: the title in simplified script for the
    ledger (the quote stays as written), its units matched, lead first, and its deadline."""
    matched, _unknown = match_units(proposal, index)
    lead = matched["lead_units"] or matched["responsible_units"]
    return {
        "title": to_simplified(proposal.title),
        "deadline": proposal.deadline,
        "lead_unit": lead[0] if lead else None,
        "responsible_units": [u for u in matched["responsible_units"] if not lead or u != lead[0]],
        "cooperating_units": matched["cooperating_units"],
        "supervising_units": [],
    }


def engine_precision(organisation):
    """How often the organisation's clerks kept what the engine proposed: accepted (as
    proposed or edited) / (accepted + dropped), with the counts; None before any review."""
    standing = Review.objects.filter(organisation=organisation, undone_at=None, superseded_at=None)
    counts = standing.aggregate(
        accepted=Count("pk", filter=Q(outcome=ReviewOutcome.ACCEPTED)),
        edited=Count("pk", filter=Q(outcome=ReviewOutcome.EDITED)),
        dropped=Count("pk", filter=Q(outcome=ReviewOutcome.DROPPED)),
    )
    kept = counts["accepted"] + counts["edited"]
    reviewed = kept + counts["dropped"]
    precision = kept / reviewed if reviewed else None
    counts.update(
        kept=kept,
        reviewed=reviewed,
        precision=precision,
        percent=round(100 * precision) if reviewed else None,
    )
    return counts


@transaction.atomic
def remember_alias(*, by, unit, name, proposal=None):
    """Map a name the document used to one of our units, and remember it for next time (the
    mapping itself is kept too, to measure the engine by)."""
    _require_supervisor(by)
    unit = Unit.objects.select_for_update().get(pk=unit.pk, organisation=by.organisation)
    name = name.strip()
    if not name:
        return unit
    UnitMapping.objects.create(
        organisation=by.organisation, name=name[:200], unit=unit, proposal=proposal, by=by
    )
    if name in unit.alias_list or name in (unit.name, unit.short_name):
        return unit
    unit.aliases = "\n".join([*unit.alias_list, name])
    unit.save(update_fields=["aliases"])
    return unit


def decided_message(proposal):
    """Who decided a proposal already, and how, in the user's language."""
    if proposal.decided_by is None:
        return _("This proposal is %(state)s already.") % {"state": proposal.get_state_display()}
    return _("This proposal was already %(state)s by %(user)s on %(day)s.") % {
        "state": proposal.get_state_display(),
        "user": proposal.decided_by,
        "day": timezone.localtime(proposal.decided_at).strftime("%Y-%m-%d %H:%M"),
    }


def _lock(proposal, by, action):
    """The proposal fresh and locked; a decision someone else took first is a conflict."""
    # Lock the proposal's row only: PostgreSQL refuses FOR UPDATE on the nullable outer join.
    fresh = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("decided_by", "document__organisation")
        .get(pk=proposal.pk)
    )
    _require_supervisor(by)
    if fresh.state not in workflow.LIFECYCLE[action].sources:
        raise Conflict(decided_message(fresh))
    steps.require(workflow.LIFECYCLE, by, action, fresh, state_field="state")
    return fresh


def _proposed(proposal):
    return {
        "title": proposal.title,
        **{field: list(getattr(proposal, field)) for field in UNIT_FIELDS},
        "deadline": proposal.deadline.isoformat() if proposal.deadline else None,
        "deadline_text": proposal.deadline_text or None,
    }


def _unit_names(unit):
    return sorted({unit.name, unit.short_name, *unit.alias_list} - {""}, key=len, reverse=True)


def _reviewed_units(proposal, index, task_fields, offer):
    """The clerk's units by the task's roles, each with its name as the text writes it and
    the role the text gives it: the engine's where the clerk kept the unit where the form
    offered it, else the clerk's."""
    written_as = {}
    for field, name in _written(proposal):
        unit = _lookup(index, name)
        if unit is not None:
            written_as.setdefault(unit.pk, (name, field))
    quote = to_simplified(proposal.text)
    out = {}
    for form_field, role in TASK_ROLES.items():
        value = task_fields.get(form_field)
        units = [value] if form_field == "lead_unit" else list(value or ())
        offered_pks = _offered_pks(offer, form_field)
        entries = []
        for unit in units:
            if unit is None:
                continue
            name, engine_role = written_as.get(unit.pk, ("", None))
            if not name:
                name = next((n for n in _unit_names(unit) if to_simplified(n) in quote), "")
                if name:
                    start = quote.index(to_simplified(name))
                    name = proposal.text[start : start + len(name)]
            kept = unit.pk in offered_pks and engine_role is not None
            entries.append(
                {
                    "unit": unit.pk,
                    "name": unit.name,
                    "written": name,
                    "role": engine_role if kept else role,
                }
            )
        out[form_field] = entries
    return out


def _offered_pks(offer, form_field):
    """The units the accept form offered in one of its unit fields."""
    value = offer[form_field]
    return {u.pk for u in ([value] if form_field == "lead_unit" else value) if u is not None}


def _outcome(proposal, offer, task_fields, units):
    kept_units = all({e["unit"] for e in units[f]} == _offered_pks(offer, f) for f in TASK_ROLES)
    same = (
        task_fields.get("title", "").strip() == offer["title"]
        and kept_units
        and task_fields.get("deadline") == proposal.deadline
    )
    return ReviewOutcome.ACCEPTED if same else ReviewOutcome.EDITED


class PastDeadline(WorkflowError):
    """A deadline already past, not confirmed by the clerk."""


def _check_past_deadline(task_fields, confirmed):
    day = task_fields.get("deadline")
    if task_fields.get("deadline_working_days") or not deadline_is_past(day) or confirmed:
        return
    raise PastDeadline(past_deadline_message(day))


def past_deadline_message(day):
    return _(
        "The deadline %(day)s has already passed (today is %(today)s). Change the date, "
        "or confirm that the task is registered with this deadline."
    ) % {"day": day.isoformat(), "today": timezone.localdate().isoformat()}


@transaction.atomic
def accept(proposal, *, by, confirm_past_deadline=False, **task_fields):
    """Register the proposal as a draft task whose source is the document and its span, and
    keep what the clerk made of it beside what the engine proposed. A deadline already past
    needs the clerk's confirmation."""
    proposal = _lock(proposal, by, workflow.ACCEPT)
    _check_past_deadline(task_fields, confirm_past_deadline)
    document = proposal.document
    index = Unit.objects.filter(organisation=document.organisation).by_name()
    offer = offered(proposal, index)
    task_fields.setdefault("source_kind", "document")
    task_fields["source_ref"] = f"{document.title}（{proposal.start}–{proposal.end}）"[:300]
    task = supervision.create_task(by=by, organisation=document.organisation, **task_fields)
    units = _reviewed_units(proposal, index, task_fields, offer)
    Review.objects.create(
        organisation=document.organisation,
        document=document,
        proposal=proposal,
        outcome=_outcome(proposal, offer, task_fields, units),
        start=proposal.start,
        end=proposal.end,
        proposed=_proposed(proposal),
        title=task.title,
        units=units,
        deadline=task.deadline,
        deadline_text=proposal.deadline_text,
        by=by,
    )
    workflow.LIFECYCLE.enter(proposal, workflow.ACCEPT, state_field="state")
    proposal.task = task
    proposal.decided_by, proposal.decided_at = by, timezone.now()
    proposal.save(update_fields=["state", "task", "decided_by", "decided_at"])
    return task


@transaction.atomic
def drop(proposal, *, by):
    """舍弃: not a task; kept as a drop to measure the engine by, and can be undone."""
    proposal = _lock(proposal, by, workflow.DROP)
    Review.objects.create(
        organisation=proposal.document.organisation,
        document=proposal.document,
        proposal=proposal,
        outcome=ReviewOutcome.DROPPED,
        start=proposal.start,
        end=proposal.end,
        proposed=_proposed(proposal),
        by=by,
    )
    workflow.LIFECYCLE.enter(proposal, workflow.DROP, state_field="state")
    proposal.decided_by, proposal.decided_at = by, timezone.now()
    proposal.save(update_fields=["state", "decided_by", "decided_at"])
    return proposal


@transaction.atomic
def restore(proposal, *, by):
    """恢复: undo a drop; the proposal is back for review and the drop no longer counts."""
    proposal = _lock(proposal, by, workflow.RESTORE)
    for review in Review.objects.select_for_update().filter(
        proposal=proposal, outcome=ReviewOutcome.DROPPED, undone_at=None
    ):
        review.undone_at = timezone.now()
        review.save(update_fields=["undone_at"])
    workflow.LIFECYCLE.enter(proposal, workflow.RESTORE, state_field="state")
    proposal.decided_by, proposal.decided_at = None, None
    proposal.save(update_fields=["state", "decided_by", "decided_at"])
    return proposal
