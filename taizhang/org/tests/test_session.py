"""Idle sessions end (等保2.0: 登录连接超时)."""

import time

import pytest
from django.urls import reverse

from conftest import PASSWORD
from taizhang import settings as real
from taizhang.org.middleware import LAST_SEEN

pytestmark = pytest.mark.django_db


def idle_for(client, seconds):
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


def test_a_session_idle_for_longer_than_the_limit_is_signed_out(client, people):
    client.login(username="duban", password=PASSWORD)
    idle_for(client, 29 * 60)
    assert client.get("/").status_code == 200
    idle_for(client, 31 * 60)
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    page = client.get(response.url)
    assert "30 分钟无操作" in page.text
    assert client.get("/").status_code == 302  # signed out for good, not just redirected


def test_activity_keeps_the_session_alive(client, people):
    client.login(username="duban", password=PASSWORD)
    idle_for(client, 20 * 60)
    client.get("/")  # refreshes the idle clock
    assert time.time() - client.session[LAST_SEEN] < 5


def test_the_limit_comes_from_the_settings_and_sets_the_cookie_age(client, people, settings):
    settings.TAIZHANG_SESSION_IDLE_MINUTES = 5
    client.login(username="duban", password=PASSWORD)
    idle_for(client, 6 * 60)
    assert client.get("/").status_code == 302
    assert real.SESSION_COOKIE_AGE == real.TAIZHANG_SESSION_IDLE_MINUTES * 60 == 30 * 60


def test_the_api_answers_401_to_an_idle_session(client, people):
    client.login(username="duban", password=PASSWORD)
    idle_for(client, 31 * 60)
    assert client.get("/api/tasks").status_code == 401


def test_an_htmx_request_of_an_idle_session_redirects_the_whole_page(client, people):
    client.login(username="duban", password=PASSWORD)
    idle_for(client, 31 * 60)
    response = client.get(reverse("supervision:ledger"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith(reverse("login"))
