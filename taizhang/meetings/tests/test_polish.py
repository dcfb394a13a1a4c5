"""The tester's walk in a real browser, fixed: every round of 会签 in sight, errors shown
once, our own wording for too long fields, attendance saved in one go, the small things."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from taizhang.meetings import services
from taizhang.meetings.models import Meeting
from taizhang.meetings.tests.test_pages import act, login, page, text

pytestmark = pytest.mark.django_db


def plain(response):
    """The page's text without its tags, spaces folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text(response)))


# ---- 2. every round of 会签 ---------------------------------------------------------------


def test_an_objection_stays_in_sight_after_the_new_round(client, make_meeting, people):
    meeting = make_meeting("countersigning")
    login(client, "czj")
    act(client, meeting, "countersign", agree="no", comment="经费来源需进一步明确")
    # 国资委 had not answered: its round is over, it gets no form.
    login(client, "gzw")
    body = text(client.get(page(meeting)))
    assert "本轮会签已结束" in body and 'data-testid="countersign-form"' not in body
    # The secretary is told who objected and why, and that a new round is needed.
    login(client, "duban")
    body = text(client.get(page(meeting)))
    banner = body[body.index('data-testid="round-ended"') : body.index("data-round=")]
    assert "市财政局" in banner and "经费来源需进一步明确" in banner and "新一轮会签" in banner
    services.request_countersign(meeting, by=people["supervisor"])
    body = plain(client.get(page(meeting)))
    assert 'data-testid="round-ended"' not in text(client.get(page(meeting)))
    # Newest first: 第2轮 waits, 第1轮 keeps 财政局's 不同意 with its opinion.
    assert body.index("第2轮") < body.index("第1轮")
    first = body[body.index("第1轮", body.index("第2轮")) :]
    assert "市财政局 不同意" in first and "经费来源需进一步明确" in first


def test_a_withdrawn_round_tells_the_secretary(client, make_meeting):
    meeting = make_meeting("countersigning")
    login(client, "duban")
    act(client, meeting, "withdraw_countersign", comment="纪要第二条表述需修改")
    body = plain(client.get(page(meeting)))
    assert "会签已撤回" in body and "纪要第二条表述需修改" in body and "新一轮会签" in body
    login(client, "gzw")
    assert "本轮会签已结束" in text(client.get(page(meeting)))


# ---- 4. each error once -------------------------------------------------------------------


def test_each_error_shows_once(client, make_meeting):
    meeting = make_meeting("notified")
    login(client, "gzw")
    response = act(client, meeting, "respond", response="substitute", substitute="")
    assert response.status_code == 400
    assert text(response).count("请填写代会人员") == 1
    assert "请更正下方标出的内容" in text(response)
    services.hold(meeting, by=meeting.created_by)
    login(client, "duban")
    bad = SimpleUploadedFile("纪要.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(
        reverse("meetings:act", args=[meeting.pk, "write_minutes"]),
        {"text": "会议纪要", "files": bad, "version": Meeting.objects.get(pk=meeting.pk).version},
    )
    assert response.status_code == 400
    errors = re.findall(r'invalid-feedback d-block">([^<]+)<', text(response))
    assert errors and len(errors) == len(set(errors))
    assert errors[0] not in plain(response).split("请更正下方标出的内容")[0]


def test_an_objection_without_its_opinion_says_so_once(client, make_meeting):
    meeting = make_meeting("countersigning")
    login(client, "czj")
    response = act(client, meeting, "countersign", agree="no", comment="")
    assert response.status_code == 400
    assert text(response).count("请填写不同意的具体意见") == 1


def test_the_mechanism_page_shows_a_refusal_once(client, mechanism):
    login(client, "duban")
    url = reverse("meetings:mechanism", args=[mechanism.pk])
    response = client.post(url, {"op": "member", "unit": mechanism.convening_unit_id, "role": ""})
    errors = re.findall(
        r"(?:invalid-feedback d-block[^>]*|alert[^>]*)>\s*([^<]+?)\s*<", text(response)
    )
    assert errors and len(errors) == len(set(errors)), errors


# ---- 5. a form's words --------------------------------------------------------------------


