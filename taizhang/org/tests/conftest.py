import pytest

from conftest import make_user
from taizhang.org.choices import Role

# A password that passes every rule: length, three classes, not common, not the user name.
GOOD_PASSWORD = "Jiandu-2026-Xin"


@pytest.fixture
def staff(org, other_org, people):
    """The three administrators of the organisation, and a system administrator elsewhere."""
    return {
        "admin": people["admin"],
        "security": make_user(org, "anquan", Role.SECURITY),
        "auditor": make_user(org, "shenji", Role.AUDITOR),
        "other_admin": make_user(other_org["org"], "fed-admin", Role.ADMIN),
        "other_security": make_user(other_org["org"], "fed-anquan", Role.SECURITY),
    }


@pytest.fixture
def sign_in(client):
    """Post the login page as a browser would (from an address), and return the response."""

    def sign_in(username, password, address="10.0.0.1", **extra):
        return client.post(
            "/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **extra
        )

    return sign_in


@pytest.fixture
def token_for(client):
    def token_for(username, password, address="10.0.0.1", **extra):
        return client.post(
            "/api/auth/token",
            {"username": username, "password": password, **extra},
            content_type="application/json",
            REMOTE_ADDR=address,
        )

    return token_for
