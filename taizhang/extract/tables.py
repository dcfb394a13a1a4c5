"""Tables: rows of cell strings → the labelled lines the structure parser reads.

A 分工方案 comes as a table as often as in prose: a Word or PDF table, an Excel sheet, or text
with tab- or ``|``-separated columns or one cell per line. Every reader turns its table into rows
of cell strings and hands them here. A row under a recognised header becomes one line,

    1.开展高校毕业生就业服务专项行动。牵头单位：市人社局；配合单位：市教育局、团市委；完成时限：2025年8月底前。

the shape a plan written as prose has, so one parser reads tables and prose alike. A column's
kind comes from its header through the one vocabulary of label words (labels.py): a unit role,
people, a deadline, measures, a problem or other; a column no label word names (工作任务, 重点任务,
具体内容 …) holds the task's text, as do measures, and 序号/编号 its number. Units, people and
deadlines are written under one label each (牵头部门 → 牵头单位, 时间节点 → 完成时限), so the same
plan reads into the same lines whatever its headers say.

A header is recognised when its cells are short names, one of them a label of units, people or a
deadline: a table without one is not a task table and its reader keeps it as it was.
"""

import csv
import functools
import io
import re
from dataclasses import dataclass

from . import labels
from .normalise import to_simplified

NUMBER, TASK = "number", labels.TASK
# Columns written as "label：value" after the task's text; measures are the task's text.
LABELLED = (*labels.UNIT_ROLES, labels.PERSON, labels.DEADLINE, labels.PROBLEM, labels.OTHER)
# Columns whose values are lists of names: a line break or a space between two names is a 、.
NAMES = (*labels.UNIT_ROLES, labels.PERSON)
# At least one of these makes a row of names a header.
ASSIGNING = (*labels.UNIT_ROLES, labels.PERSON, labels.DEADLINE)

# The label written for a column of units, people or deadlines, whatever its header's variant
# (牵头部门, 协办单位, 时间节点 …): the same plan reads into the same lines in any form.
CANONICAL = {
    labels.LEAD: "牵头单位",
    labels.RESPONSIBLE: "责任单位",
    labels.COOPERATING: "配合单位",
    labels.PERSON: "责任人",
    labels.DEADLINE: "完成时限",
}
assert all(labels.WORDS[word] == kind for kind, word in CANONICAL.items())

NUMBER_WORDS = ("序号", "编号", "序", "号", "编码")
NUMBER_HEADER = re.compile("|".join(NUMBER_WORDS))
_NUMERAL = r"(?:\d{1,3}|[一二三四五六七八九十]{1,3})"
ROW_NUMBER = re.compile(rf"{_NUMERAL}[.、．]?|[(（]{_NUMERAL}[)）]")
HEADER_CELL_MAX = 16  # characters, spaces and brackets left out
HEADER_SEARCH_ROWS = 6  # a title row or two may stand above the header
PROSE = re.compile(r"[。，,：:；;！？!?]")
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
NAME_BREAK = re.compile(rf"(?<=[{_CJK}）)])\s+(?=[{_CJK}（(])")


@dataclass(frozen=True)
class Column:
    kind: str  # NUMBER, TASK or a kind of labels (a unit role, person, deadline …)
    word: str  # the label word written before a labelled value


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def header_cell(text: str) -> Column | None:
    """The column a header cell names, or None when the cell cannot be a header's. A header in
    traditional script names its columns alike, and its labels are written in its script."""
    name = squeeze(text)
    if not name or len(re.sub(r"[()（）]", "", name)) > HEADER_CELL_MAX or PROSE.search(name):
        return None
    simple = to_simplified(name)
    if NUMBER_HEADER.fullmatch(simple):
        return Column(NUMBER, name)
    word = labels.column_word(simple)
    if word:
        kind = labels.WORDS[word]
        if kind not in CANONICAL:
            return Column(kind, re.sub(r"[()（）]", "", name)[: len(word)])
        return Column(kind, CANONICAL[kind] if simple == name else _traditional(CANONICAL[kind]))
    if ROW_NUMBER.fullmatch(simple):
        return None  # a row's number, not a column's name
    return Column(TASK, name)


@functools.cache
def _to_traditional():
    import opencc

    return opencc.OpenCC("s2t").convert


def _traditional(word: str) -> str:
    return _to_traditional()(word)


def header_columns(row: list[str]) -> list[Column] | None:
    """The columns of a header row, or None when the row is not a task table's header."""
    columns = []
    for text in row:
        if not text.strip():
            columns.append(Column(TASK, ""))
            continue
        column = header_cell(text)
        if column is None:
            return None
        columns.append(column)
    named = [c for c in columns if c.word]
    if len(named) < 2 or not any(c.kind in ASSIGNING for c in named):
        return None
    return columns


def _merge_headers(first: list[Column], second: list[Column]) -> list[Column]:
    """A two-row header (责任单位 over 牵头单位 | 配合单位): the lower row names its columns."""
    width = max(len(first), len(second))
    first = first + [Column(TASK, "")] * (width - len(first))
    second = second + [Column(TASK, "")] * (width - len(second))
    return [low if low.word else high for high, low in zip(first, second, strict=True)]


