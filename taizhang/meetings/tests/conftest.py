"""A joint-meeting mechanism and a walker that takes a meeting through the services."""

import datetime

import pytest
from django.utils import timezone

from taizhang.meetings import services
from taizhang.meetings.models import Meeting

# The walk: each state is reached from the previous one on this path.
PATH = ["planned", "notified", "held", "minutes_drafted", "countersigning", "issued"]


@pytest.fixture
def mechanism(org, units, people):
    """市属国有企业统战工作联席会议: 统战部 convenes; 国资委 and 财政局 are members."""
    return services.create_mechanism(
        by=people["supervisor"],
        name="市属国有企业统战工作联席会议",
        convening_unit=units["tzb"],
        member_units=[units["gzw"], units["czj"]],
    )


@pytest.fixture
def make_meeting(org, units, people, mechanism):
    """A joint meeting of the mechanism, today, walked to ``state`` (one of PATH, or
    cancelled). Its minutes carry two decisions led by 国资委 and 财政局."""

    def make(state="planned", *, date=None, title="市属国有企业统战工作推进会", **extra):
        meeting = services.create_meeting(
            by=people["supervisor"],
            kind="joint",
            title=title,
            date=date or timezone.localdate(),
            mechanism=mechanism,
            chair=people["leader"],
            **extra,
        )
        walk(meeting, state, people, units)
        return Meeting.objects.get(pk=meeting.pk)

    return make


def walk(meeting, state, people, units):
    office = people["supervisor"]
    deadline = timezone.localdate() + datetime.timedelta(days=60)
    steps = {
        "notified": lambda: services.send_notice(meeting, by=office),
        "held": lambda: services.hold(meeting, by=office),
        "minutes_drafted": lambda: [
            services.write_minutes(meeting, by=office, text="会议研究了建言献策工作。"),
            services.add_decision(
                meeting,
                by=office,
                title="建立建言献策工作室",
                lead_unit=units["gzw"],
                cooperating_units=[units["steel"]],
                deadline=deadline,
            ),
            services.add_decision(
                meeting,
                by=office,
                title="落实建言献策工作经费",
                lead_unit=units["czj"],
                deadline_working_days=20,
            ),
        ],
        "countersigning": lambda: services.request_countersign(meeting, by=office),
        "issued": lambda: (
            [services.countersign(meeting, by=people[code]) for code in ("tzb", "gzw", "czj")]
            and services.issue(meeting, by=office)
        ),
    }
    if state == "cancelled":
        services.cancel(meeting, by=office, comment="改期")
        return
    for step in PATH[1 : PATH.index(state) + 1]:
        steps[step]()
