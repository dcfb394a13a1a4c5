"""What a review of the meetings found, each pinned: 会签 cannot be stepped over, phone
sign-in writes each row once, people answering at once do not conflict, the chair is told
once, proposals are replaced, and the inputs that used to be guessed are refused."""

import datetime

import pytest
from django.utils import timezone

from conftest import make_user
from taizhang.meetings import rules, services
from taizhang.meetings.choices import Action, Attendance, DecisionState, Status
from taizhang.meetings.models import Decision, Meeting
from taizhang.notify.models import Notification
from taizhang.org.choices import Role
from taizhang.supervision.models import Task
from taizhang.utils.errors import Conflict, NotAllowed, WorkflowError

pytestmark = pytest.mark.django_db


def _office_meeting(people, units, **extra):
    """An office meeting without a mechanism, held today, with two decisions."""
    office = people["supervisor"]
    meeting = services.create_meeting(
        by=office,
        kind="office",
        title="主任办公会",
        date=timezone.localdate(),
        invited_units=["gzw", "czj"],
        **extra,
    )
    services.hold(meeting, by=office)
    services.add_decision(
        meeting, by=office, title="修订会议制度", lead_unit="gzw", deadline_working_days=10
    )
    return meeting


def test_an_objection_is_answered_by_a_new_round_not_by_issuing(people, units):
    office = people["supervisor"]
    meeting = _office_meeting(people, units)
    services.request_countersign(meeting, by=office)
    services.countersign(meeting, by=people["czj"])
    services.countersign(meeting, by=people["gzw"], agree=False, comment="时限过紧")
    with pytest.raises(NotAllowed, match="重新发起会签"):
        services.issue(meeting, by=office)
    services.request_countersign(meeting, by=office)
    for code in ("gzw", "czj"):
        services.countersign(meeting, by=people[code])
    services.issue(meeting, by=office)
    assert Meeting.objects.get(pk=meeting.pk).status == Status.ISSUED


def test_taking_the_minutes_back_needs_a_new_round(people, units):
    office = people["supervisor"]
    meeting = _office_meeting(people, units)
    services.request_countersign(meeting, by=office)
    with pytest.raises(WorkflowError):
        services.withdraw_countersign(meeting, by=office)  # says why
    services.withdraw_countersign(meeting, by=office, comment="第一项表述有误")
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.status == Status.MINUTES_DRAFTED
    assert Notification.objects.filter(recipient=people["gzw"], body="第一项表述有误").exists()
    with pytest.raises(NotAllowed):
        services.issue(meeting, by=office)


def test_a_mechanisms_countersigning_members_are_always_asked(make_meeting, people):
    meeting = make_meeting("minutes_drafted")
    services.request_countersign(meeting, by=people["supervisor"], units=["czj", "steel"])
    asked = {c.unit.code for c in Meeting.objects.get(pk=meeting.pk).countersignatures.all()}
    assert asked == {"tzb", "gzw", "czj", "steel"}


def test_units_answering_at_once_do_not_conflict(make_meeting, people):
    meeting = make_meeting("notified")
    seen = meeting.version  # both pages were opened before either answered
    services.respond(meeting, by=people["gzw"], response="attending", version=seen)
    services.respond(meeting, by=people["czj"], response="attending", version=seen)
    services.hold(meeting, by=people["supervisor"], version=seen)  # the secretary's page too
    meeting = make_meeting("countersigning", title="会签中的会议")
    seen = meeting.version
    services.countersign(meeting, by=people["gzw"], version=seen)
    services.countersign(meeting, by=people["czj"], version=seen)
    services.countersign(meeting, by=people["tzb"], version=seen)
    services.issue(meeting, by=people["supervisor"], version=seen)


def test_phone_sign_in_writes_each_row_once_and_names_who_signed(make_meeting, people, units):
    meeting = make_meeting("notified")
    office = people["supervisor"]
    services.record_attendance(meeting, by=office, unit="czj", status="excused", reason="外出学习")
    czj = meeting.invitees.get(unit=units["czj"])
    with pytest.raises(WorkflowError, match="请假"):
        services.sign_in(meeting, token=meeting.sign_in_token, invitee=czj, name="冒名者")
    gzw = meeting.invitees.get(unit=units["gzw"])
    services.sign_in(
        meeting, token=meeting.sign_in_token, invitee=gzw, name="张科长", by=people["gzw"]
    )
    with pytest.raises(WorkflowError, match="出席"):
        services.sign_in(meeting, token=meeting.sign_in_token, invitee=gzw, name="李四")
    gzw.refresh_from_db()
    czj.refresh_from_db()
    assert (gzw.attended_by, czj.attendance) == ("张科长", Attendance.EXCUSED)
    event = meeting.events.filter(action=Action.RECORD_ATTENDANCE, unit=units["gzw"]).get()
    assert event.actor == people["gzw"]


def test_one_person_unit_or_guest_at_a_time(make_meeting, people):
    meeting = make_meeting("held")
    office = people["supervisor"]
    with pytest.raises(WorkflowError):
        services.record_attendance(meeting, by=office, person="gzw", unit="gzw", status="present")
    walk_in = services.record_attendance(meeting, by=office, guest="王教授", status="present")
    assert walk_in.is_guest
    again = services.record_attendance(meeting, by=office, person="王教授", status="absent")
    assert again.pk == walk_in.pk  # an invited guest is found by name
    account = services.record_attendance(meeting, by=office, person="steel", status="present")
    assert account.user == people["steel"]


