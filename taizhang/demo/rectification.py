"""The demo's rectification plans, walked through the services: the federation's 2022 巡视整改
plan (13 aspects, 46 problems, 83 measures) whose computed figures are the year summary's — 89 %
of the problems done, 94 % of the measures, five problems and five measures still open with
their dates —, its 33 audit items all rectified and closed, one of them a repeat of an earlier
finding; and a small 督查反馈 plan of the city on its united-front work, still open, so that the
city's handlers find their measures. The text is written here for the demo; dates are moved
back afterwards so that the timelines read as the year they took (demo data only).

Why 83 measures: with exactly five open, n − 5 of n are done; 77/82 = 93.90 %, 78/83 = 93.98 %,
79/84 = 94.05 %: 83 is the count nearest 94 %. 41 of 46 problems done is 89.13 %.
"""

import datetime

from django.utils import timezone

from taizhang.org.models import User
from taizhang.rectification import services
from taizhang.rectification.models import Measure, Plan, PlanEvent, Problem
from taizhang.supervision import services as ledger
from taizhang.supervision.models import ProgressReport, Task, TaskEvent, TaskUnit

# Leaders named in the lists (no accounts of their own; the demo's leader approves).
SECRETARY = "程建华（党委书记、会长）"
DEPUTY = "邵维民（党委副书记）"
EXECUTIVE = "齐国栋（执行副会长）"
GENERAL = "江涛（秘书长）"
DISCIPLINE = "甘文海（党委副书记、纪检书记）"
STANDING = "柏立群（党委常委、副会长）"
ACCOUNTANT = "包志远（总会计师）"

