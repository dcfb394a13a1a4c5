"""The document's structure: paragraphs, enumerated items and the tree they form.

Official documents number their parts with a small set of enumerators — 第一方面, 一、, （一）,
1、, 1., (1), ①, 一是, 一要, 第一，, 首先/其次/最后, bullets — and nest them in whatever order the
author chose. As in the usual reading of such documents, the first enumerator kind met opens a
level, a kind not yet open nests below the current item, and a kind already open closes the
items below it and starts a sibling.

Items found inside a paragraph ("主要体现在：一是…二是…", "整改措施：1、…；2、…") count only when
they form a sequence starting at one, and they end with their paragraph.
"""

import re
from dataclasses import dataclass, field

from .directives import DECISION_HEADS, DECISION_VERBS
from .labels import LABEL_LINE, LABEL_WORD, MEASURES, TASK, WORDS, find_labels
from .numerals import CN_NUMBER, cn_to_int
from .units import find_names

CN = CN_NUMBER + "{1,4}"  # 一 … 九十九; longer runs are no enumerator
SEQUENCE_WORDS = {"首先": 1, "其次": 2, "再次": 3, "最后": 9}

# Enumerators, by kind. Matched on normalised text (half-width brackets and punctuation).
KINDS = {
    "part": rf"第(?P<part>{CN})(?:方面|部分|章|篇)\s*[:,、.]?\s*",
    # 壹、贰、: the top level of Taiwan-style minutes (壹、報告事項 貳、指示事項).
    "capital": r"(?P<capital>[壹贰叁参肆伍陆柒捌玖拾]{1,2})\s*[、.]\s*",
    "cn": rf"(?P<cn>{CN})\s*[、.]\s*",
    "cn_paren": rf"\((?P<cn_paren>{CN})\)\s*[、.]?\s*",
    "num": r"(?P<num>\d{1,2})\s*、\s*",
    "num_dot": r"(?P<num_dot>\d{1,2})\.(?!\d)\s*",
    "num_paren": r"\((?P<num_paren>\d{1,2})\)\s*[、.]?\s*",
    "circled": r"(?P<circled>[①-⑳])\s*",
    "cn_shi": rf"(?P<cn_shi>{CN})是(?=[^,。:;的])",
    "cn_yao": rf"(?P<cn_yao>{CN})要(?![求素点])",
    "di": rf"第(?P<di>{CN})\s*[,:]\s*",
    "seq": r"(?P<seq>首先|其次|再次|最后)\s*[,:]\s*",
    # A row of a 分工表 written as a line: "工作项目：…　主办机关：…　完成期限：…".
    "row": r"(?P<row>" + "|".join(w for w, k in WORDS.items() if k == TASK) + r")\s*:\s*",
    # A rectification list's blocks: "问题1：…", "问题二、…".
    "problem": rf"(?:存在)?问题\s*(?P<problem>\d{{1,2}}|{CN})\s*[:、.]\s*",
}
# Kinds that can also start inside a paragraph (after a sentence or clause boundary).
INLINE_KINDS = (
    "cn_shi",
    "cn_yao",
    "num",
    "num_dot",
    "num_paren",
    "cn_paren",
    "circled",
    "di",
    "seq",
)
BULLET = re.compile(r"(?P<indent>[ \t]*)[•●◆■▪▶►]\s*")
PARAGRAPH_MARKER = re.compile(r"[ \t]*(?:" + "|".join(KINDS.values()) + ")")
INLINE_MARKER = re.compile(
    r"(?:(?<=[。;:!?])|(?<=[。;:!?]\s)|(?<=[。;:!?]\s\s))(?:"
    + "|".join(KINDS[k] for k in INLINE_KINDS)
    + ")"
    # "书记强调，一要……。二要……": after a comma only the spoken enumerators open a list.
    + r"|(?<=,)(?:"
    + "|".join(KINDS[k].replace(f"<{k}>", f"<{k}_c>") for k in ("cn_shi", "cn_yao", "di"))
    + ")"
)
# "要全面抓好…。要全面提升…。", "必须…。必须…。", "各单位要…。要…。": parallel directives
# without numbers (speech reports), each a sentence opening with its modal or a short subject.
PARALLEL = re.compile(
    r"(?:^|(?<=[。!?;]))\s*(?:[^,。;]{1,8}(?:强调|指出|要求|表示)[,:])?\s*"
    r"(?P<sentence>(?:[^,。;:!?要必\n]{1,6}?)?(?P<modal>要|必须)(?![求是点素]))",
    re.M,
)
PARALLEL_MIN = {"要": 3, "必须": 2}  # sentences, fewer where each opens with the word
# A decision of a meeting written as a paragraph: "会议同意……，由区住建局牵头…", "会议要求，……".
DECISION = re.compile(
    r"(?:^|(?<=[。!?;]))[ \t]*(?P<decision>(?:会议|会上|会议还|会议并|会议最后)(?:原则)?"
    rf"(?:{DECISION_VERBS})|(?:{DECISION_HEADS})\s*:)",
    re.M,
)
# A line that ends with a label still waiting for its value: "责任单位：".
LABEL_ENDS = re.compile(LABEL_WORD.pattern + r"\s*$")
# Headings that name a part of the minutes, not a topic: 讨论事项, 临时动议, 市长指示事项.
SECTION_HEADING = re.compile(r"[^\n,。]{0,6}(?:事项|动议)\s*(?::\s*)?$", re.M)
SENTENCE_START = re.compile(
    r"(?:^|(?<=[。!?;]))[ \t]*(?:(?:另外|此外|同时|最后|还有|另)\s*,\s*)?", re.M
)
TOLD = re.compile(r"[^,。;:!?\n]{2,22}?(?:要|须|必须|务必|应|牵头|负责|抓紧|尽快)")
UNIT_DIRECTIVE = re.compile(r"\s*(?:要|须|必须|务必|应(?![急用对届])|牵头|负责|抓紧|尽快)")
REQUEST = re.compile(r"(?:^|(?<=[。!?;]))[ \t]*请(?!示|假)", re.M)
CLOSING_PARAGRAPH = re.compile(
    r"\s*(?:出席|列席|参加|参会|请假|记录|主持|抄送|附件|同志们|特此|以上"
    r"|\d{4}年\d{1,2}月\d{1,2}日\s*$)"
)


