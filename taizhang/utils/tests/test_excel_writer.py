"""The streamed ledger writer keeps the offices' layout, on lxml's fast path and without it."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from taizhang.utils import excel


@pytest.fixture(params=[True, False], ids=["rendered-rows", "write-only-cells"])
def fast(request, monkeypatch):
    monkeypatch.setattr(excel.openpyxl, "LXML", request.param)
    return request.param


def build(**options):
    ledger = excel.Ledger()
    sheet = ledger.sheet(
        "台账",
        "督查督办事项台账",
        ["序号", "事项名称", "办理时限", "比例"],
        [6, 40, 14, 8],
        freeze="C4",
        formats={3: excel.DATE},
        note="备注",
        **options,
    )
    sheet.append([1, '=HYPERLINK("http://x")', datetime.date(2026, 6, 30), 0.5])
    sheet.append([2, " 前后有空格 & <标记> ", None, None], formats={4: excel.PERCENT})
    sheet.append([3, "灯\x07", datetime.date(2026, 7, 1), True], fills={2: "FFC7CE"})
    return load_workbook(io.BytesIO(ledger.save()))


def test_the_layout_is_the_offices_one(fast):
    ws = build().active
    assert ws.title == "台账"
    assert ws["A1"].value == "督查督办事项台账" and ws["A1"].font.bold
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:D1"]
    assert ws["A2"].value.endswith("· 备注")
    assert [c.value for c in ws[3]] == ["序号", "事项名称", "办理时限", "比例"]
    assert ws["B3"].font.bold and ws["B3"].fill.fgColor.rgb.endswith("D9E1F2")
    assert ws.freeze_panes == "C4"
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape"
    assert [ws.column_dimensions[c].width for c in "ABCD"] == [6, 40, 14, 8]


def test_rows_are_bordered_and_typed_as_the_reader_expects(fast):
    ws = build().active
    first, second, third = ([c for c in ws[row]] for row in (4, 5, 6))
    assert first[1].value == '=HYPERLINK("http://x")' and first[1].data_type == "s"
    assert first[2].value.date() == datetime.date(2026, 6, 30)
    assert first[2].number_format == "yyyy-mm-dd"
    assert first[3].value == 0.5
    assert second[1].value == " 前后有空格 & <标记> "
    assert second[2].value is None and second[2].border.left.style == "thin"
    assert second[3].number_format == "0.0%"
    assert third[1].value == "灯" and third[1].fill.fgColor.rgb.endswith("FFC7CE")
    assert third[3].value is True
    assert all(c.border.bottom.style == "thin" and c.alignment.wrap_text for c in first)


def test_an_auto_filter_covers_the_rows_written(fast):
    ws = build(auto_filter=True, fit_to_page=True).active
    assert ws.auto_filter.ref == "A3:D6"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