def test_attendance_waits_for_the_meetings_day(make_meeting, people, today):
    meeting = make_meeting("notified", date=today + datetime.timedelta(days=2))
    with pytest.raises(NotAllowed, match=str(meeting.date)):
        services.record_attendance(meeting, by=people["supervisor"], unit="gzw", status="present")


def test_the_chair_is_told_once_of_all_the_tasks(make_meeting, people):
    other_leader = make_user(people["leader"].organisation, "fuzhuren", Role.LEADER)
    make_meeting("issued")
    chair_notes = Notification.objects.filter(recipient=people["leader"])
    assert chair_notes.filter(title__startswith="议定事项待批准").count() == 1
    assert not chair_notes.filter(title__startswith="待审核").exists()
    assert not Notification.objects.filter(recipient=other_leader).exists()


def test_an_absent_chair_does_not_block_approval(make_meeting, people):
    meeting = make_meeting("issued")
    chair = people["leader"]
    chair.is_active = False
    chair.save(update_fields=["is_active"])
    deputy = make_user(chair.organisation, "fuzhuren", Role.LEADER)
    assert rules.can(deputy, Action.APPROVE_TASKS, services.locked(meeting.pk))


def test_a_new_reading_replaces_the_waiting_proposals(make_meeting, people):
    meeting = make_meeting("held")
    office = people["supervisor"]
    services.write_minutes(
        meeting,
        by=office,
        text=(
            "会议议定事项如下：\n"
            "一、建立市属国有企业建言献策工作室。由市国资委牵头，市财政局配合，"
            "2027年6月30日前完成。\n"
            "二、编制年度统战工作要点。由市委统战部牵头，2027年3月底前完成。\n"
        ),
    )
    first, _w = services.propose_decisions(meeting, by=office)
    second, _w = services.propose_decisions(meeting, by=office)
    assert len(first) == len(second) >= 1
    proposed = Decision.objects.filter(meeting=meeting, state=DecisionState.PROPOSED)
    assert proposed.count() == len(second)


def test_a_decisions_units_and_deadline_are_checked_against_what_it_has(
    make_meeting, people, today
):
    meeting = make_meeting("minutes_drafted")
    office = people["supervisor"]
    decision = meeting.decisions.get(title="建立建言献策工作室")  # led by 国资委
    with pytest.raises(WorkflowError, match="一种角色"):
        services.update_decision(decision, by=office, responsible_units=["gzw"])
    with pytest.raises(WorkflowError, match="不能同时"):
        services.update_decision(
            decision,
            by=office,
            deadline=today + datetime.timedelta(days=9),
            deadline_working_days=5,
        )
    services.update_decision(decision, by=office, deadline_working_days=15)
    decision.refresh_from_db()
    assert (decision.deadline, decision.deadline_working_days) == (None, 15)


def test_minutes_recorded_after_the_fact_are_numbered_in_their_year(people, units, today):
    office = people["supervisor"]
    day = datetime.date(today.year - 1, 12, 10)
    meeting = services.create_meeting(
        by=office, kind="consultation", title="会商会", date=day, invited_units=["gzw"]
    )
    services.hold(meeting, by=office)
    services.write_minutes(meeting, by=office, text="会商意见形成专报。")
    with pytest.raises(WorkflowError):
        services.issue(meeting, by=office, issued_on=day - datetime.timedelta(days=1))
    services.issue(meeting, by=office, issued_on=day + datetime.timedelta(days=5))
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert (meeting.minutes_year, meeting.minutes_seq) == (today.year - 1, 1)
    assert timezone.localdate(meeting.issued_at) == day + datetime.timedelta(days=5)
    assert meeting.status == Status.CLOSED  # nothing to follow
    assert not Task.objects.exists()


def test_the_units_still_to_answer_are_told_when_one_objects(make_meeting, people):
    meeting = make_meeting("countersigning")
    services.countersign(meeting, by=people["tzb"])
    services.countersign(meeting, by=people["czj"], agree=False, comment="经费来源需明确")
    told = Notification.objects.filter(title__startswith="纪要退回修改")
    assert [n.recipient for n in told] == [people["gzw"]]
    assert "经费来源需明确" in told.get().body


def test_a_second_click_on_issue_says_it_was_issued(make_meeting, people):
    meeting = make_meeting("countersigning")
    seen = meeting.version
    for code in ("tzb", "gzw", "czj"):
        services.countersign(meeting, by=people[code])
    services.issue(meeting, by=people["supervisor"], version=seen)
    with pytest.raises(Conflict, match="已印发"):
        services.issue(meeting, by=people["supervisor"], version=seen)


def test_no_empty_minutes(make_meeting, people):
    meeting = make_meeting("held")
    with pytest.raises(WorkflowError, match="纪要"):
        services.write_minutes(meeting, by=people["supervisor"], text="  ")


def test_the_deputy_finds_the_approval_on_the_to_do_page_when_the_chair_left(make_meeting, people):
    from taizhang.meetings.todo import todo_counts

    make_meeting("issued")
    chair = people["leader"]
    chair.is_active = False
    chair.save(update_fields=["is_active"])
    deputy = make_user(chair.organisation, "fuzhuren", Role.LEADER)
    [(title, count, _url)] = todo_counts(deputy)
    assert count == 1 and "批准" in title
