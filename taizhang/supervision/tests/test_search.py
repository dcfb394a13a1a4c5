"""The ledger's keyword (q) through the search index: what a user types finds what they see."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from taizhang.search.models import SearchEntry
from taizhang.supervision import services
from taizhang.supervision.filters import TaskFilterSet
from taizhang.supervision.models import Task

from .test_pages import login

pytestmark = pytest.mark.django_db


def found(user, q):
    """The titles the ledger shows ``user`` for the keyword ``q``."""
    filterset = TaskFilterSet({"q": q}, queryset=Task.objects.visible_to(user), user=user)
    assert filterset.is_valid()
    return sorted(filterset.qs.values_list("title", flat=True))


def test_two_and_one_character_words(make_task, people):
    make_task("draft", title="推进统战工作")
    make_task("draft", title="统一战线宣传")
    duban = people["supervisor"]
    assert found(duban, "统战") == ["推进统战工作"]
    assert found(duban, "战线") == ["统一战线宣传"]
    assert found(duban, "统") == ["推进统战工作", "统一战线宣传"]
    assert found(duban, "传") == ["统一战线宣传"]  # the title's last character


def test_traditional_input_and_case(make_task, people):
    make_task("draft", title="国资委牵头落实", body="Smart City 建设")
    duban = people["supervisor"]
    assert found(duban, "國資委") == ["国资委牵头落实"]
    assert found(duban, "SMART city") == ["国资委牵头落实"]


def test_numbers_whole_and_by_part(make_task, people):
    task = make_task("draft", title="按编号查找")
    make_task("draft", title="另一个事项")
    duban = people["supervisor"]
    assert found(duban, task.number) == ["按编号查找"]
    assert found(duban, task.number.lower()) == ["按编号查找"]
    prefix, year, serial = task.number.split("-")
    assert found(duban, f"{prefix}-{year}") == ["另一个事项", "按编号查找"]
    assert found(duban, serial) == ["按编号查找"]


def test_every_word_in_any_field(make_task, people):
    make_task("draft", title="深化改革", body="年底前完成", source_ref="市委常委会第5次会议")
    make_task("draft", title="深化改革的另一项", body="明年完成")
    duban = people["supervisor"]
    assert found(duban, "改革 年底") == ["深化改革"]
    assert found(duban, "改革 常委会") == ["深化改革"]
    assert found(duban, "改革 完成") == ["深化改革", "深化改革的另一项"]
    assert found(duban, "改革 不存在") == []


def test_edits_are_indexed_again(make_task, people):
    task = make_task("draft", title="原来的标题")
    duban = people["supervisor"]
    services.update_task(task, by=duban, version=task.version, title="修改后的标题", body="新要求")
    assert found(duban, "原来") == []
    assert found(duban, "修改") == ["修改后的标题"]
    assert found(duban, "要求") == ["修改后的标题"]


def test_every_progress_report_is_found(make_task, people, units):
    task = make_task("in_progress", title="有进展的事项")  # reported 已召开专题会议部署。
    services.report_progress(task, by=people["tzb"], percent=60, text="完成调研报告初稿")
    duban = people["supervisor"]
    assert found(duban, "调研") == ["有进展的事项"]  # the latest report
    assert found(duban, "专题会议") == ["有进展的事项"]  # an earlier one
    task.refresh_from_db()
    services.submit_completion(task, by=people["tzb"], comment="全部办结归档")
    assert found(duban, "归档") == ["有进展的事项"]  # the completion report


def test_deleted_tasks_are_gone_from_the_index(make_task, people):
    task = make_task("draft", title="将被删除的事项")
    assert SearchEntry.objects.filter(kind="task", object_id=task.pk).exists()
    task.events.all().delete()
    task.delete()
    assert not SearchEntry.objects.filter(kind="task", object_id=task.pk).exists()


def test_search_never_widens_what_a_user_sees(make_task, people, units, other_org):
    make_task("in_progress", title="统战部牵头的改革")
    make_task("in_progress", title="国资委牵头的改革", lead_unit=units["gzw"], responsible_units=[])
    make_task("draft", title="统战部的改革草稿")  # a draft: handlers do not see it
    services.create_task(
        by=other_org["supervisor"],
        organisation=other_org["org"],
        title="别的组织的改革",
        deadline=Task.objects.first().deadline,
        lead_unit=other_org["unit"],
    )
    assert found(people["tzb"], "改革") == ["统战部牵头的改革"]
    assert found(people["supervisor"], "改革") == sorted(
        ["国资委牵头的改革", "统战部的改革草稿", "统战部牵头的改革"]
    )
    assert found(other_org["supervisor"], "改革") == ["别的组织的改革"]
    assert found(people["admin"], "改革") == []


def test_the_ledger_page_and_the_api_use_it(client, make_task, people):
    make_task("draft", title="國資委牽頭的事項")
    login(client, "duban")
    page = client.get(reverse("supervision:ledger"), {"q": "国资委"}).text
    assert "國資委牽頭的事項" in page
    assert "國資委牽頭的事項" not in client.get(reverse("supervision:ledger"), {"q": "统战"}).text
    api = client.get("/api/tasks", {"q": "国资委 事项"}).json()
    assert [t["title"] for t in api["results"]] == ["國資委牽頭的事項"]


def test_the_migration_indexes_existing_tasks(make_task, people):
    from importlib import import_module

    from django.apps import apps

    make_task("in_progress", title="迁移前登记的事项")
    SearchEntry.objects.all().delete()  # as before the index existed
    assert found(people["supervisor"], "迁移") == []
    import_module("taizhang.supervision.migrations.0005_index_tasks_for_search").index_tasks(
        apps, None
    )
    assert found(people["supervisor"], "迁移") == ["迁移前登记的事项"]
    assert found(people["supervisor"], "专题会议") == ["迁移前登记的事项"]  # its progress


def test_tasks_imported_in_bulk_are_found_by_keyword(people, units, org):
    fields = {
        "title": "导入的统战工作事项",
        "deadline": timezone.localdate() + datetime.timedelta(days=30),
        "lead_unit": units["tzb"],
    }
    services.create_tasks([(2, fields)], by=people["supervisor"], organisation=org)
    matching = TaskFilterSet({"q": "统战"}, queryset=Task.objects.all()).qs
    assert [t.title for t in matching] == ["导入的统战工作事项"]
