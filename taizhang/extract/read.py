"""Reading documents: plain text in any of the encodings offices use, Word, Excel and PDF.

Tables in any of them (a Word or PDF table, a sheet, text in columns) are read by one reader,
tables.py, into the labelled lines a plan written as prose has.
"""

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import tables

SUFFIXES = (".txt", ".docx", ".xlsx", ".pdf")
# For messages: ".txt、.docx、.xlsx 或 .pdf".
ACCEPTED = "、".join(SUFFIXES[:-1]) + " 或 " + SUFFIXES[-1]


class ReadError(Exception):
    """A file the engine cannot read; the message says why, in the user's language."""


@dataclass
class Source:
    text: str
    warnings: list[str] = field(default_factory=list)


def read_path(path: Path | str) -> Source:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ReadError(f"不支持的文件类型“{path.suffix or path.name}”：请上传 {ACCEPTED} 文件")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"无法打开文件：{exc.strerror or exc}") from exc
    return read_bytes(data, suffix)


def read_bytes(data: bytes, suffix: str) -> Source:
    suffix = suffix.lower()
    if suffix == ".txt":
        return Source(tables.tables_in_text(clean(decode_text(data))))
    if suffix == ".docx":
        return Source(clean(read_docx(data)))
    if suffix == ".xlsx":
        from .xlsx import read_xlsx

        text, warnings = read_xlsx(data)
        return Source(clean(text), warnings)
    if suffix == ".pdf":
        return read_pdf(data)
    raise ReadError(f"不支持的文件类型“{suffix}”：请上传 {ACCEPTED} 文件")


def decode_text(data: bytes) -> str:
    """UTF-8, UTF-16 with a byte-order mark, or GB18030 (a superset of GBK and GB2312)."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ReadError(f"文件以 {encoding} 标记开头，但内容无法按该编码读取") from exc
    if b"\x00" in data[:2000]:
        raise ReadError(f"这不是文本文件（含有二进制内容）：请上传 {ACCEPTED} 文件")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError("无法识别文件编码：请另存为 UTF-8 或 GBK 编码的文本")


def clean(text: str) -> str:
    """One newline convention and no control characters; nothing else changes."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff]", "", text)


# -- Word ------------------------------------------------------------------------------------


def read_docx(data: bytes) -> str:
    """Paragraphs and tables in document order; a table row becomes one line with its labels.

    A row of a 分工方案 table (序号 | 任务 | 牵头单位 | 配合单位 | 完成时限) is written as
    "1.任务。牵头单位：…；配合单位：…；完成时限：…。", the same shape a plan written as prose has,
    so one parser reads both.
    """
    import io
    import zipfile

    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    from lxml import etree

    # python-docx's parser resolves no entities (no XXE), and libxml2 refuses entity
    # amplification and text nodes over 10 MB: each of those is a syntax error here.
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReadError(
            "无法读取该 Word 文件：文件已损坏，或不是 .docx 格式（.doc 请先另存为 .docx）"
        ) from exc
    except etree.XMLSyntaxError as exc:
        raise ReadError(
            "无法读取该 Word 文件：文件内容已损坏或含有不允许的结构（XML 错误），请重新保存后上传"
        ) from exc
    lines = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, document).text)
        elif tag == "tbl":
            lines.extend(table_lines(Table(block, document)))
    return "\n".join(lines)


def table_lines(table) -> list[str]:
    rows = [dedupe_merged(row.cells) for row in table.rows]
    read = tables.read_rows(rows)
    return read.lines if read else tables.plain_lines(rows)


def dedupe_merged(cells) -> list[str]:
    """python-docx gives a cell merged across columns once for each grid column it spans (and
    one merged down rows in each row, which is what a merged lead unit means): keep the text in
    its first column."""
    out = []
    for i, cell in enumerate(cells):
        out.append("" if i and cell._tc is cells[i - 1]._tc else cell.text.strip())
    return out


# -- PDF -------------------------------------------------------------------------------------

PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d+\s*[-—–－]|第\s*\d+\s*页(?:\s*[,，/／]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d+)\s*$"
)
SENTENCE_END = "。！？；：!?;:”」』）)"
STARTS_ITEM = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、是要]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．]|第[一二三四五六七八九十]+|[①-⑳•●])"
)


def read_pdf(data: bytes) -> Source:
    """The text of each page; on a page with ruled tables, the tables read as tables."""
    import io

    import pypdf
    from pypdf.errors import PdfReadError

    from .pdftables import Finder

    finder = Finder(data)
    pages: list[list[str]] = []
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        for index, page in enumerate(reader.pages):
            lines = finder.page_lines(index, page)
            if lines is None:
                lines = (page.extract_text() or "").split("\n")
            pages.append([clean(line) if type(line) is str else line for line in lines])
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise ReadError(
            "无法读取该 PDF 文件：文件已损坏或已加密。请重新导出 PDF，或上传 Word 版本"
        ) from exc
    finally:
        finder.close()
    if not any(line.strip() for lines in pages for line in lines):
        raise ReadError("该 PDF 没有文字层（可能是扫描件）：请先做文字识别（OCR）或上传 Word 版本")
    warnings = []
    if finder.failed:
        listed = "、".join(str(n) for n in finder.failed[:10])
        warnings.append(f"第 {listed} 页的表格未能按单元格读取，已按普通文字读取")
    if finder.skipped_from:
        warnings.append(f"PDF 页数较多：第 {finder.skipped_from} 页起的表格按普通文字读取")
    return Source(join_wrapped(strip_running_lines(pages)), warnings)


def strip_running_lines(pages: list[list[str]]) -> list[str]:
    """Drop page numbers and the headers/footers repeated on most pages (a table's lines are
    never either)."""
    from collections import Counter

    from .pdftables import TableLine

    edges = Counter()
    for lines in pages:
        stripped = [
            line.strip() for line in lines if line.strip() and not isinstance(line, TableLine)
        ]
        edges.update(set(stripped[:2] + stripped[-2:]))
    repeated = {line for line, n in edges.items() if len(pages) >= 3 and n >= 0.6 * len(pages)}
    out = []
    for lines in pages:
        out.extend(
            line
            for line in lines
            if isinstance(line, TableLine)
            or (not PAGE_NUMBER.match(line) and line.strip() not in repeated)
        )
    return out


def join_wrapped(lines: list[str]) -> str:
    """Undo the line wraps of the page.

    A line runs on into the next unless it ends a sentence, stops well short of the usual line
    length (a heading, the last line of a paragraph), or the next line starts an item. A line
    read from a table stands alone.
    """
    from .pdftables import TableLine

    lines = [line if isinstance(line, TableLine) else line.strip() for line in lines]
    lines = [line for line in lines if line.strip()]
    lengths = sorted(len(line) for line in lines if not isinstance(line, TableLine))
    full = lengths[int(len(lengths) * 0.9)] if lengths else 0
    paragraphs: list[str] = []
    last = ""
    for line in lines:
        if isinstance(line, TableLine):
            paragraphs.append(str(line))
            last = "。"
            continue
        runs_on = (
            paragraphs
            and not last.endswith(tuple(SENTENCE_END))
            and len(last) >= 0.8 * full
            and not STARTS_ITEM.match(line)
        )
        if runs_on:
            paragraphs[-1] += line
        else:
            paragraphs.append(line)
        last = line
    return "\n".join(paragraphs)
