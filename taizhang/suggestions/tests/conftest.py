"""Submitters and a walker that takes a suggestion through the services to a given state."""

import pytest

from conftest import make_user
from taizhang.org.choices import Role
from taizhang.suggestions import services
from taizhang.suggestions.models import Suggestion


@pytest.fixture
def submitters(org, units):
    return {
        "jy1": make_user(org, "jy1", Role.SUBMITTER, units["steel"]),
        "jy2": make_user(org, "jy2", Role.SUBMITTER),
    }


# The walk: each state is reached from the previous one on this path.
PATH = ["submitted", "accepted", "assigned", "in_hand", "reply_review", "replied", "closed"]


@pytest.fixture
def make_suggestion(org, units, people, submitters):
    """A suggestion by jy1, walked to ``state``: one of PATH, or refused, merged, withdrawn,
    returned, adopted (closed and adopted), redo (rated dissatisfied, handled again)."""

    def make(state="submitted", *, title="建立产业链协同创新平台", reply_class="B", **extra):
        suggestion, _code = services.create_suggestion(
            by=submitters["jy1"],
            title=title,
            body="建议由市国资委牵头，组织钢铁、矿业企业共建产业链协同创新平台。",
            topic="产业发展",
            **extra,
        )
        walk(suggestion, state, people, submitters, units, reply_class)
        return Suggestion.objects.for_lists().get(pk=suggestion.pk)

    return make


def walk(suggestion, state, people, submitters, units, reply_class="B"):
    office, lead = people["supervisor"], people["tzb"]
    steps = {
        "accepted": lambda: services.accept(suggestion, by=office),
        "assigned": lambda: services.assign(
            suggestion,
            by=office,
            lead_unit=units["tzb"],
            joint_units=[units["gzw"]],
            assisting_units=[units["czj"]],
            deadline_working_days=10,
        ),
        "in_hand": lambda: [
            services.sign(suggestion, by=people[code]) for code in ("tzb", "gzw", "czj")
        ],
        "reply_review": lambda: services.reply(
            suggestion,
            by=lead,
            reply_class=reply_class,
            text="已纳入明年工作计划，将于年内组建平台。",
            promised_date="2027-06-30" if reply_class == "B" else None,
        ),
        "replied": lambda: services.approve_reply(suggestion, by=office),
        "closed": lambda: services.rate(suggestion, by=submitters["jy1"], rating="satisfied"),
    }
    if state == "refused":
        services.refuse(
            suggestion, by=office, reason_code="not_specific", comment="请补充具体做法。"
        )
        return
    if state == "withdrawn":
        services.withdraw(suggestion, by=submitters["jy1"])
        return
    if state == "merged":
        other, _code = services.create_suggestion(
            by=submitters["jy2"], title="共建产业链平台", body="建议共建产业链协同平台。"
        )
        services.merge(suggestion, by=office, into=other.pk)
        return
    target = {"returned": "assigned", "adopted": "closed", "redo": "replied"}.get(state, state)
    for step in PATH[1 : PATH.index(target) + 1]:
        steps[step]()
    if state == "returned":
        services.return_to_office(suggestion, by=lead, comment="不属于本单位职责。")
    if state == "adopted":
        services.adopt(suggestion, by=office, extent="whole")
    if state == "redo":
        services.rate(
            suggestion, by=submitters["jy1"], rating="dissatisfied", comment="没有时间表。"
        )
