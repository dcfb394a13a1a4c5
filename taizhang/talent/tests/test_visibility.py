import pytest

from conftest import make_user
from taizhang.org.choices import Role
from taizhang.org.models import User
from taizhang.talent import services
from taizhang.talent.models import Person, is_keeper
from taizhang.utils.errors import NotAllowed, WorkflowError

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool(make_person):
    return {
        "steel": make_person("钢铁专家", unit="steel"),
        "gzw": make_person("国资专家", unit="gzw"),
        "outside": make_person("高校教授", unit=None, employer="XX大学"),
    }


def names(user):
    return set(Person.objects.visible_to(user).values_list("name", flat=True))


def test_visible_to_per_role(pool, people, keeper, security, other_org):
    everyone = {"钢铁专家", "国资专家", "高校教授"}
    assert names(keeper) == everyone  # a handler of 统战部 who keeps the pool
    assert names(people["supervisor"]) == everyone
    assert names(people["leader"]) == everyone
    assert names(people["steel"]) == {"钢铁专家"}  # a handler: their unit's people
    assert names(people["czj"]) == set()
    assert names(people["admin"]) == set()  # 三员分立: no business data
    assert names(security) == set()
    assert names(other_org["supervisor"]) == set()  # another organisation


def test_a_submitter_sees_nobody(pool, org):
    submitter = make_user(org, "jy9", "submitter")
    assert names(submitter) == set()


def test_only_the_security_administrator_grants_keepers(people, security, org):
    with pytest.raises(NotAllowed):
        services.grant_keeper(people["gzw"], by=people["supervisor"])
    with pytest.raises(WorkflowError, match="administrator"):
        services.grant_keeper(people["admin"], by=security)
    services.grant_keeper(people["gzw"], by=security)
    assert is_keeper(User.objects.get(username="gzw"))
    with pytest.raises(WorkflowError, match="already"):
        services.grant_keeper(people["gzw"], by=security)
    services.revoke_keeper(people["gzw"], by=security)
    assert not is_keeper(User.objects.get(username="gzw"))


def test_an_administrator_made_keeper_by_a_role_change_still_sees_nothing(
    pool, people, keeper, security
):
    keeper.role = Role.ADMIN
    keeper.save()
    keeper.refresh_from_db()
    assert names(keeper) == set()


def test_only_keepers_change_profiles(org, people, keeper, pool):
    with pytest.raises(NotAllowed):
        services.create_person(by=people["supervisor"], organisation=org, name="某人")
    with pytest.raises(NotAllowed):
        services.add_event(pool["steel"], by=people["steel"], kind="training", title="培训")


def test_a_submitter_cannot_be_made_a_keeper(org, security):
    expert = make_user(org, "jy1", Role.SUBMITTER)
    with pytest.raises(WorkflowError):
        services.grant_keeper(expert, by=security)
    assert not is_keeper(expert)
