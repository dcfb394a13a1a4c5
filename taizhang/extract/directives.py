"""Which items are directives: forward-looking work someone is expected to do.

Two signals decide it. The *context*: the sentences that lead into a list say what it is
("主要体现在四个方面：" → achievements, "存在一些问题：" → problems, "明确了七项重点任务：",
"下步计划", "会议要求" → directives), and hold until another lead-in changes them. The *item*:
its own wording — modal and imperative words (要, 请, 确保, 于…前完成) against the marks of a
report on the past (…了, 已, 取得, 得到).
"""

import re

# A past context outweighs imperative wording alone ("五是加强教育宣传" in a year's summary).
FUTURE, NEUTRAL, PAST = 2, 0, -3

# How a meeting's decisions are introduced: "会议同意…", "会议要求，…", and the headed form
# "决定：…" of Taiwan-style minutes. The structure parser opens items with them, the title skips
# them, and as a lead-in they announce directives.
DECISION_VERBS = "同意|要求|决定|明确|议定|强调|部署|责成|提出"
DECISION_HEADS = "决定|决议|裁示|指示|结论"
NOTED_ONLY = r"(?:准予|同意)备查|准予备案|洽悉|照案通过"  # decisions that ask for nothing
NOTED_WORDS = NOTED_ONLY + "|原则同意|同意"

# Lead-in cues; the last one in a lead-in wins. Matched on normalised (simplified) text.
PAST_CUES = re.compile(
    r"总结|回顾|过去(?:的)?一年|一年来|以来|去年|上年|取得(?:了)?(?:\w{0,4})(?:成效|成绩|成果|进展)"
    r"|主要体现在|主要做法|主要成效|工作情况|完成情况|开展情况|进展情况|执行情况|执行情形|落实情况"
    r"|整改情况|基本情况|成绩的取得|报告如下"
    # Significance, indicators and reports to the meeting are not work to do.
    r"|重要意义|重大意义|必要性和紧迫性|主要指标|指标体系|预期性指标|约束性指标|指标说明|名词解释|报告事项"
)
PROBLEM_CUES = re.compile(
    r"存在(?:的)?(?:一些|以下|如下|着)?(?:问题|不足|短板)|问题和不足|短板和不足|差距和不足|问题描述|主要问题"
)
FUTURE_CUES = re.compile(
    r"下一步|下步|今后|接下来|下一阶段|重点任务|重点工作|主要任务|工作任务|目标任务|任务分解|分工方案|工作安排"
    r"|安排部署|部署如下|要求如下|议定事项|会议(?:" + DECISION_VERBS + r")|提示|意见如下|几点意见"
    r"|整改措施|措施如下|工作计划|实施方案|工作方案|强调|指出|要求"
)
YEAR_WORK = re.compile(r"(\d{4})年(?:度)?(?:工作|的工作|重点|将|是|要)")

# Item wording.
MODAL = re.compile(
    r"(?<![重主需必只纲扼])要(?![求点素闻件是])|请|务必|必须|确保|力争|争取|应当|应(?![该用对急届])|须|需(?!求)"
    r"|[于在][^,。;]{1,14}前|重点是|立即|尽快|及早|提早|按期|限期|每(?:季度|月|周|年)"
)
IMPERATIVE = re.compile(
    r"(?:加强|加快|推进|推动|推行|强化|提升|提高|深化|完善|建立|健全|落实|抓好|做好|开展|组织|制定|实施|设立|构建"
    r"|搭建|发挥|坚持|优化|规范|整治|清理|改造|维修|疏通|贯彻|扎实|全面|切实|大力|持续|进一步|对.{1,20}进行)(?!了)"
)
PAST_MARKS = re.compile(
    r"(?<![为除])了(?![解如])|已(?:经)?|取得|得到|累计|共计|先后|荣获|获得|圆满|顺利完成|超额完成|同比"
    # "近900件次", "60多亿元": a count of what was done (tried from a number's first digit only:
    # from each digit of a long run of digits, the search was quadratic)
    r"|(?<!\d)\d+(?:\.\d+)?\s*(?:多|余)|近\d+"
)


# Sections of a plan that state principles or background, not work to do.
NOT_A_TASK = re.compile(
    r"(?:一、|二、)?(?:指导思想|基本原则|工作原则|总体要求|总体目标|工作目标|主要目标|重要意义|编制依据|适用范围"
    r"|基本情况|背景|存在的?问题|主要问题|问题清单|组织保障|保障措施"
    r"|联系方式|联系人(?:及电话)?|考核范围|评估范围|实施范围|考核周期|附件|附则"
    r"|实施策略|经费(?:来源|保障|预算)?|计划目标|计划依据|实施期程|施行日期)"
)


def context_shift(text: str, doc_year: int | None) -> int | None:
    """The context a lead-in sets (FUTURE, PAST or NEUTRAL for problems), or None for no change."""
    last, value = -1, None
    for pattern, shift in ((PAST_CUES, PAST), (PROBLEM_CUES, PAST), (FUTURE_CUES, FUTURE)):
        for m in pattern.finditer(text):
            if m.start() >= last:
                last, value = m.start(), shift
    if doc_year:
        for m in YEAR_WORK.finditer(text):
            if m.start() >= last:
                last, value = m.start(), PAST if int(m.group(1)) < doc_year else FUTURE
    return value


# Decisions that ask nothing of anyone: "准予备查", "洽悉", a report "请鉴核".
NOTED = re.compile(NOTED_ONLY + r"|(?:请|敬请)(?:鉴核|核备|鉴察|审议|核示)")
# Wishes ("期盼各位…", "期能…") and optional rules ("可参照本方案") are not directives.
WISH = re.compile(
    r"(?:^|[,。;\n])期(?:望|盼|待|许|能|各)|可参照|有条件的[^,。;]{0,8}可|表示(?:衷心的?)?(?:感谢|谢意)|致以[^,。]{0,8}敬意"
)
# "请市财政局…", "请衛福部…": a request to a unit is a directive in any context.
# "本计划奉县长核定后实施", "自印发之日起施行": when the text takes effect, not work to do.
EFFECTIVE = re.compile(r"(?:核定|印发|发布|公布|批准)(?:之日起|后)(?:施行|实施|生效)")
REQUEST = re.compile(r"(?<![提报呈申恳邀敬])请(?!示|假|鉴核|核备|审议|大家)")
# A clause that only introduces or notes: "决定", "决议：照案通过", "准予备查".
SAID_ONLY = re.compile(rf"(?:{DECISION_HEADS})?\s*:?\s*(?:{NOTED_WORDS})?")
LABELLED = 4  # a label line (牵头单位：, 完成时限：, 整改要求：) marks a task


def item_score(title: str, text: str) -> int:
    """Positive for directive wording, negative for a report on the past."""
    if EFFECTIVE.search(text[:60]):
        return -99
    noted = NOTED.fullmatch(title) or NOTED.search(text[:40])
    if NOT_A_TASK.fullmatch(title) or (noted and not REQUEST.search(text)):
        return -99  # "准予备查" alone; "准予备查，请交通局持续检讨改善" asks for work
    modal = min(len(MODAL.findall(text)), 2) * 2
    imperative = min(len(IMPERATIVE.findall(text)), 2)
    if IMPERATIVE.match(title) or re.match(r"关于", title):
        imperative += 1
    past = len(PAST_MARKS.findall(text))
    request = 3 if REQUEST.search(text) else 0
    wish = 3 * len(WISH.findall(text[:80]))
    return modal + imperative + request - past - wish
