"""The demo's accounts sign in straight away: no forced password change (demo convenience), and
each administrator lands on their own page."""

import pytest
from django.urls import reverse

from taizhang.demo.management.commands.demo import DEMO_PASSWORD
from taizhang.org.models import User

pytestmark = pytest.mark.django_db


def test_demo_users_are_not_forced_to_change_their_password(client, demo):
    assert not User.objects.filter(must_change_password=True).exists()
    for username, page in [
        ("admin", "manage:users"),
        ("anquan", "manage:security"),
        ("city-admin", "manage:users"),
        ("duban", "supervision:todo"),
    ]:
        client.logout()
        response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302 and response.url == reverse(page), username
        assert client.get(response.url).status_code == 200
