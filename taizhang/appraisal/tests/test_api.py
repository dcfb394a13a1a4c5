"""The appraisal's API contract (outside checks read it): the cycles, one result row per unit
with ``unit`` (its code), ``score`` and ``grade``, and each unit's points with the events
behind them; a unit reads only its own rows, and the queries do not grow with the rows."""

import datetime

import pytest

from taizhang.appraisal import services
from taizhang.appraisal.models import Cycle
from taizhang.org.models import Unit

from .conftest import ON_TIME, PANEL, day

pytestmark = pytest.mark.django_db


@pytest.fixture
def publicised(new_cycle, make_task, backdate, people):
    """A cycle of on-time closing and the panel's score, computed and publicised."""
    late = backdate(
        make_task("closed", title="完善联系服务机制"),
        deadline=day(4, 30),
        assigned=day(1, 10),
        closed=day(5, 10),
    )
    cycle = new_cycle([ON_TIME, PANEL])
    office = people["supervisor"]
    services.open_scoring(cycle, by=office)
    panel = cycle.indicators.get(kind="manual")
    for code, score in (("tzb", 88), ("gzw", 75), ("czj", 92)):
        services.score_manual(cycle, by=office, indicator=panel, unit=code, score=score)
    services.compute(cycle, by=office)
    services.publicise(cycle, by=office)
    return {"cycle": cycle, "late": late}


def test_results_and_points_contract(api, publicised):
    cycle, late = publicised["cycle"], publicised["late"]
    office = api("duban")
    listed = office.get("/api/appraisal/cycles").json()["results"]
    assert [(c["id"], c["status"], c["units"]) for c in listed] == [
        (cycle.pk, "publicised", ["czj", "gzw", "tzb"])
    ]
    detail = office.get(f"/api/appraisal/cycles/{cycle.pk}").json()
    assert [i["metric"] for i in detail["indicators"]] == ["on_time_rate", ""]
    assert detail["appeal_deadline"] >= detail["publicised_on"]

    rows = office.get(f"/api/appraisal/cycles/{cycle.pk}/results").json()
    assert [r["unit"] for r in rows] == ["czj", "tzb", "gzw"]
    first = rows[0]
    assert set(first) >= {"unit", "unit_name", "score", "grade", "rank"}
    assert (first["grade"], first["rank"]) == ("A", 1)

    points = office.get(f"/api/appraisal/cycles/{cycle.pk}/results/tzb/points").json()
    on_time = next(p for p in points if p["metric"] == "on_time_rate")
    assert (on_time["n"], on_time["kind"]) == (1, "computed")
    assert on_time["method"]
    [event] = on_time["events"]
    assert (event["task"], event["number"], event["date"]) == (
        late.pk,
        late.number,
        day(5, 10).isoformat(),
    )
    assert float(event["effect"]) < 0


def test_a_unit_reads_only_its_own_rows(api, publicised, people):
    cycle = publicised["cycle"]
    tzb = api("tzb")
    rows = tzb.get(f"/api/appraisal/cycles/{cycle.pk}/results").json()
    assert [r["unit"] for r in rows] == ["tzb"]
    assert tzb.get(f"/api/appraisal/cycles/{cycle.pk}/results/tzb/points").status_code == 200
    assert tzb.get(f"/api/appraisal/cycles/{cycle.pk}/results/gzw/points").status_code == 404
    # A unit of the organisation the cycle does not appraise: not found, not an empty list.
    office = api("duban")
    assert office.get(f"/api/appraisal/cycles/{cycle.pk}/results/steel/points").status_code == 404
    # A unit not appraised sees the cycle, but no row.
    assert api("steel").get(f"/api/appraisal/cycles/{cycle.pk}/results").json() == []
    # Before 公示 a unit sees nothing of the points; a draft cycle not at all.
    Cycle.objects.filter(pk=cycle.pk).update(status="scoring")
    assert tzb.get(f"/api/appraisal/cycles/{cycle.pk}/results").json() == []
    assert tzb.get(f"/api/appraisal/cycles/{cycle.pk}/results/tzb/points").status_code == 404
    Cycle.objects.filter(pk=cycle.pk).update(status="draft")
    assert tzb.get("/api/appraisal/cycles").json()["results"] == []
    assert tzb.get(f"/api/appraisal/cycles/{cycle.pk}").status_code == 404
    # The leader sees everything; the administrator nothing.
    assert len(api("lingdao").get(f"/api/appraisal/cycles/{cycle.pk}/results").json()) == 3
    assert api("admin").get(f"/api/appraisal/cycles/{cycle.pk}/results").status_code in (
        403,
        404,
    )


def test_another_organisation_sees_nothing(api, publicised, other_org):
    cycle = publicised["cycle"]
    caller = api("fed-duban")
    assert caller.get("/api/appraisal/cycles").json()["results"] == []
    assert caller.get(f"/api/appraisal/cycles/{cycle.pk}/results").status_code == 404


@pytest.fixture
def wide(new_cycle, make_task, backdate, people, org):
    """A computed cycle of ``n`` units, each responsible for ``n`` tasks of last year closed
    late."""

    def make(n):
        codes = [f"u{i}" for i in range(n)]
        for code in codes:
            unit = Unit.objects.create(organisation=org, code=code, name=f"部门{code}")
            for k in range(n):
                backdate(
                    make_task("closed", title=f"事项{code}-{k}", responsible_units=[unit]),
                    deadline=day(3, 1),
                    assigned=day(1, 5),
                    closed=day(3, 10),
                )
        cycle = new_cycle([ON_TIME], unit_codes=codes)
        services.open_scoring(cycle, by=people["supervisor"])
        services.compute(cycle, by=people["supervisor"])
        return cycle

    return make


@pytest.mark.parametrize("n", [2, 6])
def test_query_counts_do_not_grow(api, wide, n, django_assert_max_num_queries):
    cycle = wide(n)
    office = api("duban")
    # The token and its user, the cycle(s) with their units, then the rows (points: and
    # their events).
    for url, count, limit in [
        ("/api/appraisal/cycles", None, 5),
        (f"/api/appraisal/cycles/{cycle.pk}", None, 8),
        (f"/api/appraisal/cycles/{cycle.pk}/results", n, 5),
        (f"/api/appraisal/cycles/{cycle.pk}/results/u0/points", 1, 7),
    ]:
        with django_assert_max_num_queries(limit):
            response = office.get(url)
        assert response.status_code == 200, url
        if count is not None:
            assert len(response.json()) == count
    points = office.get(f"/api/appraisal/cycles/{cycle.pk}/results/u0/points").json()
    assert len(points[0]["events"]) == n


def test_the_appeal_deadline_counts_working_days(api, publicised):
    cycle = publicised["cycle"]
    friday = datetime.date(2026, 11, 27)
    Cycle.objects.filter(pk=cycle.pk).update(publicised_on=friday)
    detail = api("duban").get(f"/api/appraisal/cycles/{cycle.pk}").json()
    # Five working days after Friday 27 November 2026: Friday 4 December.
    assert detail["appeal_deadline"] == "2026-12-04"