@dataclass
class Paragraph:
    start: int
    end: int  # exclusive, before the newline


@dataclass
class Item:
    kind: str
    number: int
    start: int  # where the enumerator starts
    body_start: int  # after the enumerator
    own_end: int  # end of the item's own text (children excluded only if they follow it)
    paragraph: int
    inline: bool
    parent: "Item | None" = None
    children: list["Item"] = field(default_factory=list)
    # (own_end, heading span) once the engine has found it: every stage asks for it
    heading: tuple | None = field(default=None, repr=False, compare=False)

    @property
    def end(self) -> int:
        return max([self.own_end] + [c.end for c in self.children])

    @property
    def depth(self) -> int:
        return 0 if self.parent is None else self.parent.depth + 1

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Structure:
    paragraphs: list[Paragraph]
    roots: list[Item]

    def items(self):
        for root in self.roots:
            yield from root.walk()


def split_paragraphs(text: str) -> list[Paragraph]:
    paragraphs, start = [], 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            paragraphs.append(Paragraph(start, end))
        start = end + 1
    return paragraphs


def marker_at(norm: str, pos: int, pattern: re.Pattern) -> tuple[str, int, int] | None:
    m = pattern.match(norm, pos)
    if not m:
        return None
    kind = m.lastgroup
    raw = m.group(kind)
    if kind == "row":
        return kind, 1, m.end()  # rows are siblings, not a numbered sequence
    number = SEQUENCE_WORDS.get(raw) or cn_to_int(raw) if kind != "circled" else ord(raw) - 0x245F
    if not number:
        return None
    return kind, number, m.end()