# A measure: its title, prefixed "!" for 立行立改, "~m:", "~q:" or "~h:" for 长期坚持 reported
# monthly, quarterly or half-yearly, and "*" (first) for one still open.
# A problem: (description, lead unit, other responsible units, seriousness, measures).
INSPECTION = [
    (
        "学习贯彻党的创新理论和上级决策部署方面",
        DEPUTY,
        [
            (
                "“第一议题”制度落实不够规范，学习后研究贯彻措施不具体",
                "djb",
                [],
                "serious",
                ["!修订党委会议“第一议题”学习制度", "建立学习贯彻落实情况跟踪台账"],
            ),
            (
                "理论学习中心组学习计划性不强，专题研讨偏少",
                "djb",
                [],
                "general",
                ["制定年度中心组学习计划并按月落实", "~q:每季度组织一次中心组专题研讨"],
            ),
            (
                "对上级关于行业高质量发展的部署研究落实不够及时",
                "hyfzb",
                ["bgs"],
                "serious",
                ["梳理上级部署形成任务分工清单", "建立重大部署落实情况定期报告制度"],
            ),
            (
                "基层党组织学习教育覆盖不全面，网络学习参学率不高",
                "djb",
                [],
                "general",
                ["组织全员网络学习培训并通报参学情况"],
            ),
            (
                "学习成果转化不够，服务行业的调研成果偏少",
                "hyfzb",
                [],
                "general",
                ["围绕稳增长开展专题调研并形成报告", "建立调研成果转化应用机制"],
            ),
        ],
    ),
    (
        "落实全面从严治党主体责任方面",
        SECRETARY,
        [
            (
                "党委主体责任清单不够细化，压力传导层层递减",
                "djb",
                ["jjs"],
                "grave",
                ["修订党委及班子成员主体责任清单", "!逐级签订党风廉政建设责任书"],
            ),
            (
                "班子成员落实“一岗双责”不够到位",
                "djb",
                [],
                "serious",
                ["建立班子成员履行“一岗双责”情况报告制度"],
            ),
            (
                "对所属社团和事业单位党建工作指导不够",
                "djb",
                [],
                "general",
                ["制定所属单位党建工作指导意见", "开展所属单位党建工作专项检查"],
            ),
            (
                "党建述职评议考核结果运用不充分",
                "djb",
                ["rsb"],
                "general",
                ["完善党建述职评议考核办法", "将党建考核结果纳入部门年度考评"],
            ),
        ],
    ),
    (
        "基层党组织建设方面",
        DEPUTY,
        [
            (
                "部分基层党组织未按期换届",
                "djb",
                [],
                "serious",
                ["完成到期基层党组织换届", "!建立基层党组织换届提醒台账"],
            ),
            (
                "“三会一课”制度执行不严格，记录不规范",
                "djb",
                [],
                "general",
                ["规范“三会一课”记录并开展检查", "~h:每半年通报一次组织生活开展情况"],
            ),
            (
                "软弱涣散党组织整顿不彻底",
                "djb",
                [],
                "serious",
                ["制定软弱涣散党组织整顿方案", "逐个验收整顿成效"],
            ),
            ("发展党员工作计划性不强", "djb", [], "general", ["制定年度发展党员计划"]),
        ],
    ),
    (
        "干部选拔任用和人事管理方面",
        GENERAL,
        [
            (
                "干部选拔任用程序执行不够严格，个别环节记实不全",
                "rsb",
                [],
                "serious",
                ["修订干部选拔任用工作办法", "建立选任工作全程记实制度"],
            ),
            (
                "退休返聘人员比例偏高，干部队伍年龄结构老化",
                "rsb",
                [],
                "serious",
                ["清理规范退休返聘人员", "*制定总部人才培养和队伍建设规划"],
            ),
            ("个人有关事项报告核查不到位", "rsb", [], "general", ["!开展个人有关事项报告专项核查"]),
        ],
    ),
    (
        "作风建设和落实中央八项规定精神方面",
        DISCIPLINE,
        [
            (
                "会议文件偏多，精文简会落实不到位",
                "bgs",
                [],
                "general",
                ["制定精简会议文件实施办法", "~q:按季度统计通报会议文件数量"],
            ),
            (
                "公务接待和公务用车管理不规范",
                "bgs",
                ["cwb"],
                "serious",
                ["修订公务接待管理规定", "!开展公务用车专项清理"],
            ),
            (
                "调查研究不深入，联系会员企业不够",
                "hyfwb",
                [],
                "general",
                ["建立领导班子成员联系会员企业制度", "开展一轮会员企业走访"],
            ),
            (
                "违规发放津贴补贴问题整改不彻底",
                "cwb",
                ["rsb"],
                "grave",
                ["全面清理津贴补贴发放项目"],
            ),
        ],
    ),
    (
        "财务管理和经营活动方面",
        ACCOUNTANT,
        [
            (
                "预算编制不够科学，执行偏差较大",
                "cwb",
                [],
                "general",
                ["完善预算编制和执行分析制度", "~q:按季度开展预算执行分析"],
            ),
            (
                "部分涉企收费项目依据不充分",
                "cwb",
                ["hyfwb"],
                "serious",
                ["全面梳理涉企收费项目并公示", "!减免依据不充分的收费"],
            ),
            (
                "差旅费和会议费报销审核不严",
                "cwb",
                [],
                "general",
                ["修订差旅费和会议费管理办法", "开展报销凭证专项检查"],
            ),
        ],
    ),
    (
        "所属单位和社团管理方面",
        EXECUTIVE,
        [
            (
                "对所属社团和分支机构监管不到位",
                "hyfzb",
                [],
                "serious",
                ["制定分支机构管理办法", "组织所属社团年检"],
            ),
            (
                "所属期刊审读把关不严",
                "xcb",
                [],
                "general",
                ["建立期刊审读制度", "组织期刊年度核验"],
            ),
            (
                "部分事业单位脱钩改革遗留问题尚未解决",
                "rsb",
                ["cwb"],
                "serious",
                ["梳理脱钩改革遗留问题并向有关部门反映", "*~q:逐项推动脱钩改革遗留问题解决"],
            ),
        ],
    ),
    (
        "意识形态工作和宣传阵地管理方面",
        DEPUTY,
        [
            (
                "意识形态工作责任制落实不到位",
                "xcb",
                ["djb"],
                "serious",
                ["制定意识形态工作责任制实施细则", "~h:每半年专题研判意识形态形势"],
            ),
            (
                "网站和新媒体账号管理不规范",
                "xcb",
                [],
                "general",
                ["!清理规范网站和新媒体账号", "建立信息发布“三审”制度"],
            ),
            (
                "行业媒体舆论引导作用发挥不够",
                "xcb",
                [],
                "general",
                ["策划学习贯彻党的二十大精神系列报道", "建立重大主题宣传策划机制"],
            ),
            (
                "所属展会和论坛内容审核把关不严",
                "xcb",
                [],
                "general",
                ["建立展会论坛内容审核备案制度"],
            ),
        ],
    ),
    (
        "服务会员和企业方面",
        EXECUTIVE,
        [
            (
                "会员服务内容单一，会员满意度不高",
                "hyfwb",
                [],
                "general",
                ["编印会员服务手册", "开展会员满意度问卷调查"],
            ),
            (
                "反映企业诉求的渠道不畅",
                "hyfwb",
                ["jjyxb"],
                "general",
                ["建立企业诉求收集和反映机制", "汇总上报企业急需协调解决的问题"],
            ),
            ("会员信息管理不规范", "hyfwb", [], "general", ["建立会员信息管理台账"]),
        ],
    ),
    (
        "行业标准和科技工作方面",
        STANDING,
        [
            (
                "标准制修订周期偏长，部分标准老化",
                "bzb",
                [],
                "general",
                ["开展行业标准复审清理", "*~m:建立标准制修订进度月报制度"],
            ),
            (
                "标准化技术委员会管理不规范",
                "bzb",
                [],
                "general",
                ["修订标准化技术委员会管理办法", "开展标委会考核评估"],
            ),
            (
                "科技奖励评审程序不够规范",
                "kjb",
                [],
                "serious",
                ["修订科技奖励评审办法", "建立评审专家回避和公示制度"],
            ),
        ],
    ),
    (
        "行业统计和经济运行分析方面",
        EXECUTIVE,
        [
            (
                "统计数据审核把关不严",
                "jjyxb",
                [],
                "general",
                ["修订统计数据质量审核办法", "开展统计数据质量抽查"],
            ),
            (
                "经济运行监测预警平台功能不完善",
                "jjyxb",
                [],
                "general",
                ["完善监测预警平台指标体系", "*建设监测预警平台数据共享功能"],
            ),
            (
                "经济形势分析报告时效性不强",
                "jjyxb",
                ["hyfzb"],
                "general",
                ["建立专家经济会商会制度", "~m:按月报送行业经济运行情况"],
            ),
            ("统计调查对象覆盖面不足", "jjyxb", [], "general", ["扩大重点联系企业统计范围"]),
        ],
    ),
    (
        "国际合作和外事管理方面",
        STANDING,
        [
            (
                "外事管理制度不健全，因公出国（境）审批不严",
                "gjhzb",
                [],
                "serious",
                ["修订因公出国（境）管理办法", "开展因公出国（境）专项检查"],
            ),
            (
                "国际交流合作成果转化不够",
                "gjhzb",
                [],
                "general",
                ["建立对口国际组织联络机制", "召开系统外事工作会议"],
            ),
            (
                "参与国际规则和标准制定不够",
                "gjhzb",
                ["bzb"],
                "general",
                ["组织参与对口国际标准化组织工作"],
            ),
        ],
    ),
    (
        "巡视审计整改和制度建设方面",
        SECRETARY,
        [
            (
                "以往巡视和审计发现问题整改不彻底",
                "bgs",
                [],
                "grave",
                ["建立问题整改台账逐项销号", "开展整改“回头看”"],
            ),
            (
                "章程和部分制度长期未修订，制度建设滞后",
                "bgs",
                [],
                "serious",
                ["全面梳理总部制度并制修订", "*完成章程修改并按程序报批"],
            ),
            (
                "督查督办工作机制不健全",
                "bgs",
                [],
                "general",
                ["建立重大事项督查督办制度", "建立部门例会制度"],
            ),
        ],
    ),
]

