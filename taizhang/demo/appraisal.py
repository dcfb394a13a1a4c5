"""The demo's appraisals (考评), walked through the services.

The federation gets its 2022 ledger: 220 tasks from documents and meetings (文件、会议督办),
generated from a small table of each department's recurring work, assigned, signed, reported
on, some returned once, some closed late and reminded by the daily job, all backdated into 2022.
The 2022年度部门考评 of its 12 departments reads that ledger (on-time closing, returns, days
overdue, reminders, progress reported on time) beside the leaders' and the democratic scores:
the computed points come from the ledgers, the manual ones (领导评价, 民主测评) are set by hand
below (MANUAL_SCORES), and it is their sum that puts ten departments at B or above. One
appeal is decided, the result is confirmed and read out (宣读) at the year's summary meeting
on 13 January 2023, and the advanced departments are commended. The 2022年度职工考核 assesses
24 staff with their 述职; eight are commended as 年度优秀员工. The city runs this year's
统战工作考核 of its three SOEs, left in scoring for its leader to finish.

Text and people are written here for the demo. Dates are moved back afterwards, as the demo
command does for its tasks, so that the timelines read as they would have happened (demo data
only)."""

import datetime

from django.utils import timezone

from taizhang import audit
from taizhang.appraisal import services as appraisal
from taizhang.appraisal.choices import (
    Action,
    CommendationTitle,
    Grade,
    GradeScheme,
    IndicatorKind,
    Metric,
    ScorerKind,
    StaffPart,
    Subject,
)
from taizhang.appraisal.models import (
    Appeal,
    Assessee,
    Commendation,
    Cycle,
    CycleEvent,
    ManualScore,
    Point,
)
from taizhang.demo.accounts import demo_user
from taizhang.org.choices import Role
from taizhang.org.models import Membership, User
from taizhang.supervision import jobs
from taizhang.supervision import services as tasks
from taizhang.supervision.choices import SourceKind
from taizhang.supervision.lights import compute_light
from taizhang.supervision.models import ProgressReport, Task, TaskEvent, TaskUnit
from taizhang.utils.models import Counter
from taizhang.utils.workdays import is_working_day

YEAR = 2022
FIRST_DAY = datetime.date(YEAR, 1, 4)
LAST_DEADLINE = datetime.date(YEAR, 12, 16)
LAST_CLOSING = datetime.date(YEAR, 12, 30)
SUMMARY_MEETING = datetime.date(YEAR + 1, 1, 13)  # 年度工作总结会: the results are read out
DURATIONS = (30, 45, 60, 40, 75, 50, 35)  # days from assignment to the deadline

