"""Ruled tables in a PDF: found and read cell by cell with pdfplumber, for tables.py.

pypdf reads a table row by row with the cells' lines interleaved ("开展高校毕业生就 业服务专项行动
市人社局 市教育局、 团市委 …"), which no parser can take apart. On a page that draws lines, the
table finder of pdfplumber finds the tables; each is read cell by cell (a cell's line that
reaches the cell's right edge was wrapped and runs on; a shorter one ends there; a cell merged
down several rows holds for each of them) and handed to tables.py. The page's other text is
read by pypdf as on any page, and each table's lines take its place in that text.

A table without a recognisable header is left to pypdf, as before, unless it goes on from a
table at the foot of the page before.
"""

import io
import logging
import re

from . import tables

MAX_EDGES = 5000  # a page drawing more lines than this is a chart or a drawing, not a table
MAX_CHARS = 20000
# Pages given to the table finder (about a quarter of a second each); later pages read as text.
MAX_TABLE_PAGES = 200
MARK = "\x00table{}\x00"
DRAWS_LINES = re.compile(rb"(?:^|\s)(?:re|l)\s")


class TableLine(str):
    """A line read from a table: never a running header, never joined to its neighbours."""


def draws_lines(page) -> bool:
    """Whether a pypdf page draws lines or boxes, or has a form of its own that may."""
    try:
        resources = page.get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        if any(xobjects[name].get("/Subtype") == "/Form" for name in xobjects):
            return True
        contents = page.get_contents()
        return contents is not None and bool(DRAWS_LINES.search(contents.get_data()))
    except Exception:  # a broken content stream: pypdf alone will say what it can
        return False


class Finder:
    """The tables of one PDF, page by page; pdfplumber opens the file on the first page that
    draws lines."""

    def __init__(self, data: bytes):
        self.data = data
        self.pdf = None
        self.columns = None  # the last table's header, for one that goes on over the page
        self.failed: list[int] = []
        self.searched = 0
        self.skipped_from: int | None = None  # the first page past MAX_TABLE_PAGES

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()

    def page_lines(self, index: int, page) -> list[str] | None:
        """The page's lines with its tables read as tables, or None when it has none."""
        if not draws_lines(page):
            self.columns = None
            return None
        if self.searched >= MAX_TABLE_PAGES:
            self.skipped_from = self.skipped_from or index + 1
            return None
        self.searched += 1
        try:
            if self.pdf is None:
                import pdfplumber

                # pdfminer warns of every font it finds odd ("Could not get FontBBox …");
                # what it cannot read is reported here, as a warning of the document's.
                logging.getLogger("pdfminer").setLevel(logging.ERROR)
                self.pdf = pdfplumber.open(io.BytesIO(self.data))
            plumbed = self.pdf.pages[index]
            try:
                found = self._tables(plumbed)
                if not found:
                    return None
                return _around(page, plumbed, found)
            finally:
                plumbed.close()
        except Exception:  # pdfminer fails on what pypdf reads: the page is read as text
            self.failed.append(index + 1)
            self.columns = None
            return None

    def _tables(self, plumbed) -> list[tuple[float, float, list[str]]]:
        if len(plumbed.edges) > MAX_EDGES or len(plumbed.chars) > MAX_CHARS:
            self.columns = None
            return []
        found = []
        columns, self.columns = self.columns, None
        for n, table in enumerate(plumbed.find_tables()):
            grid = table.rows
            goes_on = n == 0 and columns is not None  # from the foot of the page before
            if max(len(row.cells) for row in grid) < 2 or (len(grid) < 2 and not goes_on):
                continue
            rows = _cell_texts(plumbed, table.bbox, grid)
            read = tables.read_rows(rows) if len(grid) > 1 else None
            if read is None and goes_on and len(columns) == len(rows[0]):
                read = tables.read_rows(rows, columns)
            self.columns = read.columns if read else None
            if read:
                _, top, _, bottom = table.bbox
                found.append((top, bottom, [TableLine(line) for line in read.lines]))
        return found


def _inside(char, bbox) -> bool:
    x0, top, x1, bottom = bbox
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return x0 <= x < x1 and top <= y < bottom


def _cell_texts(plumbed, bbox, grid) -> list[list[str]]:
    chars = [c for c in plumbed.chars if c.get("upright", True) and _inside(c, bbox)]
    rows: list[list[str]] = []
    for r, row in enumerate(grid):
        row_chars = [c for c in chars if _inside(c, row.bbox)]
        values = []
        for c, cell in enumerate(row.cells):
            if cell is None:
                values.append(_spanned(grid, rows, r, c))
            else:
                values.append(cell_text([ch for ch in row_chars if _inside(ch, cell)], cell))
        rows.append(values)
    return rows


def _spanned(grid, rows, r, c) -> str:
    """A cell the finder gives no box: part of one merged down from above (its text holds here
    too) or across from the left (it has none of its own)."""
    top = grid[r].bbox[1]
    for k in range(r - 1, -1, -1):
        above = grid[k].cells[c] if c < len(grid[k].cells) else None
        if above is not None:
            return rows[k][c] if above[3] > top + 1 else ""
    return ""


def cell_text(chars, bbox) -> str:
    """The cell's lines: one that reaches the right edge was wrapped and runs on into the next;
    one that stops short ends a line of its own."""
    lines: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: c["top"]):
        if lines and ch["top"] - lines[-1][0]["top"] <= max(2.0, 0.4 * ch["size"]):
            lines[-1].append(ch)
        else:
            lines.append([ch])
    text = ""
    for n, line in enumerate(lines):
        line.sort(key=lambda c: c["x0"])
        words = line[0]["text"]
        for before, ch in zip(line, line[1:], strict=False):
            words += (" " if ch["x0"] - before["x1"] > 0.5 * ch["size"] else "") + ch["text"]
        if n:
            last = lines[n - 1]
            wrapped = bbox[2] - max(c["x1"] for c in last) < 1.2 * last[-1]["size"] + 6
            text += "" if wrapped else "\n"
        text += words
    return text.strip()


def _around(page, plumbed, found) -> list[str]:
    """The page's text as pypdf reads it, each table's lines where its text stood."""
    top_of_page = float(page.mediabox.top)
    pieces: list[str] = []
    placed: set[int] = set()

    def visit(text, cm, tm, font, size):
        if not text:
            return
        if text.strip():
            y = top_of_page - (cm[1] * tm[4] + cm[3] * tm[5] + cm[5])
            band = next((n for n, (t, b, _) in enumerate(found) if t - 2 <= y <= b + 2), None)
            if band is not None:
                if band not in placed:
                    placed.add(band)
                    pieces.append("\n" + MARK.format(band) + "\n")
                return
        pieces.append(text)

    page.extract_text(visitor_text=visit)
    if len(placed) < len(found):  # pypdf placed the text elsewhere: pdfplumber reads the page
        return _plumbed_text(plumbed, found)
    lines = []
    for line in "".join(pieces).split("\n"):
        m = re.fullmatch("\x00table(\\d+)\x00", line.strip())
        lines.extend(found[int(m.group(1))][2] if m else [line])
    return lines


def _plumbed_text(plumbed, found) -> list[str]:
    x0, top, x1, bottom = plumbed.bbox
    lines: list[str] = []
    for t, b, table_lines in sorted(found, key=lambda f: f[0]):
        if t > top:
            lines.extend((plumbed.crop((x0, top, x1, t)).extract_text() or "").split("\n"))
        lines.extend(table_lines)
        top = max(top, b)
    if bottom > top:
        lines.extend((plumbed.crop((x0, top, x1, bottom)).extract_text() or "").split("\n"))
    return lines
