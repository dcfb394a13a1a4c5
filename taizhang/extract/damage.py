"""Warnings for text that reached us damaged: hidden passages, garbled characters, a cut-off end.

Each warning is a sentence for the user, naming the line, so whoever reviews the proposals
knows which part of the document the engine could not see.
"""

import bisect
import re
from dataclasses import dataclass

# "------此处隐藏1200字，下载查看全文": the notice is found first, then the rule before it is
# taken in (a pattern starting with the rule retried it from each of its characters: quadratic).
HIDDEN = re.compile(r"此处(?:已)?隐藏\s*(\d*)\s*字[^\n]{0,20}?(?:下载|查看|阅读)[^\n]{0,10}")
HIDDEN_RULE = "-—_=* \t"
# "??l放": characters lost in a round trip through an encoding that lacked them; U+FFFD;
# UTF-8 read as Latin-1 or GBK ("Ã©", "â€", "锟斤拷"). A run of "?" is tried from its first one
# only: tried from each one, a long run ending in a non-letter cost its length squared.
MOJIBAKE = re.compile(
    r"(?<!\?)\?{2,}(?=[\w\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])\?{2,}|\ufffd+|锟斤拷|烫烫烫|[ÃÂâ][\x80-\xbf€™œ]"
)
SENTENCE_END = tuple("。！？!?…”’」』）)】>")
# A closing line that needs no full stop: a date, a signature, "附件：…".
CLOSING_LINE = re.compile(
    r"^\s*(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[\d\s\-./年月日]+|.{0,20}(?:办公室|人民政府|委员会|印发|抄送).{0,20}"
    # the attendance lines that close minutes: 出席：… 列席：各部门负责人
    r"|(?:出席|列席|参加|缺席|请假|主持|记录|散会)(?:人员)?\s*[:：].{0,200})\s*$"
)


@dataclass(frozen=True)
class Damage:
    code: str  # hidden | mojibake | truncated
    start: int
    end: int
    message: str

    def __str__(self) -> str:
        return self.message


def line_counter(text: str):
    """line_of(offset) for one text: its line breaks are found once, on the first call, and each
    look-up bisects them (counting from the start for each warning was quadratic)."""
    breaks: list[int] = []

    def line_of(offset: int) -> int:
        if not breaks:
            breaks.extend(m.start() for m in re.finditer("\n", text))
            breaks.append(len(text))  # never empty, so the breaks are found once
        return bisect.bisect_left(breaks, offset) + 1

    return line_of


def find_damage(norm: str, text: str | None = None) -> list[Damage]:
    """Damage found in the normalised text, quoted from the original."""
    text = norm if text is None else text
    line_of = line_counter(text)
    found = []
    end = 0  # where the last notice ended: the rule before the next one starts after it
    for m in HIDDEN.finditer(norm):
        start = m.start()
        while start > end and norm[start - 1] in HIDDEN_RULE:
            start -= 1
        end = m.end()
        count = f"{m.group(1)}字" if m.group(1) else "一段文字"
        found.append(
            Damage(
                "hidden",
                start,
                end,
                (
                    f"第{line_of(start)}行：原文有{count}被隐藏（“{text[start:end].strip(' -—')}”），"
                    "其中的任务无法提取，请取得完整文件后重新上传"
                ),
            )
        )
    for m in MOJIBAKE.finditer(norm):
        context = text[max(0, m.start() - 6) : m.end() + 6].replace("\n", " ")
        found.append(
            Damage(
                "mojibake",
                m.start(),
                m.end(),
                (f"第{line_of(m.start())}行：有乱码（“{context}”），个别文字已丢失，请核对原件"),
            )
        )
    tail = norm.rstrip()
    last_line = tail.rsplit("\n", 1)[-1]
    original_last = text[len(tail) - len(last_line) : len(tail)]
    if (
        tail
        and not tail.endswith(SENTENCE_END)
        and not CLOSING_LINE.match(last_line)
        and len(last_line.strip()) >= 4
    ):
        found.append(
            Damage(
                "truncated",
                len(tail),
                len(tail),
                (
                    f"第{line_of(len(tail))}行：文本在句中结束（“…{original_last.strip()[-15:]}”），"
                    "文件可能不完整，末尾的任务可能缺失"
                ),
            )
        )
    return found