def paragraph_marker(norm: str, para: Paragraph) -> tuple[str, int, int] | None:
    bullet = BULLET.match(norm, para.start, para.end)
    if bullet:
        return f"bullet{len(bullet.group('indent').expandtabs(4))}", 1, bullet.end()
    found = marker_at(norm, para.start, PARAGRAPH_MARKER)
    if found and found[2] < para.end:
        return found
    return None


def inline_markers(
    norm: str, para: Paragraph, first: tuple[str, int] | None
) -> list[tuple[str, int, int, int]]:
    """Enumerators inside a paragraph that form sequences 1, 2, 3… (start, kind, number, body)."""
    candidates = []
    for m in INLINE_MARKER.finditer(norm, para.start, para.end):
        if m.start() == para.start:
            continue
        raw = m.group(m.lastgroup)
        kind = m.lastgroup.removesuffix("_c")
        number = (
            SEQUENCE_WORDS.get(raw)
            if kind == "seq"
            else (ord(raw) - 0x245F if kind == "circled" else cn_to_int(raw))
        )
        if number:
            candidates.append((m.start(), kind, number, m.end()))
    kept = []
    for kind in {c[1] for c in candidates}:
        expected = 2 if first == (kind, 1) else 1
        run = []
        for c in (c for c in candidates if c[1] == kind):
            if c[2] == expected or (kind == "seq" and run and c[2] > expected):
                run.append(c)
                expected = c[2] + 1
        if len(run) >= 2 or (run and first == (kind, 1)):
            kept.extend(run)
    if not kept and first is None:
        kept = parallel_yao(norm, para)
    return sorted(kept)


def decisions(norm: str, para: Paragraph) -> list[tuple[str, int, int, int]]:
    """Decisions of a meeting written as sentences ("会议同意……，由区住建局牵头…") and requests
    to a unit ("请市财政局做好资金保障。"): each is an item, or the section of the 一要/二要 items
    inside it, and never a parent of what follows."""
    found = [
        m.start("decision")
        for m in DECISION.finditer(norm, para.start, para.end)
        # "会议议定：", "会议议定事项如下：" lead into the items below
        if not re.fullmatch(r"[^。;!?]*:\s*", norm[m.end() : para.end])
    ]
    for m in REQUEST.finditer(norm, para.start, para.end):
        names = find_names(norm, m.end(), min(para.end, m.end() + 24), None)
        if names and names[0].start == m.end():
            found.append(m.start())
    for m in SENTENCE_START.finditer(norm, para.start, para.end):
        # "另外，办公室要牵头做好年会筹备工作": a named unit told what to do
        if not TOLD.match(norm, m.end(), para.end):
            continue  # (a quick look first: most sentences tell no unit anything)
        names = find_names(norm, m.end(), min(para.end, m.end() + 24), None)
        if names and names[0].start == m.end() and UNIT_DIRECTIVE.match(norm, names[0].end):
            found.append(m.start())
    return [(start, "paragraph", 1, start) for start in sorted(found)]


def parallel_yao(norm: str, para: Paragraph) -> list[tuple[str, int, int, int]]:
    found = list(PARALLEL.finditer(norm, para.start, para.end))
    for modal, least in PARALLEL_MIN.items():
        same = [m for m in found if m.group("modal") == modal]
        bare = all(m.start("modal") == m.start("sentence") for m in same)
        if len(same) >= (2 if bare else least):  # "要坚持…。要守住…。" is a list of two
            return [
                (m.start("sentence"), "yao", i + 1, m.start("sentence")) for i, m in enumerate(same)
            ]
    return []


def is_heading(norm: str, para: Paragraph, body_start: int) -> bool:
    """A heading line: short, and not a sentence (no full stop inside or at its end)."""
    body = norm[body_start : para.end].strip()
    return 0 < len(body) <= 40 and "。" not in body[:-1] and not body.endswith(("。", ";", ","))