# The 33 audit items (推动审计问题整改33项): (aspect, [(problem, measure, lead unit)]).
AUDIT = [
    (
        "预算管理方面",
        [
            ("部分项目预算编制不细化", "按项目细化预算编制", "cwb"),
            ("预算调整未履行审批程序", "建立预算调整审批流程", "cwb"),
            ("年中追加预算依据不足", "规范追加预算的申报和审核", "cwb"),
            ("部分专项资金结转结余较大", "清理专项资金结转结余", "cwb"),
            ("预算执行进度偏慢", "按月通报预算执行进度", "cwb"),
            ("会议费预算超支", "核定会议费预算并严控支出", "bgs"),
            ("培训费预算与实际差异大", "按培训计划编制培训费预算", "rsb"),
            ("绩效目标设置不够具体", "完善项目绩效目标", "cwb"),
        ],
    ),
    (
        "收入和收费管理方面",
        [
            ("部分会费收取标准未经会员大会审议", "将会费标准提交会员大会审议", "hyfwb"),
            ("评比表彰活动收取费用", "停止评比表彰收费并清退", "hyfwb"),
            ("展览服务收入未及时入账", "规范展览收入入账", "cwb"),
            ("培训收费标准未公示", "公示培训收费标准", "rsb"),
            ("期刊广告收入管理不规范", "建立期刊广告收入台账", "xcb"),
            ("咨询服务合同管理不规范", "清理咨询服务合同", "hyfzb"),
            ("标准宣贯培训收费依据不足", "规范标准宣贯培训收费", "bzb"),
            ("科技评价收费未开具规范票据", "规范科技评价收费票据", "kjb"),
            ("部分收费减免未履行审批", "建立收费减免审批制度", "cwb"),
        ],
    ),
    (
        "支出管理方面",
        [
            ("差旅费报销审批手续不全", "补齐差旅费审批手续并修订报销流程", "cwb"),
            ("公务接待无公函、无清单", "落实公务接待公函和清单制度", "bgs"),
            ("劳务费发放标准不统一", "统一劳务费发放标准", "cwb"),
            ("专家咨询费支付依据不足", "规范专家咨询费支付", "kjb"),
            ("办公用品采购未集中进行", "实行办公用品集中采购", "bgs"),
            ("部分合同未经法律审核", "建立合同法律审核制度", "bgs"),
            ("出国（境）经费超标准列支", "清退超标准列支的经费", "gjhzb"),
            ("车辆运行费用核算不清", "建立车辆运行费用台账", "bgs"),
            ("对外捐赠未履行决策程序", "规范对外捐赠决策程序", "cwb"),
        ],
    ),
    (
        "资产管理和内部控制方面",
        [
            ("固定资产账实不符", "开展固定资产清查盘点", "cwb"),
            ("对外投资未纳入监管", "建立对外投资监管台账", "cwb"),
            ("房屋出租未经评估", "对出租房屋进行评估并规范合同", "bgs"),
            ("银行账户管理不规范", "清理撤并多余银行账户", "cwb"),
            ("财务岗位不相容职责未分离", "调整财务岗位分工", "cwb"),
            ("内部审计工作开展不够", "制定年度内部审计计划", "jjs"),
            ("“小金库”专项检查不深入", "开展“小金库”专项检查", "jjs"),
        ],
    ),
]
AUDIT_REPEAT = ("差旅费报销审批手续不全", "差旅费和会议费报销审核不严")

