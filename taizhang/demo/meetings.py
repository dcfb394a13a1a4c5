"""The demo's meetings, walked through the services: the city's joint-meeting mechanism for
united-front work in its state-owned enterprises with its yearly plan, the 推进会 whose three
decisions are live tasks, an exchange meeting and a seminar with outside guests, the next
liaison meeting waiting to be held; and the federation's ten expert economic consultations of
2022. The text is written here for the demo; dates are moved back afterwards so the timelines
read as they would have happened (demo data only)."""

import datetime

from django.db.models import F
from django.utils import timezone

from taizhang.meetings import services
from taizhang.meetings.choices import JointSession, MeetingKind
from taizhang.meetings.models import Invitee, Mechanism, Meeting, MeetingEvent, PlannedMeeting
from taizhang.org.models import User
from taizhang.supervision import services as tasks
from taizhang.supervision.models import Task

MECHANISM = "市属国有企业统战工作联席会议"

# unit code, contact person (联络员), phone, countersigns the minutes
CITY_MEMBERS = [
    ("tzb", "陈立群", "0000-81230101", True),
    ("gzw", "王海峰", "0000-81230202", True),
    ("czj", "李文静", "0000-81230303", True),
    ("fgw", "赵明远", "0000-81230404", True),
    ("kjj", "孙晓燕", "0000-81230505", True),
    ("rsj", "周建国", "0000-81230606", True),
    ("xxgt", "刘志强", "0000-81230707", False),
    ("xxky", "吴春梅", "0000-81230808", False),
    ("xxjt", "郑国栋", "0000-81230909", False),
]

MECHANISM_RULES = (
    "一、联席会议由市委统战部牵头召集，市国资委、市财政局等有关部门和市属重点国有企业为成员单位。\n"
    "二、联席会议原则上每年召开一次全体会议，每季度召开一次联络员会议；根据工作需要可临时召开专题会议。\n"
    "三、会议议定事项形成会议纪要，经成员单位会签后印发，由督查室纳入督办台账跟踪落实。\n"
    "四、各成员单位确定一名联络员，负责日常联系和议定事项的落实反馈。"
)

PLENARY_MINUTES = (
    "全市国有企业统战工作推进会会议纪要\n"
    "会议由市委领导主持。会前，与会同志实地观摩了XX钢铁集团党外人士建言献策工作室，"
    "听取了XX矿业公司党外知识分子工作经验介绍。会议总结了过去一年全市国资国企系统统战工作，"
    "分析了存在的短板，研究部署了下一阶段重点工作。会议议定如下事项：\n"
    "一、印发联席会议年度工作要点和议事规则。市委统战部牵头制定联席会议年度工作要点，定期召集会议，"
    "研究解决重点难点问题；市国资委履行主体责任，将统战工作纳入市属国企日常指导和考核；"
    "市财政局在政策支持和经费保障方面积极配合。\n"
    "二、每半年组织一次统战工作经验交流会或现场观摩会。市国资委牵头，每半年组织一次市属国企统战工作经验交流会或现场观摩会，"
    "推广XX矿业公司党外知识分子工作经验，并围绕党外高知在科技创新中的作用举办专题研讨会。\n"
    "三、建立党外人士意见建议专门台账并制定奖励办法。市委统战部会同市国资委建立意见建议专门台账，"
    "按季度梳理反馈；市财政局配合研究对被采纳并产生效益的建议给予表扬奖励的办法。"
)

