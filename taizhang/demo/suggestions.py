"""Demo suggestions (建言献策), written here from the seeds' facts.

The city: the united-front department and SASAC keep the ledger of what non-party experts at
XX钢铁集团 and XX矿业公司 propose; the joint meeting's office (city-duban) accepts and
assigns, the units reply, the experts rate. Each suggestion walks its path through the same
services people use, so timelines, notifications and the audit log are real.

The federation: the problems its member enterprises raised in the year's field research
(调研), entered by its office as one batch, generated from a few patterns × the
sub-industries, and given to the departments that deal with each kind of problem.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from taizhang.demo.accounts import demo_user
from taizhang.org.choices import Role
from taizhang.org.models import Membership, Unit, User
from taizhang.suggestions import services
from taizhang.suggestions.choices import Action, Status
from taizhang.suggestions.models import ChannelSettings, Reply, Suggestion, SuggestionEvent
from taizhang.supervision import services as tasks
from taizhang.utils.workdays import add_working_days

# user name, display name, unit code, title in the unit
CITY_SUBMITTERS = [
    # (the same people as the talent pool's profiles: demo/talent.py links the accounts)
    ("jy1", "陈立群", "xxgt", "XX钢铁集团技术中心副主任（九三学社社员）"),
    ("jy2", "王建华", "xxky", "XX矿业公司总工程师（无党派人士）"),
    ("jy3", "刘晓燕", "xxgt", "XX钢铁集团能源环保部部长（民盟盟员）"),
    ("jy4", "赵敏", "xxky", "XX矿业公司地质勘查研究所所长（党外知识分子）"),
]

# Each suggestion: who files it (a user name, "office:<channel>" for one staff enter on a
# submitter's behalf, with ``for`` and ``with``), how many days ago it came in, and its path:
# submitted, withdrawn, refused, accepted (``absorbs``: a like one merged into it), assigned,
# returned, in_hand, reply_review, replied, closed (``rating``; none: deemed), redo (不满意 on
# ``reply``, handled again with ``redo_reply``, then rated; ``final``: dissatisfied again).
CITY_SUGGESTIONS = [
    dict(
        key="waste-heat",
        by="jy1",
        days_ago=6,
        topic="节能降碳",
        title="关于在烧结余热发电改造中引入外部专家论证的建议",
        body="集团明年拟实施烧结余热发电改造，投资较大、技术路线有多种选择。建议在立项前邀请"
        "省内高校和兄弟企业的党外专家开展一次技术论证，比选方案，避免重复投资。",
        path="submitted",
    ),
    dict(
        key="canteen",
        by="jy2",
        days_ago=200,
        topic="职工服务",
        title="关于调整矿区食堂开放时间的意见",
        body="夜班职工下班时食堂已关闭，建议延长开放时间。",
        path="withdrawn",
        comment="已与矿区后勤直接沟通解决，撤回本条。",
    ),
    dict(
        key="title-review",
        by="jy3",
        days_ago=150,
        topic="人才工作",
        title="关于本人职称评审结果的复核申请",
        body="本人今年申报高级工程师未获通过，请求复核评审结果。",
        path="refused",
        reason="personal_matter",
        comment="职称评审结果复核属个人诉求，不在建言献策渠道受理范围内。",
        alternative="向集团人力资源部职称评审办公室提出书面复核申请",
    ),
    dict(
        key="platform",
        by="office:symposium",
        for_="jy1",
        with_=["jy2"],
        days_ago=300,
        topic="产业发展",
        title="关于钢铁与矿业企业共建产业链协同创新平台的建议",
        body="XX钢铁集团每年外购铁精粉比例较高，XX矿业公司的选矿产品又主要销往外地。建议由"
        "市国资委牵头，两家企业共建产业链协同创新平台，联合开展低品位矿高效选别和高炉配矿"
        "攻关，就近消纳、降低物流成本。",
        path="closed",
        rating="satisfied",
        lead="gzw",
        joint=["xxgt", "xxky"],
        assisting=["kjj"],
        reply=("A", "经联席会议研究，平台已由两家企业联合组建，首批三个攻关项目已启动。"),
        adopt="whole",
        outcome=dict(
            text="两家企业签订长期供矿协议，联合攻关低品位矿选别技术，自产矿入炉比例提高。",
            place="XX钢铁集团炼铁厂、XX矿业公司选矿厂",
            benefit="降低原料采购和物流成本，全年测算",
            benefit_amount="1860",
            benefit_people=320,
        ),
        reward=("reward", "20000", "建议被采纳并产生显著经济效益，给予物质奖励。"),
        # A like one filed afterwards, merged into this one once it was accepted (并案).
        absorbs=dict(
            by="jy4",
            title="关于推动本地矿山与钢厂供需对接的建议",
            body="建议建立本地矿山与钢厂的定期供需对接机制，优先采购本地矿产品。",
            comment="与“共建产业链协同创新平台”一条内容相同，并案办理。",
        ),
    ),
    dict(
        key="expert-room",
        by="jy3",
        days_ago=20,
        topic="统战工作",
        title="关于把建言献策工作室经验推广到其他市属企业的建议",
        body="集团党外人士建言献策工作室运行一年来收集建议四十余条。建议总结工作室的选题、"
        "调研和成果转化做法，形成规范，在其他市属企业推广。",
        path="accepted",
    ),
    dict(
        key="tailings",
        by="office:letter",
        for_="jy2",
        days_ago=12,
        topic="安全生产",
        title="关于加快尾矿库在线监测系统建设的建议",
        body="来信反映：部分老旧尾矿库仍靠人工巡检，雨季风险较大。建议统一建设浸润线、"
        "库水位和坝体位移在线监测系统，接入市应急指挥平台。",
        path="assigned",
        lead="gzw",
        assisting=["xxky"],
    ),
    dict(
        key="young-talent",
        by="jy4",
        days_ago=60,
        topic="人才工作",
        title="关于设立市属企业青年党外人才专项培养计划的建议",
        body="建议每年从市属企业遴选一批青年党外技术骨干，安排挂职锻炼和专题培训，"
        "建立成长档案，纳入党外代表人士人才库。",
        path="returned",
        lead="czj",
        returned="人才培养计划不属于本局职责，建议交由市委统战部会同市人社局办理。",
    ),
    dict(
        key="hydrogen",
        by="office:forum",
        for_="jy1",
        days_ago=45,
        topic="科技创新",
        title="关于支持氢冶金中试基地建设的建议",
        body="在“党外高知与科技创新”专题论坛上提出：建议市科技局将氢基竖炉中试基地列入市级"
        "重大科技专项，给予资金和用地支持，由集团联合高校共建。",
        path="in_hand",
        lead="kjj",
        joint=["xxgt"],
        opinion=("xxgt", "集团已完成中试基地选址和可行性研究，可提供场地和配套能源。"),
        overdue=True,
    ),
    dict(
        key="safety-training",
        by="jy2",
        days_ago=35,
        topic="安全生产",
        title="关于建设矿山安全实训基地的建议",
        body="建议依托XX矿业公司闲置厂房建设矿山安全实训基地，面向全市矿山企业开展沉浸式安全培训。",
        path="reply_review",
        lead="gzw",
        joint=["rsj"],
        reply=("B", "已列入明年国有资本经营预算申报项目，拟于明年三季度建成。", 240),
    ),
    dict(
        key="hotline-anon",
        by="jy3",
        anonymous=True,
        days_ago=80,
        topic="职工服务",
        title="关于设立一线职工匿名建言信箱的建议",
        body="部分一线职工顾虑较多，不愿署名提意见。建议在各厂区设立匿名建言信箱，"
        "定期开箱并公开答复。",
        path="replied",
        lead="tzb",
        assisting=["xxgt"],
        reply=("A", "集团各厂区已设置建言信箱12个，每月开箱一次，答复在厂务公开栏公布。"),
    ),
    dict(
        key="slag",
        by="jy1",
        days_ago=240,
        topic="节能降碳",
        title="关于钢渣综合利用项目申报绿色低碳专项资金的建议",
        body="集团钢渣微粉生产线已具备扩产条件，建议市发改委将其纳入绿色低碳转型专项资金支持范围。",
        path="closed",
        rating="basically_satisfied",
        lead="fgw",
        assisting=["czj"],
        reply=("A", "项目已纳入今年绿色低碳转型专项资金支持名单，资金已下达。"),
        adopt="part",
        outcome=dict(
            text="钢渣微粉生产线扩产，钢渣综合利用率提高。",
            place="XX钢铁集团",
            benefit="减少固废堆存，增加产品销售收入",
            benefit_amount="420",
        ),
        notice="建议被部分采纳，予以通报表扬。",
        task=dict(
            lead="fgw",
            responsible=["xxgt"],
            cooperating=["czj"],
            days=120,
            title="推动钢渣综合利用扩产项目落地见效",
        ),
    ),
    dict(
        key="approval-time",
        by="jy4",
        days_ago=180,
        topic="营商环境",
        title="关于压缩市属企业技改项目审批时限的建议",
        body="技改项目备案、环评、能评串联办理，平均耗时较长。建议推行并联审批，明确各环节时限。",
        path="redo",
        lead="fgw",
        joint=["gzw"],
        reply=("C", "相关审批事项涉及省级权限，暂不具备调整条件。"),
        dissatisfied="答复没有说明市级层面能做哪些改进。",
        redo_reply=(
            "A",
            "经再次研究，市级权限内的备案和能评已实行并联办理，时限由30个工作日压缩至15个。",
        ),
        rating="satisfied",
        adopt="whole",
        outcome=dict(
            text="市级备案和能评并联办理，审批时限减半。",
            benefit="企业技改项目平均提前开工",
            benefit_days=15,
        ),
    ),
    dict(
        key="dust",
        by="office:symposium",
        for_="jy3",
        days_ago=140,
        topic="节能降碳",
        title="关于原料场全封闭改造的建议",
        body="座谈会上提出：原料场扬尘影响周边居民，建议加快全封闭改造。",
        path="closed",
        rating="dissatisfied",
        lead="xxgt",
        reply=("B", "改造已列入集团明年投资计划。", 200),
        dissatisfied="改造时间太晚，建议今年先采取临时抑尘措施。",
        redo_reply=("B", "已增设雾炮和喷淋设施，封闭改造明年一季度开工。", 120),
        final="临时措施效果有限，仍希望提前开工。",
    ),
    dict(
        key="pension",
        by="jy2",
        days_ago=110,
        topic="职工服务",
        title="关于为矿区退休职工开通异地就医直接结算的建议",
        body="矿区不少退休职工随子女在外地居住，建议协调医保部门为其办理异地就医备案。",
        path="closed",
        rating=None,  # not rated in time: deemed basically satisfied
        lead="rsj",
        assisting=["xxky"],
        reply=("B", "已协调医保部门集中办理备案，年内完成。", 30),
        follow_up="已为180名退休职工办理异地就医备案，承诺事项完成。",
    ),
]

# The federation's field research: 9 kinds of problems × 14 sub-industries = 126.
FEDERATION_INDUSTRIES = [
    "机床工具",
    "农业机械",
    "工程机械",
    "内燃机",
    "重型矿山机械",
    "石化通用机械",
    "电工电器",
    "仪器仪表",
    "机器人",
    "轴承",
    "模具",
    "液压气动密封",
    "通用基础件",
    "食品包装机械",
]
# title, body ({industry} is filled in), topic, lead department, joint departments, reply
FEDERATION_PATTERNS = [
    (
        "{industry}企业反映应收账款回款周期长",
        "{industry}行业会员企业反映：下游客户普遍以商业承兑汇票结算，账期长、贴现成本高，"
        "企业流动资金紧张。建议向有关部门反映，推动缩短承兑期限。",
        "融资与结算",
        "jjyxb",
        ["cwb"],
        "已汇总上报有关部门，缩短商业承兑汇票最长承兑期限的建议已被采纳。",
    ),
    (
        "{industry}中小企业融资难、融资贵",
        "{industry}行业中小会员企业反映：银行授信偏紧、抵押要求高。建议推动设立行业"
        "供应链金融服务，扩大知识产权质押融资。",
        "融资与结算",
        "jjyxb",
        ["hyfwb"],
        "已会同合作银行推出行业供应链金融产品，首批已有会员企业获得授信。",
    ),
    (
        "{industry}出口产品遭遇技术性贸易壁垒",
        "{industry}行业出口企业反映：部分目标市场新增认证和能效要求，企业应对信息不足。"
        "建议加强预警和应对指导。",
        "国际贸易",
        "gjhzb",
        ["bzb"],
        "已编发技术性贸易措施预警简报，并组织专题应对培训。",
    ),
    (
        "{industry}行业标准滞后于新产品发展",
        "{industry}行业会员企业反映：新产品缺少适用标准，检测认证无据可依。建议加快相关"
        "团体标准和行业标准制修订。",
        "标准与质量",
        "bzb",
        ["kjb"],
        "已将相关标准列入年度制修订计划，团体标准已立项。",
    ),
    (
        "{industry}企业关键零部件和核心技术受制于人",
        "{industry}行业会员企业反映：高端零部件依赖进口、交付周期长。建议组织产业链上下游"
        "联合攻关，推动首台（套）产品应用。",
        "科技创新",
        "kjb",
        ["hyfzb"],
        "已组织产业链对接交流会，相关攻关项目纳入行业科技计划。",
    ),
    (
        "{industry}企业数字化转型缺少资金和人才",
        "{industry}行业中小会员企业反映：数字化改造投入大、缺少懂工艺又懂数字技术的人才。"
        "建议推广低成本改造方案，开展专题培训。",
        "数字化转型",
        "kjb",
        ["rsb"],
        "已发布行业数字化转型典型案例，并开展两期专题培训。",
    ),
    (
        "{industry}企业技能人才招工难、留人难",
        "{industry}行业会员企业反映：一线技能工人缺口大、流失率高。建议推动产教融合，"
        "开展行业职业技能等级认定。",
        "人才与用工",
        "rsb",
        ["hyfwb"],
        "已联合职业院校开展订单式培养，行业技能等级认定工作已启动。",
    ),
    (
        "{industry}企业原材料价格波动大",
        "{industry}行业会员企业反映：钢材、铜等原材料价格大幅波动，订单利润难以保障。"
        "建议加强价格监测预警，推动建立价格联动机制。",
        "经济运行",
        "jjyxb",
        ["hyfzb"],
        "已将原材料价格纳入行业经济运行月度监测，定期发布预警信息。",
    ),
    (
        "{industry}企业涉企收费和检测费用负担重",
        "{industry}行业会员企业反映：部分检测、认证和会议收费偏高。建议梳理并减免系统内涉企收费。",
        "减负纾困",
        "hyfwb",
        ["cwb"],
        "系统单位已取消、减免和缓缴部分收费，减免清单已公布。",
    ),
]


def _today():
    return timezone.localdate()


def _received(days_ago):
    """A day this year and before today (the demo's dates follow the day it is loaded)."""
    today = _today()
    day = today - datetime.timedelta(days=days_ago)
    start = datetime.date(today.year, 1, 1)
    if day < start:
        day = start + datetime.timedelta(days=days_ago % 28)
    return min(day, today - datetime.timedelta(days=1)) if today > start else today


def load_suggestions(city, federation):
    """The submitters (before the talent pool links them to profiles) and both ledgers.
    Returns the claim code of the city's anonymous suggestion."""
    _submitters(city)
    services.refusal_reasons(city)
    ChannelSettings.objects.update_or_create(
        organisation=city, defaults={"anonymous_allowed": True}
    )
    code = _city(city)
    _federation(federation)
    return code


def _submitters(org):
    units = {u.code: u for u in org.units.all()}
    for username, name, unit, title in CITY_SUBMITTERS:
        user = demo_user(
            username,
            organisation=org,
            role=Role.SUBMITTER,
            display_name=name,
        )
        Membership.objects.create(user=user, unit=units[unit], title=title)


class _People:
    def __init__(self, org, office, leader):
        self.office = User.objects.get(username=office)
        self.leader = User.objects.get(username=leader)
        self.units = {u.code: u for u in Unit.objects.filter(organisation=org)}
        self._users = {}

    def __getitem__(self, username):
        if username not in self._users:
            self._users[username] = User.objects.get(username=username)
        return self._users[username]


def _city(org):
    """Returns the claim code of the anonymous one (shown once, as on its receipt)."""
    people = _People(org, "city-duban", "city-lingdao")
    made, code = {}, None
    for spec in CITY_SUGGESTIONS:
        suggestion, claim_code = _file(spec, people)
        code = code or claim_code
        made[spec["key"]] = (suggestion, spec["days_ago"])
        _walk_city(suggestion, spec, people, made)
    for suggestion, _days_ago in made.values():
        _backdate(suggestion)
    return code


def _file(spec, people):
    received = _received(spec["days_ago"])
    if spec["by"].startswith("office:"):
        suggestion, _code = services.create_suggestion(
            by=people.office,
            title=spec["title"],
            body=spec["body"],
            topic=spec["topic"],
            submitter=spec["for_"],
            co_submitters=spec.get("with_", []),
            channel=spec["by"].split(":", 1)[1],
            received_on=received,
        )
        return suggestion, None
    suggestion, code = services.create_suggestion(
        by=people[spec["by"]],
        title=spec["title"],
        body=spec["body"],
        topic=spec["topic"],
        anonymous=spec.get("anonymous", False),
    )
    Suggestion.objects.filter(pk=suggestion.pk).update(received_on=received)
    return suggestion, code


def _lead_handler(suggestion, people):
    return people[Suggestion.objects.for_lists().get(pk=suggestion.pk).lead_unit.code]


def _walk_city(s, spec, people, made):
    """Take the suggestion along its path with the people who would."""
    path = spec["path"]
    if path == "submitted":
        return
    if path in ("withdrawn", "refused"):
        _decline(s, spec, people)
        return
    stop = {"returned": "assigned", "redo": "closed"}.get(path, path)
    for state, step in STEPS:
        step(s, spec, people, made)
        if state == stop:
            break
    if path == "returned":
        services.return_to_office(s, by=people[spec["lead"]], comment=spec["returned"])


def _submitter(spec, people):
    return people[spec.get("for_") or spec["by"]]


def _decline(s, spec, people):
    if spec["path"] == "withdrawn":
        services.withdraw(s, by=_submitter(spec, people), comment=spec["comment"])
        return
    services.refuse(
        s,
        by=people.office,
        reason_code=spec["reason"],
        comment=spec["comment"],
        alternative_channel=spec["alternative"],
    )


def _accept(s, spec, people, made):
    office = people.office
    services.accept(s, by=office, comment="符合受理条件，予以立案。")
    if other := spec.get("absorbs"):
        like, _code = services.create_suggestion(
            by=people[other["by"]], title=other["title"], body=other["body"], topic=spec["topic"]
        )
        days_ago = spec["days_ago"] - 10
        Suggestion.objects.filter(pk=like.pk).update(received_on=_received(days_ago))
        services.merge(like, by=office, into=s.pk, comment=other["comment"])
        made[f"{spec['key']}-merged"] = (like, days_ago)


def _assign(s, spec, people, made):
    services.assign(
        s,
        by=people.office,
        lead_unit=spec["lead"],
        joint_units=spec.get("joint", []),
        assisting_units=spec.get("assisting", []),
        comment="请按期办理并答复建言人。",
    )


def _sign(s, spec, people, made):
    fresh = Suggestion.objects.for_lists().get(pk=s.pk)
    for unit in [fresh.lead_unit, *fresh.joint_units, *fresh.assisting_units]:
        services.sign(s, by=people[unit.code], comment="已签收。")
    if opinion := spec.get("opinion"):
        services.send_opinion(s, by=people[opinion[0]], text=opinion[1])
    if spec.get("overdue"):  # assigned long ago, still no reply: red
        Suggestion.objects.filter(pk=s.pk).update(deadline=_today() - datetime.timedelta(3))


def _draft(s, spec, people, made):
    _reply(s, _lead_handler(s, people), spec["reply"])


def _approve(s, spec, people, made):
    services.approve_reply(s, by=people.office, comment="答复内容完整，同意答复。", public=True)


def _close(s, spec, people, made):
    submitter = _submitter(spec, people)
    if "redo_reply" in spec:  # 不满意 on the first reply: one more round
        services.rate(s, by=submitter, rating="dissatisfied", comment=spec["dissatisfied"])
        _reply(s, _lead_handler(s, people), spec["redo_reply"])
        services.approve_reply(s, by=people.office, comment="重办答复已审核。")
    if spec.get("final"):
        services.rate(s, by=submitter, rating="dissatisfied", comment=spec["final"])
    elif spec.get("rating"):
        services.rate(s, by=submitter, rating=spec["rating"], comment="感谢答复。")
    else:
        services.deem_rated(s)
    if text := spec.get("follow_up"):
        services.follow_up(s, by=people.office, comment=text, done=True)
    _after(s, spec, people)


STEPS = [
    ("accepted", _accept),
    ("assigned", _assign),
    ("in_hand", _sign),
    ("reply_review", _draft),
    ("replied", _approve),
    ("closed", _close),
]


def _reply(s, lead, reply):
    reply_class, text, *days = reply
    promised = _today() + datetime.timedelta(days=days[0]) if days else None
    services.reply(s, by=lead, reply_class=reply_class, text=text, promised_date=promised)


def _after(s, spec, people):
    """Adoption, its outcome, commendation and the task it spawned."""
    if not spec.get("adopt"):
        return
    office, leader = people.office, people.leader
    services.adopt(s, by=leader, extent=spec["adopt"], comment="经市委领导同意予以采纳。")
    if outcome := spec.get("outcome"):
        services.record_outcome(s, by=office, **outcome)
    if reward := spec.get("reward"):
        kind, amount, reason = reward
        services.commend(s, by=office, kind=kind, amount=amount, comment=reason)
        services.approve_commendation(s, by=leader, comment="同意。")
    if notice := spec.get("notice"):
        services.commend(s, by=leader, kind="notice", comment=notice)  # a leader's: approved
    if task := spec.get("task"):
        made = services.spawn_task(
            s,
            by=office,
            title=task["title"],
            body=s.body,
            lead_unit=people.units[task["lead"]],
            responsible_units=[people.units[c] for c in task["responsible"]],
            cooperating_units=[people.units[c] for c in task["cooperating"]],
            deadline=_today() + datetime.timedelta(days=task["days"]),
        )
        tasks.approve_task(made, by=leader, comment="同意立项。")
        tasks.assign_task(made, by=office, comment="请按建议采纳意见抓好落实。")


def _backdate(s):
    """Spread the timeline from the day it came in to now, and move the dates the ledger and
    its figures read (assigned, signed, drafted, replied, rated, adopted) to the moments of
    their events, so that exports and figures by month tell the same story (demo only; like
    the tasks' timelines, not a change anyone made)."""
    received = Suggestion.objects.values_list("received_on", flat=True).get(pk=s.pk)
    start = timezone.make_aware(datetime.datetime.combine(received, datetime.time(9)))
    events = list(SuggestionEvent.objects.filter(suggestion=s).order_by("created_at", "id"))
    step = (timezone.now() - start) / (len(events) + 1)
    moments = {}
    for i, event in enumerate(events):
        event.created_at = start + step * i
        moments.setdefault(event.action, []).append(event.created_at)
    SuggestionEvent.objects.bulk_update(events, ["created_at"])
    _move_dates(Suggestion.objects.for_lists().prefetch_related("replies").get(pk=s.pk), moments)


def _move_dates(s, moments):
    def last(action):
        return moments.get(action, [None])[-1]

    if assigned := last(Action.ASSIGN):
        s.assigned_at = assigned
        s.suggestion_units.update(assigned_at=assigned)
        signed = moments.get(Action.SIGN, [assigned])[0]
        s.suggestion_units.filter(signed_at__isnull=False).update(signed_at=signed)
        # A deadline still running stays; a past one follows the moment it was set from.
        counted_from = last(Action.REDO) if s.round > 1 else assigned
        if s.status not in Status.handling_states() and s.deadline_working_days and counted_from:
            s.deadline = add_working_days(timezone.localdate(counted_from), s.deadline_working_days)
    drafts, approvals = moments.get(Action.REPLY, []), moments.get(Action.APPROVE_REPLY, [])
    for reply, drafted in zip(s.replies.all(), drafts, strict=False):
        Reply.objects.filter(pk=reply.pk).update(created_at=drafted)
    approved = [r for r in s.replies.all() if r.approved]
    for reply, moment in zip(approved, approvals, strict=False):
        Reply.objects.filter(pk=reply.pk).update(reviewed_at=moment)
    if approvals and s.replied_at:
        s.replied_at = approvals[-1]
        first_draft = timezone.localdate(drafts[0])
        s.replied_on_time = first_draft <= s.deadline if s.deadline else None
        if s.status != Status.REPLIED:  # a reply still waiting for its rating keeps its days
            s.rating_due = add_working_days(
                timezone.localdate(s.replied_at), settings.TAIZHANG_SUGGESTION_RATING_WORKING_DAYS
            )
    if rated := last(Action.RATE):
        Reply.objects.filter(suggestion=s, rated_at__isnull=False).update(rated_at=rated)
    if s.adopted_at and (adopted := last(Action.ADOPT)):
        s.adopted_at = adopted
    Suggestion.objects.filter(pk=s.pk).update(
        assigned_at=s.assigned_at,
        deadline=s.deadline,
        replied_at=s.replied_at,
        replied_on_time=s.replied_on_time,
        rating_due=s.rating_due,
        adopted_at=s.adopted_at,
    )


# ---- the federation's batch --------------------------------------------------------------------


def _federation(org):
    people = _People(org, "duban", "lingdao")
    today = _today()
    # Six rounds of questionnaires and visits through the year.
    rounds = [_received(d) for d in (320, 260, 200, 150, 90, 40)]
    for p, (title, body, topic, lead, joint, answer) in enumerate(FEDERATION_PATTERNS):
        for i, industry in enumerate(FEDERATION_INDUSTRIES):
            n = p * len(FEDERATION_INDUSTRIES) + i
            received = rounds[n % len(rounds)]
            s, _code = services.create_suggestion(
                by=people.office,
                title=title.format(industry=industry),
                body=body.format(industry=industry),
                topic=topic,
                channel="research",
                submitter_name=f"{industry}行业会员企业（调研汇总）",
                received_on=received,
            )
            services.accept(s, by=people.office)
            services.assign(s, by=people.office, lead_unit=lead, joint_units=joint)
            if n % 3 == 2:
                continue  # assigned, not yet signed
            services.sign(s, by=people[lead])
            if n % 3 == 1 or received > today - datetime.timedelta(days=60):
                continue  # being handled
            services.reply(s, by=people[lead], reply_class="A", text=answer)
            services.approve_reply(s, by=people.office)
            if n % 2:
                services.deem_rated(s)  # no account to rate with: deemed after the days
            if p == 0 and i == 0:
                services.adopt(s, by=people.leader, comment="已被有关部门采纳。")
    for s in Suggestion.objects.filter(organisation=org):
        _backdate(s)