CITY_PLAN = [
    (
        "统战工作责任落实方面",
        [
            (
                "部分市属国企党委未将统战工作列入年度工作要点",
                "gzw",
                ["xxgt"],
                ["督促市属国企将统战工作列入年度工作要点", "*将统战工作纳入市属国企党建考核"],
            ),
            (
                "市属国企党外代表人士队伍底数不清",
                "tzb",
                ["gzw"],
                ["*建立市属国企党外代表人士信息库"],
            ),
        ],
    ),
    (
        "统战工作保障方面",
        [
            ("统战工作经费保障不足", "czj", [], ["明确统战工作经费列支渠道"]),
            (
                "企业统战干部培训覆盖面不够",
                "tzb",
                [],
                ["!举办国企统战干部专题培训班", "*~h:建立企业统战干部年度轮训制度"],
            ),
        ],
    ),
]

CADENCES = {"m": "monthly", "q": "quarterly", "h": "half_yearly"}


def load_rectification(city, federation):
    _federation(federation)
    _city(city)


def delete_rectification(organisations):
    """For the loader's --reset: problems hold their measures (which hold their tasks) and
    protect their aspects, so they go before the plans, and both before the tasks."""
    Problem.objects.filter(plan__organisation__in=organisations).delete()
    Plan.objects.filter(organisation__in=organisations).delete()


def _user(name):
    return User.objects.get(username=name)


def _parse(measure):
    """(title, kind, cadence, still open) of a measure written as above."""
    still_open = measure.startswith("*")
    measure = measure.lstrip("*")
    if measure.startswith("!"):
        return measure[1:], "immediate", "", still_open
    if measure.startswith("~"):
        return measure[3:], "ongoing", CADENCES[measure[1]], still_open
    return measure, "scheduled", "", still_open


def _at(day, hour=10, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=_tz())


def _tz():
    return timezone.get_current_timezone()


# ---- the federation ----------------------------------------------------------------------------


def _federation(org):
    office, head = _user("duban"), _user("lingdao")
    units = {u.code: u for u in org.units.all()}
    inspection = _inspection(org, office, head, units)
    _audit(org, office, head, units, inspection)


