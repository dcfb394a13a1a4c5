import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import PASSWORD
from taizhang.supervision.models import Task

pytestmark = pytest.mark.django_db


def login(client, name):
    assert client.login(username=name, password=PASSWORD)


@pytest.mark.parametrize("name", ["supervisor", "leader", "tzb"])
def test_every_page_renders_for_every_role(client, make_task, people, name):
    task = make_task("in_progress")
    login(client, people[name].username)
    for url in [
        reverse("supervision:todo"),
        reverse("supervision:ledger"),
        reverse("supervision:task", args=[task.pk]),
        reverse("supervision:units"),
        reverse("notify:list"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "督办台账" in response.text


def test_ledger_queries_do_not_grow_with_rows(client, make_task, people):
    login(client, "duban")
    make_task("in_progress")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("supervision:ledger")).status_code == 200
        return len(queries)

    few = count()
    for i in range(8):
        make_task("assigned", title=f"事项{i}")
    assert count() == few


def test_todo_shows_each_role_its_work(client, make_task, people):
    make_task("draft", title="待审核的事项")
    make_task("assigned", title="待签收的事项")
    login(client, "lingdao")
    todo = client.get(reverse("supervision:todo")).text
    assert "待审核" in todo and "待审核的事项" in todo
    client.logout()
    login(client, "czj")
    todo = client.get(reverse("supervision:todo")).text
    assert "待签收的事项" in todo and "待审核的事项" not in todo


def test_ledger_filters_and_htmx_partial(client, make_task, people, units):
    make_task("in_progress", title="统战部牵头的事项")
    make_task("draft", title="国资委牵头的事项", lead_unit=units["gzw"], responsible_units=[])
    login(client, "duban")
    page = client.get(reverse("supervision:ledger"), {"unit": "gzw", "unit_role": "lead"}).text
    assert "国资委牵头的事项" in page and "统战部牵头的事项" not in page
    partial = client.get(reverse("supervision:ledger"), {"q": "统战"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.text and "统战部牵头的事项" in partial.text


def test_stale_edit_from_the_page_is_refused(client, make_task, people, units):
    task = make_task("draft")
    login(client, "duban")
    form = {
        "title": "我的修改",
        "source_kind": "meeting",
        "priority": "normal",
        "deadline": task.deadline.isoformat(),
        "lead_unit": units["tzb"].pk,
        "version": task.version,
    }
    Task.objects.filter(pk=task.pk).update(title="别人的修改", version=task.version + 1)
    response = client.post(reverse("supervision:edit", args=[task.pk]), form)
    assert response.status_code == 200
    assert "其他人已修改" in response.text
    assert Task.objects.get(pk=task.pk).title == "别人的修改"


def test_action_from_the_page_with_an_upload(client, make_task, people, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    task = make_task("signed")
    login(client, "tzb")
    url = reverse("supervision:act", args=[task.pk, "progress"])
    bad = SimpleUploadedFile("run.exe", b"MZ")
    response = client.post(
        url,
        {"percent": 50, "comment": "已完成过半。", "files": [bad], "version": task.version},
        follow=True,
    )
    assert "不能上传 .exe" in response.text
    assert Task.objects.get(pk=task.pk).progress_percent == 0
    good = SimpleUploadedFile("进展材料.pdf", b"%PDF-1.4 ...")
    client.post(
        url, {"percent": 50, "comment": "已完成过半。", "files": [good], "version": task.version}
    )
    task = Task.objects.get(pk=task.pk)
    assert task.progress_percent == 50
    attachment = task.progress_reports.get().attachments.get()
    download = client.get(reverse("supervision:attachment", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    client.logout()
    login(client, "steel")
    assert client.get(reverse("supervision:attachment", args=[attachment.pk])).status_code == 404


def test_timeline_names_changed_fields_in_the_users_words(client, make_task, people, units):
    task = make_task("draft")
    from taizhang.supervision import services

    services.update_task(
        task,
        by=people["supervisor"],
        version=task.version,
        deadline=task.deadline.replace(year=task.deadline.year + 1),
        cooperating_units=[units["steel"]],
    )
    login(client, "duban")
    page = client.get(reverse("supervision:task", args=[task.pk])).text
    assert "办理时限：" in page and "配合单位：" in page
