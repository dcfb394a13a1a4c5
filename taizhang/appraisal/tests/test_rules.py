"""Who sees what of an appraisal: supervisors and leaders all of their organisation; a unit's
handler the cycles past the draft and, from 公示 on, its own units' points, results and
appeals; a person their own staff line only; administrators and other organisations nothing."""

import pytest

from taizhang.appraisal import rules, services
from taizhang.appraisal.choices import Status
from taizhang.appraisal.models import Appeal, Assessee, Cycle, Point, Result
from taizhang.appraisal.workflow import TRANSITIONS

from .conftest import PANEL, YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(new_cycle, people):
    cycle = new_cycle([PANEL])
    office = people["supervisor"]
    services.open_scoring(cycle, by=office)
    indicator = cycle.indicators.get()
    for code, score in (("tzb", 80), ("gzw", 70), ("czj", 60)):
        services.score_manual(cycle, by=office, indicator=indicator, unit=code, score=score)
    services.compute(cycle, by=office)
    return cycle


def codes(rows):
    return sorted(r.unit.code for r in rows)


def test_visibility_matrix(scored, people, other_org):
    cycle = scored
    everyone = {**people, "outsider": other_org["supervisor"]}
    # While scoring: the office and the leader see all; units nothing of the points yet.
    for name, user in everyone.items():
        points = Point.objects.visible_to(user).filter(cycle=cycle)
        results = Result.objects.visible_to(user).filter(cycle=cycle)
        if name in ("supervisor", "leader"):
            assert codes(points) == codes(results) == ["czj", "gzw", "tzb"], name
        else:
            assert not points and not results, name
    cycle = services.publicise(cycle, by=people["supervisor"])
    services.lodge_appeal(
        Point.objects.get(cycle=cycle, unit__code="tzb"), by=people["tzb"], reason="有遗漏。"
    )
    expected = {
        "supervisor": ["czj", "gzw", "tzb"],
        "leader": ["czj", "gzw", "tzb"],
        "tzb": ["tzb"],
        "gzw": ["gzw"],
        "czj": ["czj"],
        "steel": [],
        "office": [],
        "admin": [],
        "outsider": [],
    }
    for name, user in everyone.items():
        assert codes(Result.objects.visible_to(user).filter(cycle=cycle)) == expected[name], name
        assert codes(Point.objects.visible_to(user).filter(cycle=cycle)) == expected[name], name
        sees_cycle = Cycle.objects.visible_to(user).filter(pk=cycle.pk).exists()
        assert sees_cycle == (name not in ("admin", "outsider")), name
        appeals = codes(Appeal.objects.visible_to(user))
        assert appeals == (["tzb"] if name in ("supervisor", "leader", "tzb") else []), name
        for code in ("tzb", "gzw"):
            unit = people[code].memberships.get().unit
            assert rules.can_see_unit(user, cycle, unit.pk) == (
                name in ("supervisor", "leader") or name == code
            ), (name, code)


def test_a_draft_is_the_offices_and_the_leaders(new_cycle, people):
    cycle = new_cycle([PANEL])
    assert Cycle.objects.visible_to(people["leader"]).filter(pk=cycle.pk).exists()
    assert not Cycle.objects.visible_to(people["tzb"]).filter(pk=cycle.pk).exists()


def test_persons_are_seen_by_the_office_the_leaders_and_themselves(people):
    office = people["supervisor"]
    cycle = services.create_cycle(by=office, title="职工考核", year=YEAR, subject="staff")
    services.add_assessee(cycle, by=office, unit="tzb", user=people["tzb"])
    services.add_assessee(cycle, by=office, unit="tzb", name="李华")
    services.set_bands(cycle, by=office, bands=[("A", 90, None), ("D", 0, None)])
    services.open_scoring(cycle, by=office)
    mine = Assessee.objects.visible_to(people["tzb"])
    assert [a.user for a in mine] == [people["tzb"]]
    assert Assessee.objects.visible_to(people["leader"]).count() == 2
    assert not Assessee.objects.visible_to(people["gzw"]).exists()
    assert rules.can_see_staff(people["leader"], cycle)
    assert not rules.can_see_staff(people["tzb"], cycle)


def test_the_table_covers_every_state():
    reached = {t.target for t in TRANSITIONS.values() if t.target}
    assert reached | {Status.DRAFT} == set(Status.values)
