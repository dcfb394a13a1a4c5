"""An organisation's reviewed proposals as a gold set (the format of the shared SCHEMA.md), so
it can measure the engine on its own documents: ``taizhang extract-eval export``.

A fully reviewed document (no proposal left to review) becomes ``<doc_id>.txt`` and one line of
``gold.jsonl``; its accepted proposals (as proposed or edited) are its tasks with the clerk's
final fields, dropped ones are left out. Units are those the clerk kept, as the text writes
them, with the role the text gives them (the engine's where the clerk kept a unit where the
form offered it, else the clerk's); a unit the text does not name is not a gold unit. The
deadline is the clerk's, with two exceptions: where the engine read none the clerk's date is
the ledger's own (the text gives none), and a proposed deadline already past that the clerk
moved forward keeps the document's date. ``units.tsv`` beside them is the organisation's unit
dictionary, for ``taizhang extract DIR --units DIR/units.tsv``.

Only decisions that stand count: a drop undone, or a review of a proposal replaced when its
document was read again (superseded), is left out. The set holds only what the engine proposed:
a task it missed is in no record, so recall measured on it is overstated.
"""

import datetime
import json
from pathlib import Path

from django.db.models import Count
from django.utils import timezone

from taizhang.extract.normalise import to_simplified
from taizhang.org.models import Unit

from .models import DocumentStatus, ProposalState, Review, ReviewOutcome, SourceDocument

GOLD_ROLES = ("lead_units", "responsible_units", "cooperating_units")
ANCHOR_LENGTHS = (20, 16, 12, 24, 30, 10, 8)
KINDS = (  # words of a title that tell its kind, the first found wins
    ("整改", "rectification"),
    ("纪要", "minutes"),
    ("讲话", "speech"),  # before 会议: "在…会议上的讲话"
    ("会议", "minutes"),
    ("方案", "plan"),
    ("计划", "plan"),
    ("要点", "plan"),
    ("总结", "summary"),
)


# Why a document is left out of the gold set (the command's output, in English like its help).
PROPOSALS_OPEN = "%(count)d proposals still to review"
NOT_DONE = "still being read"
NOT_REVIEWED = {
    DocumentStatus.FAILED: "it could not be read",
    DocumentStatus.DONE: "no reviewed proposals",
}


def doc_id(document):
    return f"doc{document.pk}"


def anchor(text, start, end):
    """A substring of the item (8–30 characters, on one line) that occurs once in the text."""
    body = text[start:end]
    for length in ANCHOR_LENGTHS:
        for i in range(0, max(0, len(body) - length) + 1, max(1, length // 2)):
            candidate = body[i : i + length]
            if len(candidate) < length or "\n" in candidate or candidate != candidate.strip():
                continue
            if text.count(candidate) == 1:
                return candidate
    return None


def script(text):
    sample = text[:5000]
    changed = sum(a != b for a, b in zip(sample, to_simplified(sample), strict=True))
    return "hant" if changed * 100 > len(sample) else "hans"


def kind(title):
    simple = to_simplified(title)
    return next((k for word, k in KINDS if word in simple), "notice")


def _iso(day):
    return day.isoformat() if day else None


def gold_deadline(review):
    """The gold date and text of an accepted proposal (see the module's note)."""
    proposed = review.proposed
    if not proposed.get("deadline_text"):
        return None, None
    if not proposed.get("deadline"):
        return None, proposed["deadline_text"]
    read = datetime.date.fromisoformat(proposed["deadline"])
    reviewed_on = timezone.localdate(review.at)
    moved_forward = read < reviewed_on and review.deadline and review.deadline >= reviewed_on
    day = read if moved_forward or not review.deadline else review.deadline
    return day.isoformat(), proposed["deadline_text"]


def gold_task(review, text):
    proposed_title = review.proposed.get("title", "")
    # The title offered in simplified script for the ledger is still the text's own title.
    title = proposed_title if review.title == to_simplified(proposed_title) else review.title
    units = {role: [] for role in GOLD_ROLES}
    for entries in review.units.values():
        for entry in entries:
            role, written = entry.get("role"), entry.get("written")
            if role in units and written and written not in units[role]:
                units[role].append(written)
    deadline, deadline_text = gold_deadline(review)
    return {
        "title": title,
        "anchor": anchor(text, review.start, review.end),
        **units,
        "deadline": deadline,
        "deadline_text": deadline_text,
    }


def gold_documents(organisation):
    """(document, gold record) for each fully reviewed document; and (document, why) for each
    of the organisation's other documents."""
    reviews = {}
    standing = Review.objects.filter(organisation=organisation, undone_at=None, superseded_at=None)
    for review in standing.order_by("document", "start", "-at", "-pk"):
        latest = reviews.setdefault(review.document_id, {})
        latest.setdefault(review.proposal_id or -review.pk, review)
    documents = SourceDocument.objects.filter(pk__in=reviews).order_by("pk")
    unreviewed = (
        SourceDocument.objects.filter(organisation=organisation)
        .exclude(pk__in=reviews)
        .order_by("pk")
    )
    open_ones = dict(
        SourceDocument.objects.filter(
            organisation=organisation, proposals__state=ProposalState.PROPOSED
        )
        .annotate(open=Count("proposals"))
        .values_list("pk", "open")
    )
    out, skipped = [], []
    for document in documents:
        if document.pk in open_ones:
            skipped.append((document, PROPOSALS_OPEN % {"count": open_ones[document.pk]}))
            continue
        accepted = sorted(
            (r for r in reviews[document.pk].values() if r.outcome != ReviewOutcome.DROPPED),
            key=lambda r: r.start,
        )
        out.append(
            (
                document,
                {
                    "doc_id": doc_id(document),
                    "kind": kind(document.title),
                    "script": script(document.text),
                    "tasks": [gold_task(r, document.text) for r in accepted],
                },
            )
        )
    for document in unreviewed:
        skipped.append((document, NOT_REVIEWED.get(document.status, NOT_DONE)))
    skipped.sort(key=lambda pair: pair[0].pk)
    return out, skipped


def unit_lines(organisation):
    for unit in Unit.objects.filter(organisation=organisation).order_by("pk"):
        names = [unit.name, *(n for n in [unit.short_name, *unit.alias_list] if n)]
        yield "\t".join(names)


def export(organisation, out_dir):
    """Write the gold set to ``out_dir``; returns (documents written, tasks, skipped)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    records, skipped = gold_documents(organisation)
    with (out_dir / "gold.jsonl").open("w", encoding="utf-8") as gold:
        for document, record in records:
            (out_dir / f"{record['doc_id']}.txt").write_text(document.text, encoding="utf-8")
            gold.write(json.dumps(record, ensure_ascii=False) + "\n")
    (out_dir / "units.tsv").write_text(
        "".join(line + "\n" for line in unit_lines(organisation)), encoding="utf-8"
    )
    return len(records), sum(len(r["tasks"]) for _, r in records), skipped
