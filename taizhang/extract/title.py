"""A document's own title: its first heading, or what its 文号 line says it is about.

Official documents open with a red-letter header (国务院文件), a 文号 (国发〔2018〕39号), a
title that may wrap over two lines, and an addressee (各省、自治区、直辖市人民政府：); web copies
add a breadcrumb (日期：… 来源：…) and speeches a date line under the title. The title is the
first line (or two) among these that reads as a heading; the rest is skipped. Rules match on the
normalised text and quote the original, so a traditional-script title stays in its script.
"""

import re

from .normalise import normalise

SCAN_LINES = 12  # a title is near the top or not there at all
HEAD_CHARS = 4000  # …so only the top is normalised, however long the document
LINE_MAX = 60
TITLE_MAX = 120
# 国发〔2018〕39号, 穗府办函[2024]12号, 〔2023〕5号: the issuer's abbreviation, the year, the number.
DOC_NUMBER = re.compile(
    r"\w{0,12}\s*[〔\[【(（]\s*(?:19|20)\d{2}\s*[〕\]】)）]\s*(?:第\s*)?\d{1,5}\s*号"
)
DATE = re.compile(
    r"(?:\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
    r"(?:\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*日)?|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
)
# What web pages and headers put around a title.
CHROME = re.compile(
    r"来源\s*:|日期\s*:|发布(?:时间|日期|机构)|浏览次数|阅读次数|字号|字体|打印|分享|当前位置|首页"
    r"|[>»]|索引号|主题分类|成文日期|签发人|密级|特急|加急|^附件"
)
# The 版头 of a document or letter: 中共XX市委办公室文件, XX市政府函 (not 关于…的函).
HEADER = re.compile(r"^(?!.*(?:关于|的))[\w\s]{2,20}(?:文件|函)$")
ENUMERATOR = re.compile(
    r"^(?:[一二三四五六七八九十]+\s*[、.]|\(\s*[一二三四五六七八九十\d]+\s*\)|\d+\s*[、.](?!\d)|第[一二三四五六七八九十]+[,、])"
)
# The kinds of documents, the last word of a title ("…的若干意见", "…工作方案").
TITLE_END = re.compile(
    r"(?:意见|通知|方案|讲话|纪要|纪录|记录|决定|办法|规定|报告|批复|函|公告|通告|通报|要点|计划|规划|细则"
    r"|总结|请示|决议|条例|章程|安排|清单|台账|提纲|发言|致辞|说明)(?:\s*\(.*\))?$"
)
ADDRESSEE = re.compile(r"[:]\s*$")
# Sentences and figures ("增长5%左右") are not titles.
SENTENCE = re.compile(r"[。;!?%]|[,，]\s*$")


def document_title(text: str, norm: str | None = None) -> str | None:
    """The document's title as it writes it, or None when its top has no heading (`norm`: the
    normalised text, when the caller has it already)."""
    head = text[:HEAD_CHARS]
    lines = _lines(head, norm[:HEAD_CHARS] if norm is not None else normalise(head))
    subject = None
    found = []
    in_body = False
    for original, line in lines:
        if found:
            if _continues(found[-1][1], line):
                found.append((original, line))
            break
        if DOC_NUMBER.search(line):
            subject = subject or _subject(original, line)
            continue
        if _only_date(line):
            # A covering letter (现印发给你们…) ends with its date; the document it issues
            # follows with its own title.
            in_body = False
            continue
        if _skipped(line):
            continue
        if not _heading(line):
            in_body = True
        elif not in_body:
            found.append((original, line))
    if found:
        return "".join(original for original, _ in found)[:TITLE_MAX]
    return subject


def _lines(text: str, norm: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    for raw in text.split("\n"):
        end = pos + len(raw)
        original, line = raw.strip(), norm[pos:end].strip()
        pos = end + 1
        if line.lstrip("#").strip():
            out.append((original.lstrip("#").strip(), line.lstrip("#").strip()))
        if len(out) >= SCAN_LINES:
            break
    return out


def _skipped(line: str) -> bool:
    """Lines above or under a title that are not it: header, addressee, date, breadcrumb."""
    if ADDRESSEE.search(line) or CHROME.search(line) or HEADER.match(line):
        return True
    return _only_date(line)


def _only_date(line: str) -> bool:
    rest = DATE.sub("", line)
    return rest != line and not re.sub(r"[\s()\-—,、]|[(（）)]", "", rest)


def _heading(line: str) -> bool:
    return (
        2 <= len(line) <= LINE_MAX
        and re.search(r"[\u4e00-\u9fff]", line) is not None
        and not SENTENCE.search(line)
        and not ENUMERATOR.match(line)
    )


def _continues(first: str, line: str) -> bool:
    """A title wrapped over two lines: the first does not end as a title does (or it is a
    "关于…" without its "的…"), the second does."""
    unfinished = not TITLE_END.search(first) or (
        re.search(r"关于", first) is not None and "的" not in first.partition("关于")[2]
    )
    return (
        unfinished
        and _heading(line)
        and not _skipped(line)
        and not DOC_NUMBER.search(line)
        and TITLE_END.search(line) is not None
    )


def _subject(original: str, line: str) -> str | None:
    """What a 文号 line says beside its number ("关于…的通知（穗府办〔2024〕12号）")."""
    m = DOC_NUMBER.search(line)
    head, tail = original[: m.start()], original[m.end() :]
    rest = max((head, tail), key=len).strip(" \t()（）[]【】,，:")
    norm_rest = normalise(rest)
    return rest if len(rest) >= 4 and _heading(norm_rest) else None
