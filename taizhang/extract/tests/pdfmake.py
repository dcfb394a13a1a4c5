"""A small PDF writer for tests: text in a standard Chinese font and ruled tables.

Nothing on this machine makes a PDF with a table (no LibreOffice, no reportlab), so the tests
write one: text in Adobe's STSong-Light, a font every PDF reader knows without embedding it
(its UniGB-UTF16-H encoding is UTF-16 big-endian), and tables drawn with lines, as Word and WPS
draw them.
"""

A4 = (595, 842)


class Page:
    def __init__(self):
        self.ops: list[str] = []

    def text(self, x: float, y: float, text: str, size: float = 10.5) -> None:
        """``text`` with its baseline at (x, y), y from the top of the page."""
        code = text.encode("utf-16-be").hex().upper()
        self.ops.append(f"BT /F1 {size} Tf 1 0 0 1 {x} {A4[1] - y} Tm <{code}> Tj ET")

    def line(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.ops.append(f"{x0} {A4[1] - y0} m {x1} {A4[1] - y1} l S")

    def table(self, x: float, y: float, widths, rows, *, size=10.5, merged=()):
        """A ruled table at (x, y), y from the top; the bottom's y is returned.

        A cell is a str, wrapped to the cell's width as Word wraps it, or a list of lines each
        wrapped alike (the line breaks its author typed). ``merged`` holds (row, column, rows)
        for a cell merged down that many rows, and (row,) for a row whose first cell spans the
        whole table.
        """
        merged_down = {(m[0], m[1]): m[2] for m in merged if len(m) == 3}
        whole = {m[0] for m in merged if len(m) == 1}
        covered = {(r + k, c) for (r, c), n in merged_down.items() for k in range(1, n)}
        lefts = [x + sum(widths[:c]) for c in range(len(widths) + 1)]
        lead = size + 2

        def wrapped(cell, width):
            per_line = int((width - 6) // size)
            parts = [cell] if isinstance(cell, str) else cell
            return [p[i : i + per_line] for p in parts for i in range(0, len(p), per_line)]

        def width_of(r, c):
            return sum(widths) if r in whole else widths[c]

        heights = [
            max(
                [1]
                + [
                    len(wrapped(cell, width_of(r, c)))
                    for c, cell in enumerate(row)
                    if cell and (r, c) not in covered and (r, c) not in merged_down
                ]
            )
            * lead
            + 8
            for r, row in enumerate(rows)
        ]
        tops = [y + sum(heights[:r]) for r in range(len(rows) + 1)]
        self.line(lefts[0], y, lefts[-1], y)
        for r, row in enumerate(rows):
            self._rules(r, lefts, tops, covered, r in whole)
            for c, cell in enumerate(row):
                if not cell or (r, c) in covered:
                    continue
                lines = wrapped(cell, width_of(r, c))
                bottom = tops[r + merged_down.get((r, c), 1)]
                first = (tops[r] + bottom - len(lines) * lead) / 2 + size
                for n, text in enumerate(lines):
                    self.text(lefts[c] + 3, first + n * lead, text, size)
        return tops[-1]

    def _rules(self, r, lefts, tops, covered, whole_row):
        """Row r's rule below (open under a cell merged down) and its column rules."""
        for c in range(len(lefts) - 1):
            if (r + 1, c) not in covered:
                self.line(lefts[c], tops[r + 1], lefts[c + 1], tops[r + 1])
        for c, at in enumerate(lefts):
            if not (whole_row and 0 < c < len(lefts) - 1):
                self.line(at, tops[r], at, tops[r + 1])


def make_pdf(pages: list[Page]) -> bytes:
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        None,  # the page tree, once the pages are numbered
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-H"
        " /DescendantFonts [4 0 R] >>",
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
        " /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >>"
        " /FontDescriptor 5 0 R /DW 1000 >>",
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6"
        " /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120"
        " /CapHeight 880 /StemV 93 >>",
    ]
    kids = []
    for page in pages:
        content = "\n".join(page.ops).encode("latin-1")
        objects.append(
            f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream"
        )
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {A4[0]} {A4[1]}]"
            f" /Resources << /Font << /F1 3 0 R >> >> /Contents {len(objects)} 0 R >>"
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        body = body if isinstance(body, bytes) else body.encode("latin-1")
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)
