"""A keeper on a phone: filters the pool without a reload, opens a profile, shows the masked
fields (and finds the view in the profile's access log); the page fits the screen."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD

from .conftest import id_ending

pytestmark = [pytest.mark.browser]


def test_a_keeper_filters_opens_and_shows_on_a_phone(
    page, live_server, keeper, make_person, output_path
):
    number = id_ending("1234")
    make_person("陈立群", events=("training", "post"), id_number=number, phone="13812345678")
    make_person("刘晓燕", events=("training",))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", keeper.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/talent/")
    expect(page.get_by_test_id("total")).to_have_text("共 2 人")
    page.select_option("select[name=stage]", "use")
    expect(page.get_by_test_id("total")).to_have_text("共 1 人")
    assert "stage=use" in page.url
    expect(page.locator("#people")).to_contain_text("110***********1234")
    page.screenshot(path=f"{output_path}/talent-list-phone.png", full_page=True)
    page.click("text=陈立群")
    expect(page.get_by_test_id("id_number")).to_have_text("110***********1234")
    page.get_by_test_id("reveal").click()
    expect(page.get_by_test_id("id_number")).to_have_text(number)
    expect(page.get_by_test_id("phone")).to_have_text("13812345678")
    expect(page.locator("#access-log")).to_contain_text(keeper.username)
    page.screenshot(path=f"{output_path}/talent-profile-phone.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, "the profile must fit a phone screen"
