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
