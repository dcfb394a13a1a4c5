"""The meeting's lifecycle through its services: the table as a matrix, 会签 with an
objection, issuing as one all-or-nothing step, and the decisions' tasks."""

import datetime

import pytest
from django.utils import timezone

from taizhang.meetings import rules, services
from taizhang.meetings.choices import Action, Answer, Attendance, DecisionState, Status
from taizhang.meetings.models import Decision, Meeting, MeetingEvent
from taizhang.meetings.tests.conftest import PATH
from taizhang.meetings.workflow import TRANSITIONS
from taizhang.notify.models import Notification
from taizhang.supervision.choices import SourceKind
from taizhang.supervision.choices import Status as TaskStatus
from taizhang.supervision.models import Task
from taizhang.utils.errors import Conflict, NotAllowed, WorkflowError

pytestmark = pytest.mark.django_db

ALL_STATES = [*PATH, "cancelled"]
# Who may take each table action, by the state the meeting is in; everyone else is refused.
EXPECTED = {
    Action.EDIT: {"planned": {"supervisor"}, "notified": {"supervisor"}},
    Action.SEND_NOTICE: {"planned": {"supervisor"}, "notified": {"supervisor"}},
    Action.RESPOND: {"notified": {"tzb", "gzw", "czj"}},
    Action.RECORD_ATTENDANCE: {
        s: {"supervisor"} for s in ("notified", "held", "minutes_drafted", "countersigning")
    },
    Action.HOLD: {"planned": {"supervisor"}, "notified": {"supervisor"}},
    Action.WRITE_MINUTES: {"held": {"supervisor"}, "minutes_drafted": {"supervisor"}},
    Action.REQUEST_COUNTERSIGN: {"minutes_drafted": {"supervisor"}},
    Action.COUNTERSIGN: {"countersigning": {"tzb", "gzw", "czj"}},
    Action.OBJECT: {"countersigning": {"tzb", "gzw", "czj"}},
    Action.WITHDRAW_COUNTERSIGN: {"countersigning": {"supervisor"}},
    Action.ISSUE: {},  # waits for every countersignature (below)
    Action.APPROVE_TASKS: {"issued": {"leader"}},
    Action.ASSIGN_TASKS: {},  # nothing approved yet
    Action.CLOSE: {},  # the daily job's
    Action.CANCEL: {"planned": {"supervisor"}, "notified": {"supervisor"}},
    Action.TO_SUGGESTION: {},  # a joint meeting is no exchange event
}
USERS = ["supervisor", "leader", "admin", "tzb", "gzw", "czj", "steel"]


def test_the_matrix_covers_the_table():
    assert set(EXPECTED) == set(TRANSITIONS)


@pytest.mark.parametrize("state", ALL_STATES)
def test_who_may_take_which_action_in_each_state(state, make_meeting, people):
    meeting = services.locked(make_meeting(state).pk)
    for action in TRANSITIONS:
        allowed = {u for u in USERS if rules.can(people[u], action, meeting)}
        assert allowed == EXPECTED[action].get(state, set()), (state, action)


def test_an_outsider_and_another_organisation_see_nothing(make_meeting, people, other_org):
    meeting = make_meeting("issued")
    assert not Meeting.objects.visible_to(people["steel"]).exists()  # not invited
    assert not Meeting.objects.visible_to(people["admin"]).exists()
    assert not Meeting.objects.visible_to(other_org["supervisor"]).exists()
    assert list(Meeting.objects.visible_to(people["gzw"])) == [meeting]
    assert list(Meeting.objects.visible_to(people["leader"])) == [meeting]


def test_notice_reaches_the_invited_units_handlers(make_meeting, people):
    meeting = make_meeting("notified")
    for code in ("tzb", "gzw", "czj"):
        note = Notification.objects.get(recipient=people[code])
        assert note.title.startswith("会议通知")
        assert meeting.title in note.title
    assert not Notification.objects.filter(recipient=people["steel"]).exists()
    assert meeting.date.isoformat() in Meeting.objects.get(pk=meeting.pk).notice_text


def test_replies_and_attendance(make_meeting, people, units):
    meeting = make_meeting("notified")
    services.respond(meeting, by=people["czj"], response="substitute", substitute="李副局长")
    services.respond(meeting, by=people["gzw"], response="declined", comment="同期召开党委会")
    with pytest.raises(WorkflowError):
        services.respond(meeting, by=people["tzb"], response="declined")  # no reason
    services.hold(meeting, by=people["supervisor"])
    gzw = meeting.invitees.get(unit=units["gzw"])
    assert gzw.attendance == Attendance.EXCUSED
    assert gzw.absence_reason == "同期召开党委会"
    services.record_attendance(
        meeting, by=people["supervisor"], unit="czj", status="present", attended_by="李副局长"
    )
    services.record_attendance(meeting, by=people["supervisor"], unit="tzb", status="present")
    guest = services.record_attendance(
        meeting, by=people["supervisor"], guest="王教授", status="present"
    )
    assert guest.is_guest  # walked in without an invitation: added to the list
    with pytest.raises(WorkflowError):
        services.record_attendance(meeting, by=people["supervisor"], unit="czj", status="excused")
    from taizhang.meetings.stats import meeting_attendance

    figures = meeting_attendance(Meeting.objects.get(pk=meeting.pk))
    assert (figures["invited"], figures["present"], figures["excused"]) == (4, 3, 1)
    assert figures["rate"] == 75.0