def _inspection(org, office, head, units):
    """The 2022 巡视整改 plan: feedback on 28 June, measures due by the end of October, 41
    problems closed by the new year, five open with dates committed in January."""
    plan = services.create_plan(
        by=office,
        title="关于巡视反馈意见的整改方案（2022年）",
        kind="inspection",
        office=units["bgs"],
        deadline=datetime.date(2022, 12, 31),
        inspected_by="上级党组织巡视组",
        inspected_on=datetime.date(2022, 4, 18),
        feedback_on=datetime.date(2022, 6, 28),
        feedback_summary="巡视组反馈了13个方面46个重点问题，要求在三个月内集中整改，"
        "对需要长期推进的问题明确时限、持续整改，并建立健全长效机制。",
        leader=head,
        leading_group="组长：党委书记、会长；副组长：党委副书记、秘书长；"
        "成员：各部门主要负责同志。整改办公室设在总部办公室。",
    )
    start = datetime.date(2022, 7, 1)
    walks = []  # (measure, done on, open)
    serial = 0
    for aspect_title, leader, problems in INSPECTION:
        aspect = services.add_aspect(plan, by=office, title=aspect_title)
        for description, lead, others, seriousness, measures in problems:
            problem = services.add_problem(
                plan,
                by=office,
                aspect=aspect,
                description=description,
                seriousness=seriousness,
                lead_unit=units[lead],
                units=[units[c] for c in others],
                responsible_leader_name=leader,
            )
            for text in measures:
                serial += 1
                title, kind, cadence, still_open = _parse(text)
                if still_open:
                    deadline = timezone.localdate() + datetime.timedelta(days=45 + 20 * serial % 90)
                elif kind == "immediate":
                    deadline = start + datetime.timedelta(days=14)
                else:
                    deadline = start + datetime.timedelta(days=60 + serial % 60)
                measure = services.add_measure(
                    problem,
                    by=office,
                    title=title,
                    body=f"针对{description}的问题，{title}，按期报送整改情况和佐证材料。",
                    kind=kind,
                    cadence=cadence,
                    deadline=deadline,
                )
                if still_open:
                    walks.append((measure, None))
                else:
                    # Most verified before their deadline; every ninth some weeks after it.
                    late = serial % 9 == 0
                    done = deadline + datetime.timedelta(days=18 if late else -(serial % 7) - 2)
                    walks.append((measure, done))
    services.approve(plan, by=head, comment="同意整改方案，请整改办公室抓紧交办。")
    services.assign(plan, by=office, comment="请各责任部门按时限整改，按月报送整改进展。")
    for measure, done in walks:
        _walk(measure, office, done)
    closed_on = _close_done_problems(plan, office, walks)
    committed = _commit_open_problems(plan, office)
    _backdate_plan(
        plan,
        created=_at(datetime.date(2022, 6, 30), 9),
        launched=_at(datetime.date(2022, 7, 1), 15),
        closed_on=closed_on,
        committed=_at(datetime.date(2023, 1, 10), 11),
    )
    _backdate_measures(plan, start, walks)
    return plan, committed


def _walk(measure, office, done):
    """The lead unit (and the others) sign, the lead reports; a done measure is submitted and
    verified by the office; an open one stays in progress."""
    task = Task.objects.with_units().get(pk=measure.task_id)
    for unit in task.units_in("lead", "responsible", "cooperating"):
        ledger.sign_task(task, by=_user(unit.code), comment="已签收。")
    lead = _user(task.lead_unit.code)
    if done is None:
        ledger.report_progress(
            task, by=lead, percent=60, text="已形成初步方案，正在征求意见，按承诺时限推进。"
        )
        return
    ledger.report_progress(task, by=lead, percent=50, text="已制定具体措施，正在落实。")
    ledger.submit_completion(task, by=lead, comment="已按要求完成整改，佐证材料已报整改办公室。")
    ledger.verify_task(
        task, by=office, comment="经复核，整改到位，同意销号。", confirm_unsigned=True
    )


