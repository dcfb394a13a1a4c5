"""三员分立 pages: the system administrator's users and units, the security administrator's roles,
lock-outs and policy; each for their own organisation only, and closed to every other role."""

import pytest
from django.urls import reverse

from conftest import PASSWORD
from taizhang.org import services
from taizhang.org.choices import Role
from taizhang.org.models import Lockout, Membership, Unit, User
from taizhang.org.services import ManagementError
from taizhang.org.tests.conftest import GOOD_PASSWORD
from taizhang.supervision.models import Task

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["manage:users", "manage:user_create", "manage:units", "manage:unit_create"]
SECURITY_PAGES = ["manage:security"]


def as_user(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["supervisor", "leader", "tzb", "security", "auditor"])
def test_admin_pages_are_closed_to_every_other_role(client, people, staff, who):
    as_user(client, people.get(who) or staff[who])
    for name in ADMIN_PAGES:
        assert client.get(reverse(name)).status_code == 403, name
    unit = Unit.objects.get(code="tzb")
    assert client.get(reverse("manage:unit_edit", args=[unit.pk])).status_code == 403
    assert client.get(reverse("manage:user_edit", args=[people["tzb"].pk])).status_code == 403


@pytest.mark.parametrize("who", ["supervisor", "leader", "tzb", "admin", "auditor"])
def test_security_pages_are_closed_to_every_other_role(client, people, staff, who):
    as_user(client, people.get(who) or staff[who])
    assert client.get(reverse("manage:security")).status_code == 403
    lockout = Lockout.objects.create(scope="account", key="tzb", locked_until="2999-01-01T00:00Z")
    assert client.post(reverse("manage:unlock", args=[lockout.pk])).status_code == 403
    response = client.post(
        reverse("manage:change_role", args=[people["tzb"].pk]), {"role": "admin"}
    )
    assert response.status_code == 403
    people["tzb"].refresh_from_db()
    assert people["tzb"].role == Role.HANDLER


def test_anonymous_visitors_are_sent_to_login(client, db):
    for name in [*ADMIN_PAGES, *SECURITY_PAGES]:
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith("/login/")


def test_administrators_land_on_their_own_page_after_login(client, staff):
    for user, page in [(staff["admin"], "manage:users"), (staff["security"], "manage:security")]:
        client.logout()
        response = client.post("/login/", {"username": user.username, "password": PASSWORD})
        assert response.url == reverse(page)
        navbar = client.get(response.url).text
        assert "我的待办" not in navbar and reverse("supervision:ledger") not in navbar


def test_the_navbar_shows_each_administrator_only_their_pages(client, staff, people):
    admin_page = as_user(client, staff["admin"]).get(reverse("manage:users")).text
    assert reverse("manage:units") in admin_page and reverse("manage:security") not in admin_page
    security_page = as_user(client, staff["security"]).get(reverse("manage:security")).text
    assert reverse("manage:security") in security_page
    assert reverse("manage:users") not in security_page
    handler_page = as_user(client, people["tzb"]).get("/").text
    assert reverse("manage:users") not in handler_page and "我的待办" in handler_page


def test_the_user_list_is_the_organisations_only(client, staff, other_org):
    page = as_user(client, staff["admin"]).get(reverse("manage:users")).text
    assert "duban" in page and "fed-duban" not in page
    other = other_org["supervisor"]
    assert client.get(reverse("manage:user_edit", args=[other.pk])).status_code == 404
    response = client.post(
        reverse("manage:user_reset_password", args=[other.pk]), {"password": GOOD_PASSWORD}
    )
    assert response.status_code == 404


