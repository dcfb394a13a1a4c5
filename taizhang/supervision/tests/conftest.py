"""Fixtures of the supervision tests: small files of each kind the task page previews."""

import base64
import io

import pytest

# A 1×1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture
def docx_bytes():
    """A Word document with a paragraph and a table, made with python-docx."""
    import docx

    document = docx.Document()
    document.add_paragraph("关于建立建言献策台账的办结材料")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "事项", "完成情况"
    table.cell(1, 0).text, table.cell(1, 1).text = "台账建立", "已完成"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def png_bytes():
    return PNG
