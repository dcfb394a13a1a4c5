"""全局搜索 from the header and ``GET /api/search``: what a user types finds the tasks they
may see, by number, words of the texts or a unit's name."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from taizhang.supervision import services

from .test_pages import login

pytestmark = pytest.mark.django_db


def _titles(response):
    return [row["title"] for row in response.json()["results"]]


def test_the_header_finds_words_units_and_numbers(client, make_task, people, units):
    first = make_task("assigned", title="建立专门的建言献策台账", body="鼓励党外人士建言")
    make_task(
        "assigned",
        title="开展经验交流会",
        lead_unit=units["czj"],
        responsible_units=[],
        cooperating_units=[],
    )
    login(client, "duban")
    page = client.get("/search/", {"q": "建言"}).content.decode()
    assert "建立专门的建言献策台账" in page and "开展经验交流会" not in page
    # A unit named whole finds the tasks it has a part in, whatever their titles say.
    page = client.get("/search/", {"q": "市财政局"}).content.decode()
    assert "开展经验交流会" in page and "建立专门的建言献策台账" in page  # it cooperates
    page = client.get("/search/", {"q": "统战部"}).content.decode()
    assert "建立专门的建言献策台账" in page and "开展经验交流会" not in page
    # A task's number opens the task.
    response = client.get("/search/", {"q": first.number})
    assert response.status_code == 302 and response.url == first.get_absolute_url()
    # The header has the box on every page.
    assert 'action="/search/"' in client.get("/tasks/").content.decode()


def test_a_handler_finds_only_what_they_see(client, make_task, people, units):
    make_task(
        "assigned",
        title="国企改革专项督查",
        lead_unit=units["czj"],
        responsible_units=[],
        cooperating_units=[],
    )
    login(client, "steel")  # a member enterprise: no part in it
    assert _titles(client.get("/api/search", {"q": "国企改革"})) == []
    assert _titles(client.get("/api/search", {"q": "市财政局"})) == []
    login(client, "czj")
    assert _titles(client.get("/api/search", {"q": "国企改革"})) == ["国企改革专项督查"]


def test_the_api_answer(client, make_task, people):
    task = make_task("in_progress", title="推进统战工作")
    services.report_progress(task, by=people["tzb"], percent=50, text="召开联席会议研究部署")
    login(client, "duban")
    body = client.get("/api/search", {"q": "联席"}).json()
    assert body["count"] == 1
    [row] = body["results"]
    assert row == {
        "id": task.pk,
        "number": task.number,
        "title": "推进统战工作",
        "light": task.light,
        "status": "in_progress",
        "deadline": task.deadline.isoformat(),
        "url": task.get_absolute_url(),
    }
    assert client.get("/api/search").status_code == 400  # q is required
    assert client.get("/api/search", {"q": "x" * 101}).status_code == 400


def test_the_ledger_keyword_finds_the_same(client, make_task, people, units):
    make_task(
        "draft",
        title="开展经验交流会",
        lead_unit=units["czj"],
        responsible_units=[],
        cooperating_units=[],
    )
    login(client, "duban")
    assert "开展经验交流会" in client.get("/tasks/", {"q": "市财政局"}).content.decode()


def test_queries_do_not_grow_with_the_results(client, make_task, people):
    login(client, "duban")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/search", {"q": "台账"}).status_code == 200
        return len(queries)

    make_task("draft", title="台账一")
    few = count()
    for n in range(5):
        make_task("draft", title=f"台账{n}号")
    assert count() == few
