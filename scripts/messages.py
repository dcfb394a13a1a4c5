"""Regenerate the translation catalogues.

Message ids are English. The simplified-Chinese catalogue (zh_Hans) is written by hand; the
traditional one (zh_Hant) is converted from it with OpenCC (s2twp: Taiwan phrasing), so the
two never drift. Run with `make messages`, then fill any new empty zh_Hans entries and run
it again.
"""

import subprocess
import sys
from pathlib import Path

import opencc
import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "taizhang" / "locale"
TAIZHANG = [sys.executable, "-m", "taizhang.cli"]


def main():
    subprocess.run(
        [
            *TAIZHANG,
            "makemessages",
            "-l",
            "zh_Hans",
            "-l",
            "zh_Hant",
            "-l",
            "en",
            "--ignore",
            "settings_test.py",
            "--no-obsolete",
        ],
        cwd=ROOT / "taizhang",
        check=True,
    )
    simplified = polib.pofile(LOCALE / "zh_Hans/LC_MESSAGES/django.po")
    traditional = polib.pofile(LOCALE / "zh_Hant/LC_MESSAGES/django.po")
    convert = opencc.OpenCC("s2twp").convert
    by_id = {(e.msgctxt, e.msgid): e for e in simplified}
    missing = []
    for entry in traditional:
        source = by_id.get((entry.msgctxt, entry.msgid))
        if source is None or not (source.msgstr or source.msgstr_plural.get(0)):
            missing.append(entry.msgid)
            continue
        entry.msgstr = convert(source.msgstr)
        entry.msgstr_plural = {k: convert(v) for k, v in source.msgstr_plural.items()}
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
    traditional.save()
    subprocess.run([*TAIZHANG, "compilemessages"], cwd=ROOT / "taizhang", check=True)
    for msgid in missing:
        print(f"untranslated in zh_Hans: {msgid!r}")


if __name__ == "__main__":
    main()
