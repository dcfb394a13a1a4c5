"""The optional TOTP second factor: enrol, sign in with a code, no replay, wrong codes count."""

import pyotp
import pytest
from django.urls import reverse

from conftest import PASSWORD
from taizhang.org import services
from taizhang.org.models import Lockout

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(people):
    user = people["supervisor"]
    services.enable_totp(user, pyotp.random_base32())
    return user


def test_enrolment_shows_the_secret_and_needs_a_code_to_confirm(client, people):
    client.login(username="duban", password=PASSWORD)
    page = client.get(reverse("two_factor"))
    secret = page.context["secret"]
    assert secret in page.text and "otpauth://totp/taizhang:duban?secret=" in page.text
    response = client.post(reverse("two_factor"), {"code": "000000"})
    assert response.status_code == 200 and "验证码错误" in response.text
    people["supervisor"].refresh_from_db()
    assert not people["supervisor"].has_totp
    response = client.post(reverse("two_factor"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    people["supervisor"].refresh_from_db()
    assert people["supervisor"].totp_secret == secret


def test_sign_in_asks_for_the_code_after_the_password(client, enrolled):
    response = client.post("/login/", {"username": "duban", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("login_code")
    assert client.get("/").status_code == 302  # not signed in yet
    response = client.post(reverse("login_code"), {"code": "123456"})
    assert "验证码错误" in response.text
    code = pyotp.TOTP(enrolled.totp_secret).now()
    response = client.post(reverse("login_code"), {"code": code})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_a_code_is_accepted_once(client, enrolled):
    code = pyotp.TOTP(enrolled.totp_secret).now()
    client.post("/login/", {"username": "duban", "password": PASSWORD})
    assert client.post(reverse("login_code"), {"code": code}).status_code == 302
    client.logout()
    client.post("/login/", {"username": "duban", "password": PASSWORD})
    assert "验证码错误" in client.post(reverse("login_code"), {"code": code}).text


def test_wrong_codes_lock_the_account(client, enrolled):
    client.post("/login/", {"username": "duban", "password": PASSWORD})
    for _ in range(5):
        response = client.post(reverse("login_code"), {"code": "000000"})
    assert "已被锁定" in response.text
    assert Lockout.objects.filter(key="duban").exists()
    code = pyotp.TOTP(enrolled.totp_secret).now()
    assert "已被锁定" in client.post(reverse("login_code"), {"code": code}).text


def test_the_right_password_again_does_not_reset_the_count_of_wrong_codes(client, enrolled):
    for _ in range(4):
        client.post("/login/", {"username": "duban", "password": PASSWORD})
        client.post(reverse("login_code"), {"code": "000000"})
    client.post("/login/", {"username": "duban", "password": PASSWORD})
    assert "已被锁定" in client.post(reverse("login_code"), {"code": "000000"}).text


def test_the_code_page_without_a_password_first_goes_back_to_login(client, enrolled):
    response = client.post(reverse("login_code"), {"code": "000000"})
    assert response.status_code == 302 and response.url == reverse("login")


def test_the_token_endpoint_needs_the_code_too(client, enrolled):
    def token(**extra):
        return client.post(
            "/api/auth/token",
            {"username": "duban", "password": PASSWORD, **extra},
            content_type="application/json",
        )

    assert token().status_code == 401
    response = token(code=pyotp.TOTP(enrolled.totp_secret).now())
    assert response.status_code == 200 and set(response.json()) == {"token", "expires"}


def test_turning_it_off_needs_a_current_code(client, enrolled):
    client.force_login(enrolled)
    assert client.post(reverse("two_factor"), {"code": "000000"}).status_code == 200
    code = pyotp.TOTP(enrolled.totp_secret).now()
    assert client.post(reverse("two_factor"), {"code": code}).status_code == 302
    enrolled.refresh_from_db()
    assert not enrolled.has_totp


def test_a_wrong_code_is_a_failed_sign_in_in_the_audit_log(client, enrolled):
    from taizhang.audit.models import AuditRecord

    response = client.post(
        "/api/auth/token",
        {"username": "duban", "password": PASSWORD, "code": "000000"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert AuditRecord.objects.filter(action="login_failed").count() == 1


def test_the_current_password_cannot_be_guessed_once_locked(client, people):
    client.login(username="tzb", password=PASSWORD)
    url = reverse("password_change")
    for _ in range(5):
        client.post(url, {"old_password": "guess", "new_password1": "x", "new_password2": "x"})
    page = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "Abcdef-12345",
            "new_password2": "Abcdef-12345",
        },
    )
    assert "已被锁定" in page.text
    people["tzb"].refresh_from_db()
    assert people["tzb"].check_password(PASSWORD)