@dataclass
class Table:
    lines: list[str]  # the title rows above the header, then one line per row
    columns: list[Column]  # the header, for a table that goes on (a PDF table over two pages)


def read_rows(rows: list[list[str]], columns: list[Column] | None = None) -> Table | None:
    """The labelled lines of a table, or None when it has no recognisable header.

    ``columns`` continues a table whose header was read before (a PDF table on the next page);
    a header repeated on top of it is skipped.
    """
    rows = [[cell.strip() for cell in row] for row in rows]
    rows = [row for row in rows if any(row)]
    lines: list[str] = []
    start = 0
    if columns is None:
        found = next(
            (
                (i, cols)
                for i, row in enumerate(rows[:HEADER_SEARCH_ROWS])
                if (cols := header_columns(row))
            ),
            None,
        )
        if found is None:
            return None
        start, columns = found
        lines = ["\t".join(cell for cell in row if cell) for row in rows[:start]]
        start += 1
        if start < len(rows) and (second := header_columns(rows[start])):
            columns = _merge_headers(columns, second)
            start += 1
    for row in rows[start:]:
        if (again := header_columns(row)) and _same_header(again, columns):
            continue  # the header again, on top of a page
        if line := row_line(columns, row):
            lines.append(line)
    return Table(lines, columns)


def _same_header(a: list[Column], b: list[Column]) -> bool:
    return [c.kind for c in a if c.word] == [c.kind for c in b if c.word]


def row_line(columns: list[Column], row: list[str]) -> str:
    """One row as "N.任务。牵头单位：…；配合单位：…；完成时限：…。"."""
    filled = [(i, value) for i, value in enumerate(row) if value]
    if not filled:
        return ""
    if len(filled) == 1:
        i, value = filled[0]
        kind = columns[i].kind if i < len(columns) else TASK
        if kind not in LABELLED:
            return one_line(value)  # a heading or a note across the table
    number, texts, labelled = "", [], []
    for i, value in filled:
        column = columns[i] if i < len(columns) else Column(TASK, "")
        if not number and i == 0 and column.kind == TASK and re.fullmatch(r"\d{1,3}", value):
            number = value
        elif column.kind == NUMBER and not number and ROW_NUMBER.fullmatch(squeeze(value)):
            number = squeeze(value)
        elif column.kind in LABELLED:
            labelled.append(f"{column.word}：{label_value(value, column.kind)}")
        else:
            texts.append(one_line(value).rstrip("。；;，, ") + "。")
    text = "".join(texts) + "；".join(labelled) + ("。" if labelled else "")
    return numbered(number, text) if number else text


def numbered(number: str, text: str) -> str:
    if number[-1] in ".、．)）":
        return number + text
    return f"{number}{'.' if number[0].isdigit() else '、'}{text}"


def one_line(value: str) -> str:
    return re.sub(r"\s*\n\s*", " ", value).strip()


def label_value(value: str, kind: str) -> str:
    """A cell's value as one label's value: its 。 and ； would end the value early, and in a
    cell of names a line break or space separates two names."""
    if kind in NAMES:
        value = NAME_BREAK.sub("、", value.strip())
    value = re.sub(r"\s*[;；]\s*", "、", one_line(value))
    value = re.sub(r"\s*([、，,])\s*", r"\1", value)
    return re.sub(r"[、，,]*。[、，,]*(?=.)", "、", value).rstrip("。、，,;； ")


def plain_lines(rows: list[list[str]]) -> list[str]:
    """A table that is no task table: each row as its cells joined with tabs."""
    return [
        "\t".join(one_line(cell) for cell in row) for row in rows if any(c.strip() for c in row)
    ]


# -- tables in plain text --------------------------------------------------------------------

PIPES = "|｜"
RULE = re.compile(r"\s*[|｜]?\s*:?-{3,}:?\s*(?:[|｜]\s*:?-{3,}:?\s*)*[|｜]?\s*")
CELL_LINE_MAX = 24  # the lines of a header written one cell per line are short
CELLS_PER_LINE_MAX = 12  # columns of a header written one cell per line


@functools.cache
def _cell_header_line() -> re.Pattern:
    """A line that may be a header cell of its own (序号, 牵头单位, 完成時限 …): a quick test that
    spares a text without one the line-by-line look for a table written one cell per line."""
    words = {*NUMBER_WORDS, *labels.WORDS}
    words |= set(_traditional("\n".join(words)).split("\n"))
    alternation = "|".join(sorted(words, key=len, reverse=True))
    return re.compile(rf"^[ \t\u3000]*(?:{alternation})[^\n：:]{{0,8}}$", re.M)