def test_creating_a_user_with_an_initial_password(client, staff, units, other_org):
    as_user(client, staff["admin"])
    form = {
        "username": "xinren",
        "display_name": "新同事",
        "phone": "",
        "password": "abc",
        "units": [units["tzb"].pk],
    }
    response = client.post(reverse("manage:user_create"), form)
    assert response.status_code == 200 and "密码太短" in response.text
    # A unit of another organisation is not a choice.
    response = client.post(
        reverse("manage:user_create"),
        {**form, "password": GOOD_PASSWORD, "units": [other_org["unit"].pk]},
    )
    assert response.status_code == 200 and not User.objects.filter(username="xinren").exists()
    response = client.post(reverse("manage:user_create"), {**form, "password": GOOD_PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(username="xinren")
    assert user.organisation == staff["admin"].organisation and user.role == Role.HANDLER
    assert user.must_change_password and list(user.units.all()) == [units["tzb"]]
    client.logout()
    response = client.post("/login/", {"username": "xinren", "password": GOOD_PASSWORD})
    assert client.get(response.url).url == reverse("password_change")


def test_editing_a_user(client, staff, people, units):
    as_user(client, staff["admin"])
    user = people["tzb"]
    url = reverse("manage:user_edit", args=[user.pk])
    response = client.post(
        url, {"display_name": "统战部小王", "phone": "123", "units": [units["gzw"].pk]}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "统战部小王" and not user.is_active
    assert list(user.units.all()) == [units["gzw"]]


def test_resetting_a_password_forces_a_change(client, staff, people):
    as_user(client, staff["admin"])
    user = people["tzb"]
    url = reverse("manage:user_reset_password", args=[user.pk])
    assert client.post(url, {"password": "tzb"}).status_code == 400
    assert client.post(url, {"password": "Chongzhi-2026"}).status_code == 302
    user.refresh_from_db()
    assert user.must_change_password and user.check_password("Chongzhi-2026")


def test_the_system_administrator_cannot_take_over_the_other_administrators(client, staff):
    as_user(client, staff["admin"])
    for other in (staff["security"], staff["auditor"]):
        url = reverse("manage:user_reset_password", args=[other.pk])
        response = client.post(url, {"password": "Chongzhi-2026"})
        assert response.status_code == 400 and "管理员账号不在此处管理" in response.text
        other.refresh_from_db()
        assert other.check_password(PASSWORD)


def test_units_created_and_edited_in_the_own_organisation(client, staff, units, other_org):
    as_user(client, staff["admin"])
    page = client.get(reverse("manage:units")).text
    assert "XX钢铁集团有限公司" in page and "总部办公室" not in page
    form = {
        "code": "jxw",
        "name": "XX市经济和信息化委员会",
        "short_name": "市经信委",
        "aliases": "经信委",
        "kind": "committee",
        "parent": "",
        "sort_order": 9,
    }
    assert client.post(reverse("manage:unit_create"), form).status_code == 302
    unit = Unit.objects.get(code="jxw")
    assert unit.organisation == staff["admin"].organisation and unit.alias_list == ["经信委"]
    # A parent from another organisation is not a choice; nor is a unit's own sub-unit.
    url = reverse("manage:unit_edit", args=[units["gzw"].pk])
    edit = {**form, "code": "gzw", "name": units["gzw"].name, "parent": other_org["unit"].pk}
    assert client.post(url, edit).status_code == 200
    response = client.post(url, {**edit, "parent": units["steel"].pk})
    assert response.status_code == 200 and "不能设为自身或其下级单位的下级" in response.text
    assert client.post(url, {**edit, "parent": unit.pk}).status_code == 302
    units["gzw"].refresh_from_db()
    assert units["gzw"].parent == unit
    # Another organisation's unit cannot be opened; a taken code is refused.
    other_url = reverse("manage:unit_edit", args=[other_org["unit"].pk])
    assert client.get(other_url).status_code == 404
    assert client.post(reverse("manage:unit_create"), {**form, "name": "另一个"}).status_code == 200


def test_the_security_administrator_changes_roles_in_their_organisation(client, staff, people):
    as_user(client, staff["security"])
    page = client.get(reverse("manage:security")).text
    assert "duban" in page and "fed-duban" not in page
    url = reverse("manage:change_role", args=[people["tzb"].pk])
    assert client.post(url, {"role": "supervisor"}).status_code == 302
    people["tzb"].refresh_from_db()
    assert people["tzb"].role == Role.SUPERVISOR
    own = reverse("manage:change_role", args=[staff["security"].pk])
    client.post(own, {"role": "supervisor"})
    staff["security"].refresh_from_db()
    assert staff["security"].role == Role.SECURITY
    other = reverse("manage:change_role", args=[staff["other_admin"].pk])
    assert client.post(other, {"role": "handler"}).status_code == 404


def test_the_security_administrator_sees_and_lifts_lock_outs(client, staff, people, other_org):
    for name in ("tzb", "fed-duban"):
        for _ in range(5):
            client.post("/login/", {"username": name, "password": "wrong"})
    as_user(client, staff["security"])
    page = client.get(reverse("manage:security")).text
    assert "tzb" in page and "fed-duban" not in page
    assert "5 次即锁定 15 分钟" in page  # the policy in force
    mine = Lockout.objects.get(key="tzb")
    theirs = Lockout.objects.get(key="fed-duban")
    assert client.post(reverse("manage:unlock", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("manage:unlock", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    assert mine.unlocked_by == staff["security"]
    client.logout()
    assert client.post("/login/", {"username": "tzb", "password": PASSWORD}).status_code == 302
    # The failures before the unlock do not count any more: one more is not a lock-out.
    client.logout()
    client.post("/login/", {"username": "tzb", "password": "wrong"})
    assert not Lockout.objects.active().filter(key="tzb").exists()
    assert Lockout.objects.active().filter(key="fed-duban").exists()


def test_address_lock_outs_are_shown_where_that_address_tried_the_organisations_accounts(
    client, staff, people, other_org
):
    def fail(username, address):
        client.post("/login/", {"username": username, "password": "x"}, REMOTE_ADDR=address)

    for i in range(20):
        fail("tzb" if i == 0 else f"nobody{i}", "10.1.1.1")
        fail(f"fed-nobody{i}", "10.2.2.2")
    assert Lockout.objects.filter(scope="address").count() == 2
    page = as_user(client, staff["security"]).get(reverse("manage:security")).text
    assert "10.1.1.1" in page and "10.2.2.2" not in page
    theirs = Lockout.objects.get(key="10.2.2.2")
    assert client.post(reverse("manage:unlock", args=[theirs.pk])).status_code == 404
    mine = Lockout.objects.get(key="10.1.1.1")
    assert client.post(reverse("manage:unlock", args=[mine.pk])).status_code == 302
    client.logout()
    response = client.post(
        "/login/", {"username": "tzb", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1"
    )
    assert response.status_code == 302


def test_the_policy_page_lists_the_password_rules(client, staff):
    page = as_user(client, staff["security"]).get(reverse("manage:security")).text
    for rule in ("至少 10 个字符", "至少 3 类", "不能包含用户名", "最近 5 次", "30 分钟"):
        assert rule in page, rule


def test_administrator_roles_are_neither_given_nor_taken_by_the_security_administrator(
    staff, people
):
    for user, role in [
        (people["tzb"], Role.AUDITOR),
        (staff["admin"], Role.SUPERVISOR),
        (staff["auditor"], Role.HANDLER),
    ]:
        with pytest.raises(ManagementError):
            services.change_role(user, role, by=staff["security"])
        user.refresh_from_db()
        assert user.role != role


def test_administrators_act_for_no_unit_and_see_no_task(staff, units, make_task):
    admin = staff["admin"]
    with pytest.raises(ManagementError):
        services.update_user(
            admin,
            by=admin,
            display_name="系统管理员",
            phone="",
            is_active=True,
            units=[units["tzb"]],
        )
    assert not admin.memberships.exists()
    task = make_task("in_progress")  # tzb leads it
    Membership.objects.create(user=staff["auditor"], unit=units["tzb"])  # however it came about
    for who in staff.values():
        assert not Task.objects.visible_to(who).filter(pk=task.pk).exists()


def test_a_unit_given_to_a_user_is_in_the_audit_log(staff, people, units):
    from taizhang.audit.models import AuditRecord

    services.update_user(
        people["czj"],
        by=staff["admin"],
        display_name="财政局承办人",
        phone="",
        is_active=True,
        units=[units["czj"], units["gzw"]],
    )
    assert AuditRecord.objects.filter(object_type="org.membership", action="create").exists()
