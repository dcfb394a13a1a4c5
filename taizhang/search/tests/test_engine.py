"""The index on the database under test (FTS5 on SQLite, GIN on PostgreSQL)."""

import io

import pytest
from django.core.management import call_command

from taizhang import search
from taizhang.search.engine import register
from taizhang.search.models import SearchEntry

pytestmark = pytest.mark.django_db

NOTES = {
    1: "全面深化改革，推进统战工作",
    2: "市國資委牽頭落實",  # traditional script
    3: "编号 JXL-2026-0012 的事项",
    4: "统一战线",
}


def found(query, kind="note"):
    return sorted(search.matching(kind, query))


@pytest.fixture
def notes():
    for pk, text in NOTES.items():
        search.index("note", pk, 7, text)


def test_two_character_words(notes):
    assert found("统战") == [1]
    assert found("改革") == [1]
    assert found("战线") == [4]
    assert found("统一") == [4]
    assert found("深改") == []  # the characters, not the word


def test_one_character(notes):
    assert found("统") == [1, 4]
    assert found("线") == [4]  # the last character of a text
    assert found("国") == [2]


def test_traditional_and_simplified_find_each_other(notes):
    assert found("国资委") == [2]
    assert found("統戰") == [1]


def test_numbers_whole_and_by_part(notes):
    assert found("JXL-2026-0012") == [3]
    assert found("jxl-2026") == [3]
    assert found("0012") == [3]
    assert found("JXL-2026-00") == [3]
    assert found("JXL-2026-0013") == []


def test_every_word_must_match(notes):
    assert found("改革 统战") == [1]
    assert found("改革 国资委") == []
    assert found("统 工作") == [1]
    assert found("统 线") == [4]


def test_words_without_letters_match_nothing(notes):
    assert found("——") == []


def test_reindexing_replaces_and_unindexing_removes(notes):
    search.index("note", 1, 7, "新的内容")
    assert found("统战") == []
    assert found("内容") == [1]
    search.unindex("note", 1)
    assert found("内容") == []
    assert SearchEntry.objects.filter(kind="note").count() == 3


def test_kinds_are_apart(notes):
    search.index("memo", 1, 7, "统一战线")
    assert found("战线") == [4]
    assert found("战线", kind="memo") == [1]


def test_rebuild_reads_the_registered_rows(notes):
    source = {10: "督查工作", 11: "年度考核"}

    def rows(ids):
        for pk, text in source.items():
            if ids is None or pk in ids:
                yield pk, 7, (text,)

    register("memo", rows)
    try:
        search.index("memo", 99, 7, "早已删除的对象")
        assert search.rebuild("memo") == 2
        assert found("督查", kind="memo") == [10]
        assert found("删除", kind="memo") == []
        source[11] = "年度督查"
        assert search.rebuild("memo", ids=[11]) == 1
        assert found("督查", kind="memo") == [10, 11]
        call_command("search-rebuild", "memo", stdout=io.StringIO())
        assert found("督查", kind="memo") == [10, 11]
        assert found("统战") == [1]  # other kinds untouched
    finally:
        from taizhang.search import engine

        engine._sources.pop("memo")
