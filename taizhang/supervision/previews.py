"""Attachment previews on the task page: images inline, PDF in the browser's viewer, Word
(.docx) as its text. Everything else is downloaded. Bounded: a .docx whose text part unpacks
to more than ``DOCX_MAX_XML_BYTES`` is not opened, and at most ``DOCX_MAX_CHARS`` characters
are shown."""

import io
import zipfile

from django.utils.translation import gettext as _

IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
INLINE_TYPES = {**IMAGE_TYPES, ".pdf": "application/pdf"}
DOCX_MAX_XML_BYTES = 20 * 2**20
DOCX_MAX_CHARS = 20_000


class PreviewError(Exception):
    """Why a file cannot be shown; the message is for the user."""


def kind(attachment):
    """ "image", "pdf", "docx" or None (download only)."""
    ext = attachment.extension
    if ext in IMAGE_TYPES:
        return "image"
    if ext == ".pdf":
        return "pdf"
    if ext == ".docx":
        return "docx"
    return None


def content_type(attachment):
    return INLINE_TYPES.get(attachment.extension)


def _row_text(row):
    cells = []
    for cell in row.cells:
        text = cell.text.strip()
        if not cells or cells[-1] != text:  # a merged cell comes once per column it spans
            cells.append(text)
    return " | ".join(cells)


def _open_docx(data):
    import docx
    from lxml import etree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            part = archive.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError) as exc:
        raise PreviewError(
            _("This file is not a Word .docx document (a .doc must be saved as .docx first).")
        ) from exc
    if part.file_size > DOCX_MAX_XML_BYTES:
        raise PreviewError(
            _("This document has too much text to preview (over %(limit)d MB): download it.")
            % {"limit": DOCX_MAX_XML_BYTES // 2**20}
        )
    try:
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        raise PreviewError(_("This document is damaged and cannot be read: download it.")) from exc


def docx_text(data, limit=DOCX_MAX_CHARS):
    """(text, cut): the paragraphs and table rows of a .docx, at most ``limit`` characters."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = _open_docx(data)
    lines, size = [], 0
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            found = [Paragraph(block, document).text]
        elif tag == "tbl":
            found = [_row_text(row) for row in Table(block, document).rows]
        else:
            continue
        lines += found
        size += sum(len(line) + 1 for line in found)
        if size > limit:
            break
    text = "\n".join(lines)
    return text[:limit], len(text) > limit