PLENARY_DECISIONS = [
    {
        "title": "印发联席会议年度工作要点和议事规则",
        "body": "制定联席会议年度工作要点和议事规则，每季度召开联络员会议，"
        "研究解决市属国企统战工作中的重点难点问题，建立议定事项台账并跟踪落实。",
        "lead_unit": "tzb",
        "responsible_units": ["gzw"],
        "cooperating_units": ["czj"],
        "deadline_days": 45,
        "progress": [(40, "已起草联席会议年度工作要点（征求意见稿），正在征求成员单位意见。")],
    },
    {
        "title": "每半年组织一次统战工作经验交流会或现场观摩会",
        "body": "每半年组织一次市属国企统战工作经验交流会或现场观摩会，推广XX矿业公司"
        "党外知识分子工作经验；围绕党外高知在科技创新中的作用举办专题研讨会。",
        "lead_unit": "gzw",
        "responsible_units": [],
        "cooperating_units": ["xxky", "xxgt"],
        "deadline_days": 90,
        "progress": [(60, "经验交流会已召开，专题研讨会已举办，正在总结形成长效机制。")],
    },
    {
        "title": "建立党外人士意见建议专门台账并制定奖励办法",
        "body": "统战部门和国资委建立党外人士意见建议专门台账，按季度梳理分析并向市委、市政府"
        "和相关企业反馈；研究制定对被采纳并产生良好效益建议的通报表扬和奖励办法。",
        "lead_unit": "tzb",
        "responsible_units": ["gzw"],
        "cooperating_units": ["czj"],
        "deadline_days": 4,
        "progress": [(20, "台账格式已确定，奖励办法尚在与市财政局沟通。")],
    },
]

# Federation: 2022年组织10次专家经济会商会 (month, topic); the experts are guests.
CONSULTATIONS = [
    (1, "2021年机械工业经济运行情况及2022年走势研判"),
    (2, "春节后企业复工复产和订单情况"),
    (3, "一季度行业经济运行形势"),
    (4, "疫情对产业链供应链的影响及应对"),
    (5, "稳增长政策在机械行业的落实情况"),
    (6, "上半年行业经济运行形势"),
    (7, "原材料价格波动对企业经营的影响"),
    (9, "前三季度行业经济运行形势"),
    (11, "重点产品出口形势分析"),
    (12, "全年行业经济运行情况及2023年展望"),
]
FEDERATION_EXPERTS = [
    ("韩振东", "某高校机械工程学院"),
    ("许文华", "某行业研究院"),
    ("冯建平", "某重型装备企业"),
]


def load_meetings(city, federation):
    _city(city)
    _federation(federation)


def _user(name):
    return User.objects.get(username=name)


def _today():
    return timezone.localdate()


# ---- the city --------------------------------------------------------------------------------


def _city(org):
    office, leader = _user("city-duban"), _user("city-lingdao")
    today = _today()
    mechanism = services.create_mechanism(
        by=office,
        name=MECHANISM,
        convening_unit="tzb",
        member_units=[code for code, *_rest in CITY_MEMBERS],
        description="市委统战部牵头，市属国有企业统战工作的议事协调平台：信息互通、资源共享、工作互动。",
        rules_text=MECHANISM_RULES,
        countersign_working_days=3,
    )
    for code, contact, phone, countersigns in CITY_MEMBERS:
        services.set_member(
            mechanism,
            by=office,
            unit=code,
            role="convener" if code == "tzb" else "member",
            contact_name=contact,
            contact_phone=phone,
            countersigns=countersigns,
        )
    dates = {
        "liaison": today - datetime.timedelta(days=150),
        "plenary": today - datetime.timedelta(days=75),
        "exchange": today - datetime.timedelta(days=40),
        "next": today,
    }
    plan = {}
    for key, kind, topic in [
        ("plenary", MeetingKind.JOINT, "全市国有企业统战工作推进会（全体会议）"),
        ("liaison", MeetingKind.JOINT, "联络员会议：年度工作要点分工"),
        ("exchange", MeetingKind.EXCHANGE, "市属国企统战工作经验交流会"),
        ("next", MeetingKind.JOINT, "联络员会议：议定事项落实情况通报"),
    ]:
        day = dates[key]
        plan[key] = services.add_plan_line(
            mechanism, by=office, year=day.year, month=day.month, kind=kind, topic=topic
        )
    mechanism = Mechanism.objects.get(pk=mechanism.pk)
    _liaison(mechanism, plan["liaison"], dates["liaison"], office, leader)
    _plenary(mechanism, plan["plenary"], dates["plenary"], office, leader)
    _exchange(mechanism, plan["exchange"], dates["exchange"], office)
    _seminar(office, today - datetime.timedelta(days=20))
    _next(mechanism, plan["next"], dates["next"], office, leader)


