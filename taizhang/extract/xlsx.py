"""Reading an Excel workbook (.xlsx): every sheet's rows as a table (tables.py).

Offices send many 分工方案 as a sheet: a title row (often merged across the columns), the header
(序号 / 工作任务 / 牵头单位 / 责任单位 / 完成时限), one row per task, and a lead unit's cell merged
down the rows it leads. The workbook is read in openpyxl's streaming (read-only) mode and within
bounds, whatever it declares: at most MAX_ROWS rows with content in all, MAX_COLUMNS columns,
MAX_SHEETS sheets, and XML parts that inflate to at most MAX_INFLATED bytes.
"""

import datetime
import io
import re
import zipfile

from . import tables

MAX_ROWS = 5000
MAX_COLUMNS = 40
MAX_SHEETS = 50
MAX_MERGES = 20000
# The XML parts, inflated. openpyxl reads a sheet without a <dimension> (Excel and WPS always
# write one) to its end before the first row: this bounds that too.
MAX_INFLATED = 100 * 2**20
PEEK_ROWS = 1000  # rows looked at past the limit, to tell a cut sheet from a full one
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MERGE = re.compile(
    rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})\""
)


def read_xlsx(data: bytes) -> tuple[str, list[str]]:
    """The workbook's text and the warnings about what was left out."""
    from .read import ReadError

    _check_archive(data, ReadError)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # missing parts, broken XML, forbidden entities
        raise ReadError(
            "无法读取该 Excel 文件：文件内容已损坏或不是 Excel 工作簿"
            f"（{exc.__class__.__name__}），请在 Excel 中重新保存为 .xlsx 后上传"
        ) from exc
    lines: list[str] = []
    warnings: list[str] = []
    budget = MAX_ROWS
    try:
        sheets = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
        if len(sheets) > MAX_SHEETS:
            warnings.append(f"工作簿有 {len(sheets)} 个工作表：只读取了前 {MAX_SHEETS} 个")
            sheets = sheets[:MAX_SHEETS]
        for ws in sheets:
            if budget <= 0:
                warnings.append(f"工作表“{ws.title}”未读取：全部工作表已读满 {MAX_ROWS} 行")
                continue
            rows, cut = _sheet_rows(ws, budget)
            budget -= len(rows)
            if cut:
                warnings.append(
                    f"工作表“{ws.title}”的内容超过 {MAX_ROWS} 行：只读取了前面的 {len(rows)} 行，其余未读取"
                )
            lines.extend(_sheet_lines(rows))
    except Exception as exc:
        raise ReadError(
            "无法读取该 Excel 文件：工作表内容已损坏"
            f"（{exc.__class__.__name__}），请在 Excel 中重新保存为 .xlsx 后上传"
        ) from exc
    finally:
        workbook.close()
    if not any(line.strip() for line in lines):
        raise ReadError("该 Excel 工作簿是空的：没有一个单元格有内容")
    return "\n".join(lines), warnings


def _check_archive(data: bytes, error) -> None:
    """Say what the file is when it is no workbook we can read, before openpyxl parses it."""
    if data.startswith(OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise error(
                "该 Excel 文件已加密（设有打开密码），无法读取：请在 Excel 中取消密码后重新保存再上传"
            )
        raise error("这是旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx 后上传")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            inflated = sum(
                info.file_size
                for info in archive.infolist()
                if info.filename.endswith((".xml", ".rels"))
            )
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise error("无法读取该 Excel 文件：文件已损坏，或不是 .xlsx 格式") from exc
    if "xl/workbook.xml" not in names:
        raise error(
            "无法读取该 Excel 文件：这不是 Excel 工作簿（.xlsx），可能是改了扩展名的其他文件"
        )
    if inflated > MAX_INFLATED:
        raise error(
            f"该 Excel 文件解压后超过 {MAX_INFLATED // 2**20} MB，无法读取：请删去与任务无关的工作表或内容后重新保存"
        )


def _sheet_rows(ws, budget: int) -> tuple[list[list[str]], bool]:
    """The sheet's rows with content (at most ``budget``) as cell strings, merged cells filled
    down, and whether rows with content were left out."""
    numbered: list[tuple[int, list[str]]] = []
    cut = False
    rows = ws.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    for index, values in enumerate(rows, start=1):
        if len(numbered) >= budget:
            cut = _more_content(rows, first=values)
            break
        if any(v is not None and v != "" for v in values):
            numbered.append((index, [cell_text(v) for v in values]))
    rows.close()
    _fill_merged(ws, numbered)
    return [row for _, row in numbered], cut


def _more_content(rows, first) -> bool:
    if any(v is not None and v != "" for v in first):
        return True
    for n, values in enumerate(rows):
        if any(v is not None and v != "" for v in values):
            return True
        if n >= PEEK_ROWS:
            return False
    return False


def _fill_merged(ws, numbered: list[tuple[int, list[str]]]) -> None:
    """A cell merged down several rows (a lead unit for three tasks) holds for each of them.

    Read-only mode gives no merged ranges; they stand after the rows in the sheet's XML, read
    here as a stream. A range across columns keeps its text in its first column only, so a
    title merged across the header stays one title.
    """
    if not numbered:
        return
    by_index = {index: row for index, row in numbered}
    for top, column, bottom in _merged_ranges(ws):
        above = by_index.get(top)
        if above is None or column >= len(above) or not above[column]:
            continue
        for index in range(top + 1, bottom + 1):
            row = by_index.get(index)  # a row empty but for the merged cell is no row
            if row is not None and column < len(row) and not row[column]:
                row[column] = above[column]


def _merged_ranges(ws) -> list[tuple[int, int, int]]:
    """(top row, first column (0-based), bottom row) of each range merged down rows."""
    from openpyxl.utils import column_index_from_string

    try:
        source = ws._get_source()  # the sheet's XML in the archive (openpyxl's own reader uses it)
    except (AttributeError, KeyError):
        return []
    ranges = []
    tail = b""
    with source:
        while chunk := source.read(1 << 20):
            text = tail + chunk
            last = 0
            for m in MERGE.finditer(text):
                last = m.end()
                top, bottom = int(m.group(2)), int(m.group(4))
                if bottom > top:
                    column = column_index_from_string(m.group(1).decode()) - 1
                    ranges.append((top, column, min(bottom, top + MAX_ROWS)))
                if len(ranges) >= MAX_MERGES:
                    return ranges
            tail = text[max(last, len(text) - 200) :]
    return ranges


def cell_text(value) -> str:
    """A cell as the text a reader sees: 2024年6月30日 for a date, 3 for 3.0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime | datetime.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.12g}"
    return str(value).replace("\r\n", "\n").strip()


def _sheet_lines(rows: list[list[str]]) -> list[str]:
    table = tables.read_rows(rows)
    return table.lines if table else tables.plain_lines(rows)
