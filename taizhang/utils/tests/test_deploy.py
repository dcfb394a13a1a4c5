"""A production configuration: Django's deployment check is clean, and the real server sends the
security headers and no version banner."""

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time

import pytest
from django.test import override_settings
from django.urls import path

from .conftest import fresh_env

CHECK_TIMEOUT = 120
SERVER_START_TIMEOUT = 90


def production_env(var_dir, **extra):
    """The environment of a TLS deployment behind a proxy, on a fresh SQLite under var_dir."""
    return (
        fresh_env(
            var_dir,
            TAIZHANG_SECRET_KEY=secrets.token_urlsafe(64),
            TAIZHANG_HTTPS="true",
            TAIZHANG_DEBUG="false",
        )
        | extra
    )


@pytest.fixture(scope="module")
def production_check(tmp_path_factory):
    """``taizhang check --deploy`` once, in a production configuration."""
    result = subprocess.run(
        [sys.executable, "-m", "taizhang.cli", "check", "--deploy"],
        env=production_env(tmp_path_factory.mktemp("var")),
        capture_output=True,
        text=True,
        timeout=CHECK_TIMEOUT,
    )
    return result.returncode, result.stdout + result.stderr


def test_deploy_check_is_clean_in_production(production_check):
    returncode, output = production_check
    assert returncode == 0 and "Traceback" not in output, output
    assert "no issues" in output, output


def test_deploy_check_warns_without_tls(tmp_path):
    """The check is not clean by accident: plain HTTP is reported."""
    result = subprocess.run(
        [sys.executable, "-m", "taizhang.cli", "check", "--deploy", "--tag", "security"],
        env=production_env(tmp_path, TAIZHANG_HTTPS="false"),
        capture_output=True,
        text=True,
        timeout=CHECK_TIMEOUT,
    )
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout


def test_deploy_check_asks_for_a_shared_secret_key_on_postgresql(tmp_path):
    """With a server database several app servers may run: a key each generated for itself
    would sign users out whenever the load balancer sends them to another server."""
    database = "postgres://taizhang@127.0.0.1:1/taizhang"  # checked, never connected to
    outputs = {}
    for name, key in (("generated", None), ("shared", secrets.token_urlsafe(64))):
        env = production_env(tmp_path / name, DATABASE_URL=database)
        if key is None:
            del env["TAIZHANG_SECRET_KEY"]
        else:
            env["TAIZHANG_SECRET_KEY"] = key
        result = subprocess.run(
            [sys.executable, "-m", "taizhang.cli", "check", "--deploy", "--tag", "security"],
            env=env,
            capture_output=True,
            text=True,
            timeout=CHECK_TIMEOUT,
        )
        outputs[name] = result.stdout + result.stderr
    assert "taizhang.W001" in outputs["generated"], outputs["generated"]
    assert "TAIZHANG_SECRET_KEY" in outputs["generated"]
    assert "taizhang.W001" not in outputs["shared"], outputs["shared"]


def storage_in(env):
    """What the default storage is in a process with this environment."""
    code = (
        "import django; django.setup()\n"
        "from django.core.files.storage import storages\n"
        "s = storages['default']\n"
        "print(type(s).__name__, s.url('报告.pdf'))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )


def test_uploads_go_to_the_storage_the_environment_names(tmp_path):
    """Several app servers share their uploads in an object store (django-storages' S3
    backend, say): any Django storage, with its options, is chosen from the environment."""
    env = production_env(
        tmp_path,
        TAIZHANG_MEDIA_STORAGE="django.core.files.storage.InMemoryStorage",
        TAIZHANG_MEDIA_STORAGE_OPTIONS='{"base_url": "https://files.example.org/taizhang/"}',
    )
    result = storage_in(env)
    assert result.stdout.split() == [
        "InMemoryStorage",
        "https://files.example.org/taizhang/%E6%8A%A5%E5%91%8A.pdf",
    ], result.stderr

    result = storage_in(env | {"TAIZHANG_MEDIA_STORAGE_OPTIONS": "bucket=taizhang"})
    assert result.returncode != 0
    assert "TAIZHANG_MEDIA_STORAGE_OPTIONS is not JSON" in result.stderr


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    """``taizhang serve`` (gunicorn) on a free loopback port with a production configuration."""
    tmp_path = tmp_path_factory.mktemp("served")
    port = free_port()
    env = production_env(
        tmp_path,
        # Collected files under a fresh var dir are not needed to answer these requests.
        TAIZHANG_STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
    )
    log = open(tmp_path / "serve.log", "w+")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [sys.executable, "-m", "taizhang.cli", "serve", "--no-worker", "--workers", "1"]
        + ["--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    pytest.fail(f"taizhang serve did not start:\n{log.read()}")
                time.sleep(0.2)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def get(port, path, method="GET", **headers):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request(method, path, headers=headers)
        response = conn.getresponse()
        return response, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def test_served_pages_carry_the_security_headers_and_no_banner(production_server):
    response, body = get(production_server, "/login/", **{"X-Forwarded-Proto": "https"})
    assert response.status == 200, body
    headers = response.getheaders()
    for name, value in headers:
        assert "gunicorn" not in value.lower(), (name, value)
        assert "django" not in value.lower(), (name, value)
    server = response.getheader("Server", "")
    assert not re.search(r"\d", server), f"a version in Server: {server}"

    csp = response.getheader("Content-Security-Policy")
    assert csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Referrer-Policy") == "same-origin"
    assert "max-age=31536000" in response.getheader("Strict-Transport-Security", "")
    cookies = [v for n, v in headers if n.lower() == "set-cookie"]
    assert cookies and all("Secure" in c for c in cookies), cookies
    # No inline script in the page the policy protects.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)
    assert not re.search(r"\son[a-z]+=", body)


def test_plain_http_is_redirected_to_https(production_server):
    response, _ = get(production_server, "/login/")
    assert response.status == 301
    assert response.getheader("Location", "").startswith("https://")


def test_the_server_keeps_a_browsers_connection_for_the_next_request(production_server):
    conn = http.client.HTTPConnection("127.0.0.1", production_server, timeout=20)
    try:
        for _page in range(3):
            conn.request("GET", "/login/", headers={"X-Forwarded-Proto": "https"})
            response = conn.getresponse()
            response.read()
            assert response.status == 200
            assert response.getheader("Connection", "").lower() != "close"
            assert conn.sock is not None  # the same connection serves the next request
    finally:
        conn.close()


def test_error_pages_show_no_debug_information(production_server):
    response, body = get(production_server, "/no-such-page/", **{"X-Forwarded-Proto": "https"})
    assert response.status == 404
    assert response.getheader("Content-Security-Policy")
    assert "页面不存在" in body  # the product's own page, in Chinese
    for leak in ("Traceback", "DEBUG", "URLconf", "taizhang.urls", "settings"):
        assert leak not in body

    response, body = get(production_server, "/login/", "POST", **{"X-Forwarded-Proto": "https"})
    assert response.status == 403
    assert "表单已失效" in body
    for leak in ("CSRF verification failed", "Referer", "DEBUG", "settings"):
        assert leak not in body


def broken_view(request):
    raise RuntimeError("secret detail of a failure")


urlpatterns = [path("broken/", broken_view)]


@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_shows_our_page_and_no_detail(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "服务器错误" in body
    assert "secret detail" not in body and "RuntimeError" not in body
