"""Minutes recorded as their decisions alone (the API's way) may go to 会签; a meeting with
neither text, file nor decision may not."""

import datetime

import pytest
from django.utils import timezone

from taizhang.meetings import rules, services
from taizhang.meetings.choices import Action, Status
from taizhang.utils.errors import NotAllowed

pytestmark = pytest.mark.django_db


def test_decisions_alone_are_minutes(make_meeting, people, units):
    office = people["supervisor"]
    meeting = make_meeting("held")
    assert rules.why_not(office, Action.REQUEST_COUNTERSIGN, meeting)  # held, not drafted
    services.add_decision(
        meeting,
        by=office,
        title="建立建言献策工作室",
        lead_unit=units["gzw"],
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )
    meeting.refresh_from_db()
    services.request_countersign(meeting, by=office)
    meeting.refresh_from_db()
    assert meeting.status == Status.COUNTERSIGNING


def test_no_minutes_at_all_cannot_be_countersigned(make_meeting, people):
    office = people["supervisor"]
    meeting = make_meeting("held")
    decision = services.add_decision(meeting, by=office, title="待定事项")
    services.drop_decision(decision, by=office)
    meeting.refresh_from_db()
    assert meeting.status == Status.MINUTES_DRAFTED
    with pytest.raises(NotAllowed):
        services.request_countersign(meeting, by=office)
