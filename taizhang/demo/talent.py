"""The city's talent pool: non-party experts and representatives at XX钢铁集团, XX矿业公司 and
elsewhere in the city, with their paths (培养, 选拔, 使用). People and text are invented here;
ID numbers use the fictitious area code 990100 (no real area) with a valid check digit."""

import datetime

from taizhang.org.models import User
from taizhang.talent import identity, services
from taizhang.talent.choices import AccessKind

# Submitter accounts linked to a profile when they exist: user name → key below.
DEFAULT_ACCOUNTS = {"jy1": "chen", "jy2": "wang"}
KEEPERS = ("tzb", "city-duban")  # the united-front department's handler, the office's supervisor
SECURITY = "city-anquan"
AREA = "990100"
SCHOOL = "XX市社会主义学院"

PEOPLE = [
    {
        "key": "chen",
        "name": "陈立群",
        "gender": "male",
        "born": "19720314",
        "seq": "135",
        "ethnicity": "汉族",
        "affiliation": "democratic_party",
        "party": "jiusan",
        "unit": "xxgt",
        "post": "技术中心副主任",
        "title": "正高级工程师",
        "expertise": "冶金材料与轧制工艺",
        "education": "博士研究生",
        "notes": "牵头高强汽车板国产化攻关，多次就钢铁产业链协同提出建议。",
        "events": [
            ("training", "党外代表人士理论研修班", SCHOOL, "2021-04-12", "2021-04-30"),
            (
                "secondment",
                "挂职市国资委企业改革处副处长",
                "XX市国资委",
                "2022-03-01",
                "2023-02-28",
            ),
            ("cppcc_nomination", "推荐为市政协委员人选", "中共XX市委统战部", "2023-01-10", None),
            ("post", "市政协委员（经济界别）", "XX市政协", "2023-01-15", None),
        ],
    },
    {
        "key": "liu",
        "name": "刘晓燕",
        "gender": "female",
        "born": "19800922",
        "seq": "268",
        "ethnicity": "回族",
        "affiliation": "democratic_party",
        "party": "cdl",
        "unit": "xxgt",
        "post": "能源环保部部长",
        "title": "高级工程师",
        "expertise": "节能减排与固废综合利用",
        "education": "硕士研究生",
        "events": [
            ("training", "新任党外干部培训班", SCHOOL, "2022-09-05", "2022-09-16"),
            ("exchange", "赴XX矿业公司交流尾矿综合利用", "XX矿业公司", "2023-05-08", "2023-05-19"),
        ],
    },
    {
        "key": "wang",
        "name": "王建华",
        "gender": "male",
        "born": "19680705",
        "seq": "017",
        "ethnicity": "汉族",
        "affiliation": "non_party",
        "unit": "xxky",
        "post": "总工程师",
        "title": "正高级工程师",
        "expertise": "矿山安全与智能开采",
        "education": "大学本科",
        "notes": "主持智能化采掘工作面建设，熟悉矿山安全监管。",
        "events": [
            ("training", "无党派人士专题培训班", SCHOOL, "2020-10-19", "2020-10-30"),
            ("npc_nomination", "推荐为市人大代表候选人", "中共XX市委统战部", "2021-11-02", None),
            ("post", "市人大代表", "XX市人民代表大会", "2022-01-06", None),
        ],
    },
    {
        "key": "zhao",
        "name": "赵敏",
        "gender": "female",
        "born": "19850216",
        "seq": "442",
        "ethnicity": "满族",
        "affiliation": "intellectual",
        "unit": "xxky",
        "post": "地质勘查研究所所长",
        "title": "高级工程师",
        "expertise": "地质勘查与资源评价",
        "education": "博士研究生",
        "events": [
            ("training", "党外知识分子国情研修班", SCHOOL, "2023-06-12", "2023-06-23"),
        ],
    },
    {
        "key": "sun",
        "name": "孙志远",
        "gender": "male",
        "born": "19761130",
        "seq": "351",
        "ethnicity": "汉族",
        "affiliation": "democratic_party",
        "party": "cndca",
        "unit": "xxgt",
        "post": "财务部副部长",
        "title": "高级会计师",
        "expertise": "财务管理与资本运营",
        "education": "硕士研究生",
        "events": [
            ("training", "党外代表人士理论研修班", SCHOOL, "2021-04-12", "2021-04-30"),
            ("recommendation", "推荐为市属国企外部董事人选", "XX市国资委", "2024-03-18", None),
        ],
    },
    {
        "key": "zhou",
        "name": "周慧",
        "gender": "female",
        "born": "19900608",
        "seq": "524",
        "ethnicity": "汉族",
        "affiliation": "new_social_class",
        "employer": "XX数智科技有限公司",
        "post": "技术总监",
        "title": "工程师",
        "expertise": "工业互联网与数据治理",
        "education": "硕士研究生",
        "events": [
            ("training", "新的社会阶层人士培训班", SCHOOL, "2024-05-13", "2024-05-17"),
        ],
    },
    {
        "key": "wu",
        "name": "吴国栋",
        "gender": "male",
        "born": "19650419",
        "seq": "093",
        "ethnicity": "汉族",
        "affiliation": "democratic_party",
        "party": "rcck",
        "unit": "xxjt",
        "post": "副总经理",
        "title": "正高级经济师",
        "expertise": "交通基础设施投融资",
        "education": "硕士研究生",
        "events": [
            (
                "secondment",
                "挂职市发改委基础设施处副处长",
                "XX市发改委",
                "2015-03-01",
                "2016-02-29",
            ),
            ("cppcc_nomination", "推荐为市政协常委人选", "中共XX市委统战部", "2018-01-08", None),
            ("post", "市政协常委", "XX市政协", "2018-01-20", None),
        ],
    },
    {
        "key": "zheng",
        "name": "郑雅琴",
        "gender": "female",
        "born": "19781027",
        "seq": "386",
        "ethnicity": "汉族",
        "affiliation": "democratic_party",
        "party": "cpwdp",
        "employer": "XX市第一人民医院",
        "post": "副院长",
        "title": "主任医师",
        "expertise": "职业病防治",
        "education": "博士研究生",
        "events": [
            ("cppcc_nomination", "推荐为市政协委员人选", "中共XX市委统战部", "2023-01-10", None),
        ],
    },
    {
        "key": "he",
        "name": "何振邦",
        "gender": "male",
        "born": "19820303",
        "seq": "711",
        "ethnicity": "汉族",
        "affiliation": "democratic_party",
        "party": "zgd",
        "unit": "xxky",
        "post": "海外业务部经理",
        "title": "经济师",
        "expertise": "国际矿业合作",
        "education": "大学本科",
        "events": [],
    },
    {
        "key": "lin",
        "name": "林思远",
        "gender": "male",
        "born": "19881212",
        "seq": "159",
        "ethnicity": "壮族",
        "affiliation": "non_party",
        "employer": "XX大学材料科学与工程学院",
        "post": "副教授",
        "title": "副教授",
        "expertise": "先进钢铁材料",
        "education": "博士研究生",
        "events": [
            (
                "exchange",
                "到XX钢铁集团技术中心开展产学研交流",
                "XX钢铁集团",
                "2024-07-01",
                "2024-12-31",
            ),
        ],
    },
]


