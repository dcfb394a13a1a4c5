"""Unit names and the roles the text gives them (牵头 / 负责 / 配合).

Names come from the organisation's dictionary (names and aliases) and, for names not in it, from
the shape of Chinese organisation names: a run of characters ending in 局, 委, 部, 办公室, 集团,
公司, 人民政府 … that starts after a clause boundary or a function word (由, 请, 和 …).

A name found in the text is tied to an item only where the text assigns work to it: in a label
("牵头单位：…"), or as the subject of a directive ("市国资委要…", "由县应急管理局牵头",
"请经济部督导台电公司…", "配合环保局…"). Names that are merely mentioned — the one a report is
sent to (报…备案), the one that made a proposal (…所提) — are not assigned.
"""

import bisect
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from .normalise import normalise

LEAD, RESPONSIBLE, COOPERATING = "lead", "responsible", "cooperating"

SUFFIX = re.compile(
    r"(?:人民政府|政府(?!性)|办公室|办公厅|办事处|委员会|管委会|领导小组办公室|领导小组|工作专班|集团(?:公司)?"
    r"|(?:分|子)?公司|中心(?!工作|任务|组)|分行|支行|银行|国企|国有企业|党委|党组(?!织)|工会|妇联|工商联|科协|侨联|残联|团委"
    r"|协会|学会|商会|联合会|研究院|设计院|法院|检察院|医院|学院|大学|统战部门"
    r"|委(?![员托屈婉])|(?<![全内局干外细])部(?![分署长门件位队])|(?<![格大布结全开当])局(?![面势长部限])|厅(?!长)|署(?!名)|院(?![长士校子落线])"
    r"|(?<![工教课])室(?!主任)|(?<![学专本\d一二三四五六七八九十])科(?![技学研长普])|(?<=[\d一二三四五六七八九十])科"
    r"|(?<![之好到难妥])处(?![理置长于分罚在])|(?<![场住处])所(?![有提属需长在以得谓])|站(?![长在位])|[支大中]队"
    r"|(?:(?<=[委府组安改侨台督])|(?<=网信)|(?<=综治))办(?![理法公结事好学会])"
    r")"
)
NAME_CHAR = re.compile(r"[\w\u4e00-\u9fff]")
# Where a name's left edge is: a function word, or anything that is not a letter.
BOUNDARY = re.compile(
    r"(?:[^\w\u4e00-\u9fff]|由|请|和|与|及|同|会同|配合|协助|督导|督促|指导|责成|要求|对|向|给|送|报|将|把|在|为"
    r"|是|的|之|等|了|并|要|被|从|到|于|就|按|使|让|以|至|即|经由|参观|听取|通过|支持|联系|通报|上级)"
)
JOINERS = re.compile(r"\s*(?:、|和|与|及|以及|,|/)\s*")
WEAK_JOINERS = ("和", "与", "及")
AFTER_RUN = re.compile(r"(?:等(?:[\u4e00-\u9fff]{0,6}?(?:部门|单位|机构))?)?")
SUBJECT_BEFORE = re.compile(r"(?:由|请|责成|要求|督促|督导|指导|会同|配合|协助|交由|委托|支持)\s*$")
SUBJECT_AFTER = re.compile(
    r"\s*(?:要|应|须|需|必须|负责|负总责|牵头|配合|协助|作为|会同|督导|督促|将|按照|结合|切实|认真|积极|抓紧|尽快|立即"
    r"|先|分别|共同|具体|办理|组织|于|在|对|做好|加强|履行|承担|统筹|研究|制定|建立|落实|开展|为|主动|继续|进一步|给予|予以)"
)
NOT_SUBJECT_AFTER = re.compile(r"\s*(?:的|之|所|提出|提供|报送|反映|等问题|负责人|负责同志)")
ROLE_WORDS = re.compile(
    r"(?P<lead>牵头)|(?P<responsible>主体责任|负总责|负责(?!人|同志)|承办|主办)|(?P<cooperating>配合|协助|协同|参与|协办)"
)
SENTENCE_END = re.compile(r"[。;!?\n]")
LABEL = re.compile(
    r"(?P<label>牵头单位|牵头部门|责任单位|责任部门|主办单位|承办单位|配合单位|配合部门|协办单位|参与单位)\s*:\s*"
    r"(?P<value>[^;。\n]*)"
)
LABEL_ROLES = {
    "牵头": LEAD,
    "责任": RESPONSIBLE,
    "主办": RESPONSIBLE,
    "承办": RESPONSIBLE,
    "配合": COOPERATING,
    "协办": COOPERATING,
    "参与": COOPERATING,
}
GENERIC_END = re.compile(
    r"(?:部门|单位|机构|方面|科处|处室|科室|党组织|组织|地方|领域|同志|人员|干部)$"
)
GENERIC_START = re.compile(
    r"^(?:各|相关|有关|其他|其它|其余|所属|本|上级|下级|全体|主管)|主管|职能|相关|有关|牵头|配合|责任"
)
GENERIC_WORDS = {
    "大家",
    "各位",
    "各级",
    "各地",
    "全市",
    "全区",
    "全县",
    "我们",
    "市委",
    "市政府",
    "区政府",
    "县政府",
}


def is_generic(name: str, normalised: bool = False) -> bool:
    """各部门, 相关部门, 有关单位, 各级党组织 … are not units; 统战部门, 各区县人民政府 are."""
    norm = name if normalised else normalise(name)
    if norm in GENERIC_WORDS or len(norm) < 2 or re.search(r"相关|有关|其他|其它", norm):
        return True
    return bool(
        GENERIC_END.search(norm) and (GENERIC_START.search(norm) or GENERIC_END.fullmatch(norm))
    )