def _close_done_problems(plan, office, walks):
    """销号 every problem whose measures are all verified, five days after its last one;
    {problem id: that day}."""
    done_on = {measure.pk: done for measure, done in walks}
    closed_on = {}
    done = Problem.objects.filter(plan=plan).with_progress().filter(is_done=True)
    for problem in done.order_by("number"):
        last = max(done_on[m.pk] for m in problem.measures.all())
        services.close_problem(
            problem,
            by=office,
            comment=f"经整改办公室审核，{problem.description}的问题，整改措施已全部落实，"
            "佐证材料齐全，同意销号。",
        )
        closed_on[problem.pk] = last + datetime.timedelta(days=5)
    return closed_on


def _commit_open_problems(plan, office):
    committed = []
    for problem in Problem.objects.filter(plan=plan).with_progress().filter(is_done=False):
        open_deadline = max(
            m.task.deadline for m in problem.measures.select_related("task") if not m.is_done
        )
        services.commit_date(
            problem,
            by=office,
            committed_date=open_deadline + datetime.timedelta(days=15),
            comment="需长期推进，确定完成时限，持续整改。",
        )
        committed.append(problem.pk)
    return committed


# ---- the audit ---------------------------------------------------------------------------------


def _audit(org, office, head, units, inspection):
    """推动审计问题整改33项: one measure each, all verified and closed, the plan complete; the
    travel expenses found again link to the inspection's finding (屡查屡犯)."""
    inspection_plan, _committed = inspection
    plan = services.create_plan(
        by=office,
        title="关于2021年度财务收支审计发现问题的整改方案",
        kind="audit",
        office=units["bgs"],
        deadline=datetime.date(2022, 12, 20),
        inspected_by="上级主管部门审计组",
        inspected_on=datetime.date(2022, 8, 8),
        feedback_on=datetime.date(2022, 9, 2),
        feedback_summary="审计组反馈了预算管理、收入和收费管理、支出管理、资产管理和内部控制"
        "四个方面33项问题。",
        leader=head,
        leading_group="组长：总会计师；成员：财务部、总部办公室、纪检监察室及有关部门负责同志。",
    )
    start = datetime.date(2022, 9, 8)
    walks = []
    serial = 0
    for aspect_title, items in AUDIT:
        aspect = services.add_aspect(plan, by=office, title=aspect_title)
        for description, title, lead in items:
            serial += 1
            problem = services.add_problem(
                plan,
                by=office,
                aspect=aspect,
                description=description,
                lead_unit=units[lead],
                responsible_leader_name=ACCOUNTANT,
            )
            deadline = start + datetime.timedelta(days=45 + serial % 40)
            measure = services.add_measure(
                problem,
                by=office,
                title=title,
                body=f"{title}，报送整改佐证材料。",
                deadline=deadline,
            )
            walks.append((measure, deadline - datetime.timedelta(days=serial % 10 + 1)))
    services.approve(plan, by=head, comment="同意。")
    services.assign(plan, by=office, comment="请于期限内完成整改。")
    for measure, done in walks:
        _walk(measure, office, done)
    closed_on = _close_done_problems(plan, office, walks)
    repeat, earlier = AUDIT_REPEAT
    services.link_repeat(
        Problem.objects.get(plan=plan, description=repeat),
        by=office,
        earlier=Problem.objects.get(plan=inspection_plan, description=earlier),
    )
    services.complete(
        plan,
        by=office,
        comment="审计发现的33项问题已全部整改到位并销号，相关制度已修订印发，整改情况报告已报审计组。",
    )
    _backdate_plan(
        plan,
        created=_at(datetime.date(2022, 9, 6), 9),
        launched=_at(datetime.date(2022, 9, 8), 15),
        closed_on=closed_on,
        completed=_at(datetime.date(2022, 12, 28), 16),
    )
    _backdate_measures(plan, start, walks)


# ---- the city ----------------------------------------------------------------------------------


