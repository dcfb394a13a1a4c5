"""The overview's figures on empty, partial and past periods, read from the history: what was
open and overdue on the period's last day, what was closed within it and whether on time; and
every figure's link lands on a ledger list of as many tasks."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from taizhang.reports import overview, periods
from taizhang.reports.models import ReportSettings
from taizhang.supervision.choices import Light
from taizhang.supervision.models import Task

pytestmark = pytest.mark.django_db
D = datetime.date


def ledger(user, period):
    return overview.ledger_figures(Task.objects.visible_to(user), period, user.organisation_id)


def figures(user, period):
    return ledger(user, period)["headline"]


def test_an_empty_ledger_counts_nothing_and_has_no_rate(people):
    found = figures(people["leader"], periods.parse("2022-11"))
    assert [found[k] for k in ("open", "overdue", "closed", "closed_on_time")] == [0, 0, 0, 0]
    assert found["on_time_rate"] is None


def test_a_past_month_reads_as_it_stood_at_its_end(history, people):
    found = figures(people["leader"], periods.parse("2022-11"))
    # Open on 11-30: the one closed late (in December) and the one assigned on 11-20.
    assert found["open"] == 2
    assert found["overdue"] == 1  # closed late: due 11-15, still open on 11-30
    assert found["closed"] == 1 and found["closed_on_time"] == 1
    assert found["on_time_rate"] == 1


def test_a_custom_period_reads_the_day_it_ends(history, people):
    found = figures(people["leader"], periods.parse("", "2022-11-01", "2022-11-03"))
    # On 11-03 the cancelled one (cancelled 11-05) was open and overdue (due 11-01).
    assert found["open"] == 3
    assert found["overdue"] == 1
    assert found["closed"] == 0 and found["on_time_rate"] is None


def test_a_year_counts_closing_late_against_the_rate(history, people):
    found = figures(people["leader"], periods.parse("2022"))
    assert found["closed"] == 2 and found["closed_on_time"] == 1
    assert found["on_time_rate"] == 0.5
    assert found["open"] == 2  # running and later, on 12-31


def test_by_lead_unit_ranks_and_adds_up(history, people, units, org):
    rows = ledger(people["leader"], periods.parse("2022"))["units"]
    by_code = {row["unit"].code: row for row in rows}
    assert set(by_code) == {"tzb", "gzw"}
    assert by_code["tzb"]["closed"] == 2 and by_code["tzb"]["open"] == 1
    assert by_code["gzw"]["open"] == 1 and by_code["gzw"]["closed"] == 0


def test_the_trend_has_twelve_months_and_counts_each_closing_once(history, people):
    months = overview.trend(Task.objects.visible_to(people["leader"]), periods.parse("2022-12"))
    assert len(months) == 12
    assert months[0]["month"] == D(2022, 1, 1) and months[-1]["month"] == D(2022, 12, 1)
    by_month = {m["month"].month: (m["closed"], m["on_time"]) for m in months}
    assert by_month[11] == (1, 1) and by_month[12] == (1, 0)
    assert sum(m["closed"] for m in months) == 2


def _listed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


@pytest.mark.parametrize("period", ["2022-11", "2022", "2022-11-01..2022-11-03"])
def test_every_link_lands_on_a_list_as_long_as_its_figure(client, history, people, org, period):
    client.force_login(people["leader"])
    chosen = periods.parse(period)
    tasks = Task.objects.visible_to(people["leader"])
    found = ledger(people["leader"], chosen)
    head = found["headline"]
    for name, url in head["links"].items():
        assert _listed(client, url) == head[name], name
    for row in found["units"]:
        for name in ("open", "overdue", "closed", "closed_on_time"):
            assert _listed(client, row["links"][name]) == row[name], (row["unit"].code, name)
    for row in found["sources"]:
        for name in ("open", "closed"):
            assert _listed(client, row["links"][name]) == row[name], (row["source"], name)
    for month in overview.trend(tasks, chosen):
        assert _listed(client, month["links"]["closed"]) == month["closed"]
        assert _listed(client, month["links"]["on_time"]) == month["on_time"]


def test_this_month_counts_what_is_open_now_and_lists_as_many(client, make_task, people):
    """The running period reads the open tasks as they are (history.open_on's shortcut for
    today): each figure equals its list."""
    make_task("in_progress", deadline=timezone.localdate() + datetime.timedelta(days=5))
    late = make_task("in_progress")
    # Past its deadline, and lit red as the daily job would light it.
    Task.objects.filter(pk=late.pk).update(
        deadline=timezone.localdate() - D.resolution, light=Light.RED
    )
    make_task("closed")
    make_task("cancelled")
    make_task("draft")
    chosen = periods.parse(None)
    found = ledger(people["leader"], chosen)
    head = found["headline"]
    assert (head["open"], head["overdue"], head["closed"]) == (2, 1, 1)
    client.force_login(people["leader"])
    for name, url in head["links"].items():
        assert _listed(client, url) == head[name], name
    (row,) = found["units"]
    assert row["now"] and row["lights"]["red"] == 1


@pytest.mark.parametrize(("hour", "minute", "on_time"), [(23, 59, True), (0, 1, False)])
def test_on_time_is_by_the_end_of_the_deadline_day_in_the_office(
    make_task, people, hour, minute, on_time
):
    """23:59 in Beijing on the deadline day is on time, though it is 15:59 UTC; a minute past
    midnight the next day is late."""
    task = make_task("closed")
    due = D(2022, 11, 15)
    day = due if on_time else due + D.resolution
    closed = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
    Task.objects.filter(pk=task.pk).update(deadline=due, closed_at=closed)
    found = figures(people["leader"], periods.parse("2022-11"))
    assert (found["closed"], found["closed_on_time"]) == (1, 1 if on_time else 0)


def test_unsigned_counts_what_waits_for_a_signature(make_task, people, client):
    waiting = make_task("assigned")
    make_task("signed")
    Task.objects.filter(pk=waiting.pk).update(
        assigned_at=waiting.assigned_at - datetime.timedelta(days=30)
    )
    found = overview.unsigned(Task.objects.visible_to(people["leader"]), 2)
    assert found["count"] == 1
    client.force_login(people["leader"])
    assert _listed(client, found["link"]) == 1


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_overview_reads_in_queries_constant_in_the_tasks(client, make_task, people, units):
    client.force_login(people["leader"])
    ReportSettings.of(people["leader"].organisation_id)
    make_task("in_progress")
    make_task("closed")
    few = _queries(client, "/reports/?period=2022")
    few_now = _queries(client, "/reports/")
    for _ in range(6):
        make_task("in_progress", lead_unit=units["gzw"], responsible_units=[units["tzb"]])
        make_task("closed")
    assert _queries(client, "/reports/?period=2022") == few
    assert _queries(client, "/reports/") == few_now


def test_rectification_over_two_plans_of_a_year_links_to_lists_as_long(make_plan, people, client):
    """Two inspection plans with feedback in the same year: the summary adds them up, and
    each figure's list is the year's plans' rows, not one plan's nor every plan's."""
    from taizhang.rectification.models import Plan
    from taizhang.reports import year

    make_plan("巡视反馈问题整改方案（一）", kind="inspection")
    make_plan("巡视反馈问题整改方案（二）", kind="inspection")
    make_plan("巡察反馈问题整改方案", kind="circuit")  # another kind: not counted
    chosen = 2025  # the feedback of all three in the same year, whatever today is
    Plan.objects.update(feedback_on=D(chosen, 6, 30))
    assert Plan.objects.filter(kind="inspection", feedback_on__year=chosen).count() == 2
    figures = {f.key: f for f in year.rectification_figures(people["leader"], chosen)}
    client.force_login(people["leader"])
    problems = figures["rectification_problems"]
    assert problems.value == 6
    assert _listed(client, problems.source) == 6
    listed = client.get(problems.source).content.decode()
    assert 'name="feedback_year" value="2025"' in listed  # kept while other filters change
    open_measures = figures["rectification_open_measures"]
    assert open_measures.value == 8 and _listed(client, open_measures.source) == 8
