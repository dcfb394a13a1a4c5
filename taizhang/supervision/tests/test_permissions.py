"""One visibility rule for pages, API and exports: a handler reaches only their units' tasks."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import PASSWORD
from taizhang.supervision.models import Task

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def exported_titles(client, **query):
    response = client.get(reverse("supervision:export"), query)
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    return [row[2] for row in sheet.iter_rows(min_row=4, values_only=True)]


def test_visible_to_by_role(make_task, people, other_org):
    draft = make_task("draft", title="立项中的事项")
    running = make_task("in_progress", title="办理中的事项")
    visible = {name: set(Task.objects.visible_to(person)) for name, person in people.items()}
    for name in ("supervisor", "leader"):
        assert visible[name] == {draft, running}
    assert visible["admin"] == set()  # 三员分立: administrators do not see the business
    for name in ("tzb", "gzw", "czj"):  # lead, responsible, cooperating: once assigned
        assert visible[name] == {running}
    assert visible["steel"] == set()
    assert visible["office"] == set()  # a supervising unit's handler is not an acting unit
    assert set(Task.objects.visible_to(other_org["supervisor"])) == set()


def test_other_units_task_cannot_be_read_acted_on_or_exported(client, make_task, people):
    task = make_task("assigned", title="统战部牵头的事项")
    login(client, people["steel"])
    assert client.get(reverse("supervision:task", args=[task.pk])).status_code == 404
    response = client.post(reverse("supervision:act", args=[task.pk, "sign"]))
    assert response.status_code == 404
    assert Task.objects.get(pk=task.pk).task_units.filter(signed_at__isnull=False).count() == 0
    assert "统战部牵头的事项" not in client.get(reverse("supervision:ledger")).text
    assert exported_titles(client) == []
    assert exported_titles(client, unit="tzb") == []


def test_own_units_task_can_be_read_and_exported(client, make_task, people):
    make_task("assigned", title="统战部牵头的事项")
    login(client, people["czj"])
    assert "统战部牵头的事项" in client.get(reverse("supervision:ledger")).text
    assert exported_titles(client) == ["统战部牵头的事项"]


def test_api_applies_the_same_rule(client, make_task, people):
    task = make_task("assigned")
    token = client.post(
        "/api/auth/token",
        {"username": "steel", "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/tasks", **auth).json()["count"] == 0
    assert client.get(f"/api/tasks/{task.pk}", **auth).status_code == 404
    assert client.get(f"/api/tasks/{task.pk}/history", **auth).status_code == 404
    response = client.post(
        f"/api/tasks/{task.pk}/transitions",
        {"action": "sign"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 404


def test_handler_sees_the_action_refused_with_a_reason(client, make_task, people):
    task = make_task("in_progress")
    login(client, people["gzw"])  # responsible unit: may report progress, not completion
    response = client.post(
        reverse("supervision:act", args=[task.pk, "submit_completion"]),
        {"comment": "完成了", "version": task.version},
        follow=True,
    )
    assert "您的角色不可对此事项进行“报送办结”操作" in response.text
    assert Task.objects.get(pk=task.pk).status == "in_progress"


def test_pages_need_a_login(client, make_task):
    task = make_task("draft")
    for url in [
        reverse("supervision:todo"),
        reverse("supervision:ledger"),
        reverse("supervision:task", args=[task.pk]),
        reverse("supervision:units"),
        reverse("supervision:export"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get("/api/tasks").status_code in (401, 403)


def test_only_supervisors_create_and_edit(client, make_task, people):
    task = make_task("draft")
    for name in ("leader", "tzb"):
        client.logout()
        login(client, people[name])
        assert client.get(reverse("supervision:create")).status_code == 403
        assert client.get(reverse("supervision:edit", args=[task.pk])).status_code in (403, 404)
