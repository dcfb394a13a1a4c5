"""Reading documents: plain text in any of the encodings offices use, Word and PDF."""

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

SUFFIXES = (".txt", ".docx", ".pdf")


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
        raise ReadError(
            f"不支持的文件类型“{path.suffix or path.name}”：请上传 .txt、.docx 或 .pdf 文件"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"无法打开文件：{exc.strerror or exc}") from exc
    return read_bytes(data, suffix)


def read_bytes(data: bytes, suffix: str) -> Source:
    suffix = suffix.lower()
    if suffix == ".txt":
        return Source(clean(decode_text(data)))
    if suffix == ".docx":
        return Source(clean(read_docx(data)))
    if suffix == ".pdf":
        return read_pdf(data)
    raise ReadError(f"不支持的文件类型“{suffix}”：请上传 .txt、.docx 或 .pdf 文件")


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
        raise ReadError("这不是文本文件（含有二进制内容）：请上传 .txt、.docx 或 .pdf 文件")
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
    rows = [[cell.text.strip().replace("\n", " ") for cell in row.cells] for row in table.rows]
    rows = [dedupe_merged(row) for row in rows if any(row)]
    if not rows:
        return []
    header, body = rows[0], rows[1:]
    if not body or not any(TASK_COLUMN.search(h) for h in header):
        return ["\t".join(row) for row in rows]
    return [row_as_text(header, row) for row in body]


TASK_COLUMN = re.compile(r"任务|事项|内容|措施|单位|时限|时间")
NUMBER_COLUMN = re.compile(r"^(序号|编号|序)$")
LABELLED_COLUMN = re.compile(r"单位|部门|时限|时间|期限|要求|责任人")


def dedupe_merged(row: list[str]) -> list[str]:
    """python-docx repeats a merged cell's text in each grid column it spans."""
    out = []
    for i, text in enumerate(row):
        out.append("" if i and text and text == row[i - 1] else text)
    return out


def row_as_text(header: list[str], row: list[str]) -> str:
    number, parts, labelled = "", [], []
    for name, value in zip(header, row, strict=False):
        name = re.sub(r"\s+", "", name)
        if not value:
            continue
        if NUMBER_COLUMN.match(name) or (not number and re.fullmatch(r"\d{1,3}", value)):
            number = value
        elif LABELLED_COLUMN.search(name):
            labelled.append(f"{name}：{value}")
        else:
            parts.append(value.rstrip("。；;") + "。")
    text = "".join(parts) + "；".join(labelled) + ("。" if labelled else "")
    return f"{number}.{text}" if number else text


# -- PDF -------------------------------------------------------------------------------------

PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d+\s*[-—–－]|第\s*\d+\s*页(?:\s*[,，/／]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d+)\s*$"
)
SENTENCE_END = "。！？；：!?;:”」』）)"
STARTS_ITEM = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、是要]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．]|第[一二三四五六七八九十]+|[①-⑳•●])"
)


def read_pdf(data: bytes) -> Source:
    import io

    import pypdf
    from pypdf.errors import PdfReadError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise ReadError("无法读取该 PDF 文件：文件已损坏或已加密") from exc
    if not "".join(pages).strip():
        raise ReadError("该 PDF 没有文字层（可能是扫描件）：请先做文字识别（OCR）或上传 Word 版本")
    pages = [clean(page).split("\n") for page in pages]
    return Source(join_wrapped(strip_running_lines(pages)))


def strip_running_lines(pages: list[list[str]]) -> list[str]:
    """Drop page numbers and the headers/footers repeated on most pages."""
    from collections import Counter

    edges = Counter()
    for lines in pages:
        stripped = [line.strip() for line in lines if line.strip()]
        edges.update(set(stripped[:2] + stripped[-2:]))
    repeated = {line for line, n in edges.items() if len(pages) >= 3 and n >= 0.6 * len(pages)}
    out = []
    for lines in pages:
        out.extend(
            line for line in lines if not PAGE_NUMBER.match(line) and line.strip() not in repeated
        )
    return out


def join_wrapped(lines: list[str]) -> str:
    """Undo the line wraps of the page.

    A line runs on into the next unless it ends a sentence, stops well short of the usual line
    length (a heading, the last line of a paragraph), or the next line starts an item.
    """
    lines = [line.strip() for line in lines if line.strip()]
    lengths = sorted(len(line) for line in lines)
    full = lengths[int(len(lengths) * 0.9)] if lengths else 0
    paragraphs: list[str] = []
    last = ""
    for line in lines:
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
