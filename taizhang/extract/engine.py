"""The pipeline: text → structure → directives → proposals with units and deadlines."""

import bisect
import datetime
import itertools
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import directives, labels
from .damage import find_damage
from .deadlines import DEADLINE, document_date, find_deadline
from .labels import LABEL, LABEL_LINE, find_labels
from .normalise import normalise
from .read import read_path
from .structure import Item, Structure, measures_block, parse
from .title import document_title
from .units import (
    COOPERATING,
    LEAD,
    RESPONSIBLE,
    Context,
    UnitDictionary,
    assign,
    bracket_assigns,
    labelled_units,
)

TITLE_MAX = 40
# The evidence behind a proposal, strongest first: a label line gave its units or deadline
# ("牵头单位：…", "完成时限：…"); it is an enumerated item worded as a directive; it is a
# paragraph worded as a directive ("会议要求…"); or only weak cues made it one.
REASONS = ("label", "enumerated", "paragraph", "weak")
# Stops outside quotation marks and brackets: "「發現臺北.願景臺北:社區故事」等委辦案…".
# (Looking ahead at most 80 characters: a stop inside a longer quote ends the title anyway, and
# an unbounded look-ahead made a long quote full of stops quadratic.)
SENTENCE_STOP = re.compile(r"[。;:!?\n](?![^“「《(\n]{0,80}[”」》)])")
CLAUSE_STOP = re.compile(r"[,。;:!?\n](?![^“「《(\n]{0,80}[”」》)])")
TRAILING = " \t,.;:!?。、"
# A first clause that only says who speaks: "会议要求，…", "书记强调，…".
CUE_ONLY = re.compile(
    rf"(?:会议|会上)?(?:原则)?(?:{directives.DECISION_VERBS}|指出|认为)|[^,。]{{1,8}}(?:强调|指出|要求)"
    r"|" + directives.SAID_ONLY.pattern
)


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
    """Proposals from text as read.py reads a file (a table already turned into labelled lines,
    which extract_file does); offsets are into this text."""
    norm = normalise(text)
    labels.forget()
    damage = find_damage(norm, text)
    year, issued = document_date(norm)
    structure = parse(norm)
    truncated_at = next((d.start for d in damage if d.code == "truncated"), None)
    lists = Context.of(norm)
    headings: dict[int, str] = {}
    proposals = [
        propose(text, norm, item, score, units, year, issued, truncated_at, lists, headings)
        for item, score in directive_items(norm, structure, year)
    ]
    labels.forget()
    return Result(text, [str(d) for d in damage], proposals, year, document_title(text, norm))


def directive_items(norm: str, structure: Structure, year: int | None):
    """(item, score) for each leaf item that reads as a directive in its context.

    A lead-in's context holds over its scope: a heading's over the items below it, a paragraph's
    over the rest of the section it stands in. So "一、前期工作落实情况" makes its own items
    achievements and leaves its sibling "二、下步工作" to its own words.
    """
    context = directives.NEUTRAL
    scopes: list[tuple[int, int]] = []  # (end of a lead-in's scope, the context before it)
    for pos, kind, value, scope_end in reading_order(norm, structure):
        while scopes and scopes[-1][0] <= pos:
            context = scopes.pop()[1]
        if kind == "lead":
            if scope_end is None:
                scope_end = scopes[-1][0] if scopes else len(norm) + 1
            scopes.append((scope_end, context))
            shift = directives.context_shift(value, year)
            if shift is not None:
                context = shift
            continue
        item = value
        body = norm[item.body_start : item.own_end]
        title = title_span(norm, item)[2]
        score = context + directives.item_score(title, body)
        if directives.context_shift(title, year) == directives.PAST:
            score += directives.PAST  # "二、去年工作回顾", "充分认识……的重要意义"
        if find_labels(norm, item.body_start, item.own_end) or bracket_assigns(
            norm, item.body_start, item.own_end
        ):
            score += directives.LABELLED
        if score > 0:
            yield item, score


def reading_order(norm: str, structure: Structure):
    """Lead-ins and leaf items by position: (position, "lead" | "item", text | item, scope end).

    A lead-in is an item with children (its heading; its scope is its subtree) or the part of a
    paragraph before any leaf item starts in it (its scope is found while reading).
    """
    events = []
    leaves = []  # (start, own end) of leaf items, in order
    section_ends = {}  # start → end of the items with children
    for item in structure.items():
        if item.children:
            events.append((item.start, "lead", heading(norm, item), item.end))
            section_ends[item.start] = item.end
        else:
            events.append((item.start, "item", item, None))
            leaves.append((item.start, item.own_end))
    leaves.sort()
    starts = [s for s, _ in leaves]
    reach = list(itertools.accumulate((e for _, e in leaves), max))  # furthest end so far
    for para in structure.paragraphs:
        first = bisect.bisect_left(starts, para.start)
        inside = first > 0 and reach[first - 1] > para.start  # a leaf item runs over it
        lead_end = starts[first] if first < len(starts) and starts[first] < para.end else para.end
        if not inside and lead_end > para.start:
            # A paragraph that opens a section leads into that section only.
            scope = section_ends.get(para.start)
            # Read after the section's heading: its text goes on past the heading ("会议听取了…
            # 汇报。…会议要求，一要…"), and its last cue decides.
            at = para.start + 0.25 if scope is not None else para.start - 0.5
            events.append((at, "lead", norm[para.start : lead_end], scope))
    events.sort(key=lambda e: e[0])
    return events


