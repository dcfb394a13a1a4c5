import pytest
from django.core.management import call_command

from conftest import make_user
from taizhang.demo.talent import load_talent
from taizhang.org.models import Organisation, User
from taizhang.talent.models import Keeper, Person, SensitiveAccess

pytestmark = pytest.mark.django_db


def test_the_demo_fills_the_citys_pool_with_keepers_and_paths():
    call_command("demo")
    city = Organisation.objects.get(code="xxs")
    people = Person.objects.filter(organisation=city).with_stage()
    assert people.count() >= 8
    assert {p.stage for p in people} >= {"cultivation", "selection", "use", None}
    assert set(people.values_list("unit__code", flat=True)) >= {"xxgt", "xxky"}
    assert set(Keeper.objects.values_list("user__username", flat=True)) == {"tzb", "city-duban"}
    assert SensitiveAccess.objects.exists()
    call_command("demo", "--reset")  # profiles, events and the log go with the organisation
    assert Person.objects.filter(organisation__code="xxs").count() == people.count()


def test_submitter_accounts_are_linked_when_they_exist():
    call_command("demo")
    city = Organisation.objects.get(code="xxs")
    Person.objects.filter(organisation=city).delete()
    Keeper.objects.all().delete()
    jy1 = make_user(city, "jy1", "handler")
    jy2 = make_user(city, "jy2", "handler")
    made = load_talent(city)
    assert made["chen"].account == jy1 and made["chen"].unit.code == "xxgt"
    assert made["wang"].account == jy2 and made["wang"].unit.code == "xxky"
    Person.objects.filter(organisation=city).delete()
    Keeper.objects.all().delete()
    made = load_talent(city, accounts={"jy2": "zhao"})
    assert made["zhao"].account == User.objects.get(username="jy2")
    assert made["wang"].account is None
