"""The demo's meetings: the city's joint-meeting mechanism with its plan, the 推进会 held and
its minutes issued with the three decisions as live tasks, the exchange events with their
guests, the next meeting waiting to be held; the federation's ten consultations of 2022."""

import pytest

from taizhang.meetings import rules
from taizhang.meetings.choices import Action, Attendance, MeetingKind, Status
from taizhang.meetings.models import Mechanism, Meeting
from taizhang.org.models import User
from taizhang.supervision.choices import Light, SourceKind
from taizhang.supervision.choices import Status as TaskStatus

pytestmark = pytest.mark.django_db


def test_the_demo_meetings(client, demo):
    mechanism = Mechanism.objects.get(name="市属国有企业统战工作联席会议")
    assert mechanism.convening_unit.code == "tzb"
    members = {m.unit.code: m for m in mechanism.members.select_related("unit")}
    assert {"tzb", "gzw", "czj", "xxgt", "xxky"} <= set(members)
    assert all(m.contact_name for m in members.values())
    assert mechanism.plan.count() == 4

    plenary = Meeting.objects.get(mechanism=mechanism, title="全市国有企业统战工作推进会")
    assert plenary.status == Status.ISSUED and plenary.minutes_number
    assert plenary.planned_as.mechanism == mechanism
    agenda = [a.title for a in plenary.agenda.all()]
    assert any("建言献策工作室" in a for a in agenda) and any("XX矿业公司" in a for a in agenda)
    excused = plenary.invitees.get(attendance=Attendance.EXCUSED)
    assert excused.absence_reason
    assert plenary.invitees.filter(response="substitute", substitute="赵明远").exists()  # 代会
    assert not plenary.invitees.filter(response="pending").exists()  # every reply in
    decisions = list(plenary.decisions.select_related("task", "lead_unit"))
    assert len(decisions) == 3
    assert [d.lead_unit.code for d in decisions] == ["tzb", "gzw", "tzb"]
    assert all(
        d.cooperating_units.filter(code="czj").exists() for d in (decisions[0], decisions[2])
    )
    for decision in decisions:
        task = decision.task
        assert task.source_kind == SourceKind.MEETING
        assert task.status in TaskStatus.open_states()  # assigned, signed, in progress
        assert task.light != Light.NONE
    assert plenary.held_at.date() == plenary.date

    held = Meeting.objects.filter(
        organisation=mechanism.organisation, status__in=Status.held_states()
    )
    for kind in (MeetingKind.EXCHANGE, MeetingKind.SEMINAR):
        event = held.get(kind=kind)
        assert event.report and event.speakers.filter(unit__code="xxky").exists()
        assert event.invitees.filter(guest_kind__in=["expert", "entrepreneur"]).count() >= 2

    upcoming = Meeting.objects.get(mechanism=mechanism, status=Status.PLANNED)
    office = User.objects.get(username="city-duban")
    assert rules.can(office, Action.SEND_NOTICE, upcoming)
    assert rules.can(office, Action.HOLD, upcoming)  # on its day: holdable in the browser

    consultations = Meeting.objects.filter(
        organisation__code="jxl", kind=MeetingKind.CONSULTATION, date__year=2022
    )
    assert consultations.count() == 10
    assert set(consultations.values_list("status", flat=True)) == {Status.CLOSED}
    assert set(consultations.values_list("minutes_year", flat=True)) == {2022}
    assert all(m.invitees.exclude(attendance="").exists() for m in consultations)
    followed = [d.task for m in consultations for d in m.decisions.select_related("task")]
    assert [t.status for t in followed] == [TaskStatus.CLOSED]
    assert followed[0].closed_at.year == 2023

    # The member unit's handler sees the meeting and its decisions on the page.
    assert client.login(username="gzw", password="taizhang2026")
    assert plenary in Meeting.objects.visible_to(User.objects.get(username="gzw"))
