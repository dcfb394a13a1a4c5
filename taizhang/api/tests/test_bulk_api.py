"""Issue 14's contract: POST /api/tasks/bulk-transitions and POST /api/tasks/{id}/remind."""

import pytest

from conftest import PASSWORD
from taizhang.supervision.choices import Action, Status
from taizhang.supervision.models import Task, TaskEvent

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
            self.auth = {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}

        def get(self, url, **params):
            return client.get(url, params, **self.auth)

        def post(self, url, data):
            return client.post(url, data, content_type="application/json", **self.auth)

    return Caller


def test_bulk_transitions_answer_done_and_refused(api, make_task):
    drafts = [make_task("draft", title=f"草稿{i}") for i in range(2)]
    approved = make_task("approved")
    ids = [d.pk for d in drafts] + [approved.pk, 987654]
    response = api("lingdao").post(
        "/api/tasks/bulk-transitions", {"ids": ids, "action": "approve", "comment": "同意"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"done", "refused"}
    assert body["done"] == [d.pk for d in drafts]
    assert [r["id"] for r in body["refused"]] == [approved.pk, 987654]
    assert all(set(r) == {"id", "reason"} for r in body["refused"])
    assert "已审核" in body["refused"][0]["reason"]
    assert body["refused"][1]["reason"] == "未找到。"
    assert Task.objects.filter(status=Status.APPROVED).count() == 3


def test_bulk_transitions_bounded_and_checked(api, make_task):
    caller = api("lingdao")
    response = caller.post(
        "/api/tasks/bulk-transitions", {"ids": list(range(1, 502)), "action": "approve"}
    )
    assert response.status_code == 400 and "500" in response.content.decode()
    response = caller.post("/api/tasks/bulk-transitions", {"ids": [1], "action": "sign"})
    assert response.status_code == 400
    # A handler does not see the draft: refused as not found, nothing changes.
    draft = make_task("draft")
    response = api("tzb").post(
        "/api/tasks/bulk-transitions", {"ids": [draft.pk], "action": "approve"}
    )
    assert response.json() == {"done": [], "refused": [{"id": draft.pk, "reason": "未找到。"}]}


def test_remind_answers_units_reminded_and_refused(api, make_task, units):
    task = make_task("in_progress")
    caller = api("duban")
    url = f"/api/tasks/{task.pk}/remind"
    first = caller.post(url, {"message": "请尽快报送进展。", "urgent": False})
    assert first.status_code == 200, first.content
    assert [u["name"] for u in first.json()["reminded"]] == ["市委统战部", "市国资委"]
    assert first.json()["refused"] == [] and first.json()["channels"] == ["站内通知"]
    again = caller.post(url, {"message": "再次催办。", "units": [units["tzb"].pk, units["czj"].pk]})
    assert [u["name"] for u in again.json()["reminded"]] == ["市财政局"]
    assert [u["name"] for u in again.json()["refused"]] == ["市委统战部"]
    assert "今天已催办" in again.json()["refused"][0]["reason"]
    refused = caller.post(url, {"message": "第三次。"})
    assert refused.status_code == 400 and "今天已催办" in refused.content.decode()
    urgent = caller.post(url, {"message": "加急。", "urgent": True})
    assert urgent.status_code == 200 and len(urgent.json()["reminded"]) == 2
    assert TaskEvent.objects.filter(task=task, action=Action.REMIND).count() == 5
    assert api("lingdao").post(url, {"message": "x"}).status_code == 403
    history = caller.get(f"/api/tasks/{task.pk}/history").json()
    assert sum(1 for e in history if e["action"] == "remind") == 5


def test_api_export_of_chosen_ids(api, make_task):
    import io

    from openpyxl import load_workbook

    chosen = make_task("draft", title="只导出这一项")
    make_task("draft", title="不导出")
    response = api("duban").get("/api/tasks/export.xlsx", id=chosen.pk)
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert [row[2] for row in sheet.iter_rows(min_row=4, values_only=True)] == ["只导出这一项"]


def test_a_huge_id_list_is_refused_before_it_is_read(api, people):
    response = api("lingdao").post(
        "/api/tasks/bulk-transitions", {"ids": [1] * 100_000, "action": "approve"}
    )
    assert response.status_code == 400


def test_the_api_export_names_its_filter_and_refuses_a_wrong_one(api, make_task):
    import io

    from openpyxl import load_workbook

    make_task("draft", title="统战部牵头的事项")
    caller = api("duban")
    response = caller.get("/api/tasks/export.xlsx", unit="tzb")
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    title_block = " ".join(
        str(c) for row in sheet.iter_rows(max_row=2, values_only=True) for c in row if c
    )
    assert "中共XX市委统战部" in title_block or "市委统战部" in title_block
    assert caller.get("/api/tasks/export.xlsx", id="abc").status_code == 400


def test_the_page_export_refuses_a_wrong_filter_instead_of_exporting_everything(client, make_task):
    make_task("draft")
    client.login(username="duban", password=PASSWORD)
    response = client.get("/tasks/export.xlsx", {"id": "abc"}, follow=True)
    assert (
        response.redirect_chain
        and "不是事项编号" in response.content.decode()
        or ("is not a task id" in response.content.decode())
    )
    assert response.get("Content-Type", "").startswith("text/html")
