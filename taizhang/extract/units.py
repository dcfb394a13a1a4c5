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

from .labels import (
    COOPERATING,
    LABEL,
    LEAD,
    MEASURES,
    OTHER,
    PROBLEM,
    RESPONSIBLE,
    ROLES,
    TEXT_ROLES,
    UNIT_ROLES,
    find_labels,
)
from .normalise import normalise

# The first character of every suffix below, as a look-ahead: the search then skips other
# characters at once instead of trying each suffix there (a test keeps the two in step).
SUFFIX_STARTS = "中乡人会侨党公分办区医协厅县司商团国地处大妇委子学室局州工市所支政旗检残法盟省研社科站管统署联自街设部银镇院集领"
SUFFIX = re.compile(
    rf"(?=[{SUFFIX_STARTS}])"
    r"(?:人民政府|政府(?!性)|办公室|办公厅|办事处|委员会|管委会|领导小组办公室|领导小组|工作专班|集团(?:公司)?"
    r"|(?:分|子)?公司|中心(?!工作|任务|组)|分行|支行|银行|国企|国有企业|党委|党组(?!织)|工会|妇联|工商联|科协|侨联|残联|团委"
    r"|协会|学会|商会|联合会|研究院|设计院|法院|检察院|医院|学院|大学|统战部门"
    r"|委(?![员托屈婉])|(?<![全内局干外细])部(?![分署长门件位队]|会(?!同))|(?<![格大布结全开当])局(?![面势长部限])|厅(?!长)|署(?!名)|院(?![长士校子落线内外])"
    r"|(?<![工教课])室(?!主任)|(?<![学专本\d一二三四五六七八九十])科(?![技学研长普])|(?<=[\d一二三四五六七八九十])科"
    r"|(?<![之好到难妥])处(?![理置长分罚在]|于(?![\d一二三四五六七八九十今明本年月汛春秋冬夏节每]))|(?<![场住处])所(?![有提属需长在以得谓])|站(?![长在位])|[支大中]队"
    r"|(?:(?<=[委府组安改侨台督编融贫创建残老农])|(?<=网信)|(?<=综治)|(?<=公开))办(?![理法公结事好学]|会(?!同))"
    r"|(?<=[监建委管考民科平辅规审])会(?![同议上前后])|(?<![公上寿])司(?![机法令长仪])|党校|学校|(?<![旅报])社(?![会区保科团交])"
    r"|(?<![城])镇(?![痛静定压])|(?<![城])乡(?![村土亲镇下])|街道(?:办事处|办)?|地区(?!的)|地市|县区|区县|省份"
    r"|(?<=各)(?:区|县|市|省|自治区|州|盟|旗)(?=[(要应须负牵配、,和])"
    r")"
)
NAME_CHAR = re.compile(r"[\w\u4e00-\u9fff]")
# Where a name's left edge is: a function word, a generic role noun ("由包片单位县气象局"), or
# anything that is not a letter.
BOUNDARY = re.compile(
    r"(?:[^\w\u4e00-\u9fff]|由|请|和|与|及|同|会同|配合|协助|协同|督导|督促|指导|责成|要求|对|向|给|送|报|将|把|在|为"
    r"|是|的|之|等|了|并|要|被|从|到|于|就|按|使|让|以|至|即|经由|参观|听取|通过|支持|联系|通报|上级|单位|部门"
    r"|\d+\s*[年月日号]\s*(?:底|末|初|上旬|中旬|下旬)?\s*(?:前|内|起)?)"
)
JOINERS = re.compile(r"\s*(?:、|和|与|及|以及|,|/)\s*")
WEAK_JOINERS = ("和", "与", "及")
# What may follow a list of names before its verb: "等有关部门和单位", "按职责分工".
AFTER_RUN = re.compile(
    r"(?:等(?:[\u4e00-\u9fff]{0,6}?(?:部门|单位|机构)(?:(?:和|及|、)(?:部门|单位|机构))?)?)?"
)
# Words that hand the names after them the work, up to the clause start: "由…负责", "请…办理",
# also across a descriptor ending in 单位 ("由包片单位县气象局负责").
LED_IN = re.compile(
    r"(?:(?<![提报呈申恳邀敬])请|由|责成|要求|督促|督导|会同|配合|协助|协同|交由|委托)"
    r"(?:[^,。;:]{0,12}?(?:单位|部门))?\s*$"
)
COOPERATING_LEAD_INS = ("配合", "协助", "会同", "协同")
# "与观传局协调处理", "会同…": the partner of the work cooperates.
PARTNER = re.compile(r"(?:与|和|同)$")
PARTNER_VERB = re.compile(r"\s*(?:协调|协商|沟通|对接|合作|共同|联合|密切配合)")
SUBJECT_AFTER = re.compile(
    r"\s*(?:要|应(?![急用对届])|须|需|必须|负责|负总责|牵头|配合|协助|协同|作为|会同|督导|督促|将|按照|按职责|结合|切实|认真|积极|抓紧"
    r"|尽快|立即|先|分别|共同|具体|办理|组织|于|在|对|做好|加强|履行|承担|统筹|研究|制定|建立|落实|开展|为|主动|继续"
    r"|进一步|给予|予以|持续|全面|加快|推进|推动|完成|上线|启动|出台|印发|编制|开通|建成|实施|参与|协办"
    r"|检讨|检视|检查|研议|研拟|盘点|评估|汇整|整合|修订|规划|辅导|提出|完善|拟订|核定|审查|召开)"
)
NOT_SUBJECT_AFTER = re.compile(r"\s*(?:的|之|所|提出|提供|报送|反映|等问题)")
# A person, not a unit: "县委主要负责同志任组长", "市政府分管领导".
PERSON_AFTER = re.compile(r"\s*(?:主要)?(?:负责人|负责同志|领导(?!小组)|同志|书记|主任|局长|组长)")
# Bodies that only check the work of others are not its units ("县双创办对…进行抽查").
OVERSIGHT = re.compile(r"抽查|暗访|抽检|(?:进行|开展|组织)(?:督查|巡查|检查验收)")


