from pathlib import Path

import polib
import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
def test_every_message_is_translated(language):
    catalogue = polib.pofile(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    # The compiled catalogue (committed, so no gettext is needed at run time) is up to date.
    compiled = polib.mofile(LOCALE / language / "LC_MESSAGES" / "django.mo")
    assert {(e.msgctxt, e.msgid): e.msgstr for e in compiled} == {
        (e.msgctxt, e.msgid): e.msgstr for e in catalogue if not e.obsolete
    }


def test_the_three_languages_read_differently():
    with translation.override("zh-hans"):
        assert translation.gettext("My to-do") == "我的待办"
    with translation.override("zh-hant"):
        assert translation.gettext("My to-do") == "我的待辦"
    with translation.override("en"):
        assert translation.gettext("My to-do") == "My to-do"


def test_traditional_keeps_the_meaning_of_the_simplified_words():
    """Converted character by character (s2t and the reviewed forms), not with Taiwan IT
    phrasing, which turned 审核 into 稽核, 文件 into 檔案 and 查看 into 檢視."""
    simplified = {
        (e.msgctxt, e.msgid): e.msgstr
        for e in polib.pofile(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po")
    }
    traditional = polib.pofile(LOCALE / "zh_Hant" / "LC_MESSAGES" / "django.po")
    kept = {"审核": "審核", "文件": "文件", "查看": "查看", "台账": "臺賬", "为": "為"}
    checked = dict.fromkeys(kept, 0)
    for entry in traditional:
        source = simplified[(entry.msgctxt, entry.msgid)]
        for word, written in kept.items():
            if word in source:
                assert written in entry.msgstr, (source, entry.msgstr)
                checked[word] += 1
        # Each allowed only where the simplified text says it (档案 is a word of its own).
        for phrasing, asked in {
            "稽核": "稽核",
            "檔案": "档案",
            "檢視": "检视",
            "爲": "-",
            "覈": "-",
        }.items():
            assert phrasing not in entry.msgstr or asked in source, entry.msgstr
    assert all(checked.values()), checked
    with translation.override("zh-hant"):
        assert translation.gettext("Ledger") == "督辦臺賬"
