"""Label words (牵头单位：, 责任人：, 完成时限：, 整改措施：…): one vocabulary for every stage.

Plans, rectification lists and tables tie units, people and dates to an item with a label and a
colon. The structure parser uses the labels to attach a label line to its item, the unit finder
to read the units and their role, the deadline finder to read the date, and the table reader to
name a column. A label's role comes from its head word (牵头 → lead, 责任/承办 → responsible,
配合/协办 → cooperating); words are matched longest first, so 牵头责任单位 is one label, not 责任单位
preceded by 牵头.

A label's value runs to the next label, the end of the sentence or a closing bracket it did not
open: "（牵头单位：市工信局，配合单位：市科技局、市数据局）" has two values.
"""

import functools
import re
from dataclasses import dataclass

LEAD, RESPONSIBLE, COOPERATING = "lead", "responsible", "cooperating"
PERSON, DEADLINE, MEASURES, PROBLEM, OTHER = "person", "deadline", "measures", "problem", "other"
TASK = "task"
UNIT_ROLES = (LEAD, RESPONSIBLE, COOPERATING)

# Role words, each with its role: one table for label heads (牵头责任单位 leads), roles written
# after names (县纪委监委（牵头）) and roles in running text (由X牵头), in the order a label's role
# is decided by its head word.
ROLES = {
    "牵头": LEAD,
    "主要责任": RESPONSIBLE,
    "主体责任": RESPONSIBLE,
    "负总责": RESPONSIBLE,
    "负责": RESPONSIBLE,
    "责任": RESPONSIBLE,
    "承办": RESPONSIBLE,
    "主办": RESPONSIBLE,
    "实施": RESPONSIBLE,
    "配合": COOPERATING,
    "协办": COOPERATING,
    "协助": COOPERATING,
    "协作": COOPERATING,
    "协同": COOPERATING,
    "参与": COOPERATING,
}
# In running text 责任 and 实施 are nouns and verbs of any sentence, and 协同 leads in its partner
# (请规划处协同法制处办理): they give a role only in a label.
TEXT_ROLES = {w: r for w, r in ROLES.items() if w not in ("责任", "主要责任", "实施", "协同")}
_LABEL_HEADS = (
    "牵头",
    "主要责任",
    "责任",
    "负责",
    "承办",
    "主办",
    "实施",
    "配合",
    "协办",
    "协作",
    "协同",
    "参与",
)
_ROLE_HEADS = tuple((head, ROLES[head]) for head in _LABEL_HEADS)
_UNIT_NOUNS = ("单位", "部门", "科室", "处室", "机关")
_UNIT_LABELS = [
    head + extra + noun
    for head, _ in _ROLE_HEADS
    for extra in ("", "责任")
    for noun in _UNIT_NOUNS
    if not (extra and "责任" in head)
] + ["主要协作单位", "主要配合单位", "责任主体", "主办", "协办", "牵头", "配合", "承办", "负责"]
_UNIT_LABELS += ["主办机关", "协办机关"]  # tables in Taiwan: 主辦機關 / 協辦機關

WORDS: dict[str, str] = {
    **{word: next(role for head, role in _ROLE_HEADS if head in word) for word in _UNIT_LABELS},
    **dict.fromkeys(
        (
            "责任领导",
            "分管领导",
            "牵头领导",
            "包保领导",
            "分管负责人",
            "责任人",
            "具体责任人",
            "联系人",
            "经办人",
            "承办人",
        ),
        PERSON,
    ),
    **dict.fromkeys(
        (
            "完成时限",
            "完成时间",
            "完成期限",
            "时间节点",
            "整改时限",
            "整改期限",
            "办结时限",
            "办理时限",
            "办理期限",
            "时限要求",
            "截止时间",
            "时限",
        ),
        DEADLINE,
    ),
    **dict.fromkeys(("整改措施", "整改要求", "工作措施", "具体措施", "主要措施"), MEASURES),
    # A row of a 分工表 written as a line: "工作项目：…　主办机关：…　完成期限：…"
    **dict.fromkeys(("工作项目", "工作任务", "任务名称", "项目名称", "重点任务", "任务内容"), TASK),
    **dict.fromkeys(("存在问题", "问题描述", "问题表现", "具体问题", "反馈问题"), PROBLEM),
    **dict.fromkeys(("整改目标", "工作目标", "目标要求", "工作要求", "备注", "进展情况"), OTHER),
}