def _role_words(roles: dict[str, str]) -> re.Pattern:
    """One group per role, words longest first; 负责人 is a person and 密切配合 no role."""

    def words(role):
        return "|".join(sorted((w for w, r in roles.items() if r == role), key=len, reverse=True))

    return re.compile(
        rf"(?P<lead>{words(LEAD)})|(?P<responsible>(?:{words(RESPONSIBLE)})(?!人|同志))"
        rf"|(?<!密切)(?<!相互)(?<!协调)(?<!加强)(?P<cooperating>{words(COOPERATING)})"
    )


ROLE_WORDS = _role_words(TEXT_ROLES)
# A role written after a name in a label's value: 县纪委监委（牵头）, 市城管局、市环境局配合.
ROLE_MARK = re.compile(rf"\(?(?:{'|'.join(sorted(ROLES, key=len, reverse=True))})\)?$")
MARK_ROLES = _role_words(ROLES)
# "…在政策支持等方面给予积极配合": the list supports the work of others.
GIVES_SUPPORT = re.compile(
    r"(?:给予|予以|做好|积极|主动|全力)(?:积极|大力|全力|密切)?(?:配合|协助)"
)
EXPLICIT_LEAD = re.compile(r"(?<!者为)(?<!位为)牵头")  # not 列第一位者为牵头单位
ROLE_WINDOW = 10  # characters after a list of names in which its role word stands
CLAUSE_END = re.compile(r"[,。;:!?\n]")
SENTENCE_END = re.compile(r"[。;!?\n]")
# "列第一位者为牵头单位" (v. 国发 plans): from then on, the first unit of a list leads.
FIRST_LISTED = re.compile(r"(?:列|排)(?:在)?第一(?:位|个)(?:的|者)?(?:单位)?为牵头")
SEVERALLY = re.compile(r"\s*分别牵头")
GENERIC_END = re.compile(
    r"(?:部门|单位|机构|方面|科处|处室|科室|局处|局室|委办局|部委|党组织|组织|地方|地区|领域|同志|人员|干部)$"
)
GENERIC_START = re.compile(
    r"^(?:各|相关|有关|其他|其它|其余|所属|本|上级|下级|全体|主管)|主管|职能|相关|有关|牵头|配合|责任"
)
GENERIC_ANYWHERE = re.compile(r"相关|有关|其他|其它|^各级")
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
    if norm in GENERIC_WORDS or len(norm) < 2 or GENERIC_ANYWHERE.search(norm):
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
        if shaped and m.start() < shaped[-1].end:
            continue  # inside a name already found: the 街道 of 各镇(乡、街道)
        left = left_edge(norm, start, m.start())
        first = bisect.bisect_right(ends, left)  # the first dictionary name ending after left
        if m.end() - left < 2 or (first < len(known) and known[first].start < m.end()):
            continue
        if shaped and shaped[-1].start >= left:
            inner = shaped[-1]
            between = norm[inner.end : m.start()]
            if (
                (SUBJECT_AFTER.match(between) and len(between) > 2)  # not 县委|组织|部
                or PARTNER.match(between[:1])
                or re.search(r"[各全本]", between)
                or len(between) > 8
            ):
                continue  # "市交通局建立全市调度中心": the name is followed by its predicate
        while shaped and shaped[-1].start >= left:  # "人民银行" inside "人民银行XX市分行"
            shaped.pop()
        left = distributed_start(norm, start, left)
        while shaped and shaped[-1].start >= left:  # "各市" inside "各市、县人民政府"
            shaped.pop()
        if shaped and shaped[-1].end == left and norm[left - 1] == ")":
            left = shaped.pop().start  # "各乡(镇、市)" + "公所" is one name
        shaped.append(Mention(left, bracketed_end(norm, m.end(), end)))
    shaped = [m for m in shaped if not is_generic(norm[m.start : m.end], normalised=True)]
    return sorted(known + shaped, key=lambda m: m.start)