def heading(norm: str, item: Item) -> str:
    return norm[item.body_start : title_span(norm, item)[1]]


def title_span(norm: str, item: Item) -> tuple[int, int, str]:
    """The item's heading clause.

    An item that goes on after its first sentence is headed by that sentence ("推行企业开办
    “一网通办”。将企业开办时间压缩至…"); a one-sentence item, or a long first sentence, by its
    first clause ("对用电线路进行全面改造，确保用电安全；").
    """
    if item.heading and item.heading[0] == item.own_end:
        return item.heading[1]
    span = _title_span(norm, item)
    item.heading = (item.own_end, span)
    return span


def _title_span(norm: str, item: Item) -> tuple[int, int, str]:
    start = item.body_start
    while start < item.own_end and norm[start] in " \t:":
        start += 1
    end = item.own_end
    for _ in range(2):  # "决定：准予备查，请交通局…" is headed by what it asks
        clause = CLAUSE_STOP.search(norm, start, end)
        if not clause or not (
            directives.SAID_ONLY.fullmatch(norm, start, clause.start())
            or DEADLINE.fullmatch(norm, start, clause.start())  # "2025年6月底前，市数据局上线…"
        ):
            break
        start = clause.end()
        while start < end and norm[start] in " \t":
            start += 1
    sentence = SENTENCE_STOP.search(norm, start, end)
    stop = sentence.start() if sentence else end
    goes_on = bool(norm[stop + 1 : end].strip()) and not LABEL_LINE.match(norm, stop + 1)
    if stop - start > TITLE_MAX or not goes_on:
        clause = CLAUSE_STOP.search(norm, start, end)
        if clause and CUE_ONLY.fullmatch(norm, start, clause.start()):
            clause = CLAUSE_STOP.search(norm, clause.end(), end)  # "会议要求，各街道要…"
        stop = clause.start() if clause else min(end, start + TITLE_MAX)
    label = LABEL.search(norm, start, min(end, stop + 2))  # "推进数字化转型（牵头单位：…）"
    if label and label.start() < stop:
        stop = label.start()
    bracket = norm.find("(", start, stop)
    if bracket > start and bracket_assigns(norm, bracket, end):
        stop = bracket  # "做好防汛工作（县水利局、各镇（乡、街道））"
    while stop > start and norm[stop - 1] in TRAILING + "([":
        stop -= 1
    return start, stop, norm[start:stop]


def propose(
    text, norm, item, score, units, year, issued, truncated_at, lists, headings
) -> Proposal:
    start, stop, _ = title_span(norm, item)
    end = item.own_end
    while end > start and norm[end - 1] in " \t\n":
        end -= 1
    roles = {LEAD: [], RESPONSIBLE: [], COOPERATING: []}
    assigned = assign(norm, item.body_start, end, units, lists)
    deadline = find_deadline(norm, item.body_start, end, year, issued)
    block = measures_block(norm, item)
    for gap_start, gap_end in block_text(block) if block else ():
        # A measure takes its block's labelled units and date where it names none itself.
        if not assigned:
            assigned = labelled_units(norm, gap_start, gap_end, lists.first_listed(end))[0]
        if not deadline or (not deadline.date and deadline.text.startswith("每")):
            # a one-off date of the block wins over the measure's recurring one (每季度)
            deadline = (
                find_deadline(norm, gap_start, gap_end, year, issued, labelled_only=True)
                or deadline
            )
    for role, mention in assigned:
        if truncated_at is not None and mention.end >= truncated_at:
            continue  # the last word of a cut-off text may be cut too ("牵头单位：区商")
        name = text[mention.start : mention.end]
        if name not in roles[role] and not any(name in names for names in roles.values()):
            roles[role].append(name)
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
        section=section_heading(text, norm, item.parent, headings),
    )


def block_text(block: Item) -> list[tuple[int, int]]:
    """The parts of a block's own text outside its items: its head and what follows them."""
    parts, pos = [], block.body_start
    for child in block.children:
        parts.append((pos, child.start))
        pos = max(pos, child.end)
    parts.append((pos, max(pos, block.own_end)))
    return [(s, e) for s, e in parts if e > s]


def section_heading(text: str, norm: str, parent: Item | None, headings: dict[int, str]) -> str:
    """The heading of an item's parent, found once for all its children in `headings` (a long
    parent's heading cost its length for each of its children)."""
    if parent is None:
        return ""
    if id(parent) not in headings:
        headings[id(parent)] = text[parent.body_start : title_span(norm, parent)[1]]
    return headings[id(parent)]


def reason(norm: str, item: Item, score: int) -> str:
    if find_labels(norm, item.body_start, item.own_end) or bracket_assigns(
        norm, item.body_start, item.own_end
    ):
        return "label"
    if score < 3:
        return "weak"
    return "paragraph" if item.kind == "paragraph" else "enumerated"


def confidence(score: int, roles: dict, deadline) -> float:
    """How sure the engine is that this is a task: its wording, plus units and a deadline."""
    value = 0.45 + 0.08 * min(score, 5) + 0.08 * bool(any(roles.values())) + 0.07 * bool(deadline)
    return round(min(value, 0.99), 2)