# The ledger, per department: how many tasks it led in 2022, the days late of those it
# closed late (each reminded by the daily job the day after its deadline, and again a week
# later when still open), how many completion reports were returned once, how many tasks
# missed their first monthly progress report, and the recurring work its tasks are about
# ({m}: the month of the deadline). The counts add up to 220: 全年完成文件、会议督办220项
# (the reports count these tasks: closed in 2022, from documents or meetings).
LEDGER = {
    "bgs": dict(
        tasks=22,
        late=(4, 2),
        returned=2,
        skipped=1,
        work=(
            "{m}月份总部重点工作督办情况通报",
            "{m}月份公文处理和印发文件清理",
            "落实部门例会制度，报送{m}月份例会纪要",
            "{m}月份网上办公流程运行情况检查",
            "{m}月份疫情防控常态化工作落实情况报告",
        ),
    ),
    "djb": dict(
        tasks=22,
        late=(),
        returned=1,
        skipped=0,
        work=(
            "落实“第一议题”制度，报送{m}月份学习情况",
            "{m}月份基层党组织换届工作推进",
            "{m}月份党建“双创”活动组织实施",
            "{m}月份发展党员工作计划落实",
            "{m}月份党委会议定事项落实情况汇总",
        ),
    ),
    "jjs": dict(
        tasks=16,
        late=(6,),
        returned=2,
        skipped=1,
        work=(
            "{m}月份党风廉政建设责任书落实情况检查",
            "{m}月份廉政风险防控点摸排",
            "{m}月份信访举报件核实办理",
            "修订纪检监察工作制度（{m}月批次）",
        ),
    ),
    "rsb": dict(
        tasks=18,
        late=(5, 3),
        returned=2,
        skipped=1,
        work=(
            "{m}月份干部调整和人员调配方案报批",
            "{m}月份职工社保问题协调会议材料报送",
            "{m}月份事业单位和社团换届人事审核",
            "人才培养规划{m}月份落实情况",
        ),
    ),
    "cwb": dict(
        tasks=16,
        late=(7,),
        returned=2,
        skipped=1,
        work=(
            "{m}月份预算执行情况分析",
            "“小金库”专项检查{m}月份问题整改",
            "{m}月份审计问题整改台账更新",
            "{m}月份减免涉企收费情况统计",
        ),
    ),
    "hyfzb": dict(
        tasks=20,
        late=(8, 3),
        returned=2,
        skipped=2,
        work=(
            "行业“十四五”规划实施情况{m}月份跟踪",
            "{m}月份世界一流企业建设工作材料报送",
            "{m}月份专精特新企业培育调研",
            "{m}月份首台套重点产品技术方案论证",
            "{m}月份行业发展报告编写",
        ),
    ),
    "jjyxb": dict(
        tasks=24,
        late=(2,),
        returned=1,
        skipped=0,
        work=(
            "{m}月份行业经济运行分析报告",
            "{m}月份经济运行监测预警数据报送",
            "{m}月份重点企业调研情况反映",
            "{m}月份行业经济信息统计平台数据审核",
            "{m}月份稳增长政策落实情况专报",
        ),
    ),
    "kjb": dict(
        tasks=20,
        late=(9, 4),
        returned=2,
        skipped=2,
        work=(
            "{m}月份国家重点研发计划项目征集推荐",
            "年度行业科技奖评审{m}月份工作安排",
            "{m}月份科技成果鉴定组织",
            "{m}月份行业科技创新平台建设情况统计",
        ),
    ),
    "bzb": dict(
        tasks=20,
        late=(),
        returned=1,
        skipped=1,
        work=(
            "{m}月份国家标准和行业标准计划项目征集",
            "{m}月份标准审核报批",
            "{m}月份标委会工作检查",
            "{m}月份对口国际标准化组织工作报告",
        ),
    ),
    "gjhzb": dict(
        tasks=14,
        late=(12, 8, 5),
        returned=2,
        skipped=3,
        work=(
            "{m}月份双边和多边国际会议组织",
            "{m}月份税则税目调整意见汇总报送",
            "{m}月份旧机电产品进口审查行业意见",
            "{m}月份境外对口组织业务联系情况",
        ),
    ),
    "hyfwb": dict(
        tasks=14,
        late=(11, 7, 4),
        returned=3,
        skipped=3,
        work=(
            "{m}月份会员单位走访和服务需求汇总",
            "{m}月份企业纾困问题建议汇总上报",
            "会员服务手册{m}月份修订",
            "{m}月份热点和苗头性问题问卷调查",
        ),
    ),
    "xcb": dict(
        tasks=14,
        late=(6,),
        returned=1,
        skipped=2,
        work=(
            "{m}月份学习贯彻党的二十大精神专栏报道",
            "{m}月份意识形态领域专项整治情况报告",
            "{m}月份会刊和公众号信息编发",
            "{m}月份行业媒体宣传报道计划",
        ),
    ),
}
DOCUMENT_REF = "总部办〔2022〕{n}号"
MEETING_REF = "2022年第{n}次总部办公会议纪要"
PROGRESS = (
    "已制定工作方案，明确责任人和时间节点，正在推进。",
    "主要工作已完成，正在汇总材料、形成报告。",
    "已征求相关部门意见，正在修改完善。",
)
COMPLETION = "已按要求完成，办结报告及相关材料已上传。"
RETURN_REASONS = (
    "办结报告未附相关材料，请补充后重新报送。",
    "办结报告内容过于简单，未说明落实成效，请完善后报送。",
    "数据与有关部门报送口径不一致，请核实后重新报送。",
)


def load_appraisal(city, federation):
    """The federation's 2022 ledger and its two appraisals; the city's appraisal in scoring.
    Load it after everything else: its indicators read the other demos' tasks too."""
    ledger = _ledger(federation)
    _people(federation)
    _department_appraisal(federation)
    _staff_assessment(federation)
    _city_appraisal(city)
    return ledger


def delete_appraisals(organisations):
    """For the loader's --reset: appraisals hold units and users; a commendation holds its
    assessee, so the commendations go first."""
    Commendation.objects.filter(cycle__organisation__in=organisations).delete()
    Cycle.objects.filter(organisation__in=organisations).delete()


# ---- the 2022 ledger ----------------------------------------------------------------------------


def _workday(day, step=1):
    """The day itself when it is a working day, else the next (step 1) or previous (−1) one."""
    while not is_working_day(day):
        day += datetime.timedelta(days=step)
    return day


def _at(day, hour, minute=0):
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(hour, minute)),
        timezone.get_current_timezone(),
    )