def parse(norm: str) -> Structure:  # noqa: C901 — one pass over the paragraphs, kept together
    paragraphs = split_paragraphs(norm)
    roots: list[Item] = []
    stack: list[Item] = []

    def place(item: Item):
        kinds = [s.kind for s in stack]
        if item.kind in kinds:
            del stack[kinds.index(item.kind) :]
        if stack:
            item.parent = stack[-1]
            stack[-1].children.append(item)
        else:
            roots.append(item)
        stack.append(item)

    last_paragraph_item: Item | None = None
    open_label: Item | None = None  # an item whose last line is a label waiting for its value
    for index, para in enumerate(paragraphs):
        while stack and stack[-1].inline:
            stack.pop()
        found = paragraph_marker(norm, para)
        if found:
            open_label = None
        if found and found[0] == "seq" and found[1] != 1 and "seq" not in [s.kind for s in stack]:
            found = None  # "最后，…" closing a speech, not the end of a 首先/其次 list
        inline_first = None
        if found:
            kind, number, body = found
            item = Item(kind, number, para.start, body, para.end, index, inline=False)
            place(item)
            last_paragraph_item = item
            inline_first = (kind, number)
        elif open_label is not None:
            open_label.own_end = para.end  # "责任单位：\n区市场监管局、区税务局"
        elif last_paragraph_item and continues(norm, para, last_paragraph_item):
            if LABEL_LINE.match(norm, para.start) and (
                block := measures_block(norm, last_paragraph_item)
            ):
                block.own_end = para.end  # the block's units and date, after its measures
            else:
                last_paragraph_item.own_end = para.end
        else:
            last_paragraph_item = None
            line = norm[para.start : para.end].strip()
            if line.endswith(":") and len(line) > 8:
                stack.clear()  # "明确了七项重点任务：" opens a new list; "决定：" goes on
        holder = open_label or last_paragraph_item
        open_label = (
            holder
            if holder
            and holder.own_end == para.end
            and LABEL_ENDS.search(norm, para.start, para.end)
            else None
        )
        markers = inline_markers(norm, para, inline_first)
        if not found and (
            last_paragraph_item is None
            or last_paragraph_item.children
            or SECTION_HEADING.match(norm, last_paragraph_item.body_start)
        ):
            # Not the body of an item ("一、关于…\n会议同意…" is that item), unless its body is
            # already split into items.
            markers = sorted(markers + decisions(norm, para))
        for i, (start, kind, number, body) in enumerate(markers):
            end = markers[i + 1][0] if i + 1 < len(markers) else para.end
            if found and kind == found[0]:  # "一是…。二是…" where the paragraph opened with 一是
                place(Item(kind, number, start, body, end, index, inline=False))
                continue
            place(Item(kind, number, start, body, end, index, inline=True))
        if found and markers:
            item = last_paragraph_item
            item.own_end = next((s for s, *_ in markers if s > item.start), para.end)
            if any(k == found[0] for _, k, *_ in markers):
                last_paragraph_item = None
    return Structure(paragraphs, roots)


def continues(norm: str, para: Paragraph, item: Item) -> bool:
    """Whether a paragraph without an enumerator belongs to the item above it."""
    if LABEL_LINE.match(norm, para.start):
        return True
    if CLOSING_PARAGRAPH.match(norm, para.start):
        return False
    first = item_first_paragraph_end(norm, item)
    return is_heading(norm, Paragraph(item.start, first), item.body_start)


def measures_block(norm: str, item: Item) -> Item | None:
    """The rectification block an item is a measure of: the nearest item above it whose own
    text, before its first child, opens the measures ("问题1：… 整改措施：1. … 2. …")."""
    parent = item.parent
    while parent is not None:
        if parent.children:
            head_end = parent.children[0].start
            if any(
                label.kind == MEASURES for label in find_labels(norm, parent.body_start, head_end)
            ):
                return parent
        parent = parent.parent
    return None


def item_first_paragraph_end(norm: str, item: Item) -> int:
    end = norm.find("\n", item.start)
    return len(norm) if end < 0 else end