BRACKETED = re.compile(r"\((?P<inner>[\u4e00-\u9fff、]{1,8})\)")


def bracketed_end(norm: str, pos: int, end: int) -> int:
    """A name goes on over a bracket that belongs to it: 各镇(乡、街道), 政府办公厅(室)."""
    m = BRACKETED.match(norm, pos, end)
    if m and not ROLE_WORDS.search(m.group("inner")) and not LABEL.match(m.group("inner")):
        return m.end()
    return pos


# "各直辖市、县(市)政府": 各 and a list that share one suffix are one name.
DISTRIBUTED = re.compile(r"各[\u4e00-\u9fff]{1,6}、$")


def distributed_start(norm: str, lo: int, left: int) -> int:
    if left <= lo or norm[left - 1] != "、":
        return left
    m = DISTRIBUTED.search(norm, max(lo, left - 8), left)
    if m and not SUFFIX.search(norm, m.start(), m.end() - 1):
        return m.start()
    return left


INNER_BRACKET = re.compile(r"\([\u4e00-\u9fff、]{1,6}\)$")


def left_edge(norm: str, lo: int, suffix_start: int) -> int:
    """Where a name whose suffix starts at suffix_start begins (suffix_start: no name)."""
    window = max(lo, suffix_start - 16)
    pos = suffix_start
    inner = norm[pos - 1] == ")" and INNER_BRACKET.search(norm, window, pos)
    if inner:
        pos = inner.start()  # "县(市)政府": the bracket belongs to the name
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
            before = last.start()
            if (
                before <= window
                or BOUNDARY.match(norm, before - 1)
                or BOUNDARY.match(norm, before - 2)
            ):
                return last.end()  # "请与观传局": 与 follows a function word, so it is one too
            pos = before  # "自然资源和规划局": the part before 和 is no name, so 和 is inside
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


def label_names(norm: str, start: int, end: int):
    """(start, end) of each name in a label's value: split at 、 , / outside brackets."""
    depth, piece = 0, start
    for i in range(start, end + 1):
        ch = norm[i] if i < end else ","
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(depth - 1, 0)
        elif ch in "、,/;" and depth == 0:
            name = re.sub(
                r"等(?:[\u4e00-\u9fff]{0,6}(?:单位|部门|机构))?$", "", norm[piece:i].strip()
            )
            s = piece + len(norm[piece:i]) - len(norm[piece:i].lstrip())
            if 2 <= len(name) <= 30 and not is_generic(name, normalised=True):
                yield s, s + len(name)
            piece = i + 1


@dataclass
class Context:
    """What the document says about all its lists: 列第一位者为牵头单位 from a point on."""

    first_listed_from: int | None = None

    @classmethod
    def of(cls, norm: str) -> "Context":
        m = FIRST_LISTED.search(norm)
        return cls(m.start() if m else None)

    def first_listed(self, item_end: int) -> bool:
        return self.first_listed_from is not None and item_end > self.first_listed_from