def _spread(n, count, offset):
    """``count`` task indices out of ``n``, evenly apart."""
    return [(i * n // count + offset) % n for i in range(count)] if count else []


def _plans():
    """Every task of the ledger with its dates and the path it walks, in assignment order."""
    plans = []
    for u, (code, spec) in enumerate(LEDGER.items()):
        n = spec["tasks"]
        worst_first = sorted(spec["late"], reverse=True)
        late = dict(zip(_spread(n, len(worst_first), 1), worst_first, strict=True))
        returned = set(_spread(n, spec["returned"], 3))
        skipped = set(_spread(n, spec["skipped"], 2))
        for j in range(n):
            assigned = _workday(FIRST_DAY + datetime.timedelta(days=j * 300 // n + u % 5))
            duration = DURATIONS[(j + u) % len(DURATIONS)]
            deadline = min(assigned + datetime.timedelta(days=duration), LAST_DEADLINE)
            days_late = late.get(j, 0)
            if days_late:
                closed = min(_workday(deadline + datetime.timedelta(days=days_late)), LAST_CLOSING)
            else:
                closed = _workday(deadline - datetime.timedelta(days=j % 4), -1)
            month = deadline.month
            plans.append(
                dict(
                    unit=code,
                    title=spec["work"][j % len(spec["work"])].format(m=month),
                    assigned=assigned,
                    deadline=deadline,
                    closed=closed,
                    returned=j in returned,
                    skipped=j in skipped,
                    cooperating=_cooperating(code, j),
                    meeting=(j + u) % 3 == 0,
                )
            )
    plans.sort(key=lambda p: (p["assigned"], p["unit"]))
    return plans


def _cooperating(code, j):
    """Every sixth task has the next department as a cooperating unit (配合单位: not charged)."""
    if j % 6 != 1:
        return None
    codes = list(LEDGER)
    return codes[(codes.index(code) + 1) % len(codes)]


def _steps(plan):
    """(day, hour, kind) in the order they happened; the kinds the walk knows."""
    assigned, closed, deadline = plan["assigned"], plan["closed"], plan["deadline"]
    signed = _workday(assigned + datetime.timedelta(days=1))
    submitted = _workday(closed - datetime.timedelta(days=1), -1)
    steps = [(signed, 10, "sign")]
    if plan["cooperating"]:
        steps.append((signed, 11, "sign_cooperating"))
    first_report = submitted
    if plan["returned"]:
        returned = _workday(submitted - datetime.timedelta(days=2), -1)
        first_report = _workday(returned - datetime.timedelta(days=2), -1)
        steps += [(first_report, 16, "submit"), (returned, 10, "return")]
    # A progress report 20 days into each month the task runs (one missed when skipped).
    day, window = assigned + datetime.timedelta(days=20), 0
    while day < first_report:
        if not (plan["skipped"] and window == 0):
            steps.append((_workday(day, -1), 15, "progress"))
        day += datetime.timedelta(days=30)
        window += 1
    if closed > deadline:  # the daily job reminds an overdue task
        steps.append((deadline + datetime.timedelta(days=1), 8, "remind"))
        if closed > deadline + datetime.timedelta(days=8):
            steps.append((deadline + datetime.timedelta(days=8), 8, "remind"))
    steps += [(submitted, 16, "submit"), (closed, 10, "verify")]
    steps.sort(key=lambda s: (s[0], s[1]))
    return steps


def _ledger(org):
    """Create and walk the 2022 tasks, then move their dates into 2022."""
    people = {
        u.username: u for u in User.objects.filter(username__in=["duban", "lingdao", *LEDGER])
    }
    units = {u.code: u for u in org.units.all()}
    office = units["bgs"]
    refs = {"document": 0, "meeting": 0}
    walked, digests = [], {}
    for plan in _plans():
        kind = SourceKind.MEETING if plan["meeting"] else SourceKind.DOCUMENT
        refs[kind] += 1
        ref = (MEETING_REF if plan["meeting"] else DOCUMENT_REF).format(n=refs[kind] // 3 + 1)
        lead = units[plan["unit"]]
        helping = [units[plan["cooperating"]]] if plan["cooperating"] else []
        task = tasks.create_task(
            by=people["duban"],
            organisation=org,
            title=plan["title"],
            body=f"按照{ref}要求，由{lead.short_name or lead.name}牵头办理，按月反馈进展，"
            "办结后报送办结报告。",
            source_kind=kind,
            source_ref=ref,
            deadline=plan["deadline"],
            lead_unit=lead,
            responsible_units=[],
            cooperating_units=helping,
            supervising_units=[] if office in (lead, *helping) else [office],
            notify=False,
        )
        walked.append((task.pk, *_walk(task, plan, people, units, len(walked), digests)))
    _backdate_ledger(org, walked)
    numbers = dict(
        Task.objects.filter(pk__in=[pk for pk, *_rest in walked]).values_list("pk", "number")
    )
    for day, lines in sorted(digests.items()):
        for unit in lines.values():
            for light in jobs.REMINDED_LIGHTS:
                unit[light] = {pk: numbers[pk] for pk in unit.get(light, ())}
        jobs.write_digests(day, lines)
    return len(walked)


def _walk(task, plan, people, units, seq, digests):
    """Approve, assign and take the task along its steps with the people who would; the dates
    of its events (in their order), of its progress reports and of each unit's signature.
    The daily job's reminders go into ``digests`` (day → unit → light → task), written after
    the walk as the job would have written them, one digest per unit and day."""
    duban, handler = people["duban"], people[plan["unit"]]
    stamps = [_at(plan["assigned"] - datetime.timedelta(days=2), 15)]  # registered
    tasks.approve_task(task, by=people["lingdao"], comment="同意。")
    stamps.append(_at(plan["assigned"] - datetime.timedelta(days=1), 10))
    tasks.assign_task(task, by=duban, comment="请按时限办理，按月反馈进展。")
    stamps.append(_at(plan["assigned"], 9, 30))
    reports, signs = [], {}
    for day, hour, kind in _steps(plan):
        when = _at(day, hour)
        if kind == "sign":
            tasks.sign_task(task, by=handler, comment="已签收。")
            signs[units[plan["unit"]].pk] = when
        elif kind == "sign_cooperating":
            helper = people[plan["cooperating"]]
            tasks.sign_task(task, by=helper, comment="已签收，积极配合。")
            signs[units[plan["cooperating"]].pk] = when
        elif kind == "progress":
            text = PROGRESS[len(reports) % len(PROGRESS)]
            percent = min(30 * (len(reports) + 1), 90)
            tasks.report_progress(task, by=handler, percent=percent, text=text)
            reports.append(when)
        elif kind == "remind" and not _remind(task, day, digests):
            continue
        elif kind == "submit":
            tasks.submit_completion(task, by=handler, comment=COMPLETION)
        elif kind == "return":
            reason = RETURN_REASONS[seq % len(RETURN_REASONS)]
            tasks.return_task(task, by=duban, comment=reason)
        elif kind == "verify":
            tasks.verify_task(
                task, by=duban, comment="经复核，办结材料齐全，同意销号。", confirm_unsigned=True
            )
        stamps.append(when)
    return plan, stamps, reports, signs


def _remind(task, day, digests):
    """The daily job's run of ``day`` for this task (on the day it would have run): a timeline
    line when the light changed since the day before, and the task in its units' digests of
    the day when its light calls for a reminder. True when it wrote a timeline line."""
    fresh = Task.objects.with_units().get(pk=task.pk)
    before = compute_light(fresh, day - datetime.timedelta(days=1))
    light = compute_light(fresh, day)
    if light in jobs.REMINDED_LIGHTS:
        for part in fresh.task_units.all():
            if part.role in jobs.CHASED_ROLES:
                unit = digests.setdefault(day, {}).setdefault(part.unit_id, {})
                unit.update(code=part.unit.code, organisation=part.unit.organisation_id)
                unit.setdefault(light, {})[fresh.pk] = None  # numbered after the backdating
    if light == before:
        return False
    event = jobs.light_event(fresh, before, light)
    event.save()
    return True


def _backdate_ledger(org, walked):
    """Each event, report and signature at its day in 2022; numbered in 2022's own series."""
    ids = [pk for pk, *_rest in walked]
    events, reports = {}, {}
    for event in TaskEvent.objects.filter(task_id__in=ids).order_by("id"):
        events.setdefault(event.task_id, []).append(event)
    for report in ProgressReport.objects.filter(task_id__in=ids).order_by("id"):
        reports.setdefault(report.task_id, []).append(report)
    task_rows = {t.pk: t for t in Task.objects.filter(pk__in=ids)}
    task_units = list(TaskUnit.objects.filter(task_id__in=ids, signed_at__isnull=False))
    changed_events, changed_reports = [], []
    prefix = f"{org.code.upper()}-{YEAR}"
    for pk, _plan, stamps, report_days, _signs in walked:
        rows = events[pk]
        if len(rows) != len(stamps):  # the walk and its dates went out of step
            raise RuntimeError(f"{task_rows[pk]}: {len(rows)} events, {len(stamps)} dates")
        for event, when in zip(rows, stamps, strict=True):
            event.created_at = when
            changed_events.append(event)
        for report, when in zip(reports.get(pk, []), report_days, strict=True):
            report.created_at = when
            changed_reports.append(report)
        task = task_rows[pk]
        task.number = f"{prefix}-{Counter.next_value(f'task-number:{prefix}'):04d}"
        task.created_at = stamps[0]
        task.assigned_at = stamps[2]
        task.closed_at = stamps[-1]
    signed = {pk: signs for pk, _plan, _stamps, _reports, signs in walked}
    for tu in task_units:
        tu.signed_at = signed[tu.task_id][tu.unit_id]
    audit.bulk_update(TaskEvent, changed_events, ["created_at"], batch_size=500)
    audit.bulk_update(ProgressReport, changed_reports, ["created_at"], batch_size=500)
    audit.bulk_update(
        Task,
        list(task_rows.values()),
        ["number", "created_at", "assigned_at", "closed_at"],
        batch_size=500,
    )
    audit.bulk_update(TaskUnit, task_units, ["signed_at"], batch_size=500)


# ---- people -------------------------------------------------------------------------------------

# A second leader who scores the departments beside 会领导 (lingdao).
LEADERS = [("lingdao-zhou", "周振华（副会长）")]

# 职工考核 2022, two or three of each department: unit, user name, name, position, the unit's
# score, the leaders' score, what they did.
STAFF = [
    ("bgs", "bgs-1", "王晓明", "督查室主任", 93, 92, "牵头重大事项督办，全年督办事项按期办结"),
    ("bgs", "bgs-2", "李佳音", "文秘岗", 86, 84, "公文处理和印制文件近三千件，差错率为零"),
    ("djb", "djb-1", "刘思远", "组织干事", 95, 93, "组织基层党组织换届，做好发展党员工作"),
    ("djb", "djb-2", "陈雨桐", "宣传干事", 85, 86, "组织理论学习中心组学习和专题辅导报告会"),
    ("jjs", "jjs-1", "赵立新", "纪检干事", 91, 92, "完成核实查办案件，修订纪检监察工作制度"),
    ("jjs", "jjs-2", "孙文华", "监督岗", 83, 82, "组织签订党风廉政建设责任书"),
    ("rsb", "rsb-1", "周敏", "人事主管", 92, 91, "完成干部调整和人员调配，办理职工社保事项"),
    ("rsb", "rsb-2", "吴海燕", "人事干事", 84, 83, "组织考评和职工考核的材料汇总"),
    ("cwb", "cwb-1", "冯丽君", "会计主管", 88, 87, "预算执行分析按月报送，配合审计问题整改"),
    ("cwb", "cwb-2", "褚建华", "出纳", 80, 78, "完成减免涉企收费统计和报销审核"),
    (
        "hyfzb",
        "hyfzb-1",
        "蒋志刚",
        "规划处处长",
        90,
        91,
        "跟踪“十四五”规划实施，准备中期评估",
    ),
    ("hyfzb", "hyfzb-2", "沈丹", "产业研究岗", 84, 85, "参与专精特新企业培育调研"),
    (
        "jjyxb",
        "jjyxb-1",
        "朱海波",
        "统计分析处处长",
        94,
        95,
        "组织十次专家经济会商会，报送专报",
    ),
    ("jjyxb", "jjyxb-2", "秦月", "统计岗", 87, 86, "审核行业经济信息统计平台数据"),
    ("kjb", "kjb-1", "何静", "科技奖励处处长", 89, 88, "组织年度行业科技奖评审"),
    ("kjb", "kjb-2", "吕磊", "成果鉴定岗", 82, 80, "组织科技成果鉴定"),
    ("bzb", "bzb-1", "施红梅", "标准审查处处长", 92, 93, "完成标准审核报批，组织计划项目征集"),
    ("bzb", "bzb-2", "张伟", "标委会管理岗", 85, 84, "开展标委会工作检查"),
    ("gjhzb", "gjhzb-1", "曹阳", "外事岗", 84, 83, "组织双边和多边国际会议"),
    ("gjhzb", "gjhzb-2", "严冬梅", "经贸岗", 79, 78, "汇总税则税目调整意见"),
    ("hyfwb", "hyfwb-1", "华振宇", "会员服务处处长", 85, 86, "编发会员服务手册，走访会员单位"),
    ("hyfwb", "hyfwb-2", "金晶", "联络岗", 77, 79, "汇总企业纾困问题建议"),
    ("xcb", "xcb-1", "魏晨", "新闻宣传岗", 91, 90, "组织学习贯彻党的二十大精神专栏报道"),
    ("xcb", "xcb-2", "陶然", "编辑岗", 83, 82, "编发会刊和公众号信息"),
]
# Staff who scored the 民主测评: the first two not of the department scored (nobody scores
# their own department).
DEMOCRATIC_SCORERS = ("rsb-2", "djb-2", "jjs-2")

# 2022年度部门考评: each department's scores from the two leaders and the two staff, set by
# hand. The computed points come from the ledgers: the tasks above and the 2022 rectification
# measures (read by the same indicators: a unit's tasks are its tasks). Those measures have no
# monthly progress reports, so every department's 按月报送进展 point is pulled down by them.
# The 2 A / 8 B / 2 C split (12个部门中有10个部门获得B级以上) rests on these hand-set scores,
# with thin margins (B from 80): the tenth at B is 会员部 (81.26 with its upheld appeal, 80.26
# without), the best C 78.83 (宣传部). The two A (93.19, 91.15; A from 90, the best B 89.18)
# are within the 30 % quota (3 of 12) that publicising and confirming check.
MANUAL_SCORES = {
    "bgs": ((17, 16.5), (8, 8.5)),
    "djb": ((20, 20), (10, 9.5)),
    "jjs": ((15.5, 16), (8, 8)),
    "rsb": ((17.5, 17), (8.5, 8)),
    "cwb": ((16, 16.5), (8, 8)),
    "hyfzb": ((17.5, 17.5), (8.5, 8.5)),
    "jjyxb": ((19.5, 19), (9.5, 9.5)),
    "kjb": ((17, 17.5), (8.5, 8)),
    "bzb": ((19.5, 20), (9.5, 10)),
    "gjhzb": ((16, 15.5), (7.5, 8)),
    "hyfwb": ((18, 17.5), (9, 8.5)),
    "xcb": ((14, 14.5), (7, 7.5)),
}
LEADER_COMMENTS = {
    "djb": "党建引领作用发挥充分，巡视整改牵头有力。",
    "jjyxb": "经济运行监测和会商工作扎实，专报质量高。",
    "gjhzb": "受疫情影响较大，部分事项办理拖期，需加强计划性。",
    "hyfwb": "服务会员工作有成效，督办事项超期问题经申诉复核后认定有所改善。",
}

DEPARTMENT_INDICATORS = [
    dict(
        name="按期办结率",
        kind=IndicatorKind.COMPUTED,
        metric=Metric.ON_TIME_RATE,
        weight=30,
        floor="0.5",
        description="年内到期的督办事项在期限内复核销号的比例；办结率50%及以下不得分。",
    ),
    dict(
        name="办结报告退回率",
        kind=IndicatorKind.COMPUTED,
        metric=Metric.RETURNED_RATE,
        weight=10,
        description="报送办结报告的事项中被退回补充的比例，越低越好。",
    ),
    dict(
        name="超期天数",
        kind=IndicatorKind.COMPUTED,
        metric=Metric.OVERDUE_DAYS,
        weight=10,
        per_event="0.1",
        description="事项超过期限未销号的天数，每天扣0.1分。",
    ),
    dict(
        name="被催办次数",
        kind=IndicatorKind.COMPUTED,
        metric=Metric.REMINDERS_RECEIVED,
        weight=5,
        per_event="0.5",
        description="系统对超期事项发出的催办，每次扣0.5分。",
    ),
    dict(
        name="按月报送进展",
        kind=IndicatorKind.COMPUTED,
        metric=Metric.PROGRESS_ON_TIME,
        weight=15,
        cadence_days=30,
        description="事项办理期间每30天至少报送一次进展（报送办结报告视同报送）。",
    ),
    dict(
        name="领导评价",
        kind=IndicatorKind.MANUAL,
        scorer_kind=ScorerKind.LEADER,
        weight=20,
        description="会领导对部门全年工作的评价。",
    ),
    dict(
        name="民主测评",
        kind=IndicatorKind.MANUAL,
        scorer_kind=ScorerKind.DEMOCRATIC,
        weight=10,
        description="职工代表对部门工作作风和服务质量的测评。",
    ),
]
DECISION_NUMBER = "总部考〔2023〕1号"
APPEAL_REASON = (
    "本部门两项超期事项需等待财务部提供数据后方能报送，且12月部门人员大面积感染新冠，"
    "仍坚持网上办公。请考核小组核实后酌情调整超期天数得分。"
)
APPEAL_DECISION = "经核实，其中一项事项超期系等待配合部门数据所致，酌情调整该项得分。"

# When each step of an appraisal happened (demo data only): the set-up in December, the
# scoring in the first days of January, the results read out at the summary meeting.
APPRAISAL_DAYS = {
    Action.CREATE: datetime.date(YEAR, 12, 19),
    Action.SET_UP: datetime.date(YEAR, 12, 19),
    Action.OPEN_SCORING: datetime.date(YEAR + 1, 1, 3),
    Action.COMPUTE: datetime.date(YEAR + 1, 1, 3),
    Action.SELF_REPORT: datetime.date(YEAR + 1, 1, 3),
    Action.SCORE: datetime.date(YEAR + 1, 1, 4),
    Action.PUBLICISE: datetime.date(YEAR + 1, 1, 4),
    Action.APPEAL: datetime.date(YEAR + 1, 1, 6),
    "uphold": datetime.date(YEAR + 1, 1, 10),
    "dismiss": datetime.date(YEAR + 1, 1, 10),
    Action.CONFIRM: datetime.date(YEAR + 1, 1, 12),
    Action.PUBLISH: SUMMARY_MEETING,
    Action.COMMEND: SUMMARY_MEETING,
}
PUBLICISED_ON = APPRAISAL_DAYS[Action.PUBLICISE]


def _people(org):
    """The second leader and the staff assessed (handlers of their departments)."""
    units = {u.code: u for u in org.units.all()}
    for username, name in LEADERS:
        demo_user(username, organisation=org, role=Role.LEADER, display_name=name)
    for code, username, name, position, *_rest in STAFF:
        user = demo_user(username, organisation=org, role=Role.HANDLER, display_name=name)
        Membership.objects.create(user=user, unit=units[code], title=position)


def _user(username):
    return User.objects.get(username=username)


def _department_appraisal(org):
    duban = _user("duban")
    leaders = [_user("lingdao"), *(_user(u) for u, _n in LEADERS)]
    cycle = appraisal.create_cycle(
        by=duban, title=f"{YEAR}年度部门考评", year=YEAR, appeal_working_days=5
    )
    appraisal.set_units(cycle, by=duban, units=list(LEDGER))
    indicators = [
        appraisal.add_indicator(cycle, by=duban, **spec) for spec in DEPARTMENT_INDICATORS
    ]
    appraisal.set_bands(
        cycle, by=duban, bands=[("A", 90, 30), ("B", 80, None), ("C", 70, None), ("D", 0, None)]
    )
    appraisal.open_scoring(cycle, by=duban, comment="考核小组审定考评方案，开始计分。")
    appraisal.compute(cycle, by=duban)
    leader_indicator, democratic = indicators[-2], indicators[-1]
    scorers = [(u.split("-")[0], _user(u)) for u in DEMOCRATIC_SCORERS]
    for code, (by_leaders, by_staff) in MANUAL_SCORES.items():
        for leader, score in zip(leaders, by_leaders, strict=True):
            comment = LEADER_COMMENTS.get(code, "") if leader == leaders[0] else ""
            appraisal.score_manual(
                cycle,
                by=leader,
                indicator=leader_indicator,
                unit=code,
                score=score,
                comment=comment,
            )
        others = [scorer for unit, scorer in scorers if unit != code][: len(by_staff)]
        for scorer, score in zip(others, by_staff, strict=True):
            appraisal.score_manual(cycle, by=scorer, indicator=democratic, unit=code, score=score)
    appraisal.publicise(
        cycle,
        by=duban,
        on=PUBLICISED_ON,
        comment="考评结果在总部内部公示，各部门可在公示期内申诉。",
    )
    point = Point.objects.get(
        cycle=cycle, unit__code="hyfwb", indicator__metric=Metric.OVERDUE_DAYS
    )
    appeal = appraisal.lodge_appeal(
        point, by=_user("hyfwb"), reason=APPEAL_REASON, today=APPRAISAL_DAYS[Action.APPEAL]
    )
    appraisal.decide_appeal(
        appeal,
        by=leaders[0],
        uphold=True,
        comment=APPEAL_DECISION,
        adjusted_score=min(point.indicator.weight, point.score + 1),
        today=APPRAISAL_DAYS["uphold"],
    )
    appraisal.confirm(
        cycle, by=leaders[0], comment="考核小组审议确认。", today=APPRAISAL_DAYS[Action.CONFIRM]
    )
    appraisal.publish(
        cycle,
        by=duban,
        on=SUMMARY_MEETING,
        decision_number=DECISION_NUMBER,
        decision_text=f"经考核小组确认，{YEAR}年度部门考评结果在年度工作总结会上宣读。",
        comment="年度工作总结会宣读。",
    )
    for result in cycle.results.filter(grade=Grade.A).select_related("unit"):
        appraisal.commend(cycle, by=duban, title=CommendationTitle.UNIT, unit=result.unit)
    _backdate_cycle(cycle)
    return cycle


def _staff_assessment(org):
    duban, lingdao = _user("duban"), _user("lingdao")
    cycle = appraisal.create_cycle(
        by=duban,
        title=f"{YEAR}年度职工考核",
        year=YEAR,
        subject=Subject.STAFF,
        grade_scheme=GradeScheme.WORDS,
        leader_share=50,
    )
    people = {}
    for code, username, _name, position, *_rest in STAFF:
        people[username] = appraisal.add_assessee(
            cycle, by=duban, unit=code, user=username, position=position
        )
    appraisal.set_bands(
        cycle,
        by=duban,
        bands=[("excellent", 90, 35), ("good", 80, None), ("pass", 60, None), ("fail", 0, None)],
    )
    appraisal.open_scoring(cycle, by=duban, comment="请各位同志提交年度述职。")
    for code, username, _name, position, unit_score, leader_score, did in STAFF:
        assessee = people[username]
        short = assessee.unit.short_name or assessee.unit.name
        appraisal.submit_self_report(
            assessee,
            by=_user(username),
            text=f"{YEAR}年，本人在{short}担任{position}，{did}。认真落实部门交办的督办事项，"
            "按时报送进展；疫情期间坚持网上办公。存在的不足是统筹谋划还不够，"
            "新的一年将进一步提高工作效率和质量。",
        )
        appraisal.score_staff(
            assessee, by=_user(code), part=StaffPart.UNIT, score=unit_score, comment="部门评议。"
        )
        appraisal.score_staff(assessee, by=lingdao, part=StaffPart.LEADER, score=leader_score)
    appraisal.publicise(cycle, by=duban, on=PUBLICISED_ON, comment="考核结果向本人反馈。")
    appraisal.confirm(
        cycle, by=lingdao, comment="考核小组审议确认。", today=APPRAISAL_DAYS[Action.CONFIRM]
    )
    appraisal.publish(
        cycle,
        by=duban,
        on=SUMMARY_MEETING,
        decision_number=DECISION_NUMBER,
        decision_text=f"{YEAR}年度职工考核结果及年度优秀员工名单在年度工作总结会上宣读。",
    )
    for assessee in Assessee.objects.filter(cycle=cycle, grade=Grade.EXCELLENT):
        appraisal.commend(cycle, by=duban, title=CommendationTitle.STAFF, assessee=assessee)
    _backdate_cycle(cycle)
    return cycle


def _backdate_cycle(cycle):
    """Each step on its day (see APPRAISAL_DAYS), a few minutes after the one before."""
    events = list(CycleEvent.objects.filter(cycle=cycle).order_by("id"))
    for i, event in enumerate(events):
        day = APPRAISAL_DAYS.get(event.action, SUMMARY_MEETING)
        event.created_at = _at(day, 9) + datetime.timedelta(minutes=2 * i)
    audit.bulk_update(CycleEvent, events, ["created_at"], batch_size=500)
    scoring = _at(APPRAISAL_DAYS[Action.COMPUTE], 10)
    Cycle.objects.filter(pk=cycle.pk).update(
        created_at=_at(APPRAISAL_DAYS[Action.CREATE], 9),
        computed_at=scoring if cycle.subject == Subject.UNITS else None,
        confirmed_at=_at(APPRAISAL_DAYS[Action.CONFIRM], 15),
    )
    Point.objects.filter(cycle=cycle).update(computed_at=scoring)
    ManualScore.objects.filter(cycle=cycle).update(scored_at=_at(APPRAISAL_DAYS[Action.SCORE], 11))
    Assessee.objects.filter(cycle=cycle, self_reported_at__isnull=False).update(
        self_reported_at=_at(APPRAISAL_DAYS[Action.SELF_REPORT], 16)
    )
    Appeal.objects.filter(cycle=cycle).update(
        lodged_at=_at(APPRAISAL_DAYS[Action.APPEAL], 10),
        decided_at=_at(APPRAISAL_DAYS["uphold"], 15),
    )


# ---- the city: this year's appraisal of its SOEs, in scoring ------------------------------------

CITY_INDICATORS = [
    dict(
        name="联席会议参会率",
        kind=IndicatorKind.COMPUTED,
        metric=Metric.MEETINGS_ATTENDED,
        weight=30,
        description="应邀参加的联席会议、交流会、研讨会的出席比例（请假不计）。",
    ),
    dict(
        name="统战部门评价",
        kind=IndicatorKind.MANUAL,
        scorer_kind=ScorerKind.PANEL,
        weight=35,
        description="联席会议办公室对企业统战工作机制、党外人士队伍建设和议定事项落实的评价。",
    ),
    dict(
        name="市委领导评价",
        kind=IndicatorKind.MANUAL,
        scorer_kind=ScorerKind.LEADER,
        weight=35,
    ),
]
CITY_PANEL_SCORES = {
    "xxgt": (32, "建言献策工作室运行规范，党外人士作用发挥明显。"),
    "xxky": (31, "党外知识分子工作经验在全市推广。"),
    "xxjt": (26.5, "统战工作机制尚在建立，党外人士台账不够完整。"),
}


def _city_appraisal(city):
    office = _user("city-duban")
    year = timezone.localdate().year
    cycle = appraisal.create_cycle(
        by=office, title=f"{year}年度市属国有企业统战工作考核", year=year
    )
    appraisal.set_units(cycle, by=office, units=list(CITY_PANEL_SCORES))
    indicators = [appraisal.add_indicator(cycle, by=office, **spec) for spec in CITY_INDICATORS]
    appraisal.set_bands(
        cycle, by=office, bands=[("A", 90, 40), ("B", 80, None), ("C", 70, None), ("D", 0, None)]
    )
    appraisal.open_scoring(cycle, by=office, comment="按联席会议议定的考核办法开始计分。")
    appraisal.compute(cycle, by=office)
    panel = indicators[1]
    for code, (score, comment) in CITY_PANEL_SCORES.items():
        appraisal.score_manual(
            cycle, by=office, indicator=panel, unit=code, score=score, comment=comment
        )
    # 市委领导评价 is left for city-lingdao; then the office publicises (公示).
    return cycle