def _countersign_all(meeting):
    meeting = Meeting.objects.get(pk=meeting.pk)
    for row in meeting.countersignatures.filter(round=meeting.countersign_round):
        services.countersign(meeting, by=_user(row.unit.code), comment="同意。")


def _liaison(mechanism, line, day, office, leader):
    meeting = services.create_meeting(
        by=office,
        kind=MeetingKind.JOINT,
        joint_session=JointSession.LIAISON,
        title="市属国有企业统战工作联席会议联络员会议",
        topic="研究年度工作要点分工，筹备全体会议。",
        date=day,
        start_time="14:30",
        place="市委统战部三楼会议室",
        mechanism=mechanism,
        planned_as=line,
        chair_name="市委统战部副部长",
        agenda=["通报年度工作要点（草案）", "讨论全体会议筹备方案"],
    )
    services.send_notice(meeting, by=office)
    services.hold(meeting, by=office)
    for code, *_rest in CITY_MEMBERS:
        services.record_attendance(meeting, by=office, unit=code, status="present")
    services.write_minutes(
        meeting,
        by=office,
        text="会议通报了年度工作要点（草案），各成员单位联络员提出修改意见，"
        "会议同意将草案提交全体会议审议，并确定由市委统战部牵头筹备推进会。",
    )
    services.request_countersign(meeting, by=office)
    _countersign_all(meeting)
    services.issue(meeting, by=office)  # no decisions: closed at once
    _backdate(meeting, day)


def _plenary(mechanism, line, day, office, leader):
    """The 推进会 of the city's speech: held, attendance taken, minutes with the three
    decisions countersigned and issued, approved by the leader who chaired and assigned."""
    meeting = services.create_meeting(
        by=office,
        kind=MeetingKind.JOINT,
        joint_session=JointSession.PLENARY,
        title="全市国有企业统战工作推进会",
        topic="学习贯彻关于做好新时代统一战线工作的重要思想，总结过去一年国企统战工作，部署下一阶段重点工作。",
        date=day,
        start_time="09:00",
        end_time="11:30",
        place="XX钢铁集团办公楼报告厅",
        mechanism=mechanism,
        planned_as=line,
        chair=leader,
        agenda=[
            ("实地观摩XX钢铁集团党外人士建言献策工作室", "XX钢铁集团"),
            ("XX矿业公司介绍党外知识分子工作经验", "XX矿业公司"),
            ("市国资委通报市属国企统战工作情况", "市国资委"),
            ("市委领导讲话", "市委领导"),
        ],
    )
    services.send_notice(meeting, by=office)
    services.hold(meeting, by=office, comment="按期召开。")
    for code, *_rest in CITY_MEMBERS:
        if code == "rsj":
            services.record_attendance(
                meeting, by=office, unit=code, status="excused", reason="参加全省人社系统工作会议"
            )
        elif code == "fgw":
            services.record_attendance(
                meeting, by=office, unit=code, status="present", attended_by="赵明远"
            )
        else:
            services.record_attendance(meeting, by=office, unit=code, status="present")
    services.write_minutes(meeting, by=office, text=PLENARY_MINUTES)
    for spec in PLENARY_DECISIONS:
        services.add_decision(
            meeting,
            by=office,
            title=spec["title"],
            body=spec["body"],
            lead_unit=spec["lead_unit"],
            responsible_units=spec["responsible_units"],
            cooperating_units=spec["cooperating_units"],
            deadline=_today() + datetime.timedelta(days=spec["deadline_days"]),
        )
    services.request_countersign(meeting, by=office)
    _countersign_all(meeting)
    services.issue(meeting, by=office)
    services.approve_tasks(meeting, by=leader, comment="同意，请抓紧交办。")
    services.assign_tasks(meeting, by=office, comment="请按时限办理，按月反馈进展。")
    _work_on(meeting)
    _backdate(meeting, day)


