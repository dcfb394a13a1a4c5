"""Fixtures of the supervision tests: small files of each kind the task page previews, and the
steps of a browser walk."""

import base64
import io

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD

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


@pytest.fixture
def steps(live_server, page, output_path):
    """A browser walk's steps: sign in as someone (cookies cleared first), and a screenshot
    per step, numbered, under the test's output folder."""
    taken = []

    class Steps:
        def login(self, username):
            page.context.clear_cookies()
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            expect(page.locator(".navbar")).to_contain_text("我的待办")

        def shot(self, name):
            taken.append(name)
            page.screenshot(path=f"{output_path}/{len(taken):02d}-{name}.png", full_page=True)

    return Steps()