@dataclass
class UnitDictionary:
    """The organisation's units: a canonical name and the other names it is written as."""

    names: dict[str, str] = field(default_factory=dict)  # normalised written form → canonical

    @classmethod
    def from_entries(cls, entries) -> "UnitDictionary":
        d = cls()
        for name, *aliases in entries:
            for written in (name, *aliases):
                if written.strip():
                    d.names[normalise(written.strip())] = name.strip()
        return d

    @classmethod
    def from_file(cls, path: Path | str) -> "UnitDictionary":
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
        return cls.from_entries(
            line.split("\t") for line in lines if line.strip() and not line.startswith("#")
        )

    def canonical(self, written: str) -> str | None:
        return self.names.get(normalise(written))

    @functools.cached_property
    def pattern(self) -> re.Pattern | None:
        """All written forms, longest first, so 市国资委 wins over 国资委."""
        if not self.names:
            return None
        return re.compile("|".join(map(re.escape, sorted(self.names, key=len, reverse=True))))


@dataclass
class Mention:
    start: int
    end: int


def find_names(norm: str, start: int, end: int, dictionary: UnitDictionary | None) -> list[Mention]:
    """Unit names in norm[start:end], dictionary names first, then names by their shape."""
    pattern = dictionary.pattern if dictionary else None
    known = (
        [Mention(m.start(), m.end()) for m in pattern.finditer(norm, start, end)] if pattern else []
    )
    shaped: list[Mention] = []
    ends = [k.end for k in known]  # dictionary matches do not overlap: their ends are sorted
    for m in SUFFIX.finditer(norm, start, end):
        left = left_edge(norm, start, m.start())
        first = bisect.bisect_right(ends, left)  # the first dictionary name ending after left
        if m.end() - left < 2 or (first < len(known) and known[first].start < m.end()):
            continue
        while shaped and shaped[-1].start >= left:  # "人民银行" inside "人民银行XX市分行"
            shaped.pop()
        shaped.append(Mention(left, m.end()))
    shaped = [m for m in shaped if not is_generic(norm[m.start : m.end], normalised=True)]
    return sorted(known + shaped, key=lambda m: m.start)


def left_edge(norm: str, lo: int, suffix_start: int) -> int:
    """Where a name whose suffix starts at suffix_start begins (suffix_start: no name)."""
    window = max(lo, suffix_start - 16)
    pos = suffix_start
    while True:
        last = None
        for last in BOUNDARY.finditer(norm, window, pos):  # noqa: B007 — the last one is wanted
            pass
        if last is None:
            return lo if window == lo else suffix_start
        if last.group() in WEAK_JOINERS and not any(
            m.end() == last.start()
            for m in SUFFIX.finditer(norm, max(lo, last.start() - 6), last.start())
        ):
            pos = last.start()  # "自然资源和规划局": the part before 和 is no name, so 和 is inside
            continue
        return last.end()


def runs(norm: str, mentions: list[Mention]) -> list[list[Mention]]:
    """Names listed together: 县林业局、各乡镇人民政府."""
    groups: list[list[Mention]] = []
    for m in mentions:
        if groups:
            gap = norm[groups[-1][-1].end : m.start]
            if JOINERS.fullmatch(gap) or not gap:
                groups[-1].append(m)
                continue
        groups.append([m])
    return groups


def assign(
    norm: str, start: int, end: int, dictionary: UnitDictionary | None
) -> list[tuple[str, Mention]]:
    """(role, mention) for every unit the text of an item assigns work to."""
    assigned: list[tuple[str, Mention]] = []
    labelled = set()
    for m in LABEL.finditer(norm, start, end):
        role = LABEL_ROLES[m.group("label")[:2]]
        value_start = m.start("value")
        for part in re.finditer(r"[^、,/;\s]+", m.group("value")):
            name = re.sub(r"(?:等(?:单位|部门)?)$", "", part.group())
            if 2 <= len(name) <= 30 and not is_generic(name, normalised=True):
                s = value_start + part.start()
                assigned.append((role, Mention(s, s + len(name))))
        labelled.update(range(m.start(), m.end()))
    mentions = [m for m in find_names(norm, start, end, dictionary) if m.start not in labelled]
    groups = runs(norm, mentions)
    subjects = []
    for group in groups:
        before = norm[max(start, group[0].start - 4) : group[0].start]
        after_run = AFTER_RUN.match(norm, group[-1].end).end()
        at_clause_start = group[0].start == start or not NAME_CHAR.match(norm[group[0].start - 1])
        led_in = SUBJECT_BEFORE.search(before)
        if NOT_SUBJECT_AFTER.match(norm, after_run) and not led_in:
            continue
        if led_in or (at_clause_start and SUBJECT_AFTER.match(norm, after_run)):
            subjects.append((group, led_in.group() if led_in else "", after_run))
    sentence_end = sentence_ends(norm, end)
    for i, (group, led_in, after_run) in enumerate(subjects):
        if led_in in ("配合", "协助", "会同"):
            role = COOPERATING
        else:
            stop_at = sentence_end(after_run)
            if i + 1 < len(subjects):
                stop_at = min(stop_at, subjects[i + 1][0][0].start)
            word = ROLE_WORDS.search(norm, after_run, stop_at)
            role = word.lastgroup if word else RESPONSIBLE
        assigned.extend((role, m) for m in group)
    return assigned


def sentence_ends(norm: str, end: int):
    """sentence_end(pos): where the sentence at pos ends (before end), each sentence searched
    once, not once for each of the many units a long sentence may name."""
    found = [end, end]  # searched from, sentence end

    def sentence_end(pos: int) -> int:
        if not found[0] <= pos <= found[1]:
            stop = SENTENCE_END.search(norm, pos, end)
            found[:] = pos, stop.start() if stop else end
        return found[1]

    return sentence_end
