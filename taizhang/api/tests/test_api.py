import datetime

import pytest
from django.utils import timezone

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    """Call the API as a user: api("duban").post(url, json)."""

    class Caller:
        def __init__(self, username):
            response = client.post(
                "/api/auth/token",
                {"username": username, "password": PASSWORD},
                content_type="application/json",
            )
            assert response.status_code == 200, response.content
            assert set(response.json()) == {"token", "expires"}
            self.auth = {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}

        def get(self, url, **params):
            return client.get(url, params, **self.auth)

        def post(self, url, data):
            return client.post(url, data, content_type="application/json", **self.auth)

        def patch(self, url, data):
            return client.patch(url, data, content_type="application/json", **self.auth)

    return Caller


def test_token_with_wrong_password_is_refused(client, people):
    response = client.post(
        "/api/auth/token", {"username": "duban", "password": "x"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["detail"] == "用户名或密码错误。"
    assert client.get("/api/tasks", HTTP_AUTHORIZATION="Bearer nonsense").status_code == 401


def test_walk_a_task_from_draft_to_closed(api, people):
    duban, lingdao, tzb = api("duban"), api("lingdao"), api("tzb")
    deadline = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    response = duban.post(
        "/api/tasks",
        {
            "title": "建立专门的建言献策台账",
            "body": "认真梳理分析意见建议。",
            "source_kind": "speech",
            "lead_unit": "tzb",
            "responsible_units": ["gzw"],
            "cooperating_units": ["czj"],
            "deadline": deadline,
        },
    )
    assert response.status_code == 201, response.content
    task = response.json()
    assert (task["status"], task["lead_unit"], task["responsible_units"]) == (
        "draft",
        "tzb",
        ["gzw"],
    )
    url = f"/api/tasks/{task['id']}"

    def act(caller, action, **data):
        version = caller.get(url).json()["version"]
        response = caller.post(f"{url}/transitions", {"action": action, "version": version, **data})
        assert response.status_code == 200, response.content
        return response.json()

    act(lingdao, "approve")
    act(duban, "assign", comment="请按时办理")
    assert act(tzb, "sign")["status"] == "signed"
    version = tzb.get(url).json()["version"]
    response = tzb.post(
        f"{url}/progress", {"text": "线上平台需求已确定。", "percent": 30, "version": version}
    )
    assert response.status_code == 201 and response.json()["progress_percent"] == 30
    act(tzb, "submit_completion", comment="台账已建立并运行。")
    assert act(duban, "return", comment="请附台账样表。")["status"] == "returned"
    act(tzb, "submit_completion", comment="已附台账样表。")
    # 销号 while 市国资委 and 市财政局 have not signed: refused unless the supervisor confirms.
    version = duban.get(url).json()["version"]
    response = duban.post(f"{url}/transitions", {"action": "verify", "version": version})
    assert response.status_code == 400
    assert "市国资委" in response.json()["detail"] and "市财政局" in response.json()["detail"]
    assert act(duban, "verify", confirm_unsigned=True)["status"] == "closed"
    history = duban.get(f"{url}/history").json()
    assert [e["action"] for e in history][:3] == ["verify", "submit_completion", "return"]
    assert history[0]["actor"] == "duban"


def test_refused_transition_says_why(api, make_task):
    task = make_task("draft")
    url, version = f"/api/tasks/{task.pk}/transitions", task.version
    response = api("duban").post(url, {"action": "approve", "version": version})
    assert response.status_code == 403
    assert "角色" in response.json()["detail"]
    response = api("lingdao").post(url, {"action": "verify", "version": version})
    assert response.status_code == 403
    assert "立项" in response.json()["detail"]


def test_extension_through_the_api(api, make_task):
    task = make_task("in_progress")
    later = (task.deadline + datetime.timedelta(days=20)).isoformat()
    url = f"/api/tasks/{task.pk}/transitions"
    response = api("tzb").post(
        url,
        {
            "action": "request_extension",
            "comment": "会议推迟",
            "requested_deadline": later,
            "version": task.version,
        },
    )
    assert response.status_code == 200, response.content
    response = api("lingdao").post(
        url, {"action": "decide_extension", "approve": True, "version": task.version + 1}
    )
    assert response.json()["deadline"] == later


def test_stale_patch_gets_409_and_changes_nothing(api, make_task):
    task = make_task("draft")
    duban = api("duban")
    url = f"/api/tasks/{task.pk}"
    version = duban.get(url).json()["version"]
    first = duban.patch(url, {"title": "第一次修改", "version": version})
    assert first.status_code == 200 and first.json()["version"] == version + 1
    second = duban.patch(url, {"title": "基于旧版本的修改", "version": version})
    assert second.status_code == 409
    assert "刷新" in second.json()["detail"]
    assert duban.get(url).json()["title"] == "第一次修改"
    assert duban.patch(url, {"title": "没有版本"}).status_code == 400


def test_list_filters(api, make_task, units):
    make_task("in_progress", title="统战部牵头")
    make_task("draft", title="国资委牵头", lead_unit=units["gzw"], responsible_units=[])
    duban = api("duban")
    titles = lambda **q: sorted(t["title"] for t in duban.get("/api/tasks", **q).json()["results"])  # noqa: E731
    assert titles() == ["国资委牵头", "统战部牵头"]
    assert titles(status="draft") == ["国资委牵头"]
    assert titles(unit="gzw", unit_role="lead") == ["国资委牵头"]
    assert titles(unit="gzw") == ["国资委牵头", "统战部牵头"]
    assert titles(q="统战") == ["统战部牵头"]
    assert titles(light="green") == ["统战部牵头"]
    assert duban.get("/api/tasks", unit="nope").status_code == 400


def test_units_by_code_and_openapi(api, client, people):
    units = api("tzb").get("/api/units").json()
    gzw = next(u for u in units if u["code"] == "gzw")
    assert gzw["short_name"] == "市国资委" and "国资委" in gzw["aliases"]
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in [
        "/api/auth/token",
        "/api/tasks",
        "/api/tasks/{id}",
        "/api/tasks/{id}/transitions",
        "/api/tasks/{id}/progress",
        "/api/tasks/{id}/history",
        "/api/units",
    ]:
        assert path in paths, path
