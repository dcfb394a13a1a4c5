"""How well, and how fast, taizhang.utils.similar finds an earlier duplicate of a suggestion.

    python benchmarks/similar_suggestions.py [--large 10000] [--queries 200]

(a) A corpus written for this benchmark: 40 pairs of suggestions by non-party experts to a city's
    SOEs and its united-front department, each pair two wordings of the same proposal (some in
    traditional script), plus 400 suggestions generated from patterns on the same topics, and 20
    suggestions that have no duplicate. (b) For each method (analyser × title weight): each side
    of each pair is a query (80 queries) against the 80 + 400 others (the query itself excluded);
    top-1 and top-3 say how often its partner came first or among the first three, "partner ≥ min"
    how often the partner scored at least MIN_SCORE, "false alarm" how often a query without a
    duplicate still found something at MIN_SCORE. (c) The time to build an index of --large
    generated suggestions and the median time of a query against it, for each analyser.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from taizhang.utils import similar  # noqa: E402
from taizhang.utils.similar import MIN_SCORE, SimilarIndex  # noqa: E402

# Each pair: the same proposal written twice, by different people or in different words.
PAIRS = [
    (
        (
            "关于推动钢铁产业链上下游协同发展的建议",
            "钢铁集团与本地汽车、装备制造企业各自为战，建议由市国资委牵头建立产业链供需对接平台，定期发布配套需求清单。",
        ),
        (
            "建立本市钢铁产业链供需对接机制",
            "建议搭建平台，让钢铁企业与下游汽车零部件、装备制造企业对接配套需求，国资委牵头每季度发布清单，减少外购。",
        ),
    ),
    (
        (
            "加快科技成果就地转化的建议",
            "高校和企业研发中心的专利大量闲置，建议设立成果转化基金，建设中试基地，让科技成果在本地落地转化。",
        ),
        (
            "关于建设中试基地促进成果转化",
            "很多专利停留在实验室，缺少中试环节。建议市里出资建设共享中试基地，并设立转化引导基金，推动专利就地产业化。",
        ),
    ),
    (
        (
            "关于引进和留住高层次人才的建议",
            "国企引进的博士、高级工程师流失严重，建议提供人才公寓、子女入学和配偶就业等配套保障，完善人才引进政策。",
        ),
        (
            "完善人才公寓和子女入学保障，留住高端人才",
            "近三年引进的高层次人才离职较多，主要原因是住房、孩子上学和家属工作没有着落，建议统筹解决。",
        ),
    ),
    (
        (
            "破解中小配套企业融资难融资贵",
            "国企产业链上的中小民营配套企业贷款难、利率高，建议设立政府性融资担保基金，推广应收账款质押融资。",
        ),
        (
            "关于设立融资担保基金支持中小企业的建议",
            "中小企业缺少抵押物，银行不愿放贷。建议市财政出资设立担保基金，并开展应收账款融资，降低融资成本。",
        ),
    ),
    (
        (
            "关于加强矿山安全生产监管的建议",
            "矿业公司井下作业风险高，建议推广井下人员定位和视频监控系统，开展安全生产隐患排查治理专项行动。",
        ),
        (
            "矿山井下安全监测系统建设",
            "建议矿业企业全面安装井下人员定位、瓦斯监测和视频监控，定期排查隐患，防范安全生产事故。",
        ),
    ),
    (
        (
            "推进国有企业数字化转型的建议",
            "建议制定国企数字化转型路线图，建设工业互联网平台，推动生产设备联网和数据采集，培养数字化人才。",
        ),
        (
            "关于国企建设工业互联网平台的建议",
            "国企设备联网率低，数据孤岛多。建议统一建设工业互联网平台，推进设备上云和数据打通，加快数字化转型。",
        ),
    ),
    (
        (
            "优化营商环境压缩审批时限",
            "企业反映项目审批环节多、时间长，建议推行并联审批和承诺制，把工业项目审批时限压缩到三十个工作日以内。",
        ),
        (
            "关于推行工业项目承诺制审批的建议",
            "工业项目从立项到开工审批时间太长，建议实行告知承诺制和并联审批，大幅压缩审批时限，改善营商环境。",
        ),
    ),
    (
        (
            "关于清理拖欠民营企业账款的建议",
            "部分国企和政府部门拖欠民营企业工程款、货款，建议开展专项清欠行动，建立拖欠账款投诉和通报机制。",
        ),
        (
            "国企应及时支付中小企业货款",
            "一些国有企业长期拖欠配套民企的货款和工程款，影响企业资金周转，建议建立清欠台账，定期通报进展。",
        ),
    ),
    (
        (
            "推动钢铁企业超低排放改造",
            "建议对钢铁企业烧结、焦化工序实施超低排放改造，给予技改资金补助，并实行差别化电价激励。",
        ),
        (
            "关于钢铁行业超低排放改造资金支持的建议",
            "钢铁集团超低排放改造投入大，建议市里对烧结机、焦炉改造给予技术改造补助，完成改造的企业享受电价优惠。",
        ),
    ),
    (
        (
            "关于推进尾矿综合利用的建议",
            "矿业公司尾矿库堆存量大、安全隐患多，建议支持尾矿制备建材、回填井下采空区，提高资源综合利用率。",
        ),
        (
            "尾矿资源化利用和采空区充填",
            "建议鼓励矿山企业利用尾矿生产新型建材和充填采空区，减少尾矿库堆存，既消除隐患又变废为宝。",
        ),
    ),
    (
        (
            "發揮黨外人士在國企建言獻策中的作用",
            "建議建立黨外代表人士聯繫國企制度，定期組織調研座談，讓黨外專家參與企業重大決策諮詢。",
        ),
        (
            "关于建立党外代表人士联系国企制度的建议",
            "建议统战部组织党外专家定期到国企调研座谈，参与企业重大决策咨询，充分发挥党外人士建言献策作用。",
        ),
    ),
    (
        (
            "关于畅通建言献策渠道的建议",
            "职工和党外人士的意见建议往往没有回音，建议开通线上建言平台，建立建议办理台账和答复反馈机制。",
        ),
        (
            "建立意见建议办理反馈台账",
            "很多建议提交后石沉大海，建议建设网上建言渠道，对每条建议登记台账、限期答复并向建议人反馈结果。",
        ),
    ),
    (
        (
            "加强校企合作培养技能人才",
            "企业高技能人才短缺，建议国企与本地职业院校共建实训基地，开设订单班，实行工学交替培养。",
        ),
        (
            "关于国企与职业院校共建实训基地的建议",
            "技能工人招不到、留不住，建议企业和职业技术学院合作办订单班，共建实训基地，定向培养高技能人才。",
        ),
    ),
    (
        (
            "关于完善国企科技人员职称评审的建议",
            "企业工程技术人员职称评审重论文轻实绩，建议下放评审权限，把解决生产技术难题和专利转化作为评审依据。",
        ),
        (
            "工程技术人员职称评审应注重实绩",
            "建议改革企业工程师职称评审办法，不唯论文，把技术攻关成果、专利转化业绩作为主要评价标准，并向大型国企下放评审权。",
        ),
    ),
    (
        (
            "降低企业物流运输成本",
            "本地钢材、矿石外运主要靠公路，运费高，建议加快铁路专用线建设，发展公铁联运，降低企业物流成本。",
        ),
        (
            "关于建设铁路专用线发展多式联运的建议",
            "钢铁和矿业企业大宗货物公路运输成本高、污染重，建议建设进厂铁路专用线，推行公铁联运。",
        ),
    ),
    (
        (
            "关于支持专精特新中小企业发展的建议",
            "建议国企开放应用场景，优先采购本地专精特新企业产品，设立专项资金支持中小企业技术创新。",
        ),
        (
            "国企带动专精特新企业成长",
            "建议大型国企向本地专精特新中小企业开放应用场景和采购订单，市里设立专项资金扶持其技术创新。",
        ),
    ),
    (
        (
            "加强企业知识产权保护",
            "企业专利被侵权维权难、周期长、赔偿低，建议设立知识产权快速维权中心，加大侵权惩罚力度。",
        ),
        (
            "关于建设知识产权快速维权中心的建议",
            "中小企业专利屡遭侵权，打官司时间长、赔得少，建议建设快速维权中心，提高侵权赔偿标准。",
        ),
    ),
    (
        (
            "关于推动国企混合所有制改革的建议",
            "建议在竞争性领域国企推进混合所有制改革，引入民营资本和战略投资者，同步实施员工持股试点。",
        ),
        (
            "竞争类国企引入战略投资者和员工持股",
            "建议对竞争性行业的市属国企引入民营资本、战略投资者，开展混合所有制改革和员工持股试点，激发活力。",
        ),
    ),
    (
        (
            "推动废钢回收利用体系建设",
            "本地废钢回收渠道散乱，建议建设规范化废钢加工配送中心，提高电炉短流程炼钢的废钢供应保障。",
        ),
        (
            "关于建立规范废钢回收加工体系的建议",
            "废钢回收小散乱，质量不稳定，建议建设规范的废钢回收加工配送基地，保障钢铁企业电炉炼钢原料。",
        ),
    ),
    (
        (
            "关于加强职业病防治的建议",
            "矿山和钢铁企业粉尘、噪声危害突出，建议加强职业健康监护，定期开展职业病体检，改善作业环境。",
        ),
        (
            "重视粉尘噪声岗位职工职业健康",
            "建议企业对接触粉尘、噪声的一线职工定期进行职业健康检查，完善防护设施，预防尘肺病等职业病。",
        ),
    ),
    (
        (
            "建设氢能产业示范项目",
            "钢铁企业焦炉煤气富含氢气，建议利用工业副产氢建设加氢站，开展氢能重卡运输示范。",
        ),
        (
            "关于利用工业副产氢发展氢能重卡的建议",
            "建议发挥钢铁集团焦炉煤气制氢优势，建设加氢站，推广氢燃料重卡在厂内和矿区运输中的示范应用。",
        ),
    ),
    (
        (
            "关于建设智能矿山的建议",
            "建议矿业公司推进采矿设备远程操控和无人驾驶运输，建设智能调度系统，减少井下作业人员。",
        ),
        (
            "推进矿山智能化和少人化",
            "建议推广井下设备远程控制、无人驾驶矿车和智能调度，逐步实现井下少人化无人化，提高本质安全。",
        ),
    ),
    (
        (
            "加强国企应急救援队伍建设",
            "建议依托大型国企组建专业应急救援队伍，配备救援装备，与消防、医疗联动，定期开展应急演练。",
        ),
        (
            "关于依托国企建立专业应急救援队的建议",
            "遇到矿山、危化品事故时专业救援力量不足，建议依托国企组建应急救援队，配齐装备，常态化开展联合演练。",
        ),
    ),
    (
        (
            "关于支持企业开拓海外市场的建议",
            "建议组织本地企业抱团参加境外展会，提供出口信用保险补贴，建设海外仓，帮助企业开拓国际市场。",
        ),
        (
            "帮助企业参加境外展会、建设海外仓",
            "企业出海缺渠道、缺信息，建议政府组团参加国际展会，补贴出口信用保险，支持建设海外仓。",
        ),
    ),
    (
        (
            "关于打造本地工业品牌的建议",
            "本地钢材、矿产品质量好但知名度低，建议实施品牌培育工程，支持企业申报质量奖和制定团体标准。",
        ),
        (
            "实施工业品牌培育工程",
            "建议支持企业争创质量奖、参与制定行业标准和团体标准，加大宣传推介，提升本地钢铁矿产品牌影响力。",
        ),
    ),
    (
        (
            "推进企业间数据共享和开放",
            "政府部门掌握的企业用能、税务、社保数据分散，建议建设公共数据开放平台，在保障安全前提下向企业开放。",
        ),
        (
            "关于建设公共数据开放平台的建议",
            "建议整合税务、社保、用能等政务数据，建设公共数据开放平台，依法向企业开放，支持数字化应用创新。",
        ),
    ),
    (
        (
            "关于降低企业用电用气成本的建议",
            "钢铁、矿业是用能大户，电价气价偏高，建议推进电力市场化交易，支持企业建设余热余压发电。",
        ),
        (
            "支持高耗能企业参与电力市场化交易",
            "建议帮助钢铁和矿业企业参加电力直接交易，鼓励利用余热余压自发电，降低用电用气成本。",
        ),
    ),
    (
        (
            "保障工业项目用地需求",
            "新上项目落地难，主要是缺少用地指标，建议盘活闲置低效工业用地，推行标准地出让和弹性年期供地。",
        ),
        (
            "关于盘活低效工业用地推行标准地的建议",
            "建议清理闲置、低效工业用地，推行标准地出让和先租后让、弹性年期供地，保障优质项目用地。",
        ),
    ),
    (
        (
            "关于加强青年人才住房保障的建议",
            "刚毕业的年轻职工收入低、租房贵，建议建设保障性租赁住房，为国企引进的青年人才提供租房补贴。",
        ),
        (
            "为青年职工提供保障性租赁住房",
            "青年大学生到国企工作后租房压力大，建议统筹建设保障性租赁住房，发放租房补贴，帮助青年人才安居。",
        ),
    ),
    (
        (
            "推动产学研协同攻关关键技术",
            "钢铁、矿业关键核心技术受制于人，建议国企联合高校院所组建创新联合体，实行揭榜挂帅，协同攻关。",
        ),
        (
            "关于组建产学研创新联合体的建议",
            "建议由龙头国企牵头，联合高校和科研院所组建创新联合体，用揭榜挂帅方式攻关行业关键核心技术。",
        ),
    ),
    (
        (
            "關於推進設備更新和技術改造的建議",
            "部分國企生產設備老化、能耗高，建議用好設備更新貸款貼息政策，分批實施技術改造。",
        ),
        (
            "推动国企老旧设备更新改造",
            "建议国企摸清老旧高耗能设备底数，利用设备更新再贷款和贴息政策，分年度实施技术改造。",
        ),
    ),
    (
        (
            "关于加强企业安全生产培训的建议",
            "新入职和外包作业人员安全意识薄弱，建议实行安全生产培训考核上岗制度，推广VR安全体验培训。",
        ),
        (
            "外包队伍和新员工安全培训要到位",
            "近年的事故多发生在外包作业中，建议企业对外包人员和新员工严格安全培训、考核合格后才能上岗，可利用VR体验。",
        ),
    ),
    (
        (
            "推进国企降本增效",
            "建议国企开展对标世界一流管理提升行动，压减管理层级，推行集中采购，严控非生产性支出。",
        ),
        (
            "关于开展对标一流管理提升降本增效的建议",
            "建议市属国企对标行业一流企业，减少管理层级，实行集中采购，压降非生产性开支，提高效益。",
        ),
    ),
    (
        (
            "关于发展供应链金融的建议",
            "建议依托钢铁集团核心企业信用，搭建供应链金融服务平台，为上下游小微企业提供订单融资、票据贴现。",
        ),
        (
            "依托核心国企搭建供应链金融平台",
            "上下游小微企业融资难，建议以钢铁集团为核心企业，建设供应链金融平台，开展订单融资和票据业务。",
        ),
    ),
    (
        (
            "关于建设绿色矿山的建议",
            "建议矿业公司按绿色矿山标准开展矿区复垦和植被恢复，控制扬尘和废水排放，建设花园式矿区。",
        ),
        (
            "推进矿区生态修复和绿色矿山创建",
            "建议对露天采场和排土场进行复垦绿化，治理扬尘、废水，按标准创建绿色矿山。",
        ),
    ),
    (
        (
            "完善国企职工创新激励机制",
            "职工小发明、小改造多但奖励少，建议设立职工创新奖励基金，对产生效益的合理化建议按效益提成奖励。",
        ),
        (
            "关于设立职工合理化建议奖励基金的建议",
            "建议企业对职工提出并产生经济效益的合理化建议、技术革新，按创效比例给予奖励，设立专门奖励基金。",
        ),
    ),
    (
        (
            "关于加强国企与民企配套合作的建议",
            "建议建立国企民企配套合作对接会制度，国企发布采购和配套需求，本地民企优先参与，实现融通发展。",
        ),
        (
            "定期举办国企民企对接会",
            "建议每年举办若干场国企与民营企业供需对接会，国企公开配套和采购需求，优先吸纳本地民营企业。",
        ),
    ),
    (
        (
            "关于提升政务服务一网通办水平的建议",
            "企业办事仍要多头跑、重复交材料，建议推进一网通办、一件事一次办，实现证照电子化和数据共享。",
        ),
        (
            "企业办事一网通办、一次办成",
            "建议打通部门系统，推行电子证照和材料共享，让企业办事只进一扇门、只交一次材料，实现一网通办。",
        ),
    ),
    (
        (
            "推动钢铁企业发展高端产品",
            "本地钢铁产品以普通建筑钢材为主，附加值低，建议支持开发汽车板、高强钢等高端品种，延伸产业链。",
        ),
        (
            "关于钢铁产品向高端品种升级的建议",
            "建议钢铁集团调整产品结构，减少普通螺纹钢，研发汽车用钢、高强度钢等高附加值品种。",
        ),
    ),
    (
        (
            "关于统战部门联系服务党外专家的建议",
            "建议统战部建立党外专家人才库，定期走访联系，搭建服务企业发展的平台，为党外专家履职提供保障。",
        ),
        (
            "建立党外专家人才库，常态化联系服务",
            "建议统战部门把各领域党外专家纳入人才库，定期走访谈心，组织他们服务企业，为其建言献策创造条件。",
        ),
    ),
]

# Suggestions with no duplicate in the corpus: a good index finds nothing for them.
ORPHANS = [
    (
        "关于改善职工食堂伙食的建议",
        "职工食堂菜品单一，价格偏高，建议引入社会化餐饮服务，增加夜班职工的餐食供应。",
    ),
    ("增设厂区夜间公交班车", "三班倒的职工夜间下班没有公交，建议开通厂区到城区的夜间通勤班车。"),
    (
        "关于建设职工书屋的建议",
        "建议在车间和矿区设立职工书屋，配备图书和电子阅读设备，丰富职工文化生活。",
    ),
    ("开展退休职工关爱活动", "建议工会定期走访慰问退休老职工，组织健康体检和文体活动。"),
    (
        "关于规范会议和文件精简的建议",
        "基层会多文多，建议压缩会议数量和时长，合并同类文件，减轻基层负担。",
    ),
    ("加强企业档案数字化管理", "建议对历史纸质档案进行扫描，建立电子档案管理系统，方便查阅利用。"),
    ("关于举办职工运动会的建议", "建议每两年举办一次职工运动会，设置趣味项目，增强职工凝聚力。"),
    ("设立职工子女暑期托管班", "暑假期间双职工家庭孩子无人照看，建议工会开办暑期托管班。"),
    ("关于改善厂区绿化环境的建议", "建议在厂区空地种植树木花草，建设休憩小公园，改善工作环境。"),
    (
        "完善企业内部心理咨询服务",
        "一线职工工作压力大，建议设立心理咨询室，聘请专业心理咨询师定期坐诊。",
    ),
    (
        "关于推广使用新能源公务车的建议",
        "建议企业公务用车更新时优先选择新能源汽车，并在停车场建设充电桩。",
    ),
    ("规范企业公众号和网站管理", "部分企业网站长期不更新，建议整合新媒体账号，明确专人维护。"),
    (
        "关于保护老工业遗址的建议",
        "老厂区的高炉、厂房具有历史价值，建议列入工业遗产保护名录，改造成工业博物馆。",
    ),
    ("增加社区养老服务设施", "企业职工家属区老人多，建议建设社区养老服务站，提供助餐和日间照料。"),
    (
        "关于开展普法宣传进企业的建议",
        "建议司法部门定期到企业开展劳动合同、安全生产法律宣讲，提高职工法律意识。",
    ),
    ("推动职工志愿服务常态化", "建议企业成立职工志愿服务队，定期参加社区服务和环境保护活动。"),
    (
        "关于完善企业年金制度的建议",
        "部分企业尚未建立企业年金，建议逐步建立，提高职工退休后的保障水平。",
    ),
    ("加强节日期间值班值守", "节假日期间部分单位值班人员不到位，建议严格落实领导带班和值班制度。"),
    (
        "关于开展垃圾分类进厂区的建议",
        "建议在厂区和宿舍区设置分类垃圾桶，开展垃圾分类宣传，培养职工环保习惯。",
    ),
    ("改善矿区职工宿舍条件", "矿区宿舍设施陈旧，建议改造宿舍，配备空调、热水和洗衣设备。"),
]

TOPICS = [
    "产业链协同",
    "科技成果转化",
    "人才引进",
    "融资难",
    "安全生产",
    "数字化转型",
    "营商环境",
    "绿色低碳",
    "国企改革",
    "职工培训",
    "知识产权",
    "专精特新",
    "节能减排",
    "质量提升",
    "应急管理",
    "招商引资",
    "开放合作",
    "创新平台",
    "标准化建设",
    "品牌建设",
    "物流成本",
    "用地保障",
    "审批服务",
    "统战工作",
    "党外人士",
    "民营经济",
    "技能人才",
    "设备更新",
]
SUBJECTS = [
    "钢铁集团",
    "矿业公司",
    "市属国企",
    "中小企业",
    "民营企业",
    "产业园区",
    "职业院校",
    "市国资委",
    "市委统战部",
    "金融机构",
    "科研院所",
    "行业协会",
]
ACTIONS = ["加强", "推进", "完善", "优化", "强化", "深化", "健全", "加快", "创新", "规范"]
MEASURES = [
    "建立{t}工作机制",
    "出台{t}专项政策",
    "设立{t}专项资金",
    "开展{t}专项行动",
    "建设{t}服务平台",
    "制定{t}三年行动计划",
    "组织{t}专题调研",
    "完善{t}考核评价",
    "举办{t}交流活动",
    "明确{t}责任分工",
    "加大{t}宣传力度",
    "建立{t}联席会议制度",
]
REASONS = [
    "目前{s}在{t}方面投入不足",
    "{s}反映{t}推进缓慢",
    "{s}的{t}工作缺少统筹",
    "与先进地区相比，{s}的{t}差距明显",
    "{s}对{t}政策知晓率不高",
    "{s}在{t}上各自为战",
]


def generated(rng, count):
    """``count`` suggestions from the patterns: on the same topics, not about the same thing."""
    out = []
    for _ in range(count):
        topic, other = rng.sample(TOPICS, 2)
        subject = rng.choice(SUBJECTS)
        title = rng.choice(
            [
                f"关于{rng.choice(ACTIONS)}{subject}{topic}的建议",
                f"{rng.choice(ACTIONS)}{topic}，助力{subject}高质量发展",
                f"关于{subject}{topic}与{other}的几点建议",
            ]
        )
        sentences = [rng.choice(REASONS).format(s=subject, t=topic)]
        for measure in rng.sample(MEASURES, 3):
            sentences.append("建议" + measure.format(t=rng.choice([topic, topic, other])))
        sentences.append(f"由{rng.choice(SUBJECTS)}牵头，{rng.choice(SUBJECTS)}配合。")
        out.append((title, "，".join(sentences[:-1]) + "。" + sentences[-1]))
    return out


METHODS = [
    ("words", 2.0),
    ("search", 2.0),
    ("bigrams", 2.0),
    ("words+bigrams", 1.0),
    ("words+bigrams", 2.0),
    ("words+bigrams", 3.0),
    ("words+bigrams", 5.0),
]


def quality(analyser, title_weight, distractors):
    """Hit rates of one method, and how its partners' scores stand against the orphans' best."""
    documents = [((n, s), t, b) for n, pair in enumerate(PAIRS) for s, (t, b) in enumerate(pair)]
    documents += [(("distractor", i), t, b) for i, (t, b) in enumerate(distractors)]
    index = SimilarIndex(documents, analyser=analyser, title_weight=title_weight)
    top1 = top3 = 0
    partner = []
    for number, pair in enumerate(PAIRS):
        for side, (title, body) in enumerate(pair):
            found = index.most_similar(
                title, body, limit=len(documents), min_score=0, exclude=[(number, side)]
            )
            keys = [key for key, _ in found]
            top1 += keys[:1] == [(number, 1 - side)]
            top3 += (number, 1 - side) in keys[:3]
            partner.append(dict(found).get((number, 1 - side), 0.0))
    orphan = [
        max([score for _, score in index.most_similar(t, b, limit=1, min_score=0)] or [0.0])
        for t, b in ORPHANS
    ]
    queries = 2 * len(PAIRS)
    return {
        "top1": top1 / queries,
        "top3": top3 / queries,
        "reached": sum(s >= MIN_SCORE for s in partner) / queries,
        "alarms": sum(s >= MIN_SCORE for s in orphan) / len(ORPHANS),
        "p10": sorted(partner)[len(partner) // 10],
        "orphan_max": max(orphan),
        "separated": sum(s > max(orphan) for s in partner) / queries,
    }


def speed(analyser, documents, queries):
    started = time.perf_counter()
    index = SimilarIndex(documents, analyser=analyser)
    built = time.perf_counter() - started
    timings = []
    for title, body in queries:
        started = time.perf_counter()
        index.most_similar(title, body)
        timings.append((time.perf_counter() - started) * 1000)
    return built, statistics.median(timings)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(9)

    started = time.perf_counter()
    similar.terms("预热")  # jieba's dictionary, loaded once per process
    print(f"jieba start-up in this process: {time.perf_counter() - started:.2f} s\n")

    distractors = generated(rng, 400)
    print(f"(b) {len(PAIRS)} pairs, {len(distractors)} distractors, {len(ORPHANS)} orphans")
    print(
        f"{'method':<26}{'top-1':>7}{'top-3':>7}{'≥min':>7}{'alarm':>7}"
        f"{'p10':>7}{'orph max':>9}{'above all':>10}"
    )
    for analyser, weight in METHODS:
        q = quality(analyser, weight, distractors)
        name = f"{analyser}, title ×{weight:g}"
        print(
            f"{name:<26}{q['top1']:>7.1%}{q['top3']:>7.1%}{q['reached']:>7.1%}"
            f"{q['alarms']:>7.1%}{q['p10']:>7.3f}{q['orphan_max']:>9.3f}{q['separated']:>10.1%}"
        )
    print(
        f"≥min: partners scoring at least MIN_SCORE {MIN_SCORE}; alarm: orphans finding something"
        " at MIN_SCORE;\np10: the partners' 10th-percentile score; orph max: the best score of any"
        " orphan;\nabove all: partners scoring above every orphan (a threshold that separates)"
    )

    large = [(i, t, b) for i, (t, b) in enumerate(generated(rng, args.large))]
    queries = [p[0] for p in PAIRS] + generated(rng, max(args.queries - len(PAIRS), 0))
    print(f"\n(c) {len(large)} suggestions, {len(queries)} queries")
    for analyser in ("words", "bigrams", "words+bigrams"):
        built, median = speed(analyser, large, queries)
        print(f"{analyser:<16} build {built:6.2f} s   query median {median:6.2f} ms")


if __name__ == "__main__":
    main()