_ALTERNATION = "|".join(sorted(WORDS, key=len, reverse=True))
# On normalised text (half-width colon); find_labels keeps only those after a boundary.
LABEL = re.compile(rf"(?P<word>{_ALTERNATION})\s*:\s*")
# The same, at the start of a line (a label line that belongs to the item above it).
LABEL_LINE = re.compile(rf"\s*[(\[]?\s*(?:{_ALTERNATION})\s*:")
# Searching, a pattern must start with the word: one that starts with blanks is retried from
# every blank of a long run of them (quadratic in the run).
LABEL_WORD = re.compile(rf"(?:{_ALTERNATION})\s*:")
_STOPS = "。;\n"


@dataclass(frozen=True)
class Label:
    word: str
    kind: str  # a unit role, PERSON, DEADLINE, MEASURES, PROBLEM or OTHER
    start: int  # where the label word starts
    value_start: int
    value_end: int


# A table header starts with its label word: 牵头单位（责任人） is a 牵头单位 column.
_HEADER_WORD = re.compile(_ALTERNATION)


def column_word(header: str) -> str | None:
    """The label word a table column's header starts with (牵头单位（责任人） → 牵头单位), or None."""
    m = _HEADER_WORD.match(re.sub(r"[\s()（）]+", "", header))
    return m.group() if m else None


def find_labels(norm: str, start: int = 0, end: int | None = None) -> tuple[Label, ...]:
    """Labels in norm[start:end] with the extent of each value.

    A value of units, people or a date ends at the next label, at a stop (。；, a line end) or at
    a closing bracket opened before it; measures and problems run to the next label or line.
    Every stage asks for the labels of the same items: the answers are kept for the document
    being read (the engine clears them for each document, so no text outlives its reading).
    """
    return _labels(norm, start, len(norm) if end is None else end)


@functools.lru_cache(maxsize=4096)
def _labels(norm: str, start: int, end: int) -> tuple[Label, ...]:
    found = [m for m in LABEL.finditer(norm, start, end) if _starts_label(norm, m.start(), start)]
    labels = []
    for i, m in enumerate(found):
        limit = found[i + 1].start() if i + 1 < len(found) else end
        kind = WORDS[m.group("word")]
        stops = "\n" if kind in (MEASURES, PROBLEM, TASK) else _STOPS
        value_end = _value_end(norm, m.end(), limit, stops)
        labels.append(Label(m.group("word"), kind, m.start(), m.end(), value_end))
    return tuple(labels)


def forget() -> None:
    """Drop the labels kept for the last document."""
    _labels.cache_clear()


_WORD_CHAR = re.compile(r"[\w\u4e00-\u9fff]")


def _starts_label(norm: str, pos: int, lo: int) -> bool:
    """A label word begins a label only after a boundary: "配合单位:" yes, "积极配合:" no."""
    return pos <= lo or not _WORD_CHAR.match(norm, pos - 1) or norm[pos - 1] in "及和"


def _value_end(norm: str, pos: int, limit: int, stops: str) -> int:
    depth = 0
    for i in range(pos, limit):
        ch = norm[i]
        if ch in "([":
            depth += 1
        elif ch in ")]":
            if depth == 0:
                return _trim(norm, pos, i)
            depth -= 1
        elif ch in stops and depth == 0:
            return _trim(norm, pos, i)
    return _trim(norm, pos, limit)


def _trim(norm: str, start: int, end: int) -> int:
    while end > start and norm[end - 1] in " \t,、;。":
        end -= 1
    return end
