"""The pages that configure the channels: the organisation's group robots (its system
administrator and supervisors), its rules (the system administrator), each person's own
preferences (everyone). Each organisation sees only its own; stored addresses never reach a page."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from conftest import make_user
from taizhang.audit.models import AuditRecord
from taizhang.notify import robots, views
from taizhang.notify.choices import ChannelKind
from taizhang.notify.models import Channel, OrganisationSettings, Preference
from taizhang.org.choices import Role

pytestmark = pytest.mark.django_db

SECRET = "SECf00dfeedfacecafe0123456789abcdef0123456789abcdef0123456789ab"
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=77aa88bb99cc00dd11ee22ff33aa44bb"
TOKEN = "77aa88bb99cc00dd11ee22ff33aa44bb"
NEW_DINGTALK = DINGTALK.replace("77aa", "1234")

ROBOT_PAGES = ["notify:robots", "notify:robot_add"]
ADMIN_PAGES = ["notify:settings"]
EVERYONE_PAGES = ["notify:preferences"]


@pytest.fixture
def robot(org, units):
    return robots.add_robot(
        organisation=org, unit=units["tzb"], kind="dingtalk", url=DINGTALK, secret=SECRET
    )


@pytest.fixture
def foreign_robot(other_org):
    return robots.add_robot(
        organisation=other_org["org"],
        unit=other_org["unit"],
        kind="wecom",
        url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=fed0fed0fed0fed0fed0",
    )


def as_user(client, user):
    client.force_login(user)
    return client


def robot_urls(pk):
    return [
        reverse("notify:robot_edit", args=[pk]),
        reverse("notify:robot_delete", args=[pk]),
    ]


# Who may open what -------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login(client, robot):
    pages = [reverse(n) for n in ROBOT_PAGES + ADMIN_PAGES + EVERYONE_PAGES]
    for url in pages + robot_urls(robot.pk):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/"), url
    response = client.post(reverse("notify:robot_test", args=[robot.pk]))
    assert response.status_code == 302 and response.url.startswith("/login/")


@pytest.mark.parametrize("who", ["leader", "tzb", "security", "auditor", "submitter"])
def test_robot_pages_are_closed_to_other_roles(client, org, people, robot, who):
    user = people.get(who) or make_user(org, who, who)
    as_user(client, user)
    for url in [reverse(n) for n in ROBOT_PAGES] + robot_urls(robot.pk):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("notify:robot_test", args=[robot.pk])).status_code == 403
    assert client.post(reverse("notify:robot_delete", args=[robot.pk])).status_code == 403
    assert Channel.objects.filter(pk=robot.pk).exists()


@pytest.mark.parametrize("who", ["supervisor", "leader", "tzb", "security"])
def test_the_organisations_rules_are_the_system_administrators(client, org, people, who):
    as_user(client, people.get(who) or make_user(org, who, who))
    assert client.get(reverse("notify:settings")).status_code == 403
    assert client.post(reverse("notify:settings"), {"digest_at": "07:00"}).status_code == 403
    assert not OrganisationSettings.objects.exists()


@pytest.mark.parametrize("who", ["admin", "supervisor"])
def test_keepers_see_their_robots_masked(client, people, robot, foreign_robot, who):
    page = as_user(client, people[who]).get(reverse("notify:robots")).text
    assert robot.masked_url in page and "市委统战部" in page
    assert TOKEN not in page and SECRET not in page
    assert foreign_robot.masked_url not in page  # another organisation's
    assert reverse("notify:robot_test", args=[robot.pk]) in page


def test_another_organisations_robot_is_not_found(client, people, foreign_robot):
    as_user(client, people["admin"])
    for url in robot_urls(foreign_robot.pk):
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "x"}).status_code == 404
    assert client.post(reverse("notify:robot_test", args=[foreign_robot.pk])).status_code == 404
    assert Channel.objects.get(pk=foreign_robot.pk).name == ""


# Robots ------------------------------------------------------------------------------------


def test_adding_a_robot(client, people, units):
    as_user(client, people["supervisor"])
    form = client.get(reverse("notify:robot_add")).text
    assert 'type="password"' in form and "市国资委" in form
    data = {
        "unit": units["gzw"].pk,
        "kind": "dingtalk",
        "name": "国资委督办群",
        "url": DINGTALK,
        "secret": SECRET,
    }
    response = client.post(reverse("notify:robot_add"), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("notify:robots")
    robot = Channel.objects.get()
    assert (robot.unit, robot.url, robot.secret) == (units["gzw"], DINGTALK, SECRET)
    assert robot.created_by == people["supervisor"]
    assert TOKEN not in response.text and SECRET not in response.text
    assert "国资委督办群" in response.text


def test_an_organisation_wide_robot_has_no_unit(client, people, org):
    as_user(client, people["admin"])
    data = {"unit": "", "kind": "dingtalk", "url": DINGTALK}
    client.post(reverse("notify:robot_add"), data)
    assert Channel.objects.get().unit is None and Channel.objects.get().organisation == org


def test_a_bad_address_is_refused_and_never_shown_back(client, people, units):
    as_user(client, people["admin"])
    data = {"unit": units["tzb"].pk, "kind": "wecom", "url": DINGTALK, "secret": SECRET}
    response = client.post(reverse("notify:robot_add"), data)
    assert response.status_code == 200 and not Channel.objects.exists()
    assert "/cgi-bin/webhook/send?key=" in response.text  # the platform's shape, explained
    assert TOKEN not in response.text and SECRET not in response.text


def test_another_organisations_unit_cannot_be_chosen(client, people, other_org):
    as_user(client, people["admin"])
    data = {"unit": other_org["unit"].pk, "kind": "dingtalk", "url": DINGTALK}
    response = client.post(reverse("notify:robot_add"), data)
    assert response.status_code == 200 and not Channel.objects.exists()
    assert "总部办公室" not in response.text


def test_editing_keeps_the_stored_address_unless_a_new_one_is_typed(client, people, robot):
    as_user(client, people["admin"])
    url = reverse("notify:robot_edit", args=[robot.pk])
    form = client.get(url).text
    assert robot.masked_url in form and TOKEN not in form and SECRET not in form
    assert 'value="' + SECRET not in form
    client.post(url, {"name": "统战部群", "is_active": "", "url": "", "secret": ""})
    saved = Channel.objects.get(pk=robot.pk)
    assert (saved.name, saved.is_active, saved.url, saved.secret) == (
        "统战部群",
        False,
        DINGTALK,
        SECRET,
    )
    client.post(url, {"name": "统战部群", "is_active": "on", "url": NEW_DINGTALK})
    saved = Channel.objects.get(pk=robot.pk)
    assert (saved.url, saved.secret, saved.is_active) == (NEW_DINGTALK, SECRET, True)
    response = client.post(url, {"name": "x", "url": "https://example.com/hook"})
    assert response.status_code == 200 and Channel.objects.get(pk=robot.pk).url == NEW_DINGTALK
    audit = " ".join(r.changes for r in AuditRecord.objects.filter(object_type="notify.channel"))
    assert TOKEN not in audit and "1234" + TOKEN[4:] not in audit and SECRET not in audit


def test_the_stored_secret_is_removed_by_its_own_box(client, people, robot):
    as_user(client, people["admin"])
    url = reverse("notify:robot_edit", args=[robot.pk])
    both = client.post(
        url, {"name": "x", "is_active": "on", "secret": "SECnew", "forget_secret": "on"}
    )
    assert both.status_code == 200 and Channel.objects.get(pk=robot.pk).secret == SECRET
    client.post(url, {"name": "x", "is_active": "on", "forget_secret": "on"})
    saved = Channel.objects.get(pk=robot.pk)
    assert (saved.url, saved.secret) == (DINGTALK, "")


def test_deleting_asks_first(client, people, robot):
    as_user(client, people["supervisor"])
    url = reverse("notify:robot_delete", args=[robot.pk])
    assert robot.masked_url in client.get(url).text
    assert Channel.objects.filter(pk=robot.pk).exists()
    response = client.post(url)
    assert response.url == reverse("notify:robots")
    assert not Channel.objects.filter(pk=robot.pk).exists()


def test_the_test_button_shows_the_platforms_answer(client, org, units, people, fake_robot):
    fake = fake_robot("dingtalk", secret=SECRET)
    robot = robots.add_robot(
        organisation=org, unit=units["tzb"], kind="dingtalk", url=fake.url, secret=SECRET
    )
    as_user(client, people["admin"])
    response = client.post(reverse("notify:robot_test", args=[robot.pk]), follow=True)
    assert len(fake.received) == 1 and "admin" in fake.received[0]["markdown"]["text"]
    assert "alert-success" in response.text
    fake.stop()
    response = client.post(reverse("notify:robot_test", args=[robot.pk]), follow=True)
    assert "alert-danger" in response.text and "127.0.0.1" in response.text  # what failed
    assert fake.token not in response.text and SECRET not in response.text


def test_a_robot_held_back_says_until_when(client, people, robot):
    until = datetime.datetime(2999, 1, 2, 3, 4, tzinfo=datetime.UTC)
    Channel.objects.filter(pk=robot.pk).update(paused_until=until)
    page = as_user(client, people["admin"]).get(reverse("notify:robots")).text
    assert "01-02 11:04" in page  # Asia/Shanghai


# The organisation's rules ------------------------------------------------------------------


def test_the_system_administrator_sets_the_organisations_rules(client, people, org):
    as_user(client, people["admin"])
    page = client.get(reverse("notify:settings")).text
    assert 'name="channels"' in page and 'value="dingtalk"' in page
    assert 'value="in_app"' not in page  # always on
    data = {
        "channels": ["email", "wecom"],
        "quiet_start": "21:30",
        "quiet_end": "07:30",
        "digest_at": "09:00",
        "unit_reminders_per_day": "5",
    }
    response = client.post(reverse("notify:settings"), data)
    assert response.url == reverse("notify:settings")
    rules = OrganisationSettings.of(org.pk)
    assert rules.channels == ["email", "wecom"] and rules.unit_reminders_per_day == 5
    assert (rules.quiet_start, rules.digest_at) == (datetime.time(21, 30), datetime.time(9))
    bad = client.post(reverse("notify:settings"), {**data, "quiet_end": "25:00"})
    assert bad.status_code == 200 and "is-invalid" in bad.text
    assert OrganisationSettings.of(org.pk).quiet_end == datetime.time(7, 30)


def check_label(page, value):
    """The text beside the checkbox of ``value``."""
    found = re.search(rf'value="{value}"[^>]*>\s*([^<]*?)\s*</label>', page)
    return found[1]


def test_email_and_sms_without_a_backend_are_marked(client, people, monkeypatch):
    monkeypatch.setattr(views, "backends_available", lambda: {"email": True, "sms": False})
    page = as_user(client, people["admin"]).get(reverse("notify:settings")).text
    with translation.override(settings.LANGUAGE_CODE):
        email, sms = str(ChannelKind.EMAIL.label), str(ChannelKind.SMS.label)
    assert check_label(page, "email") == email
    assert check_label(page, "sms").startswith(sms) and check_label(page, "sms") != sms


# A person's preferences --------------------------------------------------------------------


@pytest.mark.parametrize("who", ["tzb", "supervisor", "leader", "admin", "auditor"])
def test_everyone_keeps_their_own_preferences(client, org, people, who):
    user = people.get(who) or make_user(org, who, Role.AUDITOR)
    as_user(client, user)
    assert client.get(reverse("notify:preferences")).status_code == 200
    data = {"email": "on", "digest": "on", "wecom_user_id": "zhangsan"}
    response = client.post(reverse("notify:preferences"), data)
    assert response.url == reverse("notify:preferences")
    chosen = Preference.objects.get(user=user)
    assert (chosen.email, chosen.sms, chosen.quiet_hours, chosen.digest) == (
        True,
        False,
        False,
        True,
    )
    assert chosen.wecom_user_id == "zhangsan"
    assert Preference.objects.count() == 1  # nobody else's


def test_preferences_show_the_addresses_on_record(client, people):
    handler = people["tzb"]
    handler.email, handler.phone = "tzb@example.cn", "13800000000"
    handler.save()
    page = as_user(client, handler).get(reverse("notify:preferences")).text
    assert "tzb@example.cn" in page and "13800000000" in page
    nobody = as_user(client, people["gzw"]).get(reverse("notify:preferences")).text
    assert "tzb@example.cn" not in nobody and "13800000000" not in nobody


def test_a_person_enters_the_address_and_number_their_messages_go_to(client, people):
    handler = people["tzb"]
    as_user(client, handler)
    data = {"address": "tzb@example.cn", "email": "on", "phone": "138 0013 8000", "sms": "on"}
    assert client.post(reverse("notify:preferences"), data).status_code == 302
    handler.refresh_from_db()
    assert (handler.email, handler.phone) == ("tzb@example.cn", "138 0013 8000")
    changed = AuditRecord.objects.filter(object_type="org.user", object_id=str(handler.pk))
    assert "tzb@example.cn" in changed.latest("pk").changes
    # A number that is not one is refused, in the user's language, and nothing is saved.
    with translation.override("zh-hans"):
        refused = client.post(reverse("notify:preferences"), {**data, "phone": "请打我电话"})
    assert refused.status_code == 200 and "请输入由数字组成的电话号码" in refused.text
    handler.refresh_from_db()
    assert handler.phone == "138 0013 8000"


def test_preferences_say_which_channels_the_organisation_does_not_use(client, people, org):
    OrganisationSettings.objects.create(organisation=org, channels=["email", "wecom"])
    page = as_user(client, people["tzb"]).get(reverse("notify:preferences")).text
    unused = page.split('data-testid="unused"')[1].split("</div>")[0]
    for kind in ("sms", "dingtalk", "feishu"):
        assert str(ChannelKind(kind).label) in unused
    assert str(ChannelKind("wecom").label) not in unused


def test_the_links_lead_here(client, people):
    inbox = as_user(client, people["tzb"]).get(reverse("notify:list")).text
    assert reverse("notify:preferences") in inbox
    tabs = client.get(reverse("notify:preferences")).text
    assert reverse("notify:robots") not in tabs  # not a keeper
    menu = as_user(client, people["admin"]).get(reverse("notify:list")).text
    assert reverse("notify:robots") in menu and reverse("notify:settings") in menu
    supervisor = as_user(client, people["supervisor"]).get(reverse("notify:preferences")).text
    assert reverse("notify:robots") in supervisor and reverse("notify:settings") not in supervisor