def _work_on(meeting):
    """The units sign their tasks and the lead units report progress."""
    from taizhang.demo.management.commands.demo import _backdate as backdate_task

    for decision, spec in zip(meeting.decisions.order_by("order"), PLENARY_DECISIONS, strict=True):
        task = Task.objects.with_units().get(pk=decision.task_id)
        for unit in task.units_in("lead", "responsible", "cooperating"):
            tasks.sign_task(task, by=_user(unit.code), comment="已签收。")
        for percent, text in spec["progress"]:
            tasks.report_progress(task, by=_user(task.lead_unit.code), percent=percent, text=text)
        backdate_task(task, (_today() - meeting.date).days - 5, _today())


def _exchange(mechanism, line, day, office):
    meeting = services.create_meeting(
        by=office,
        kind=MeetingKind.EXCHANGE,
        title="市属国有企业统战工作经验交流会",
        topic="推广先进典型经验，形成比学赶超、共同提高的局面。",
        date=day,
        start_time="14:00",
        place="XX矿业公司职工活动中心",
        mechanism=mechanism,
        planned_as=line,
        chair_name="市国资委分管负责同志",
        guests=[
            {"name": "杨清和", "kind": "expert", "affiliation": "某大学马克思主义学院（党外专家）"},
            {"name": "何丽君", "kind": "entrepreneur", "affiliation": "某民营科技企业董事长"},
        ],
        agenda=["XX矿业公司交流发言", "XX钢铁集团交流发言", "专家点评"],
    )
    services.set_speakers(
        meeting,
        by=office,
        speakers=[
            {"unit": "xxky", "topic": "党外知识分子“双向培养”和技术攻关团队建设经验"},
            {"unit": "xxgt", "topic": "党外人士建言献策工作室运行一年来的做法"},
            {"name": "杨清和", "topic": "国企统战工作如何融入企业生产经营"},
        ],
    )
    services.send_notice(meeting, by=office)
    services.hold(meeting, by=office)
    for code in ("tzb", "gzw", "xxky", "xxgt", "xxjt", "kjj"):
        services.record_attendance(meeting, by=office, unit=code, status="present")
    services.record_attendance(meeting, by=office, unit="czj", status="absent")
    for name in ("杨清和", "何丽君"):
        services.record_attendance(meeting, by=office, person=name, status="present")
    services.save_report(
        meeting,
        by=office,
        report="经验交流会在XX矿业公司召开。XX矿业公司介绍了党外知识分子“双向培养”的做法，"
        "XX钢铁集团介绍了建言献策工作室收集、办理和反馈建议的流程；党外专家杨清和作点评，"
        "民营企业家何丽君谈了国企与民企协同发展的体会。与会单位一致认为，典型经验可复制、可推广。",
    )
    _backdate(meeting, day)


def _seminar(office, day):
    meeting = services.create_meeting(
        by=office,
        kind=MeetingKind.SEMINAR,
        title="“如何发挥党外高知在科技创新中的作用”专题研讨会",
        topic="党外高层次知识分子参与关键核心技术攻关的路径和机制。",
        date=day,
        start_time="09:30",
        place="市科技局会议中心",
        invited_units=["tzb", "gzw", "kjj", "xxgt", "xxky"],
        guests=[
            {"name": "林书远", "kind": "expert", "affiliation": "某研究院研究员（党外专家）"},
            {"name": "曹一鸣", "kind": "expert", "affiliation": "某大学材料学院教授（党外专家）"},
            {"name": "苏建业", "kind": "entrepreneur", "affiliation": "某新材料企业创始人"},
        ],
        agenda=["主题发言", "分组研讨", "总结交流"],
    )
    services.set_speakers(
        meeting,
        by=office,
        speakers=[
            {"unit": "xxky", "topic": "党外技术骨干领衔攻关项目的组织方式"},
            {"name": "林书远", "topic": "科研人员参与企业技术攻关的激励问题"},
            {"name": "苏建业", "topic": "民营企业与国有企业协同创新的实践"},
        ],
    )
    services.send_notice(meeting, by=office)
    services.hold(meeting, by=office)
    for code in ("tzb", "gzw", "kjj", "xxgt", "xxky"):
        services.record_attendance(meeting, by=office, unit=code, status="present")
    services.record_attendance(meeting, by=office, person="林书远", status="present")
    services.record_attendance(meeting, by=office, person="苏建业", status="present")
    services.record_attendance(
        meeting, by=office, person="曹一鸣", status="excused", reason="出差在外"
    )
    services.save_report(
        meeting,
        by=office,
        report="研讨会围绕党外高知在科技创新中的作用展开讨论。与会专家建议在市属国企设立"
        "党外技术骨干领衔的攻关项目，完善成果评价和激励；企业家代表建议搭建国企与民企"
        "协同创新的对接平台。研讨形成的建议将转入建言献策渠道办理。",
    )
    _backdate(meeting, day)