def listed_roles(role: str, names: list, first_listed: bool) -> list[str]:
    """Roles of a list's names: under 列第一位者为牵头单位 the first of two or more leads."""
    if first_listed and role == RESPONSIBLE and len(names) >= 2:
        return [LEAD] + [RESPONSIBLE] * (len(names) - 1)
    return [role] * len(names)


def assign(
    norm: str,
    start: int,
    end: int,
    dictionary: UnitDictionary | None,
    context: Context | None = None,
) -> list[tuple[str, Mention]]:
    """(role, mention) for every unit the text of an item assigns work to."""
    first_listed = bool(context and context.first_listed(end))
    if first_listed and EXPLICIT_LEAD.search(norm, start, end):
        first_listed = False  # the item names its lead itself
    assigned, labelled = labelled_units(norm, start, end, first_listed)
    mentions = [m for m in find_names(norm, start, end, dictionary) if m.start not in labelled]
    subjects = subject_runs(norm, start, runs(norm, mentions))
    for i, (group, led_in, after_run) in enumerate(subjects):
        next_start = subjects[i + 1][0][0].start if i + 1 < len(subjects) else end
        roles = subject_roles(norm, group, led_in, after_run, min(end, next_start), first_listed)
        assigned.extend(zip(roles, group, strict=True) if roles else ())
    return assigned


# A bracket of names only, closing an item or a sentence: "（县教育局、县发改局，各乡镇人民政府）".
NAME_BRACKET = re.compile(
    r"\((?P<inner>(?:[^()\n]|\([^()\n]{1,20}\)){2,120})\)(?=\s*(?:[。;]|$))", re.M
)


def bracketed_units(norm: str, start: int, end: int, first_listed: bool):
    """Units listed in a bracket without a role word: the responsible units (SCHEMA)."""
    assigned, covered = [], set()
    for m in NAME_BRACKET.finditer(norm, start, end):
        inner_start, inner_end = m.start("inner"), m.end("inner")
        if ROLE_WORDS.search(m.group("inner")) or LABEL.search(m.group("inner")):
            continue  # "（X牵头，Y配合）" and labels are read by their own rules
        value_end = inner_end
        date = re.search(r"[;,]\s*[^;,]*(?:\d|年|月)[^;,]*$", m.group("inner"))
        if date:  # "（区数据局、区政务服务中心；2024年12月31日前）"
            value_end = inner_start + date.start()
        names = list(label_names(norm, inner_start, value_end))
        if not names or not all(SUFFIX.search(norm, s, e) for s, e in names):
            continue
        bounds = [inner_start, *(x for s, e in names for x in (s, e)), value_end]
        gaps = (norm[bounds[k] : bounds[k + 1]] for k in range(0, len(bounds), 2))
        if any(re.sub(r"[、,;/\s]", "", gap) for gap in gaps):
            continue  # not a list of names only
        roles = listed_roles(RESPONSIBLE, names, first_listed)
        assigned.extend((role, Mention(s, e)) for role, (s, e) in zip(roles, names, strict=True))
        covered.update(range(m.start(), m.end()))
    return assigned, covered


def bracket_assigns(norm: str, start: int, end: int) -> bool:
    """Whether a closing bracket hands the item to units: "（X牵头，Y负责）", "（X、Y）"."""
    if norm.find("(", start, end) < 0:
        return False
    return any(
        ROLE_WORDS.search(m.group("inner")) and find_names(norm, m.start(), m.end(), None)
        for m in NAME_BRACKET.finditer(norm, start, end)
    ) or bool(bracketed_units(norm, start, end, False)[0])


def labelled_units(norm: str, start: int, end: int, first_listed: bool):
    """Units read from labels (牵头单位：…) and bracketed lists, and the offsets they cover."""
    assigned, covered = [], set()
    for label in find_labels(norm, start, end):
        if label.kind in (MEASURES, PROBLEM, OTHER):
            continue  # prose: its units are found by the subject rules
        covered.update(range(label.start, label.value_end))
        if label.kind in UNIT_ROLES:
            names = list(label_names(norm, label.value_start, label.value_end))
            roles = listed_roles(label.kind, names, first_listed)
            assigned.extend(marked_roles(norm, names, roles))
    listed, in_brackets = bracketed_units(norm, start, end, first_listed)
    listed = [(role, m) for role, m in listed if m.start not in covered]  # 各乡镇（街道）in a label
    return assigned + listed, covered | in_brackets


