"""A 巡察整改 plan of the city: two aspects, three problems, four measures, and helpers that
walk a measure's task through the ledger's services (as the units and the office would)."""

import datetime

import pytest
from django.utils import timezone

from taizhang.rectification import services
from taizhang.rectification.models import Plan
from taizhang.supervision import services as ledger
from taizhang.supervision.models import Task


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def make_plan(org, units, people):
    """A draft plan: aspect 1 has problems 1 (two measures, 国资委 and 财政局) and 2 (one
    measure, 国资委); aspect 2 has problem 3 (one measure, 统战部)."""

    made = []

    def make(title="市委第三巡察组反馈问题整改方案", kind="circuit"):
        # Each plan answers a later inspection than the one before (what "earlier" means).
        made.append(title)
        inspected = -70 + 10 * len(made)
        office = people["supervisor"]
        plan = services.create_plan(
            by=office,
            title=title,
            kind=kind,
            office=units["office"],
            deadline=in_days(180),
            inspected_by="市委第三巡察组",
            inspected_on=in_days(inspected),
            feedback_on=in_days(inspected + 5),
            leader=people["leader"],
        )
        first = services.add_aspect(plan, by=office, title="落实统战工作责任制方面")
        second = services.add_aspect(plan, by=office, title="建言献策工作机制方面")
        p1 = services.add_problem(
            plan,
            by=office,
            aspect=first,
            description="国企统战工作责任落实不到位",
            wording="部分企业党委对统战工作重视不够",
            seriousness="serious",
            lead_unit=units["gzw"],
            units=[units["czj"]],
        )
        services.add_measure(p1, by=office, title="制定国企统战工作责任清单", deadline=in_days(60))
        services.add_measure(
            p1,
            by=office,
            title="落实统战工作经费",
            lead_unit=units["czj"],
            responsible_units=[],
            deadline=in_days(90),
        )
        p2 = services.add_problem(
            plan,
            by=office,
            aspect=first,
            description="联席会议制度运行不规范",
            lead_unit=units["gzw"],
        )
        services.add_measure(
            p2,
            by=office,
            title="每季度召开联席会议",
            kind="ongoing",
            cadence="quarterly",
            deadline=in_days(150),
        )
        p3 = services.add_problem(
            plan, by=office, aspect=second, description="建言献策台账不健全", lead_unit=units["tzb"]
        )
        services.add_measure(p3, by=office, title="建立建言献策专门台账", kind="immediate")
        return Plan.objects.get(pk=plan.pk)

    return make


@pytest.fixture
def launched(make_plan, people):
    """The plan approved by its head and its measures assigned."""
    plan = make_plan()
    services.approve(plan, by=people["leader"])
    services.assign(plan, by=people["supervisor"])
    return Plan.objects.get(pk=plan.pk)


@pytest.fixture
def verify(people):
    """Walk a measure's task from assigned to verified (closed) through the ledger."""

    def run(measure):
        walk_from_assigned(measure.task, people)

    return run


def walk_from_assigned(task, people):
    task = Task.objects.with_units().get(pk=task.pk)
    lead = people[task.lead_unit.code]
    ledger.sign_task(task, by=lead)
    ledger.report_progress(task, by=lead, percent=60, text="已制定工作方案。")
    ledger.submit_completion(task, by=lead, comment="已完成整改。")
    ledger.verify_task(task, by=people["supervisor"], confirm_unsigned=True)


@pytest.fixture
def api(client):
    """Call the API as a user with their own token: api("duban").get(url, **params)."""
    from conftest import PASSWORD

    class Caller:
        def __init__(self, username):
            response = client.post(
                "/api/auth/token",
                {"username": username, "password": PASSWORD},
                content_type="application/json",
            )
            assert response.status_code == 200, response.content
            self.auth = {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}

        def get(self, url, **params):
            return client.get(url, params, **self.auth)

        def post(self, url, data=None):
            return client.post(url, data or {}, content_type="application/json", **self.auth)

    return Caller