def _next(mechanism, line, day, office, leader):
    """The next liaison meeting: planned for later today, so a user can send its notice, hold
    it, write the minutes, collect 会签 and issue them in the browser."""
    services.create_meeting(
        by=office,
        kind=MeetingKind.JOINT,
        joint_session=JointSession.LIAISON,
        title="联席会议联络员会议：议定事项落实情况通报",
        topic="通报推进会议定事项落实进展，研究下一年度会议计划。",
        date=day,
        start_time="15:00",
        end_time="16:30",
        place="市委统战部三楼会议室",
        mechanism=mechanism,
        planned_as=line,
        chair=leader,
        agenda=["通报推进会议定事项落实情况", "研究下一年度联席会议计划", "其他事项"],
    )


# ---- the federation --------------------------------------------------------------------------


def _federation(org):
    office, leader = _user("duban"), _user("lingdao")
    year = 2022
    for seq, (month, topic) in enumerate(CONSULTATIONS, 1):
        day = datetime.date(year, month, 15 if month != 2 else 22)
        meeting = services.create_meeting(
            by=office,
            kind=MeetingKind.CONSULTATION,
            title=f"{year}年第{seq}次专家经济会商会",
            topic=topic,
            date=day,
            start_time="14:00",
            place="总部第二会议室" if seq % 3 else "线上会议",
            online=seq % 3 == 0,
            convener="jjyxb",
            chair=leader,
            invited_units=["jjyxb", "hyfzb", "kjb", "bzb", "gjhzb"],
            guests=[
                {"name": name, "kind": "expert", "affiliation": place}
                for name, place in FEDERATION_EXPERTS
            ],
            agenda=[topic, "专家研判发言", "形成会商意见"],
        )
        services.hold(meeting, by=office)
        for code in ("jjyxb", "hyfzb", "kjb", "bzb", "gjhzb"):
            if code == "gjhzb" and seq % 4 == 0:
                services.record_attendance(
                    meeting, by=office, unit=code, status="excused", reason="外事接待"
                )
            else:
                services.record_attendance(meeting, by=office, unit=code, status="present")
        for i, (name, _place) in enumerate(FEDERATION_EXPERTS):
            status = "absent" if (seq + i) % 5 == 0 else "present"
            services.record_attendance(meeting, by=office, person=name, status=status)
        services.write_minutes(
            meeting,
            by=office,
            text=f"会商会围绕“{topic}”听取了经济运行部的情况通报，与会专家进行了研判。"
            "会议认为，行业运行总体平稳，需密切关注订单、价格和出口变化，"
            "会商意见形成专报报送有关部门。",
        )
        issued_on = day + datetime.timedelta(days=8)  # numbered in 2022's own series
        if seq == len(CONSULTATIONS):
            _consultation_decision(meeting, office, leader, day, issued_on)
        else:
            services.issue(meeting, by=office, issued_on=issued_on)  # no decisions: closed
        _backdate(meeting, day)