def _city(org):
    """A 督查反馈 plan assigned some weeks ago: one problem closed, three open with dates."""
    office, head = _user("city-duban"), _user("city-lingdao")
    units = {u.code: u for u in org.units.all()}
    today = timezone.localdate()
    plan = services.create_plan(
        by=office,
        title="关于市属国有企业统战工作督查反馈问题的整改方案",
        kind="supervision",
        office=units["swbgs"],
        deadline=today + datetime.timedelta(days=120),
        inspected_by="市委督查室",
        inspected_on=today - datetime.timedelta(days=60),
        feedback_on=today - datetime.timedelta(days=45),
        feedback_summary="督查发现市属国企统战工作在责任落实和工作保障两个方面存在4个问题。",
        leader=head,
    )
    walks = []
    for number, (aspect_title, problems) in enumerate(CITY_PLAN):
        aspect = services.add_aspect(plan, by=office, title=aspect_title)
        for offset, (description, lead, others, measures) in enumerate(problems):
            problem = services.add_problem(
                plan,
                by=office,
                aspect=aspect,
                description=description,
                lead_unit=units[lead],
                units=[units[c] for c in others],
                responsible_leader_name="市委常委、统战部部长",
            )
            for text in measures:
                title, kind, cadence, still_open = _parse(text)
                deadline = today + datetime.timedelta(days=(30 + 15 * (number + offset)))
                measure = services.add_measure(
                    problem,
                    by=office,
                    title=title,
                    kind=kind,
                    cadence=cadence,
                    deadline=deadline if still_open else today + datetime.timedelta(days=10),
                )
                walks.append((measure, None if still_open else today))
    services.approve(plan, by=head, comment="同意。")
    services.assign(plan, by=office, comment="请按时限整改。")
    for measure, done in walks:
        _walk(measure, office, done)
    _close_done_problems(plan, office, walks)
    for problem in Problem.objects.filter(plan=plan).with_progress().filter(is_done=False):
        services.commit_date(
            problem, by=office, committed_date=plan.deadline, comment="按整改方案时限完成。"
        )


# ---- dates -------------------------------------------------------------------------------------


def _backdate_plan(plan, *, created, launched, closed_on, committed=None, completed=None):
    """The plan's timeline: registered and filled in the day before it was assigned, each
    problem closed on its day, the open ones' dates committed in January (demo data only)."""
    Plan.objects.filter(pk=plan.pk).update(
        created_at=created, **({"completed_at": completed} if completed else {})
    )
    events = list(PlanEvent.objects.filter(plan=plan).order_by("created_at", "id"))
    setup = [e for e in events if e.action not in ("close_problem", "commit_date", "complete")]
    for i, event in enumerate(setup):
        moment = created + (launched - created) * i / max(len(setup), 1)
        PlanEvent.objects.filter(pk=event.pk).update(created_at=moment)
    for problem_id, day in closed_on.items():
        moment = _at(day, 16)
        Problem.objects.filter(pk=problem_id).update(closed_at=moment)
        PlanEvent.objects.filter(
            plan=plan, problem_id=problem_id, action__in=["close_problem", "link_repeat"]
        ).update(created_at=moment)
    if committed:
        PlanEvent.objects.filter(plan=plan, action="commit_date").update(created_at=committed)
    if completed:
        PlanEvent.objects.filter(plan=plan, action="complete").update(created_at=completed)


def _backdate_measures(plan, start, walks):
    """Each measure's task: registered and approved with the plan, assigned on ``start``, signed
    the next day, its report halfway, verified on its day (demo data only)."""
    assigned = _at(start, 15)
    for measure, done in walks:
        task_id = measure.task_id
        end = _at(done, 16) if done else _at(datetime.date(2023, 1, 9), 10)
        events = list(TaskEvent.objects.filter(task_id=task_id).order_by("created_at", "id"))
        before = [e for e in events if e.action in ("create", "approve", "assign")]
        after = [e for e in events if e not in before]
        for i, event in enumerate(before):
            moment = assigned - datetime.timedelta(hours=len(before) - i)
            TaskEvent.objects.filter(pk=event.pk).update(created_at=moment)
        signed = assigned + datetime.timedelta(days=1)
        signs = {}
        for i, event in enumerate(after):
            moment = signed + (end - signed) * i / max(len(after) - 1, 1)
            TaskEvent.objects.filter(pk=event.pk).update(created_at=moment)
            if event.action == "sign" and event.unit_id:
                signs[event.unit_id] = moment
        Task.objects.filter(pk=task_id).update(
            created_at=assigned - datetime.timedelta(days=1),
            assigned_at=assigned,
            **({"closed_at": end} if done else {}),
        )
        TaskUnit.objects.filter(task_id=task_id, signed_at__isnull=False).update(signed_at=signed)
        for unit_id, moment in signs.items():  # the units card says what the timeline says
            TaskUnit.objects.filter(
                task_id=task_id, unit_id=unit_id, signed_at__isnull=False
            ).update(signed_at=moment)
        ProgressReport.objects.filter(task_id=task_id).update(
            created_at=signed + (end - signed) / 2
        )
    Measure.objects.filter(plan=plan).update(created_at=assigned - datetime.timedelta(days=1))
