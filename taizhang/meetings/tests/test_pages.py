"""The meeting pages, per role: who sees what, the planning form's errors, and each flow of
the meeting page (reply, attendance, minutes, decisions, 会签, issuing) through to its
service."""

import datetime
import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from taizhang.meetings import services
from taizhang.meetings.choices import Answer, Attendance, DecisionState, Response, Status
from taizhang.meetings.models import Decision, Invitee, Meeting
from taizhang.supervision import other_work
from taizhang.supervision.choices import Status as TaskStatus

pytestmark = pytest.mark.django_db


def login(client, name):
    client.logout()
    assert client.login(username=name, password=PASSWORD)


def page(meeting):
    return reverse("meetings:detail", args=[meeting.pk])


def act(client, meeting, action, **data):
    meeting.refresh_from_db()
    data.setdefault("version", meeting.version)
    return client.post(reverse("meetings:act", args=[meeting.pk, action]), data)


def text(response):
    return response.content.decode()


# ---- who sees what -------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, make_meeting):
    meeting = make_meeting("notified")
    for url in [
        reverse("meetings:list"),
        reverse("meetings:new"),
        page(meeting),
        reverse("meetings:edit", args=[meeting.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url
    response = client.post(reverse("meetings:act", args=[meeting.pk, "hold"]))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_an_outsider_handler_gets_404(client, make_meeting):
    meeting = make_meeting("issued")
    services.attach_files(
        meeting,
        by=meeting.created_by,
        files=[SimpleUploadedFile("材料.txt", "会议材料".encode())],
    )
    login(client, "steel")  # 钢铁集团 is not invited
    assert client.get(page(meeting)).status_code == 404
    assert client.get(reverse("meetings:edit", args=[meeting.pk])).status_code == 404
    assert act(client, meeting, "countersign", agree="yes").status_code == 404
    upload = meeting.files.get()
    assert client.get(reverse("meetings:file", args=[upload.pk])).status_code == 404
    response = client.get(reverse("meetings:list"))
    assert meeting.title not in text(response)
    assert 'data-testid="empty"' in text(response)
    assert "暂无会议" in text(response)  # no filter: there is simply no meeting yet


def test_the_invited_handler_sees_the_meeting_and_may_reply(client, make_meeting):
    meeting = make_meeting("notified")
    login(client, "gzw")
    response = client.get(reverse("meetings:list"))
    assert meeting.title in text(response)
    assert 'data-testid="plan-meeting"' not in text(response)  # only the secretariat plans
    response = client.get(page(meeting))
    body = text(response)
    assert response.status_code == 200
    assert 'data-testid="respond-form"' in body
    assert 'data-testid="attendance-form"' not in body  # the secretariat records it
    assert 'data-button="send_notice"' not in body
    assert "会议通知" in body or meeting.notice_text.splitlines()[0] in body
    assert client.get(reverse("meetings:new")).status_code == 403


def test_the_secretariat_sees_its_buttons_and_forms(client, make_meeting):
    meeting = make_meeting("notified")
    login(client, "duban")
    body = text(client.get(page(meeting)))
    assert 'data-button="hold"' in body and 'data-button="cancel"' in body
    assert body.count('data-testid="attendance-row"') == 3  # 统战部, 国资委, 财政局
    assert 'data-testid="respond-form"' not in body
    assert reverse("meetings:notice_print", args=[meeting.pk]) in body
    assert reverse("meetings:sign_in_sheet", args=[meeting.pk]) in body
    assert reverse("meetings:ics", args=[meeting.pk]) in body
    assert 'data-testid="plan-meeting"' in text(client.get(reverse("meetings:list")))


def test_the_menu_leads_to_the_meetings(client, people):
    login(client, "gzw")
    assert reverse("meetings:list") in text(client.get(reverse("meetings:list")))


def test_the_list_filters_and_badges(client, make_meeting):
    make_meeting("notified", title="一季度联席会议")
    make_meeting(
        "planned",
        title="二季度联席会议",
        date=timezone.localdate().replace(month=1, day=1) + datetime.timedelta(days=400),
    )
    login(client, "duban")
    url = reverse("meetings:list")
    body = text(client.get(url, {"status": "notified"}))
    assert "一季度联席会议" in body and "二季度联席会议" not in body
    assert 'data-status="notified"' in body and "bg-cyan-lt" in body
    body = text(client.get(url, {"q": "二季度"}))
    assert "二季度联席会议" in body and "一季度联席会议" not in body
    body = text(client.get(url, {"year": timezone.localdate().year}))
    assert "一季度联席会议" in body and "二季度联席会议" not in body
    body = text(client.get(url, {"kind": "forum"}))
    assert 'data-testid="empty"' in body
    assert "没有符合筛选条件的会议" in body and "暂无会议" not in body  # filtered, not empty
    # Newest first.
    body = text(client.get(url))
    assert body.index("二季度联席会议") < body.index("一季度联席会议")


# ---- planning ------------------------------------------------------------------------------


def plan_data(units, people, **extra):
    return {
        "kind": "joint",
        "joint_session": "plenary",
        "title": "统战工作联席会议全体会议",
        "date": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
        "start_time": "09:00",
        "end_time": "11:30",
        "place": "市委第一会议室",
        "chair": people["leader"].pk,
        "agenda": "通报上半年工作｜统战部\n研究建言献策工作室建设",
        "invited_units": [units["gzw"].pk, units["czj"].pk],
        "invited_people": [people["steel"].pk],
        "guests": "张教授，XX大学，党外专家\n李总，XX科技公司，企业家",
        **extra,
    }


def test_planning_a_meeting(client, units, people, mechanism):
    login(client, "duban")
    data = plan_data(units, people, mechanism=mechanism.pk)
    response = client.post(reverse("meetings:new"), data)
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == page(meeting)
    assert meeting.mechanism == mechanism and meeting.chair == people["leader"]
    assert meeting.convener == units["tzb"]  # the mechanism's
    assert [(a.title, a.presenter) for a in meeting.agenda.all()] == [
        ("通报上半年工作", "统战部"),
        ("研究建言献策工作室建设", ""),
    ]
    names = {i.name: i for i in meeting.invitees.all()}
    assert set(names) == {str(units["gzw"]), str(units["czj"]), "steel", "张教授", "李总"}
    assert names["张教授"].guest_kind == "expert" and names["李总"].guest_kind == "entrepreneur"
    assert names["张教授"].guest_affiliation == "XX大学"


def test_a_mechanisms_members_are_invited_by_default(client, units, people, mechanism):
    login(client, "duban")
    data = plan_data(
        units, people, mechanism=mechanism.pk, invited_units=[], invited_people=[], guests=""
    )
    client.post(reverse("meetings:new"), data)
    meeting = Meeting.objects.get()
    assert {i.unit for i in meeting.invitees.all()} == {units["tzb"], units["gzw"], units["czj"]}


def test_the_planning_forms_errors_under_their_fields(client, units, people):
    login(client, "duban")
    data = plan_data(
        units,
        people,
        kind="seminar",  # a sitting is for joint meetings only
        title="",
        end_time="08:00",
        guests="王某，某单位，外星人",
    )
    response = client.post(reverse("meetings:new"), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"title", "joint_session", "end_time", "guests"}
    body = text(response)
    assert "只有联席会议" in body and "该字段是必填项" in body
    assert "外星人" in body and "市委第一会议室" in body  # nothing typed is lost
    assert not Meeting.objects.exists()


def test_a_service_refusal_keeps_the_form(client, units, people):
    login(client, "duban")
    far = timezone.localdate() + datetime.timedelta(days=366 * 30)
    response = client.post(reverse("meetings:new"), plan_data(units, people, date=far.isoformat()))
    assert response.status_code == 400
    body = text(response)
    assert 'data-testid="form-error"' in body and "统战工作联席会议全体会议" in body


def test_editing_with_a_stale_version_is_refused_and_loses_nothing(
    client, make_meeting, units, people
):
    meeting = make_meeting("planned")
    login(client, "duban")
    url = reverse("meetings:edit", args=[meeting.pk])
    form = client.get(url).context["form"]
    assert form.initial["version"] == meeting.version
    services.update_meeting(meeting, by=people["supervisor"], place="市委第二会议室")
    data = plan_data(
        units, people, version=meeting.version, place="市政府常务会议室", title="改过的标题"
    )
    response = client.post(url, data)
    assert response.status_code == 409
    body = text(response)
    assert "已有他人修改" in body
    assert "改过的标题" in body and "市政府常务会议室" in body
    meeting.refresh_from_db()
    assert meeting.place == "市委第二会议室"
    # With the current version it goes through, and the invitations follow the form.
    data["version"] = meeting.version
    data["invited_units"] = [units["gzw"].pk]
    response = client.post(url, data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "改过的标题"
    assert {i.name for i in meeting.invitees.all()} == {
        str(units["gzw"]),
        "steel",
        "张教授",
        "李总",
    }


# ---- the meeting page's flows --------------------------------------------------------------


def test_reply_through_the_page(client, make_meeting):
    meeting = make_meeting("notified")
    login(client, "czj")
    response = act(client, meeting, "respond", response="declined", comment="")
    assert response.status_code == 400
    assert "请填写请假事由" in text(response)
    response = act(client, meeting, "respond", response="substitute", substitute="李副局长")
    assert response.status_code == 302
    row = Invitee.objects.get(meeting=meeting, unit__code="czj")
    assert row.response == Response.SUBSTITUTE and row.substitute == "李副局长"
    body = text(client.get(page(meeting)))
    assert "李副局长" in body


def test_attendance_through_the_page(client, make_meeting):
    meeting = make_meeting("held")
    row = Invitee.objects.get(meeting=meeting, unit__code="gzw")
    login(client, "duban")
    response = act(client, meeting, "record_attendance", **{f"status_{row.pk}": "excused"})
    assert response.status_code == 400  # the reason is required, and kept on the page
    assert 'data-testid="attendance-form"' in text(response)
    response = act(
        client,
        meeting,
        "record_attendance",
        **{f"status_{row.pk}": "present", f"attended_by_{row.pk}": "王主任"},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.attendance == Attendance.PRESENT and row.attended_by == "王主任"
    body = text(client.get(page(meeting)))
    assert 'data-testid="present-count">1<' in body
    login(client, "gzw")  # a handler cannot record it
    response = act(client, meeting, "record_attendance", **{f"status_{row.pk}": "absent"})
    assert response.status_code == 403


def test_minutes_decisions_countersign_and_issue_through_the_pages(
    client, make_meeting, units, people
):
    meeting = make_meeting("held")
    login(client, "duban")
    response = act(client, meeting, "write_minutes", text="会议听取了统战部的工作汇报。")
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Status.MINUTES_DRAFTED
    deadline = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    response = act(client, meeting, "add_decision", title="", lead_unit=units["gzw"].pk)
    assert response.status_code == 400
    response = act(
        client,
        meeting,
        "add_decision",
        title="制定统战工作考核办法",
        lead_unit=units["gzw"].pk,
        cooperating_units=[units["czj"].pk],
        deadline=deadline,
    )
    assert response.status_code == 302
    decision = Decision.objects.get(meeting=meeting)
    # A unit in two parts is refused with the service's message; the form keeps its input.
    response = act(
        client,
        meeting,
        "update_decision",
        decision=decision.pk,
        title="制定统战工作考核细则",
        lead_unit=units["gzw"].pk,
        cooperating_units=[units["gzw"].pk],
        deadline=deadline,
    )
    assert response.status_code == 400 and "制定统战工作考核细则" in text(response)
    response = act(
        client,
        meeting,
        "update_decision",
        decision=decision.pk,
        title="制定统战工作考核细则",
        lead_unit=units["gzw"].pk,
        deadline_working_days=30,
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.title == "制定统战工作考核细则" and decision.deadline_working_days == 30

    assert act(client, meeting, "request_countersign").status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Status.COUNTERSIGNING
    # The page says what issuing waits for; posting anyway is refused with the reason.
    body = text(client.get(page(meeting)))
    assert 'data-button="issue"' not in body
    assert 'data-testid="held-back"' in body and "市国资委" in body
    response = act(client, meeting, "issue")
    assert response.status_code == 403 and "会签" in text(response)

    login(client, "gzw")
    body = text(client.get(page(meeting)))
    assert 'data-testid="countersign-form"' in body
    response = act(client, meeting, "countersign", agree="no", comment="")
    assert response.status_code == 400  # an objection needs its opinion
    assert act(client, meeting, "countersign", agree="yes", comment="无意见").status_code == 302
    for code in ("tzb", "czj"):
        login(client, code)
        assert act(client, meeting, "countersign", agree="yes").status_code == 302
    assert {c.answer for c in meeting.countersignatures.all()} == {Answer.AGREED}

    login(client, "duban")
    response = act(client, meeting, "issue")
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Status.ISSUED and meeting.minutes_seq == 1
    body = text(client.get(page(meeting)))
    decision.refresh_from_db()
    assert 'data-testid="minutes-number"' in body and decision.task.number in body
    assert decision.task.get_absolute_url() in body  # the secretariat sees the task

    login(client, "gzw")  # the task is a draft: not in the unit's ledger yet, so no link
    body = text(client.get(page(meeting)))
    assert decision.task.number in body and decision.task.get_absolute_url() not in body

    login(client, "lingdao")
    assert act(client, meeting, "approve_tasks").status_code == 302
    login(client, "duban")
    assert act(client, meeting, "assign_tasks").status_code == 302
    decision.task.refresh_from_db()
    assert decision.task.status == TaskStatus.ASSIGNED
    login(client, "gzw")
    assert decision.task.get_absolute_url() in text(client.get(page(meeting)))


def test_an_objection_sends_the_minutes_back(client, make_meeting):
    meeting = make_meeting("countersigning")
    login(client, "czj")
    response = act(client, meeting, "countersign", agree="no", comment="经费来源需进一步明确")
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Status.MINUTES_DRAFTED
    login(client, "duban")
    assert "经费来源需进一步明确" in text(client.get(page(meeting)))


def test_the_secretary_words_the_notice(client, make_meeting):
    meeting = make_meeting("planned")
    login(client, "duban")
    body = text(client.get(page(meeting)))
    assert 'data-button="send_notice"' in body and "请在系统中回执" in body  # the usual wording
    wording = "定于本周五召开推进会，请各成员单位主要负责同志参加。"
    assert act(client, meeting, "send_notice", text=wording).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Status.NOTIFIED and meeting.notice_text == wording
    login(client, "gzw")
    assert wording in text(client.get(page(meeting)))


def test_cancel_needs_a_comment_and_keeps_the_page(client, make_meeting):
    meeting = make_meeting("notified")
    login(client, "duban")
    response = act(client, meeting, "cancel", comment="")
    assert response.status_code == 400
    assert "“取消会议”须填写理由" in text(response)
    response = act(client, meeting, "cancel", comment="与市委常委会时间冲突")
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Status.CANCELLED
    messages = [str(m) for m in client.get(page(meeting)).context["messages"]]
    assert any("取消会议" in m for m in messages)


def test_a_stale_button_is_refused(client, make_meeting, people):
    meeting = make_meeting("notified")
    login(client, "duban")
    version = meeting.version
    services.update_meeting(meeting, by=people["supervisor"], place="新的会议室")
    response = act(client, meeting, "hold", version=version)
    assert response.status_code == 409
    meeting.refresh_from_db()
    assert meeting.status == Status.NOTIFIED


def test_materials_are_downloaded_by_who_sees_the_meeting(client, make_meeting):
    meeting = make_meeting("notified")
    login(client, "duban")
    upload = SimpleUploadedFile("会议材料.txt", "一、工作汇报".encode())
    assert act(client, meeting, "attach", files=[upload]).status_code == 302
    f = meeting.files.get()
    login(client, "gzw")
    body = text(client.get(page(meeting)))
    assert "会议材料.txt" in body
    response = client.get(reverse("meetings:file", args=[f.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == "一、工作汇报"
    again = SimpleUploadedFile("会议材料.txt", "一、工作汇报".encode())
    assert act(client, meeting, "attach", files=[again]).status_code == 403


# ---- the text engine -----------------------------------------------------------------------


def minutes_docx():
    document = docx.Document()
    document.add_paragraph("市属国有企业统战工作联席会议纪要")
    document.add_paragraph("会议听取了各成员单位的工作汇报，研究了下一步工作。会议议定：")
    document.add_paragraph(
        "一、建立国有企业党外人才信息库，由市国资委牵头，市财政局配合，2027年6月底前完成。"
    )
    document.add_paragraph("二、落实党外代表人士培训经费，由市财政局牵头，2027年3月31日前完成。")
    document.add_paragraph("三、开展民营企业家座谈调研，由市工商联牵头，2027年9月底前完成。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_decisions_proposed_from_a_minutes_docx(client, make_meeting, units):
    meeting = make_meeting("held")
    login(client, "duban")
    upload = SimpleUploadedFile("纪要.docx", minutes_docx())
    response = client.post(
        reverse("meetings:act", args=[meeting.pk, "propose"]), {"upload": upload}
    )
    assert response.status_code == 302, text(response)
    proposals = list(Decision.objects.filter(meeting=meeting, state=DecisionState.PROPOSED))
    assert len(proposals) == 3
    first, second, third = proposals
    assert "党外人才信息库" in first.title and first.lead_unit == units["gzw"]
    assert list(first.cooperating_units.all()) == [units["czj"]]
    assert first.deadline == datetime.date(2027, 6, 30)
    assert "培训经费" in second.title and second.lead_unit == units["czj"]
    assert second.deadline == datetime.date(2027, 3, 31)
    # 工商联 is no unit of ours: the proposal names it for the secretary to settle.
    assert third.lead_unit is None and "工商联" in third.unmatched_units
    body = text(client.get(page(meeting)))
    assert body.count("data-proposal=") == 3
    assert 'data-testid="unmatched"' in body
    # Accept the first with a correction, drop the second.
    response = act(
        client,
        meeting,
        "accept_decision",
        decision=first.pk,
        title="建立国有企业党外人才信息库并动态更新",
        lead_unit=units["gzw"].pk,
        cooperating_units=[units["czj"].pk, units["steel"].pk],
        deadline="2027-06-30",
    )
    assert response.status_code == 302
    assert act(client, meeting, "drop_decision", decision=second.pk).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == DecisionState.ACCEPTED
    assert first.title == "建立国有企业党外人才信息库并动态更新"
    assert set(first.cooperating_units.all()) == {units["czj"], units["steel"]}
    assert second.state == DecisionState.DROPPED
    meeting.refresh_from_db()
    assert meeting.status == Status.MINUTES_DRAFTED
    assert meeting.files.filter(kind="minutes").exists()
    body = text(client.get(page(meeting)))
    assert body.count("data-proposal=") == 1 and "并动态更新" in body


def test_minutes_files_are_docx_pdf_txt_or_xlsx(client, make_meeting):
    meeting = make_meeting("held")
    login(client, "duban")
    sheet = SimpleUploadedFile("纪要.xls", b"\xd0\xcf\x11\xe0 not minutes")
    response = act(client, meeting, "write_minutes", text="会议纪要正文", files=[sheet])
    assert response.status_code == 400
    assert "“纪要.xls”不是 .txt、.docx、.xlsx 或 .pdf 文件" in text(response)
    assert "会议纪要正文" in text(response)  # the text typed is still there
    meeting.refresh_from_db()
    assert meeting.status == Status.HELD and not meeting.files.exists()
    minutes = SimpleUploadedFile("纪要.txt", "会议议定：一、……".encode())
    assert act(client, meeting, "write_minutes", text="", files=[minutes]).status_code == 302
    assert meeting.files.get().kind == "minutes"


def test_administrators_see_no_meetings(client, make_meeting):
    meeting = make_meeting("notified")
    login(client, "admin")
    assert client.get(reverse("meetings:list")).status_code == 403
    assert client.get(page(meeting)).status_code == 404


def test_proposing_on_empty_minutes_says_why(client, make_meeting):
    meeting = make_meeting("held")
    login(client, "duban")
    response = client.post(reverse("meetings:act", args=[meeting.pk, "propose"]), {})
    assert response.status_code == 400
    assert "请先起草或上传会议纪要" in text(response)


# ---- 我的待办 -------------------------------------------------------------------------------


def titles(user):
    return {title: count for title, count, _url in other_work.for_user(user)}


def test_the_to_do_page_lists_meeting_work(client, make_meeting, people):
    notified = make_meeting("notified", title="待回执的会议")
    counts = titles(people["gzw"])
    assert counts.get("会议：待回执") == 1
    services.respond(notified, by=people["gzw"], response="attending")
    assert "会议：待回执" not in titles(people["gzw"])
    countersigning = make_meeting("countersigning", title="待会签的会议")
    assert titles(people["czj"]).get("会议：会议纪要待会签") == 1
    assert titles(people["supervisor"]) == {}
    for code in ("tzb", "gzw", "czj"):
        services.countersign(countersigning, by=people[code])
    assert titles(people["supervisor"]).get("会议：待印发纪要") == 1
    services.issue(countersigning, by=people["supervisor"])
    assert titles(people["leader"]).get("会议：待批准的议定事项任务") == 1
    make_meeting("held", title="待写纪要的会议")
    assert titles(people["supervisor"]).get("会议：待起草纪要") == 1
    login(client, "czj")
    response = client.get(reverse("supervision:todo"))
    assert 'data-testid="other-work"' in text(response)


# ---- queries -------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [2, 10])
def test_the_list_query_count_does_not_grow(
    client, make_meeting, rows, django_assert_max_num_queries
):
    for n in range(rows):
        make_meeting("notified", title=f"第{n}次联席会议")
    login(client, "gzw")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("meetings:list"))
    assert text(response).count("次联席会议</a>") == rows


@pytest.mark.parametrize("rows", [2, 10])
def test_the_meeting_page_query_count_does_not_grow(
    client, make_meeting, units, people, rows, django_assert_max_num_queries
):
    guests = [{"name": f"嘉宾{n}"} for n in range(rows)]
    meeting = make_meeting("minutes_drafted", guests=guests)
    office = people["supervisor"]
    for n in range(rows):
        services.add_decision(
            meeting,
            by=office,
            title=f"议定事项{n}",
            lead_unit=units["czj"],
            deadline_working_days=10,
        )
    login(client, "duban")
    with django_assert_max_num_queries(16):
        response = client.get(page(meeting))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [2, 10])
def test_an_issued_meeting_page_query_count_does_not_grow(
    client, make_meeting, rows, django_assert_max_num_queries
):
    meeting = make_meeting("issued", guests=[{"name": f"嘉宾{n}"} for n in range(rows)])
    login(client, "gzw")  # a unit's handler: their units and the tasks they see are read once
    with django_assert_max_num_queries(17):
        response = client.get(page(meeting))
    assert text(response).count("data-invitee=") == 3 + rows


def test_agenda_and_guest_lines_as_secretaries_type_them():
    from django.utils import translation

    from taizhang.meetings.forms import parse_agenda, parse_guests

    assert parse_agenda("通报工作｜统战部\n\n研究经费|财政局\n其他事项") == [
        ("通报工作", "统战部"),
        ("研究经费", "财政局"),
        ("其他事项", ""),
    ]
    guests, wrong = parse_guests(
        "张教授，XX大学，党外专家\n李总, XX公司, 企业家\n王某\n赵某，某地，嘉宾"
    )
    assert [(g["name"], g["affiliation"], g["kind"]) for g in guests] == [
        ("张教授", "XX大学", "expert"),
        ("李总", "XX公司", "entrepreneur"),
        ("王某", "", "other"),
    ]
    assert wrong == ["4"]
    with translation.override("en"):  # the kind's label in the page's language
        guests, wrong = parse_guests("Prof. Zhang, XX University, Non-party expert")
    assert guests[0]["kind"] == "expert" and not wrong


def test_header_and_buttons_follow_the_state_and_action(client, make_meeting):
    """The 会签 deadline shows while countersigning only; 取消会议 is the red button."""
    countersigning = make_meeting("countersigning", title="会签中的会议")
    issued = make_meeting("issued", title="已印发的会议")
    planned = make_meeting("planned", title="计划中的会议")
    login(client, "duban")
    assert "会签截止：" in text(client.get(page(countersigning)))
    assert issued.countersign_due and "会签截止：" not in text(client.get(page(issued)))
    body = text(client.get(page(planned)))
    cancel = body[body.index('data-button="cancel"') :]
    assert cancel.index("btn-outline-danger") < cancel.index("</form>")
    send = body[body.index('data-button="send_notice"') :]
    assert send.index("btn-primary") < send.index("</form>")


def test_editing_a_guest_saves_the_change_and_keeps_the_others(client, units, people):
    """Guests are matched by name: a changed organisation, kind or contact is saved; a guest
    left as they were keeps their reply and attendance."""
    login(client, "duban")
    client.post(reverse("meetings:new"), plan_data(units, people))
    meeting = Meeting.objects.get()
    li = meeting.invitees.get(guest_name="李总")
    Invitee.objects.filter(pk=li.pk).update(response=Response.DECLINED, response_comment="出差")
    url = reverse("meetings:edit", args=[meeting.pk])
    form = client.get(url).context["form"]
    assert "张教授，XX大学，党外专家" in form.initial["guests"]
    meeting.refresh_from_db()
    data = plan_data(
        units,
        people,
        version=meeting.version,
        guests="张教授，XX师范大学，企业家，13900000000\n李总，XX科技公司，企业家",
    )
    assert client.post(url, data).status_code == 302
    zhang = meeting.invitees.get(guest_name="张教授")
    assert (zhang.guest_affiliation, zhang.guest_kind, zhang.guest_contact) == (
        "XX师范大学",
        "entrepreneur",
        "13900000000",
    )
    kept = meeting.invitees.get(guest_name="李总")
    assert (kept.pk, kept.response, kept.response_comment) == (li.pk, Response.DECLINED, "出差")
    assert (
        "张教授，XX师范大学，企业家，13900000000"
        in client.get(url).context["form"].initial["guests"]
    )


def test_absence_reasons_are_for_the_secretariat_leaders_and_the_unit_itself(
    client, make_meeting, people
):
    meeting = make_meeting("notified")
    services.respond(meeting, by=people["czj"], response="declined", comment="外出学习调研")
    for name, shown in (("duban", True), ("lingdao", True), ("czj", True), ("gzw", False)):
        login(client, name)
        body = text(client.get(page(meeting)))
        assert ("外出学习调研" in body) is shown, name
        row = body[body.index('data-invitee="市财政局"') :]
        assert "请假" in row[: row.index("</tr>")], name  # everyone sees that it is 请假


def _form_html(body, testid):
    start = body.index(f'data-testid="{testid}"')
    return body[start : body.index("</form>", start)]


def test_two_units_reply_from_pages_opened_at_the_same_time(client, make_meeting):
    """One's own 回执 carries no version: another unit's answer in between is no conflict."""
    meeting = make_meeting("notified")
    url = reverse("meetings:act", args=[meeting.pk, "respond"])
    forms = {}
    for name in ("gzw", "czj"):
        login(client, name)
        forms[name] = _form_html(text(client.get(page(meeting))), "respond-form")
        assert 'name="version"' not in forms[name]
    login(client, "gzw")
    assert client.post(url, {"response": "attending"}).status_code == 302
    login(client, "czj")
    response = client.post(url, {"response": "declined", "comment": "外出调研"})
    assert response.status_code == 302
    replies = dict(
        meeting.invitees.filter(unit__isnull=False).values_list("unit__code", "response")
    )
    assert (replies["gzw"], replies["czj"]) == (Response.ATTENDING, Response.DECLINED)


def test_two_units_countersign_from_pages_opened_at_the_same_time(client, make_meeting):
    meeting = make_meeting("countersigning")
    url = reverse("meetings:act", args=[meeting.pk, "countersign"])
    for name in ("gzw", "czj"):
        login(client, name)
        assert 'name="version"' not in _form_html(
            text(client.get(page(meeting))), "countersign-form"
        )
    login(client, "gzw")
    assert client.post(url, {"agree": "yes"}).status_code == 302
    login(client, "czj")
    assert client.post(url, {"agree": "no", "comment": "经费来源需明确"}).status_code == 302
    answers = dict(
        meeting.countersignatures.filter(round=meeting.countersign_round).values_list(
            "unit__code", "answer"
        )
    )
    assert (answers["gzw"], answers["czj"]) == (Answer.AGREED, Answer.DISAGREED)


def test_the_attendance_form_sends_no_version(client, make_meeting):
    meeting = make_meeting("held")
    login(client, "duban")
    assert 'name="version"' not in _form_html(text(client.get(page(meeting))), "attendance-form")


def test_the_secretary_takes_the_minutes_back_from_countersigning(client, make_meeting):
    """撤回会签: a button of the secretariat's during 会签, with its comment box."""
    meeting = make_meeting("countersigning")
    login(client, "gzw")
    assert 'data-button="withdraw_countersign"' not in text(client.get(page(meeting)))
    login(client, "duban")
    body = text(client.get(page(meeting)))
    start = body.index('data-button="withdraw_countersign"')
    button = body[start : body.index("</form>", start)]
    assert 'name="comment"' in button and "<textarea" in button
    response = act(client, meeting, "withdraw_countersign", comment="")
    assert response.status_code == 400
    meeting.refresh_from_db()
    assert meeting.status == Status.COUNTERSIGNING
    response = act(client, meeting, "withdraw_countersign", comment="纪要第二条表述需修改")
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Status.MINUTES_DRAFTED
    assert "纪要第二条表述需修改" in text(client.get(page(meeting)))
