"""In the browser: five wrong passwords lock the account; a reset password must be changed at
the first sign-in before anything else opens."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from taizhang.org import services
from taizhang.org.tests.conftest import GOOD_PASSWORD

pytestmark = [pytest.mark.browser]


def log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def test_five_wrong_passwords_lock_the_account(page, live_server, people, output_path):
    for attempt in range(4):
        log_in(page, live_server, "duban", f"wrong-{attempt}")
        expect(page.get_by_test_id("login-error")).to_have_text("用户名或密码错误。")
    log_in(page, live_server, "duban", "wrong-5")
    expect(page.get_by_test_id("login-error")).to_contain_text("该账号因连续登录失败已被锁定")
    page.screenshot(path=f"{output_path}/locked.png", full_page=True)
    # The right password is refused too while the lock lasts.
    log_in(page, live_server, "duban", PASSWORD)
    expect(page.get_by_test_id("login-error")).to_contain_text("锁定至")
    expect(page.locator(".navbar")).to_have_count(0)


def test_a_reset_password_is_changed_at_the_first_sign_in(page, live_server, people, staff):
    services.reset_password(people["tzb"], "Chongzhi-2026", by=staff["admin"])
    log_in(page, live_server, "tzb", "Chongzhi-2026")
    expect(page.get_by_test_id("must-change")).to_be_visible()
    page.goto(f"{live_server.url}/tasks/")
    expect(page.get_by_test_id("must-change")).to_be_visible()  # every page leads here
    page.fill("#id_old_password", "Chongzhi-2026")
    page.fill("#id_new_password1", "Chongzhi-2026")
    page.fill("#id_new_password2", "Chongzhi-2026")
    page.click("button[type=submit]")
    expect(page.locator(".invalid-feedback")).to_contain_text("最近 5 次")
    page.fill("#id_old_password", "Chongzhi-2026")
    page.fill("#id_new_password1", GOOD_PASSWORD)
    page.fill("#id_new_password2", GOOD_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("密码已修改")
    expect(page.locator(".navbar")).to_contain_text("我的待办")
