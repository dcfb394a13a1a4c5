"""Regenerate the translation catalogues.

Message ids are English. The simplified-Chinese catalogue (zh_Hans) is written by hand; the
traditional one (zh_Hant) is converted from it, so the two never drift: character by character
with OpenCC's ``s2t`` (not ``s2twp``, whose Taiwan IT phrasing changes meanings: 审核 became 稽核,
文件 檔案, 查看 檢視), then the reviewed forms below. Run with `make messages`, then fill any new
empty zh_Hans entries and run it again.
"""

import functools
import subprocess
import sys
from pathlib import Path

import opencc
import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "taizhang" / "locale"
TAIZHANG = [sys.executable, "-m", "taizhang.cli"]
CONVERSION = "s2t"
# s2t writes OpenCC's etymological variants; offices (and seed 000, a traditional-script
# report) write the common forms. Each line reviewed against that report's usage.
REVIEWED = {
    "爲": "為",
    "覈": "核",  # 審核, 考核
    "啓": "啟",
    "裏": "裡",
    "祕": "秘",
    "着": "著",  # 冒著, 著力
    "複核": "復核",
}


@functools.cache
def _character_converter():
    return opencc.OpenCC(CONVERSION).convert


def to_traditional(text):
    text = _character_converter()(text)
    for plain, reviewed in REVIEWED.items():
        text = text.replace(plain, reviewed)
    return text


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
    convert = to_traditional
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
