"""Password rules, the password history, changing one's own password and the forced change."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import PASSWORD
from taizhang.org import services
from taizhang.org.tests.conftest import GOOD_PASSWORD

pytestmark = pytest.mark.django_db


def refused(password, user):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


@pytest.mark.parametrize(
    "password, message",
    [
        ("Ab1-xyz", "密码太短"),  # Django's own, translated
        ("abcdefghijkl", "至少 3 类"),
        ("abcdefgh2026", "至少 3 类"),  # two classes only
        ("Password1!", "太常见"),
        ("Duban-Office", "太相似"),
        ("Xin-duban-2026", "不能包含用户名"),
        ("Xin-nabud-2026", "不能包含用户名"),
    ],
)
def test_each_rule_refuses_with_a_chinese_message(people, password, message):
    people["supervisor"].display_name = "duban-office"
    assert message in refused(password, people["supervisor"])


def test_a_good_password_passes_every_rule(people):
    assert refused(GOOD_PASSWORD, people["supervisor"]) == ""
    assert refused("督办Office-2026", people["supervisor"]) == ""  # symbols include CJK


def test_the_minimum_length_is_configurable(people, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 16},
        }
    ]
    assert "密码太短" in refused(GOOD_PASSWORD, people["supervisor"])


def test_none_of_the_last_five_passwords_again(people):
    user = people["supervisor"]
    chosen = [f"Jiandu-{i}-Xin2026" for i in range(6)]
    for password in chosen:
        assert refused(password, user) == ""
        services.change_password(user, password)
    assert "最近 5 次" in refused(chosen[-1], user)
    for old in chosen[1:5]:
        assert "最近 5 次" in refused(old, user)
    # The sixth-last has dropped out of the history; the history holds five hashes only.
    assert refused(chosen[0], user) == ""
    assert user.password_history.count() == 5
    assert all(h.password.startswith("md5$") for h in user.password_history.all())


def test_changing_ones_own_password(client, people):
    client.login(username="duban", password=PASSWORD)
    assert reverse("password_change") in client.get("/").text  # the navbar's link
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200 and "密码太短" in response.text
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # still signed in
    client.logout()
    assert client.login(username="duban", password=GOOD_PASSWORD)


def test_a_wrong_current_password_counts_towards_the_lock_out(client, people):
    client.login(username="duban", password=PASSWORD)
    for _ in range(5):
        client.post(
            reverse("password_change"),
            {"old_password": "x", "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
        )
    client.logout()
    response = client.post("/login/", {"username": "duban", "password": PASSWORD})
    assert "已被锁定" in response.text


def test_a_reset_password_must_be_changed_before_anything_else(client, people, staff):
    user = services.reset_password(people["tzb"], "Chongzhi-2026", by=staff["admin"])
    response = client.post("/login/", {"username": "tzb", "password": "Chongzhi-2026"})
    assert response.status_code == 302
    for url in ["/", reverse("supervision:ledger"), reverse("account"), reverse("api_tokens")]:
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("password_change"), url
    page = client.get(reverse("password_change"))
    assert "请先设置自己的密码" in page.text
    response = client.get("/api/tasks")
    assert response.status_code == 403 and response.json()["detail"] == "请先修改密码。"
    response = client.post(
        "/api/auth/token",
        {"username": "tzb", "password": "Chongzhi-2026"},
        content_type="application/json",
    )
    assert response.status_code == 403
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "Chongzhi-2026",
            "new_password1": GOOD_PASSWORD,
            "new_password2": GOOD_PASSWORD,
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get("/").status_code == 200


def test_the_new_password_may_not_be_the_reset_one(client, people, staff):
    services.reset_password(people["tzb"], "Chongzhi-2026", by=staff["admin"])
    client.login(username="tzb", password="Chongzhi-2026")
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "Chongzhi-2026",
            "new_password1": "Chongzhi-2026",
            "new_password2": "Chongzhi-2026",
        },
    )
    assert response.status_code == 200 and "最近 5 次" in response.text