def marked_roles(norm: str, names: list[tuple[int, int]], roles: list[str]):
    """A role written after a name in a label's value holds for it and the names listed with it
    since the last comma: "市住建局，市城管局、市环境局配合", "县纪委监委（牵头）"."""
    clause: list[int] = []  # indexes of the names since the last comma
    own: set[int] = set()  # names with a role written after them
    out = [(role, Mention(s, e)) for role, (s, e) in zip(roles, names, strict=True)]
    for i, (s, e) in enumerate(names):
        if i and "," in norm[names[i - 1][1] : s]:
            clause = []
        clause.append(i)
        marked = ROLE_MARK.search(norm, s, e)
        if marked and marked.start() > s:
            role = MARK_ROLES.search(marked.group()).lastgroup
            out[i] = (role, Mention(s, marked.start()))
            for j in clause[:-1]:
                if j not in own:  # "市统计局（牵头）、市财政局（协助）": each keeps its own
                    out[j] = (role, out[j][1])
            own.add(i)
    return out


def subject_runs(norm: str, start: int, groups: list[list[Mention]]):
    """(names, lead-in word, end of the list) for each list of names the text hands work to."""
    subjects = []
    for group in groups:
        before = norm[clause_start_of(norm, start, group[0].start) : group[0].start]
        after_run = AFTER_RUN.match(norm, group[-1].end).end()
        if PERSON_AFTER.match(norm, after_run):
            continue
        led_in = LED_IN.search(before)
        if NOT_SUBJECT_AFTER.match(norm, after_run) and not led_in:
            continue
        if PARTNER.search(before) and PARTNER_VERB.match(norm, after_run):
            subjects.append((group, "配合", after_run))
            continue
        joiner = norm[group[-1].start - 1] if len(group) > 1 else ""
        if PARTNER.match(joiner) and PARTNER_VERB.match(norm, after_run):
            # "请民政处与警察局协调处理": the last name is the partner of the others
            if led_in or not NAME_CHAR.search(before):
                subjects.append((group[:-1], led_in.group() if led_in else "", group[-2].end))
            subjects.append(([group[-1]], "配合", after_run))
            continue
        elif led_in or (not NAME_CHAR.search(before) and SUBJECT_AFTER.match(norm, after_run)):
            subjects.append((group, led_in.group() if led_in else "", after_run))
    return subjects


def subject_roles(norm, group, led_in, after_run, end, first_listed) -> list[str] | None:
    """The role of each name in a list that is a subject; None where it is no unit of the item."""
    if led_in.startswith(COOPERATING_LEAD_INS):
        return [COOPERATING] * len(group)
    if SEVERALLY.match(norm, after_run):
        return [LEAD] * len(group)
    stop = SENTENCE_END.search(norm, after_run, end)
    sentence_end = stop.start() if stop else end
    clause = CLAUSE_END.search(norm, after_run, end)
    stop_at = max(after_run, min(clause.start() if clause else end, after_run + ROLE_WINDOW))
    word = ROLE_WORDS.search(norm, after_run, stop_at)
    if word:
        return listed_roles(word.lastgroup, group, first_listed)
    if OVERSIGHT.search(norm, after_run, sentence_end) and not led_in:
        return None  # "县双创办对上述工作进行抽查": it checks, others do the work
    if GIVES_SUPPORT.search(norm, after_run, sentence_end):
        return [COOPERATING] * len(group)
    return listed_roles(RESPONSIBLE, group, first_listed)


def clause_start_of(norm: str, lo: int, pos: int) -> int:
    """The start of the clause that pos is in (not before lo)."""
    floor = max(lo, pos - 40)
    for i in range(pos - 1, floor - 1, -1):
        if norm[i] in CLAUSE_MARKS:
            return i + 1
    return floor


CLAUSE_MARKS = frozenset(",。;:!?\n(、")  # 、 too: "请观光局主办、交通局及警察局协办"