def id_number(born, seq):
    first17 = f"{AREA}{born}{seq}"
    return first17 + identity.check_character(first17)


def _date(text):
    return datetime.date.fromisoformat(text) if text else None


def load_talent(city_org, accounts=None):
    """Fill the city's pool; make the keepers; link submitter accounts that exist
    (``accounts`` maps a user name to a person's key, by default jy1 and jy2).
    Returns the people by key."""
    security = User.objects.get(username=SECURITY, organisation=city_org)
    for username in KEEPERS:
        services.grant_keeper(User.objects.get(username=username), by=security)
    keeper = User.objects.get(username=KEEPERS[0])
    units = {u.code: u for u in city_org.units.all()}
    made = {}
    for n, spec in enumerate(PEOPLE, 1):
        person = services.create_person(
            by=keeper,
            organisation=city_org,
            name=spec["name"],
            gender=spec["gender"],
            birth_year=int(spec["born"][:4]),
            ethnicity=spec["ethnicity"],
            affiliation=spec["affiliation"],
            party=spec.get("party", ""),
            unit=units.get(spec.get("unit")),
            employer=spec.get("employer", ""),
            post=spec["post"],
            title=spec["title"],
            expertise=spec["expertise"],
            education=spec["education"],
            phone=f"1390000{n:04d}",
            email=f"{spec['key']}@example.com",
            id_number=id_number(spec["born"], spec["seq"]),
            notes=spec.get("notes", ""),
        )
        for kind, title, organiser, start, end in spec["events"]:
            services.add_event(
                person,
                by=keeper,
                kind=kind,
                title=title,
                organiser=organiser,
                start_date=_date(start),
                end_date=_date(end),
            )
        made[spec["key"]] = person
    link_accounts(made, accounts or DEFAULT_ACCOUNTS, by=keeper)
    services.reveal(made["chen"], by=keeper, kind=AccessKind.PAGE)  # one entry in the log
    return made


def link_accounts(people, accounts, *, by):
    """Link each existing user of ``accounts`` (user name → person key) to that profile."""
    users = User.objects.filter(username__in=accounts, organisation=by.organisation)
    for user in users:
        key = accounts[user.username]
        people[key] = services.update_person(people[key], by=by, account=user)