def test_a_title_too_long_and_a_guest_without_a_name(client, make_meeting, mechanism):
    meeting = make_meeting("planned")
    login(client, "duban")
    url = reverse("meetings:edit", args=[meeting.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and not hasattr(v, "pk")}
    data.update(title="长" * 10000, guests="，XX大学，党外专家\n王某，某地，嘉宾")
    response = client.post(url, data)
    body = text(response)
    assert "最多 200 个字（现为 10000 个）" in body and "变量" not in body
    assert "第1行缺少姓名" in body and "第2行格式有误" in body


# ---- 6. attendance in one go --------------------------------------------------------------


def test_the_whole_attendance_in_one_save(client, make_meeting):
    from taizhang.meetings.choices import Attendance
    from taizhang.meetings.models import Invitee

    meeting = make_meeting("held")
    rows = {i.unit.code: i for i in Invitee.objects.filter(meeting=meeting).select_related("unit")}
    login(client, "duban")
    body = text(client.get(page(meeting)))
    # Unrecorded rows choose nothing yet (not 出席).
    assert body.count('data-testid="attendance-row"') == 3
    assert 'value="present" selected' not in body
    data = {
        f"status_{rows['tzb'].pk}": "present",
        f"status_{rows['gzw'].pk}": "present",
        f"attended_by_{rows['gzw'].pk}": "王海峰",
        f"status_{rows['czj'].pk}": "excused",  # no reason: the whole sheet is refused
    }
    response = act(client, meeting, "record_attendance", **data)
    assert response.status_code == 400
    assert {i.attendance for i in Invitee.objects.filter(meeting=meeting)} == {""}
    assert "王海峰" in text(response)  # what was typed stays
    data[f"reason_{rows['czj'].pk}"] = "外出学习"
    assert act(client, meeting, "record_attendance", **data).status_code == 302
    got = {
        i.unit.code: (i.attendance, i.attended_by) for i in Invitee.objects.filter(meeting=meeting)
    }
    assert got == {
        "tzb": (Attendance.PRESENT, ""),
        "gzw": (Attendance.PRESENT, "王海峰"),
        "czj": (Attendance.EXCUSED, ""),
    }
    # Saved again unchanged: nothing is recorded twice.
    events = meeting.events.count()
    assert act(client, meeting, "record_attendance", **data).status_code == 302
    assert meeting.events.count() == events


def test_a_refused_row_undoes_the_sheet(client, make_meeting, monkeypatch):
    from taizhang.meetings.models import Invitee
    from taizhang.utils.errors import WorkflowError

    meeting = make_meeting("held")
    rows = {i.unit.code: i for i in Invitee.objects.filter(meeting=meeting).select_related("unit")}
    real = services.record_attendance

    def refuse_czj(meeting, *, invitee, **kwargs):
        if invitee.unit.code == "czj":
            raise WorkflowError("不能登记")
        return real(meeting, invitee=invitee, **kwargs)

    monkeypatch.setattr(services, "record_attendance", refuse_czj)
    login(client, "duban")
    data = {f"status_{rows[c].pk}": "present" for c in ("tzb", "gzw", "czj")}
    response = act(client, meeting, "record_attendance", **data)
    assert response.status_code == 400 and "市财政局：不能登记" in text(response)
    assert {i.attendance for i in Invitee.objects.filter(meeting=meeting)} == {""}


# ---- 7. small things ----------------------------------------------------------------------


def test_the_notice_button_after_a_notice_and_the_optional_approval_comment(client, make_meeting):
    planned = make_meeting("planned", title="计划中的会议")
    notified = make_meeting("notified", title="已通知的会议")
    login(client, "duban")
    assert "再次发送通知" not in text(client.get(page(planned)))
    assert "再次发送通知" in text(client.get(page(notified)))
    issued = make_meeting("issued", title="已印发的会议")
    login(client, "lingdao")
    body = text(client.get(page(issued)))
    form = body[body.index('data-button="approve_tasks"') :].split("</form>")[0]
    assert 'name="comment"' in form and "选填" in form
    assert act(client, issued, "approve_tasks", comment="请抓紧落实").status_code == 302
    assert issued.events.filter(comment="请抓紧落实").exists()


def test_the_todo_links_open_the_list_of_that_work(client, make_meeting, people):
    from taizhang.meetings.todo import todo_counts

    held = make_meeting("held", title="待起草纪要的会议")
    make_meeting("planned", title="计划中的会议")
    login(client, "duban")
    (title, count, url), *_rest = [w for w in todo_counts(people["supervisor"]) if "纪要" in w[0]]
    assert url.endswith("?work=minutes") and count == 1
    body = text(client.get(url))
    assert held.title in body and "计划中的会议" not in body


def test_a_substitute_reads_the_same_in_reply_and_attendance(client, make_meeting, people):
    meeting = make_meeting("notified")
    services.respond(meeting, by=people["gzw"], response="substitute", substitute="王海峰")
    login(client, "duban")
    body = plain(client.get(page(meeting)))
    assert "王海峰（代会）" in body and "代会 王海峰" not in body
    services.hold(meeting, by=people["supervisor"])
    services.record_attendance(
        meeting, by=people["supervisor"], unit="gzw", status="present", attended_by="王海峰"
    )
    body = text(client.get(page(meeting)))
    attendance = body[body.index('data-invitee="市国资委"') :].split("</tr>")[0]
    assert attendance.count("王海峰（代会）") == 2  # the reply and the attendance


def test_the_attendance_chart_leaves_room_for_a_full_bar(client, make_meeting):
    from taizhang.meetings.stats_views import _attendance_chart

    assert _attendance_chart([])["grid"]["right"] >= 48


def test_an_empty_month_says_so_on_a_phone(client, make_meeting):
    make_meeting("planned")
    login(client, "duban")
    empty = text(client.get(reverse("meetings:calendar"), {"month": "2001-01"}))
    assert 'data-testid="phone-empty"' in empty
    assert 'data-testid="phone-empty"' not in text(client.get(reverse("meetings:calendar")))