def test_a_meeting_cannot_be_held_before_its_day(make_meeting, people):
    meeting = make_meeting("notified", date=timezone.localdate() + datetime.timedelta(days=3))
    with pytest.raises(NotAllowed, match=str(meeting.date)):
        services.hold(meeting, by=people["supervisor"])


def test_countersign_with_one_unit_objecting(make_meeting, people):
    meeting = make_meeting("countersigning")
    office = people["supervisor"]
    services.countersign(meeting, by=people["tzb"], comment="同意")
    with pytest.raises(NotAllowed, match="国资委|财政局"):
        services.issue(meeting, by=office)
    with pytest.raises(WorkflowError):
        services.countersign(meeting, by=people["gzw"], agree=False)  # an objection says why
    services.countersign(meeting, by=people["gzw"], agree=False, comment="第一项时限过紧")
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.status == Status.MINUTES_DRAFTED
    assert Notification.objects.filter(recipient=office, body__contains="第一项时限过紧").exists()
    assert not Task.objects.exists()
    # The secretary revises and asks again: a fresh round that all must answer.
    decision = meeting.decisions.get(title="建立建言献策工作室")
    services.update_decision(decision, by=office, deadline_working_days=40, deadline=None)
    services.request_countersign(meeting, by=office)
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.countersign_round == 2
    assert {c.answer for c in rules.current_countersignatures(meeting)} == {Answer.PENDING}
    for code in ("tzb", "gzw", "czj"):
        services.countersign(meeting, by=people[code])
    services.issue(meeting, by=office)
    assert Meeting.objects.get(pk=meeting.pk).status == Status.ISSUED


def test_silent_units_are_deemed_to_agree_after_the_date(make_meeting, people):
    meeting = make_meeting("countersigning")
    services.countersign(meeting, by=people["tzb"])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    meeting.countersignatures.update(due=yesterday)  # the time to answer has run out
    services.issue(meeting, by=people["supervisor"])
    answers = {c.unit.code: c.answer for c in meeting.countersignatures.select_related("unit")}
    assert answers == {"tzb": Answer.AGREED, "gzw": Answer.DEEMED, "czj": Answer.DEEMED}


def test_issuing_makes_one_task_per_accepted_decision_and_is_idempotent(
    make_meeting, people, units
):
    meeting = make_meeting("countersigning")
    for code in ("tzb", "gzw", "czj"):
        services.countersign(meeting, by=people[code])
    services.issue(meeting, by=people["supervisor"])
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.minutes_seq == 1
    tasks = Task.objects.filter(meeting_decision__meeting=meeting).order_by("number")
    assert tasks.count() == 2
    room = tasks.get(title="建立建言献策工作室")
    assert room.source_kind == SourceKind.MEETING
    assert room.status == TaskStatus.DRAFT
    assert {tu.unit.code: tu.role for tu in room.task_units.select_related("unit")} == {
        "gzw": "lead",
        "steel": "cooperating",
    }
    assert meeting.minutes_number in room.source_ref
    with pytest.raises(Conflict):
        services.issue(meeting, by=people["supervisor"])
    assert Task.objects.count() == 2
    # The chair approves both in one go; the secretariat assigns both; the lead unit sees it.
    assert rules.can(people["leader"], Action.APPROVE_TASKS, services.locked(meeting.pk))
    services.approve_tasks(meeting, by=people["leader"])
    services.assign_tasks(meeting, by=people["supervisor"])
    assert set(Task.objects.values_list("status", flat=True)) == {TaskStatus.ASSIGNED}
    assert Task.objects.visible_to(people["gzw"]).get() == room


def test_a_crash_half_way_through_issuing_leaves_nothing(make_meeting, people, monkeypatch):
    meeting = make_meeting("countersigning")
    for code in ("tzb", "gzw", "czj"):
        services.countersign(meeting, by=people[code])
    real = services.tasks.create_task
    calls = []

    def create_then_fail(**fields):
        calls.append(fields["title"])
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(**fields)

    monkeypatch.setattr(services.tasks, "create_task", create_then_fail)
    with pytest.raises(RuntimeError):
        services.issue(meeting, by=people["supervisor"])
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.status == Status.COUNTERSIGNING
    assert meeting.minutes_seq is None
    assert not Task.objects.exists()
    assert not Decision.objects.filter(task__isnull=False).exists()
    monkeypatch.setattr(services.tasks, "create_task", real)
    services.issue(meeting, by=people["supervisor"])
    assert Task.objects.count() == 2
    assert Meeting.objects.get(pk=meeting.pk).minutes_seq == 1  # the failed try used no number