def _consultation_decision(meeting, office, leader, day, issued_on):
    """The year's last consultation decided on one report, followed to its closing."""
    from taizhang.demo.management.commands.demo import _backdate as backdate_task

    services.add_decision(
        meeting,
        by=office,
        title="报送2023年机械工业经济形势专报",
        body="经济运行部汇总会商意见和专家研判，形成2023年行业经济形势专报，报送有关部门。",
        lead_unit="jjyxb",
        cooperating_units=["hyfzb"],
        deadline=day + datetime.timedelta(days=20),
    )
    services.issue(meeting, by=office, issued_on=issued_on)
    services.approve_tasks(meeting, by=leader, comment="同意。")
    services.assign_tasks(meeting, by=office, comment="请按期报送。")
    task = Task.objects.with_units().get(meeting_decision__meeting=meeting)
    for unit in task.units_in("lead", "responsible", "cooperating"):
        tasks.sign_task(task, by=_user(unit.code), comment="已签收。")
    lead = _user(task.lead_unit.code)
    tasks.report_progress(task, by=lead, percent=100, text="专报已按期报送。")
    tasks.submit_completion(task, by=lead, comment="专报已报送，附报送回执。")
    tasks.verify_task(task, by=office, comment="经复核，同意销号。", confirm_unsigned=True)
    services.close_if_done(Meeting.objects.get(pk=meeting.pk))
    backdate_task(task, (_today() - day).days - 2, _today())
    Task.objects.filter(pk=task.pk).update(
        closed_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(16)))
        + datetime.timedelta(days=18)
    )


# ---- dates -----------------------------------------------------------------------------------


def _backdate(meeting, day):
    """Spread the meeting's timeline around its day: planned two weeks before, notice a week
    before, held on the day, minutes issued some days after (demo data only)."""
    tz = timezone.get_current_timezone()
    held = datetime.datetime.combine(day, datetime.time(17, 0), tzinfo=tz)
    now = timezone.now()
    issued = min(held + datetime.timedelta(days=8), now)
    events = list(meeting.events.order_by("created_at", "id"))
    split = next((i for i, e in enumerate(events) if e.action == "hold"), len(events))
    before, after = events[:split], events[split:]
    # Office hours: each step on a day of its own stretch, a few minutes after the last.
    for steps, first, days in ((before, day - datetime.timedelta(days=14), 14), (after, day, 8)):
        for i, event in enumerate(steps):
            on = first + datetime.timedelta(days=days * i // max(len(steps), 1))
            moment = datetime.datetime.combine(on, datetime.time(9, 30), tzinfo=tz)
            moment += datetime.timedelta(minutes=7 * i)
            MeetingEvent.objects.filter(pk=event.pk).update(created_at=min(moment, now))
    fresh = Meeting.objects.get(pk=meeting.pk)
    if fresh.notice_sent_at:
        _replies_as_attended(fresh, held - datetime.timedelta(days=5))
    fields = {"held_at": held}
    if fresh.notice_sent_at:
        fields["notice_sent_at"] = held - datetime.timedelta(days=7)
    if fresh.issued_at:
        fields["issued_at"] = issued
    if fresh.closed_at:
        fields["closed_at"] = issued
    if fresh.countersign_due:
        fields["countersign_due"] = (issued - datetime.timedelta(days=1)).date()
    Meeting.objects.filter(pk=meeting.pk).update(**fields)
    meeting.countersignatures.filter(signed_at__isnull=False).update(
        signed_at=issued - datetime.timedelta(days=1),
        due=(issued - datetime.timedelta(days=1)).date(),
    )


def _replies_as_attended(meeting, when):
    """The replies (回执) the invited sent before a past meeting, as their attendance shows
    (the demo walks it after the day, when replies are closed): who came said so, a unit that
    sent someone else (代会, 市发改委 at the 推进会) named them, who was excused gave the reason."""
    rows = meeting.invitees.all()
    rows.filter(attendance="present").update(response="attending", responded_at=when)
    rows.filter(attendance="present", unit__code="fgw").exclude(attended_by="").update(
        response="substitute", substitute=F("attended_by")
    )
    for row in rows.filter(attendance="excused"):
        Invitee.objects.filter(pk=row.pk).update(
            response="declined", response_comment=row.absence_reason[:300], responded_at=when
        )


def delete_meetings(organisations):
    """For the loader's --reset: meetings hold their tasks and mechanisms, so they go first."""
    meetings = Meeting.objects.filter(organisation__in=organisations)
    meetings.update(planned_as=None)
    meetings.delete()
    PlannedMeeting.objects.filter(mechanism__organisation__in=organisations).delete()
    Mechanism.objects.filter(organisation__in=organisations).delete()
