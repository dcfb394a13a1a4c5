"""The product's frame: error pages in its layout and the reader's language, each with a way
back (a refused permission logged as one line, a server error with its traceback), the favicon,
the language menu."""

import logging

import pytest
from django.conf import settings
from django.urls import path

from taizhang.urls import urlpatterns as app_urlpatterns

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("the database went away")


urlpatterns = [path("test/boom/", _boom), *app_urlpatterns]


def test_a_refusal_is_a_page_with_a_way_back_and_one_line_in_the_log(client, people, caplog):
    client.force_login(people["tzb"])  # a handler may not register tasks
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/tasks/new/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "无权访问" in page or "拒绝访问" in page
    assert 'href="/home/"' in page and "navbar" in page  # the menu is there
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /tasks/new/"
    assert record.exc_info is None


def test_a_missing_page_in_the_readers_language(client, people):
    client.force_login(people["tzb"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # chosen in the menu
    response = client.get("/tasks/999999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page and "Back to the start page" in page
    assert "navbar" in page


@pytest.mark.urls(__name__)
def test_a_server_error_says_so_without_detail_and_logs_the_traceback(client, people, caplog):
    client.raise_request_exception = False
    client.force_login(people["tzb"])
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/test/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "服务器出错" in page or "服务器错误" in page
    assert "the database went away" not in page and 'href="/home/"' in page
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info and isinstance(record.exc_info[1], RuntimeError)


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content)


def test_the_language_menu_names_each_language_in_itself(client, people):
    client.force_login(people["tzb"])
    page = client.get("/tasks/").content.decode()
    for name in ("简体中文", "繁體中文", "English"):
        assert f">{name}</option>" in page
    assert "英语" not in page and "英文" not in page
