"""Lock-out of repeated failed sign-ins, by account and by address, on the page and the API."""

import datetime
import os
import subprocess
import sys

import pytest
from django.utils import timezone

from conftest import PASSWORD
from taizhang.org.models import Lockout, LoginFailure

pytestmark = pytest.mark.django_db


def test_five_failures_lock_the_account_and_the_page_says_until_when(sign_in, people):
    for _ in range(4):
        response = sign_in("duban", "wrong")
        assert "用户名或密码错误" in response.text
    response = sign_in("duban", "wrong")
    lockout = Lockout.objects.get(key="duban")
    until = timezone.localtime(lockout.locked_until)
    assert "该账号因连续登录失败已被锁定" in response.text
    assert f"{until:%H:%M}" in response.text
    # The right password does not help while locked, and is not even checked.
    response = sign_in("duban", PASSWORD)
    assert response.status_code == 200 and "已被锁定" in response.text
    assert "_auth_user_id" not in response.wsgi_request.session


def test_the_lock_ends_after_the_lockout_time(sign_in, people):
    for _ in range(5):
        sign_in("duban", "wrong")
    Lockout.objects.update(locked_until=timezone.now() - datetime.timedelta(seconds=1))
    response = sign_in("duban", PASSWORD)
    assert response.status_code == 302
    # One failure after the lock ended does not lock again at once.
    assert "已被锁定" not in sign_in("lingdao", "wrong").text


def test_failures_outside_the_window_do_not_count(sign_in, people):
    for _ in range(4):
        sign_in("duban", "wrong")
    LoginFailure.objects.update(created=timezone.now() - datetime.timedelta(minutes=16))
    sign_in("duban", "wrong")
    assert not Lockout.objects.exists()
    assert sign_in("duban", PASSWORD).status_code == 302


def test_a_correct_sign_in_clears_earlier_failures(sign_in, people):
    for _ in range(4):
        sign_in("duban", "wrong")
    assert sign_in("duban", PASSWORD).status_code == 302
    sign_in("duban", "wrong")
    assert not Lockout.objects.exists()


def test_limits_come_from_the_settings(sign_in, people, settings):
    settings.TAIZHANG_LOGIN_MAX_FAILURES = 2
    settings.TAIZHANG_LOCKOUT_MINUTES = 60
    sign_in("duban", "wrong")
    assert "已被锁定" in sign_in("duban", "wrong").text
    lockout = Lockout.objects.get()
    assert lockout.locked_until - lockout.created == datetime.timedelta(minutes=60)


def test_one_address_trying_many_accounts_is_blocked(sign_in, people):
    names = [f"user{i}" for i in range(20)]
    for name in names[:-1]:
        assert "已被" not in sign_in(name, "wrong").text
    response = sign_in(names[-1], "wrong")
    assert "该地址登录失败次数过多" in response.text
    # Blocked for every account from that address, also for a right password...
    assert "该地址登录失败次数过多" in sign_in("duban", PASSWORD).text
    # ...but not from another address.
    assert sign_in("duban", PASSWORD, address="10.0.0.2").status_code == 302


def test_unknown_user_names_are_locked_like_real_ones(sign_in, db):
    for _ in range(5):
        response = sign_in("nobody", "wrong")
    assert "已被锁定" in response.text


def test_the_token_endpoint_counts_the_same_failures_and_answers_429(token_for, sign_in, people):
    for _ in range(3):
        assert token_for("duban", "wrong").status_code == 401
    sign_in("duban", "wrong")
    response = token_for("duban", "wrong")
    assert response.status_code == 429
    assert "该账号因连续登录失败已被锁定" in response.json()["detail"]
    response = token_for("duban", PASSWORD)
    assert response.status_code == 429
    # And the page knows about the lock the API caused.
    assert "已被锁定" in sign_in("duban", PASSWORD).text


def test_failures_are_shared_by_every_app_server(sign_in, people):
    """The count lives in the database: rows written elsewhere count here."""
    LoginFailure.objects.bulk_create([LoginFailure(username="duban") for _ in range(4)])
    assert "已被锁定" in sign_in("duban", "wrong").text


def test_failures_older_than_a_day_are_dropped(sign_in, people):
    sign_in("duban", "wrong")
    LoginFailure.objects.update(created=timezone.now() - datetime.timedelta(days=2))
    sign_in("lingdao", "wrong")
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["lingdao"]


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(sign_in, people, settings):
    """Everyone arrives from the proxy: blocking its address would lock the whole site out."""
    settings.TAIZHANG_TRUSTED_PROXIES = ["10.9.0.0/16"]
    for i in range(20):
        sign_in(f"user{i}", "wrong", address="10.9.0.1", HTTP_X_FORWARDED_FOR="172.16.5.5")
    assert (
        "该地址登录失败次数过多"
        in sign_in("duban", PASSWORD, address="10.9.0.1", HTTP_X_FORWARDED_FOR="172.16.5.5").text
    )
    ok = sign_in("duban", PASSWORD, address="10.9.0.1", HTTP_X_FORWARDED_FOR="172.16.5.6")
    assert ok.status_code == 302
    assert set(LoginFailure.objects.values_list("address", flat=True)) == {"172.16.5.5"}


def test_a_trusted_proxy_that_is_not_an_address_stops_the_start(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TAIZHANG_")},
        "TAIZHANG_VAR_DIR": str(tmp_path),
        "TAIZHANG_TRUSTED_PROXIES": "10.0.0.0/33",
        "DJANGO_SETTINGS_MODULE": "taizhang.settings",
    }
    result = subprocess.run(
        [sys.executable, "-m", "taizhang.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "TAIZHANG_TRUSTED_PROXIES" in result.stderr


def test_an_account_lock_out_is_shown_to_the_organisations_auditors(sign_in, people):
    from taizhang.audit.models import AuditRecord

    for _ in range(5):
        sign_in("duban", "wrong")
    record = AuditRecord.objects.get(object_type="org.lockout", action="create")
    assert record.organisation_id == people["supervisor"].organisation_id
