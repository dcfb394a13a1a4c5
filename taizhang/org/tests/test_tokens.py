"""API tokens: stored hashed, shown once, named, expiring, revocable, revoked on password change,
never in logs."""

import datetime
import hashlib
import logging

import pytest
from django.urls import reverse
from django.utils import timezone
from django.views.debug import SafeExceptionReporterFilter

from conftest import PASSWORD
from taizhang.org import services
from taizhang.org.models import ApiToken
from taizhang.org.tests.conftest import GOOD_PASSWORD

pytestmark = pytest.mark.django_db


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_the_endpoint_gives_a_token_and_its_expiry(token_for, people, client):
    before = timezone.now()
    response = token_for("duban", PASSWORD, name="报表脚本")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires"}
    expires = datetime.datetime.fromisoformat(body["expires"])
    assert datetime.timedelta(days=90) <= expires - before < datetime.timedelta(days=90, minutes=1)
    token = ApiToken.objects.get()
    assert token.name == "报表脚本" and body["token"].startswith(token.prefix)
    # Only the SHA-256 of the key is stored.
    assert token.key_hash == hashlib.sha256(body["token"].encode()).hexdigest()
    assert not ApiToken.objects.filter(key_hash=body["token"]).exists()
    assert client.get("/api/tasks", **bearer(body["token"])).status_code == 200
    token.refresh_from_db()
    assert token.last_used is not None


def test_wrong_credentials_are_401_or_400(token_for, people):
    assert token_for("duban", "wrong").status_code == 401
    assert token_for("nobody", "wrong").status_code == 401
    response = token_for("duban", "")
    assert response.status_code == 400


def test_the_expiry_is_configurable(token_for, people, settings):
    settings.TAIZHANG_API_TOKEN_DAYS = 7
    body = token_for("duban", PASSWORD).json()
    expires = datetime.datetime.fromisoformat(body["expires"])
    assert expires - timezone.now() < datetime.timedelta(days=7, minutes=1)


def test_expired_revoked_and_unknown_tokens_are_401(client, people):
    _token, key = services.create_api_token(people["supervisor"], "x")
    assert client.get("/api/tasks", **bearer(key)).status_code == 200
    ApiToken.objects.update(expires=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/api/tasks", **bearer(key)).status_code == 401
    token, key = services.create_api_token(people["supervisor"], "y")
    services.revoke_token(token, by=people["supervisor"])
    response = client.get("/api/tasks", **bearer(key))
    assert response.status_code == 401 and "已撤销" in response.json()["detail"]
    assert client.get("/api/tasks", **bearer("tz_nonsense")).status_code == 401
    assert client.get("/api/tasks", HTTP_AUTHORIZATION="Bearer").status_code == 401


def test_a_deactivated_users_tokens_stop_working(client, people):
    _token, key = services.create_api_token(people["tzb"])
    people["tzb"].is_active = False
    people["tzb"].save()
    assert client.get("/api/tasks", **bearer(key)).status_code == 401


def test_changing_the_password_revokes_every_token(client, people):
    keys = [services.create_api_token(people["supervisor"], n)[1] for n in ("a", "b")]
    _other, other_key = services.create_api_token(people["leader"])
    services.change_password(people["supervisor"], GOOD_PASSWORD)
    for key in keys:
        assert client.get("/api/tasks", **bearer(key)).status_code == 401
    assert client.get("/api/tasks", **bearer(other_key)).status_code == 200


def test_the_tokens_page_creates_shows_once_lists_and_revokes(client, people):
    client.login(username="duban", password=PASSWORD)
    response = client.post(reverse("api_tokens"), {"name": "统计脚本"}, follow=True)
    key = response.context["created"]["key"]
    assert key in response.text
    page = client.get(reverse("api_tokens"))  # a reload shows it no more, and makes none
    assert key not in page.text and "统计脚本" in page.text and key[:10] in page.text
    token = ApiToken.objects.get()
    assert client.get("/api/tasks", **bearer(key)).status_code == 200
    client.post(reverse("api_token_revoke", args=[token.pk]))
    assert client.get("/api/tasks", **bearer(key)).status_code == 401
    assert "已撤销" in client.get(reverse("api_tokens")).text


def test_nobody_sees_or_revokes_anothers_tokens(client, people):
    token, key = services.create_api_token(people["leader"], "领导的令牌")
    client.login(username="duban", password=PASSWORD)
    assert "领导的令牌" not in client.get(reverse("api_tokens")).text
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    assert client.get("/api/tasks", **bearer(key)).status_code == 200


def test_tokens_are_not_logged(client, people, caplog):
    """Django logs refused requests (401/404) and error reports; neither may carry the key."""
    _token, key = services.create_api_token(people["supervisor"])
    ApiToken.objects.update(revoked_at=timezone.now())
    with caplog.at_level(logging.DEBUG):
        client.get("/api/tasks", **bearer(key))
        client.get("/api/tasks/999999", **bearer(key))
    assert caplog.records and key not in caplog.text
    request = client.get("/", **bearer(key)).wsgi_request
    meta = SafeExceptionReporterFilter().get_safe_request_meta(request)
    assert key not in str(meta)


def test_an_issued_token_is_in_the_audit_log_under_its_owner(client, people):
    from taizhang.audit.models import AuditRecord

    response = client.post(
        "/api/auth/token",
        {"username": "duban", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    record = AuditRecord.objects.get(object_type="org.apitoken", action="create")
    assert (
        record.actor == "duban" and record.organisation_id == people["supervisor"].organisation_id
    )
    assert response.json()["token"] not in record.changes
