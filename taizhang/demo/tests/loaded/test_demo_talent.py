import pytest

from taizhang.demo.talent import load_talent
from taizhang.org.models import Organisation, User
from taizhang.talent.models import Keeper, Person, SensitiveAccess

pytestmark = pytest.mark.django_db


def test_the_demo_fills_the_citys_pool_with_keepers_and_paths(demo):
    city = Organisation.objects.get(code="xxs")
    people = Person.objects.filter(organisation=city).with_stage()
    assert people.count() >= 8
    assert {p.stage for p in people} >= {"cultivation", "selection", "use", None}
    assert set(people.values_list("unit__code", flat=True)) >= {"xxgt", "xxky"}
    assert set(Keeper.objects.values_list("user__username", flat=True)) == {"tzb", "city-duban"}
    assert SensitiveAccess.objects.exists()


def test_submitter_accounts_are_linked_when_they_exist(demo):
    # The suggestions demo makes jy1 and jy2 before the pool is filled.
    city = Organisation.objects.get(code="xxs")
    linked = Person.objects.filter(organisation=city, account__isnull=False)
    assert {(p.account.username, p.name, p.unit.code) for p in linked} == {
        ("jy1", "陈立群", "xxgt"),
        ("jy2", "王建华", "xxky"),
        ("jy3", "刘晓燕", "xxgt"),
        ("jy4", "赵敏", "xxky"),
    }
    assert all(str(p.account) == p.name for p in linked)  # one person, one name
    jy2 = User.objects.get(username="jy2")
    Person.objects.filter(organisation=city).delete()
    Keeper.objects.all().delete()
    made = load_talent(city, accounts={"jy2": "zhao"})
    assert made["zhao"].account == jy2
    assert made["wang"].account is None
