"""The pipeline: text → structure → directives → proposals with units and deadlines."""

import datetime
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import directives
from .damage import find_damage
from .deadlines import document_date, find_deadline
from .normalise import normalise
from .read import read_path
from .structure import LABEL_LINE, Item, Structure, parse
from .title import document_title
from .units import COOPERATING, LEAD, RESPONSIBLE, UnitDictionary, assign

TITLE_MAX = 40
# The evidence behind a proposal, strongest first: a label line gave its units or deadline
# ("牵头单位：…", "完成时限：…"); it is an enumerated item worded as a directive; it is a
# paragraph worded as a directive ("会议要求…"); or only weak cues made it one.
REASONS = ("label", "enumerated", "paragraph", "weak")
# Stops outside quotation marks and brackets: "「發現臺北.願景臺北:社區故事」等委辦案…".
SENTENCE_STOP = re.compile(r"[。;:!?\n](?![^“「《(]*[”」》)])")
CLAUSE_STOP = re.compile(r"[,。;:!?\n](?![^“「《(]*[”」》)])")
TRAILING = " \t,.;:!?。、"


@dataclass
class Proposal:
    title: str
    text: str
    start: int
    end: int
    lead_units: list[str] = field(default_factory=list)
    responsible_units: list[str] = field(default_factory=list)
    cooperating_units: list[str] = field(default_factory=list)
    deadline: datetime.date | None = None
    deadline_text: str | None = None
    confidence: float = 0.0
    # Why the engine thinks this is a task, for the review page: one of REASONS.
    reason: str = "weak"
    section: str = ""  # the heading of the item's parent, for grouping on the review page

    def as_json(self) -> dict:
        data = asdict(self)
        data["deadline"] = self.deadline.isoformat() if self.deadline else None
        return data


@dataclass
class Result:
    text: str
    warnings: list[str]
    proposals: list[Proposal]
    year: int | None = None
    title: str | None = None  # the document's own heading (or its 文号 line's subject)


def extract_file(path: Path | str, units: UnitDictionary | None = None) -> Result:
    source = read_path(path)
    result = extract_text(source.text, units)
    result.warnings[:0] = source.warnings
    return result


def extract_text(text: str, units: UnitDictionary | None = None) -> Result:
    norm = normalise(text)
    damage = find_damage(norm, text)
    year, issued = document_date(norm)
    structure = parse(norm)
    truncated_at = next((d.start for d in damage if d.code == "truncated"), None)
    proposals = [
        propose(text, norm, item, score, units, year, issued, truncated_at)
        for item, score in directive_items(norm, structure, year)
    ]
    return Result(text, [str(d) for d in damage], proposals, year, document_title(text))


def directive_items(norm: str, structure: Structure, year: int | None):
    """(item, score) for each leaf item that reads as a directive in its context."""
    context = directives.NEUTRAL
    events = []  # lead-ins and items in reading order
    covered = []
    for item in structure.items():
        if item.children:
            events.append((item.start, "lead", heading(norm, item)))
        else:
            events.append((item.start, "item", item))
            covered.append((item.start, item.own_end))
    for para in structure.paragraphs:
        lead_end = next((s for s, _ in covered if para.start <= s < para.end), para.end)
        if not any(s <= para.start < e for s, e in covered) and lead_end > para.start:
            events.append((para.start - 0.5, "lead", norm[para.start : lead_end]))
    events.sort(key=lambda e: e[0])
    for _, kind, value in events:
        if kind == "lead":
            shift = directives.context_shift(value, year)
            if shift is not None:
                context = shift
            continue
        item = value
        body = norm[item.body_start : item.own_end]
        score = context + directives.item_score(title_span(norm, item)[2], body)
        if score > 0:
            yield item, score


def heading(norm: str, item: Item) -> str:
    return norm[item.body_start : title_span(norm, item)[1]]


def title_span(norm: str, item: Item) -> tuple[int, int, str]:
    """The item's heading clause.

    An item that goes on after its first sentence is headed by that sentence ("推行企业开办
    “一网通办”。将企业开办时间压缩至…"); a one-sentence item, or a long first sentence, by its
    first clause ("对用电线路进行全面改造，确保用电安全；").
    """
    start = item.body_start
    while start < item.own_end and norm[start] in " \t:":
        start += 1
    end = item.own_end
    sentence = SENTENCE_STOP.search(norm, start, end)
    stop = sentence.start() if sentence else end
    goes_on = bool(norm[stop + 1 : end].strip()) and not LABEL_LINE.match(norm, stop + 1)
    if stop - start > TITLE_MAX or not goes_on:
        clause = CLAUSE_STOP.search(norm, start, end)
        stop = clause.start() if clause else min(end, start + TITLE_MAX)
    while stop > start and norm[stop - 1] in TRAILING:
        stop -= 1
    return start, stop, norm[start:stop]


def propose(text, norm, item, score, units, year, issued, truncated_at) -> Proposal:
    start, stop, _ = title_span(norm, item)
    end = item.own_end
    while end > start and norm[end - 1] in " \t\n":
        end -= 1
    roles = {LEAD: [], RESPONSIBLE: [], COOPERATING: []}
    for role, mention in assign(norm, item.body_start, end, units):
        if truncated_at is not None and mention.end >= truncated_at:
            continue  # the last word of a cut-off text may be cut too ("牵头单位：区商")
        name = text[mention.start : mention.end]
        if name not in roles[role] and not any(name in names for names in roles.values()):
            roles[role].append(name)
    deadline = find_deadline(norm, item.body_start, end, year, issued)
    parent = item.parent
    return Proposal(
        title=text[start:stop],
        text=text[start:end],
        start=start,
        end=end,
        lead_units=roles[LEAD],
        responsible_units=roles[RESPONSIBLE],
        cooperating_units=roles[COOPERATING],
        deadline=deadline.date if deadline else None,
        deadline_text=text[deadline.start : deadline.end].strip() if deadline else None,
        confidence=confidence(score, roles, deadline),
        reason=reason(norm, item, score),
        section=text[parent.body_start : title_span(norm, parent)[1]] if parent else "",
    )


def reason(norm: str, item: Item, score: int) -> str:
    if LABEL_LINE.search(norm, item.body_start, item.own_end):
        return "label"
    if score < 3:
        return "weak"
    return "paragraph" if item.kind == "paragraph" else "enumerated"


def confidence(score: int, roles: dict, deadline) -> float:
    """How sure the engine is that this is a task: its wording, plus units and a deadline."""
    value = 0.45 + 0.08 * min(score, 5) + 0.08 * bool(any(roles.values())) + 0.07 * bool(deadline)
    return round(min(value, 0.99), 2)