def tables_in_text(text: str) -> str:
    """Tables in plain text as labelled lines; everything else exactly as it was.

    A table is a run of lines with tabs between the cells, a run of lines with ``|`` between them
    (Markdown's ``|---|`` rule lines left out), or a header written one cell per line followed by
    its rows, each cell on its own line. Only a run with a recognisable header is a table.
    """
    if "\t" not in text and "|" not in text and "｜" not in text and not _may_hold_cell_lines(text):
        return text
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "\t" in line.strip():
            i = _delimited(lines, i, _tab_run(lines, i), out, _tab_rows)
        elif "|" in line or "｜" in line:
            i = _delimited(lines, i, _pipe_run(lines, i), out, _pipe_rows)
        elif (end := _cell_lines(lines, i, out)) is not None:
            i = end
        else:
            out.append(line)
            i += 1
    return "\n".join(out)


def _may_hold_cell_lines(text: str) -> bool:
    return bool(_cell_header_line().search(text))


QUOTED_LINES_MAX = 20  # lines one quoted cell of a sheet pasted as text may run over


def _tab_run(lines, i) -> int:
    """The end of the run of tab-separated lines at ``i``. A cell copied from a sheet with line
    breaks in it comes in quotes ("市教育局\n团市委"): its lines belong to the run; a quote that
    does not close within QUOTED_LINES_MAX lines ends the run before its line."""
    end, opened = i, None
    while end < len(lines) and (opened is not None or "\t" in lines[end].strip()):
        if lines[end].count('"') % 2:
            opened = None if opened is not None else end
        if opened is not None and (end - opened >= QUOTED_LINES_MAX or end + 1 == len(lines)):
            end = opened
            break
        end += 1
    if end > i:
        return end
    while end < len(lines) and "\t" in lines[end].strip():
        end += 1  # the run's first line opens a quote it never closes: no quotes then
    return end


def _tab_rows(block: list[str]) -> list[list[str]]:
    balanced = sum(line.count('"') for line in block) % 2 == 0
    if not balanced:
        return [line.split("\t") for line in block]
    return list(csv.reader(io.StringIO("\n".join(block)), delimiter="\t"))


def _pipe_run(lines, i) -> int:
    end = i
    while end < len(lines) and ("|" in lines[end] or "｜" in lines[end]):
        end += 1
    return end


def _pipe_rows(block: list[str]) -> list[list[str]]:
    return [_pipe_cells(line) for line in block if not RULE.fullmatch(line)]


def _pipe_cells(line: str) -> list[str]:
    line = line.strip()
    if line[:1] in PIPES:
        line = line[1:]
    if line[-1:] in PIPES:
        line = line[:-1]
    return re.split(r"[|｜]", line)


def _delimited(lines, i, end, out, split) -> int:
    """The run of delimited lines lines[i:end]: read as a table when it is one, else kept as is."""
    block = lines[i:end]
    rows = split(block)
    table = read_rows(rows) if len(rows) >= 2 else None
    out.extend(table.lines if table else block)
    return end


def _cell_lines(lines, i, out) -> int | None:
    """A header written one cell per line at ``i`` and its rows, N lines each: the index after
    the table when there is one (its lines added to ``out``), else None."""
    if not _short(lines[i]):
        return None
    header = _cell_header(lines, i)
    if header is None:
        return None
    number = next((k for k, name in enumerate(header) if NUMBER_HEADER.fullmatch(name)), None)
    rows, j = [], i + len(header)
    while (found := _cell_row(lines, j, len(header), number)) is not None:
        row, j = found
        rows.append(row)
    table = read_rows([header, *rows]) if rows else None
    if table is None:
        return None
    out.extend(table.lines)
    return j


def _cell_row(lines, j, width, number) -> tuple[list[str], int] | None:
    """The row of ``width`` lines at ``j`` and the index after it, or None where the table ends:
    at a row whose number cell holds no number, or (without a number column) at a blank line or
    a header's cell."""
    if number is not None:
        while j < len(lines) and not lines[j].strip():
            j += 1  # blank lines between rows
    row = [line.strip() for line in lines[j : j + width]]
    if len(row) < width or not row[0]:
        return None
    if number is not None and not ROW_NUMBER.fullmatch(squeeze(row[number])):
        return None
    if number is None and any(_cell_header(lines, j + n) for n in range(width)):
        return None
    return row, j + width


def _short(line: str) -> bool:
    name = line.strip()
    return bool(name) and len(name) <= CELL_LINE_MAX and not PROSE.search(name)


def _cell_header(lines, i) -> list[str] | None:
    """The cells of a header written one per line from ``i``: at least three, the last a label,
    and at most one that no label word names (the task's column)."""
    cells: list[Column] = []
    for line in lines[i : i + CELLS_PER_LINE_MAX]:
        column = header_cell(line) if _short(line) else None
        if column is None:
            break
        cells.append(column)
    while cells and cells[-1].kind == TASK:
        cells.pop()
    if len(cells) < 3 or sum(c.kind == TASK for c in cells) > 1:
        return None
    names = [line.strip() for line in lines[i : i + len(cells)]]
    return names if header_columns(names) else None
