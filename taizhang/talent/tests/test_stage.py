import datetime

import pytest
from django.utils import timezone

from taizhang.talent.choices import Stage
from taizhang.talent.filters import PersonFilterSet
from taizhang.talent.models import Person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("events", "stage"),
    [
        ((), None),
        (("training",), Stage.CULTIVATION),
        (("secondment", "exchange"), Stage.CULTIVATION),
        (("training", "cppcc_nomination"), Stage.SELECTION),
        (("npc_nomination",), Stage.SELECTION),
        (("recommendation", "training"), Stage.SELECTION),  # order does not matter
        (("post", "training"), Stage.USE),
        (("post",), Stage.USE),
    ],
)
def test_the_stage_is_the_furthest_one_the_path_reached(make_person, events, stage):
    person = make_person(events=events)
    assert Person.objects.get(pk=person.pk).stage == stage  # from the events
    assert Person.objects.with_stage().get(pk=person.pk).stage == stage  # annotated


def test_filters_by_stage_affiliation_unit_field_and_age(make_person, people, units):
    year = timezone.localdate().year
    young = make_person("青年", events=("training",), birth_year=year - 30, id_number="")
    middle = make_person(
        "中年",
        events=("post",),
        unit="gzw",
        birth_year=year - 50,
        id_number="",
        affiliation="democratic_party",
        party="cdl",
        expertise="国资监管",
    )
    make_person("未起步", birth_year=year - 60, id_number="")

    def found(**query):
        filterset = PersonFilterSet(
            query, queryset=Person.objects.visible_to(people["supervisor"]), user=people["leader"]
        )
        assert filterset.is_valid(), filterset.errors
        return {p.name for p in filterset.qs}

    assert found(stage="cultivation") == {"青年"}
    assert found(stage="use") == {"中年"}
    assert found(age_band="under_35") == {"青年"}
    assert found(age_band="45_54") == {"中年"}
    assert found(age_band="55_plus") == {"未起步"}
    assert found(affiliation="democratic_party") == {"中年"}
    assert found(party="cdl") == {"中年"}
    assert found(unit="gzw") == {"中年"}
    assert found(expertise="国资") == {"中年"}
    assert found(q="青年") == {"青年"}
    assert found(q="市国资委") == {"中年"}  # the unit's short name
    assert young.pk != middle.pk


def test_an_event_ending_before_it_starts_is_refused(make_person, keeper):
    from taizhang.talent import services

    person = make_person()
    with pytest.raises(services.InvalidInput, match="before the start"):
        services.add_event(
            person,
            by=keeper,
            kind="training",
            title="培训班",
            start_date=datetime.date(2024, 5, 1),
            end_date=datetime.date(2024, 4, 1),
        )
