"""Fixtures of the appraisal tests: last year's unit cycle of three units (so that every date
of its period is past whatever day the tests run), and a way to put a task's dates back into
that year."""

import datetime

import pytest
from django.utils import timezone

from taizhang.appraisal import services
from taizhang.supervision.models import Task, TaskEvent

YEAR = timezone.localdate().year - 1


def day(month, dom):
    return datetime.date(YEAR, month, dom)


def moment(value):
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time(10)))


@pytest.fixture
def backdate():
    """Put a task's deadline, assignment and closing (and its events) on the given days."""

    def move(task, *, deadline=None, assigned=None, closed=None, events=None):
        fields = {}
        if deadline:
            fields["deadline"] = deadline
        if assigned:
            fields["assigned_at"] = moment(assigned)
        if closed:
            fields["closed_at"] = moment(closed)
        Task.objects.filter(pk=task.pk).update(**fields)
        for action, when in (events or {}).items():
            TaskEvent.objects.filter(task=task, action=action).update(created_at=moment(when))
        return Task.objects.with_units().get(pk=task.pk)

    return move


@pytest.fixture
def new_cycle(people, units):
    """A unit cycle of last year over 党委统战部, 国资委 and 财政局, with its bands set."""

    def make(indicators, *, bands=None, title=None, smoothing=5, unit_codes=("tzb", "gzw", "czj")):
        office = people["supervisor"]
        cycle = services.create_cycle(
            by=office, title=title or f"{YEAR}年度部门考评", year=YEAR, smoothing=smoothing
        )
        services.set_units(cycle, by=office, units=list(unit_codes))
        for fields in indicators:
            services.add_indicator(cycle, by=office, **fields)
        services.set_bands(
            cycle,
            by=office,
            bands=bands or [("A", 90, 40), ("B", 80, None), ("C", 60, None), ("D", 0, None)],
        )
        return cycle

    return make


ON_TIME = {"name": "按期办结率", "kind": "computed", "metric": "on_time_rate", "weight": 40}
OVERDUE = {
    "name": "超期天数",
    "kind": "computed",
    "metric": "overdue_days",
    "weight": 10,
    "per_event": "0.5",
}
NO_QUOTA = [("A", 90, None), ("B", 80, None), ("C", 60, None), ("D", 0, None)]
PANEL = {"name": "考核小组评价", "kind": "manual", "scorer_kind": "panel", "weight": 100}


@pytest.fixture
def api(client, people):
    """Call the API as a user, with their own token: api("tzb").get(url)."""
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

    return Caller