def test_minutes_are_numbered_per_mechanism_and_year(make_meeting, people):
    first = make_meeting("issued")
    second = make_meeting("issued", title="联络员会议")
    assert (first.minutes_seq, second.minutes_seq) == (1, 2)
    year = timezone.localdate().year
    assert second.minutes_number == f"〔{year}〕第2期"


def test_dropped_and_undecided_decisions(make_meeting, people, units):
    meeting = make_meeting("minutes_drafted")
    office = people["supervisor"]
    extra = Decision.objects.create(
        meeting=meeting, title="开展调研", state=DecisionState.PROPOSED, order=3
    )
    with pytest.raises(NotAllowed, match="逐条采纳或舍弃"):
        services.request_countersign(meeting, by=office)
    services.accept_decision(extra, by=office)  # kept, but it names no lead unit yet
    with pytest.raises(NotAllowed, match="开展调研"):
        services.request_countersign(meeting, by=office)
    services.drop_decision(extra, by=office)
    services.request_countersign(meeting, by=office)
    meeting = Meeting.objects.get(pk=meeting.pk)
    for code in ("tzb", "gzw", "czj"):
        services.countersign(meeting, by=people[code])
    services.issue(meeting, by=office)
    assert Task.objects.count() == 2
    with pytest.raises(NotAllowed):
        services.update_decision(extra, by=office, title="改")


def test_the_daily_job_reminds_and_closes(make_meeting, people):
    from taizhang.meetings.jobs import refresh_meetings

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    upcoming = make_meeting("notified", date=tomorrow, title="明天的联络员会议")
    signing = make_meeting("countersigning", title="待会签的会议")
    done = make_meeting("issued", title="已印发的会议")
    services.approve_tasks(done, by=people["leader"])
    services.assign_tasks(done, by=people["supervisor"])
    first = refresh_meetings.call()
    assert first["reminded"] == 2
    assert refresh_meetings.call()["reminded"] == 0  # once a day
    assert (
        Notification.objects.filter(recipient=people["gzw"], title__contains=upcoming.title).count()
        == 2
    )  # the notice, the reminder
    assert MeetingEvent.objects.filter(meeting=signing, action=Action.REMIND).count() == 1
    for task in Task.objects.filter(meeting_decision__meeting=done):
        task.status = TaskStatus.CLOSED
        task.save(update_fields=["status"])
    assert refresh_meetings.call()["closed"] == 1
    assert Meeting.objects.get(pk=done.pk).status == Status.CLOSED


def test_the_engine_proposes_decisions_from_the_minutes(make_meeting, people, units):
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
    proposed, _warnings = services.propose_decisions(meeting, by=office)
    by_title = {d.title: d for d in proposed}
    assert len(proposed) == 2, list(by_title)
    room = next(d for d in proposed if "工作室" in d.title)
    assert room.state == DecisionState.PROPOSED
    assert room.lead_unit == units["gzw"]
    assert list(room.cooperating_units.all()) == [units["czj"]]
    assert room.deadline == datetime.date(2027, 6, 30)
    plan = next(d for d in proposed if "要点" in d.title)
    assert plan.lead_unit == units["tzb"]
    assert plan.deadline == datetime.date(2027, 3, 31)


def test_minutes_files_are_text_the_engine_reads(make_meeting, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    meeting = make_meeting("held")
    sheet = SimpleUploadedFile("纪要.xls", b"\xd0\xcf\x11\xe0 old Excel")
    with pytest.raises(WorkflowError, match="纪要.xls"):
        services.write_minutes(meeting, by=people["supervisor"], files=[sheet])
    assert not meeting.files.exists()


def test_the_task_page_links_back_to_the_meeting(make_meeting, people):
    from taizhang.supervision import sources

    meeting = make_meeting("issued")
    services.approve_tasks(meeting, by=people["leader"])
    services.assign_tasks(meeting, by=people["supervisor"])
    task = Task.objects.get(title="建立建言献策工作室")
    [(label, url)] = sources.links_for(task, people["gzw"])
    assert meeting.title in label and meeting.minutes_number in label
    assert url == meeting.get_absolute_url()
    # The cooperating unit follows the task but was not invited: it sees where it came from,
    # not the meeting itself.
    [(label, url)] = sources.links_for(task, people["steel"])
    assert url == ""


def test_another_organisation_cannot_use_our_mechanism_or_units(mechanism, units, other_org):
    with pytest.raises(WorkflowError):
        services.create_meeting(
            by=other_org["supervisor"],
            kind="joint",
            title="越界的会议",
            date=timezone.localdate(),
            mechanism=mechanism.pk,
        )
    with pytest.raises(WorkflowError):
        services.create_meeting(
            by=other_org["supervisor"],
            kind="office",
            title="越界的会议",
            date=timezone.localdate(),
            invited_units=["gzw"],
        )
    assert not Meeting.objects.exists()
