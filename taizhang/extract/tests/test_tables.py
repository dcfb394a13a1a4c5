"""One 分工方案 as a Word table, text in columns, an Excel sheet and a PDF table: the same tasks.

The plan is written here for these tests. Its lead unit for the first three tasks is one cell
merged down three rows (in the forms that can merge), and several cells name two units.
"""

import datetime
import io
import zipfile

import docx
import pytest
from openpyxl import Workbook

from taizhang.extract import ReadError, extract_file, extract_text
from taizhang.extract import xlsx as xlsx_reader
from taizhang.extract.read import read_bytes
from taizhang.extract.tables import read_rows, tables_in_text

from .pdfmake import Page, make_pdf

TITLE = "2025年稳就业重点任务分工方案"
INTRO = "为做好今年稳就业工作，经市政府同意，现将重点任务分工如下。"
CLOSING = "各牵头单位要于每季度末将进展情况报市政府督查室。"
# 序号, task, lead (None: merged into the cell above), responsible, cooperating, deadline
ROWS = [
    (
        "1",
        "开展高校毕业生就业服务专项行动",
        "市人社局",
        "各区县人民政府",
        "市教育局、团市委",
        "2025年8月底前",
    ),
    ("2", "落实失业保险稳岗返还政策", None, "", "市财政局、市税务局", "2025年9月30日"),
    ("3", "建设市级零工市场", None, "市城投集团", "市民政局", "2025年6月底前"),
    ("4", "开展创业担保贷款扩面行动", "市财政局", "", "市金融办", "2025年12月31日"),
    ("5", "组织农民工职业技能培训", "市农业农村局", "各区县人民政府", "市人社局", "2025年10月底前"),
]
EXPECTED = [
    (
        "开展高校毕业生就业服务专项行动",
        ["市人社局"],
        ["各区县人民政府"],
        ["市教育局", "团市委"],
        datetime.date(2025, 8, 31),
    ),
    (
        "落实失业保险稳岗返还政策",
        ["市人社局"],
        [],
        ["市财政局", "市税务局"],
        datetime.date(2025, 9, 30),
    ),
    ("建设市级零工市场", ["市人社局"], ["市城投集团"], ["市民政局"], datetime.date(2025, 6, 30)),
    ("开展创业担保贷款扩面行动", ["市财政局"], [], ["市金融办"], datetime.date(2025, 12, 31)),
    (
        "组织农民工职业技能培训",
        ["市农业农村局"],
        ["各区县人民政府"],
        ["市人社局"],
        datetime.date(2025, 10, 31),
    ),
]


def filled_rows():
    """The rows with every lead written out, as text without merged cells has them."""
    rows, lead = [], ""
    for number, task, this_lead, responsible, cooperating, deadline in ROWS:
        lead = this_lead or lead
        rows.append([number, task, lead, responsible, cooperating, deadline])
    return rows


def proposals(result):
    return [
        (p.title, p.lead_units, p.responsible_units, p.cooperating_units, p.deadline)
        for p in result.proposals
    ]


# -- the plan in each form -------------------------------------------------------------------


def as_docx(path):
    document = docx.Document()
    document.add_paragraph(TITLE)
    document.add_paragraph(INTRO)
    table = document.add_table(rows=1, cols=6)
    header = ["序号", "重点任务", "牵头单位", "责任单位", "配合单位", "完成时限"]
    for cell, name in zip(table.rows[0].cells, header, strict=True):
        cell.text = name
    for values in ROWS:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = value or ""
    lead = table.cell(1, 2)
    lead.merge(table.cell(3, 2))  # 市人社局 leads the first three
    lead.text = "市人社局"
    document.add_paragraph(CLOSING)
    document.save(path)


def as_tab_text(path):
    lines = [
        TITLE,
        INTRO,
        "\t".join(["编号", "主要任务", "牵头部门", "责任部门", "协办单位", "时间节点"]),
    ]
    lines += ["\t".join(row) for row in filled_rows()]
    path.write_text("\n".join([*lines, CLOSING]), encoding="gb18030")


def as_pipe_text(path):
    lines = [TITLE, "", INTRO, ""]
    lines.append("| 序号 | 工作任务 | 牵头单位 | 责任单位 | 配合单位 | 完成时限 |")
    lines.append("|---|---|:---:|---|---|---|")
    lines += ["| " + " | ".join(row) + " |" for row in filled_rows()]
    path.write_text("\n".join([*lines, "", CLOSING]), encoding="utf-8")


def as_cell_lines(path):
    lines = [TITLE, INTRO, "序号", "工作任务", "牵头单位", "责任单位", "配合单位", "完成时限"]
    for row in filled_rows():
        lines += row  # an empty cell is an empty line
    path.write_text("\n".join([*lines, CLOSING]), encoding="utf-8")


def as_xlsx(path):
    wb = Workbook()
    ws = wb.active
    ws.title = "任务分工"
    ws.append([TITLE])
    ws.merge_cells("A1:F1")  # the title across the header
    ws.append(["序号", "工作任务", "牵头责任单位", "主要责任单位", "配合单位", "完成时限"])
    for number, task, lead, responsible, cooperating, deadline in ROWS:
        if deadline.endswith("日"):  # a real date cell, as most sheets have
            y, rest = deadline.split("年")
            m, d = rest.rstrip("日").split("月")
            deadline = datetime.datetime(int(y), int(m), int(d))
        ws.append([int(number), task, lead, responsible, cooperating.replace("、", "\n"), deadline])
    ws.merge_cells("C3:C5")  # 市人社局 leads the first three
    ws["F4"].number_format = "yyyy-mm-dd"
    wb.create_sheet("说明")  # an empty sheet beside it
    wb.save(path)


def as_pdf(path):
    page = Page()
    page.text(72, 80, TITLE, 16)
    page.text(72, 110, INTRO)
    header = ["序号", "重点任务", "牵头单位", "责任单位", "配合单位", "完成时限"]
    # Narrow columns, so that long names and dates wrap in their cells.
    bottom = page.table(
        72,
        130,
        [30, 120, 70, 80, 80, 70],
        [header, *[[cell or "" for cell in row] for row in ROWS]],
        merged=[(1, 2, 3)],
    )
    page.text(72, bottom + 30, CLOSING)
    path.write_bytes(make_pdf([page]))


def plan_html() -> str:
    """The plan as a web page, the lead's cell spanning three rows."""
    cells = []
    for n, row in enumerate(ROWS):
        tds = [f"<td>{value}</td>" for value in row if value is not None]
        if n == 0:
            tds[2] = f'<td rowspan="3">{row[2]}</td>'
        cells.append("<tr>" + "".join(tds) + "</tr>")
    header = "".join(
        f"<th>{name}</th>"
        for name in ("序号", "重点任务", "牵头单位", "责任单位", "配合单位", "完成时限")
    )
    return (
        # One font for digits and characters: where pypdf sees a change of font between
        # "2025" and "年" it writes a space into the prose (not in the table, read cell by cell).
        '<html><head><meta charset="utf-8"><style>body{font-family:"WenQuanYi Micro Hei"}'
        "table{border-collapse:collapse}"
        "td,th{border:1px solid #000;padding:4px;width:90px}</style></head><body>"
        f"<h2>{TITLE}</h2><p>{INTRO}</p><table><tr>{header}</tr>{''.join(cells)}</table>"
        f"<p>{CLOSING}</p></body></html>"
    )


FORMS = {
    "plan.docx": as_docx,
    "tabs.txt": as_tab_text,
    "pipes.txt": as_pipe_text,
    "cells.txt": as_cell_lines,
    "plan.xlsx": as_xlsx,
    "plan.pdf": as_pdf,
}


@pytest.mark.parametrize("name", FORMS)
def test_the_same_plan_reads_into_the_same_tasks_in_every_form(tmp_path, name):
    path = tmp_path / name
    FORMS[name](path)
    result = extract_file(path)
    assert result.text.splitlines()[0] == TITLE
    assert proposals(result) == EXPECTED
    assert not result.warnings


@pytest.mark.parametrize("name", FORMS)
def test_every_form_gives_the_same_labelled_rows(tmp_path, name):
    path = tmp_path / name
    FORMS[name](path)
    text = read_bytes(path.read_bytes(), path.suffix).text
    assert (
        "1.开展高校毕业生就业服务专项行动。牵头单位：市人社局；责任单位：各区县人民政府；"
        "配合单位：市教育局、团市委；完成时限：2025年8月底前。"
    ) in text.splitlines()
    assert (
        "2.落实失业保险稳岗返还政策。牵头单位：市人社局；配合单位：市财政局、市税务局；完成时限：2025年9月30日。"
        in text
    )


# -- header variants and table shapes --------------------------------------------------------


def test_header_variants_name_the_same_columns():
    rows = [
        ["编号", "整改措施", "主要责任单位", "协作单位", "责任领导", "整改时限", "备注"],
        ["（一）", "建立问题清单", "区住建局", "区财政局", "张三", "2024年6月底前", "按月报送"],
    ]
    assert read_rows(rows).lines == [
        "（一）建立问题清单。责任单位：区住建局；配合单位：区财政局；责任人：张三；完成时限：2024年6月底前；备注：按月报送。"
    ]


def test_a_title_row_above_and_a_header_over_two_rows():
    rows = [
        ["城区老旧小区改造任务清单", "", "", "", ""],
        ["序号", "任务内容", "责任单位", "", "办结时限"],
        ["", "", "牵头部门", "参与单位", ""],
        ["1", "完成加装电梯200部", "区住建局", "各街道办事处", "2025年底前"],
    ]
    assert read_rows(rows).lines == [
        "城区老旧小区改造任务清单",
        "1.完成加装电梯200部。牵头单位：区住建局；配合单位：各街道办事处；完成时限：2025年底前。",
    ]


def test_a_rectification_table_makes_the_measures_the_tasks():
    rows = [
        ["序号", "存在问题", "整改措施", "责任单位", "责任人", "整改时限"],
        [
            "1",
            "学校食堂食品安全管理不到位",
            "开展食堂食品安全专项检查",
            "区教育局",
            "王五",
            "2024年6月底前",
        ],
        ["2", "老旧管网漏损率高", "实施老旧管网改造工程", "区水务局", "赵六", "2024年12月底前"],
    ]
    result = extract_text("\n".join(read_rows(rows).lines))
    assert [(p.title, p.responsible_units, p.deadline) for p in result.proposals] == [
        ("开展食堂食品安全专项检查", ["区教育局"], datetime.date(2024, 6, 30)),
        ("实施老旧管网改造工程", ["区水务局"], datetime.date(2024, 12, 31)),
    ]
    assert "王五" not in result.proposals[0].responsible_units  # a person, not a unit


def test_a_word_table_with_a_two_row_header_and_merged_cells():
    document = docx.Document()
    table = document.add_table(rows=4, cols=5)
    values = [
        ["序号", "工作任务", "责任单位", "", "完成时限"],
        ["", "", "牵头单位", "配合单位", ""],
        ["1", "修订应急预案", "区应急局", "区消防救援大队", "2025年3月底前"],
        ["2", "开展应急演练", "", "各镇街", "2025年5月底前"],
    ]
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(0, 2).merge(table.cell(0, 3)).text = "责任单位"
    for c in (0, 1, 4):  # 序号, 工作任务 and 完成时限 span both header rows
        name = table.cell(0, c).text
        table.cell(0, c).merge(table.cell(1, c)).text = name
    table.cell(2, 2).merge(table.cell(3, 2)).text = "区应急局"
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_bytes(buffer.getvalue(), ".docx").text.splitlines() == [
        "1.修订应急预案。牵头单位：区应急局；配合单位：区消防救援大队；完成时限：2025年3月底前。",
        "2.开展应急演练。牵头单位：区应急局；配合单位：各镇街；完成时限：2025年5月底前。",
    ]


def test_a_table_without_a_recognisable_header_is_no_task_table():
    assert read_rows([["姓名", "职务"], ["张三", "主任"]]) is None
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip(table._cells, ["姓名", "职务", "张三", "主任"], strict=True):
        cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_bytes(buffer.getvalue(), ".docx").text == "姓名\t职务\n张三\t主任"


def test_ordinary_text_with_tabs_bars_and_short_lines_is_left_as_it_was():
    text = (
        "\t一、总体要求\n"
        "\t坚持稳中求进工作总基调。\n"
        "姓名\t单位\n张三\t市人社局\n"
        "选项 A | 选项 B\n"
        "工作安排\n"
        "牵头单位\n"  # a label on its own line, but no header around it
        "各区县要高度重视。\n"
    )
    assert tables_in_text(text) == text


def test_a_sheet_pasted_as_text_keeps_its_cells_with_line_breaks():
    text = (
        "序号\t工作任务\t牵头单位\t配合单位\t完成时限\n"
        '1\t修订应急预案\t区应急局\t"区消防救援大队\n各镇街"\t2025年3月底前\n'
        "2\t开展应急演练\t各镇街\t\t2025年5月底前\n"
    )
    assert tables_in_text(text).splitlines() == [
        "1.修订应急预案。牵头单位：区应急局；配合单位：区消防救援大队、各镇街；完成时限：2025年3月底前。",
        "2.开展应急演练。牵头单位：各镇街；完成时限：2025年5月底前。",
    ]
    # A quote that never closes swallows nothing that follows.
    prose = [f"第{n}段正文。" for n in range(30)]
    unclosed = text + '3\t"开展宣传\t各镇街\t\t2025年6月底前\n' + "\n".join(prose)
    assert tables_in_text(unclosed).splitlines()[-30:] == prose


def test_rows_written_one_cell_per_line_stop_where_the_prose_goes_on():
    text = "\n".join(
        [
            "序号",
            "具体任务",
            "责任单位",
            "完成时间",
            "1",
            "修订应急预案",
            "区应急局",
            "2025年3月底前",
            "",
            "2",
            "开展应急演练",
            "各镇街",
            "2025年5月底前",
            "三、保障措施",
            "各单位要加强组织领导。",
        ]
    )
    assert tables_in_text(text).splitlines() == [
        "1.修订应急预案。责任单位：区应急局；完成时限：2025年3月底前。",
        "2.开展应急演练。责任单位：各镇街；完成时限：2025年5月底前。",
        "三、保障措施",
        "各单位要加强组织领导。",
    ]


def test_a_table_in_traditional_script_reads_alike_and_keeps_its_script():
    text = "\n".join(
        [
            "序號\t工作項目\t主辦機關\t協辦機關\t辦理期限",
            "1\t推動社區長照據點設置\t衛生局\t社會局、民政局\t2025年6月底前",
        ]
    )
    line = tables_in_text(text)
    assert (
        line
        == "1.推動社區長照據點設置。責任單位：衛生局；配合單位：社會局、民政局；完成時限：2025年6月底前。"
    )
    (proposal,) = extract_text(line).proposals
    assert proposal.responsible_units == ["衛生局"]
    assert proposal.cooperating_units == ["社會局", "民政局"]
    assert proposal.deadline == datetime.date(2025, 6, 30)


# -- Excel -----------------------------------------------------------------------------------


def xlsx_bytes(build) -> bytes:
    wb = Workbook()
    build(wb.active)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_excel_numbers_and_dates_read_as_text():
    def build(ws):
        ws.append(["序号", "工作任务", "牵头单位", "完成时限"])
        ws.append([1.0, "上线一网通办平台", "市数据局", datetime.datetime(2024, 6, 30)])
        ws.append([2, "压减审批时限", "市政务服务中心", datetime.date(2024, 12, 31)])

    text = read_bytes(xlsx_bytes(build), ".xlsx").text
    assert text.splitlines() == [
        "1.上线一网通办平台。牵头单位：市数据局；完成时限：2024年6月30日。",
        "2.压减审批时限。牵头单位：市政务服务中心；完成时限：2024年12月31日。",
    ]


def test_every_sheet_with_a_header_is_read_and_hidden_sheets_are_not():
    wb = Workbook()
    first = wb.active
    first.append(["序号", "重点任务", "牵头单位"])
    first.append(["1", "稳住工业增长", "市工信局"])
    second = wb.create_sheet("二")
    second.append(["备注：本表由办公室汇总"])
    second.append([])
    second.append(["序号", "重点任务", "牵头单位"])
    second.append(["1", "扩大有效投资", "市发展改革委"])
    hidden = wb.create_sheet("单位列表")
    hidden.append(["序号", "重点任务", "牵头单位"])
    hidden.append(["1", "不该读到的任务", "市财政局"])
    hidden.sheet_state = "hidden"
    buffer = io.BytesIO()
    wb.save(buffer)
    text = read_bytes(buffer.getvalue(), ".xlsx").text
    assert "1.稳住工业增长。牵头单位：市工信局。" in text
    assert "1.扩大有效投资。牵头单位：市发展改革委。" in text
    assert "不该读到" not in text


def test_a_sheet_of_a_million_rows_is_cut_with_a_warning(tmp_path, monkeypatch):
    """The sheet's XML is written by hand: openpyxl would take a minute to write it."""
    small = xlsx_bytes(lambda ws: ws.append(["序号", "工作任务", "牵头单位"]))
    big = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(small)) as source,
        zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info))
                continue
            with target.open(info.filename, "w") as sheet:
                sheet.write(
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    b'<dimension ref="A1:C1000000"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>\xe5\xba\x8f\xe5\x8f\xb7</t></is></c>'
                    b'<c r="B1" t="inlineStr"><is><t>\xe5\xb7\xa5\xe4\xbd\x9c\xe4\xbb\xbb\xe5\x8a\xa1</t></is></c>'
                    b'<c r="C1" t="inlineStr"><is><t>\xe7\x89\xb5\xe5\xa4\xb4\xe5\x8d\x95\xe4\xbd\x8d</t></is></c></row>'
                )
                for start in range(2, 1_000_001, 100_000):
                    rows = range(start, min(start + 100_000, 1_000_001))
                    sheet.write(
                        b"".join(
                            b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (r, r, r) for r in rows
                        )
                    )
                sheet.write(b"</sheetData></worksheet>")
    monkeypatch.setattr(xlsx_reader, "MAX_ROWS", 3000)
    source = read_bytes(big.getvalue(), ".xlsx")
    assert len(source.text.splitlines()) == 2999  # the header, then 2,999 rows
    assert source.warnings == [
        "工作表“Sheet”的内容超过 3000 行：只读取了前面的 3000 行，其余未读取"
    ]


def test_broken_encrypted_old_and_empty_workbooks_say_why():
    with pytest.raises(ReadError, match="已损坏，或不是 .xlsx 格式"):
        read_bytes(b"PK\x03\x04 not really a zip", ".xlsx")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500
    with pytest.raises(ReadError, match="已加密"):
        read_bytes(ole + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 100, ".xlsx")
    with pytest.raises(ReadError, match=r"旧版 Excel（\.xls）"):
        read_bytes(ole, ".xlsx")
    with pytest.raises(ReadError, match="工作簿是空的"):
        read_bytes(xlsx_bytes(lambda ws: None), ".xlsx")
    word = io.BytesIO()
    docx.Document().save(word)
    with pytest.raises(ReadError, match="不是 Excel 工作簿"):
        read_bytes(word.getvalue(), ".xlsx")
    broken = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx_bytes(lambda ws: ws.append(["x"])))) as source,
        zipfile.ZipFile(broken, "w") as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, data[:40] if info.filename.endswith("sheet1.xml") else data)
    with pytest.raises(ReadError, match="无法读取该 Excel 文件"):
        read_bytes(broken.getvalue(), ".xlsx")


def test_a_workbook_that_inflates_beyond_any_plan_is_refused(monkeypatch):
    monkeypatch.setattr(xlsx_reader, "MAX_INFLATED", 1000)
    data = xlsx_bytes(
        lambda ws: [ws.append(["序号", "工作任务", "牵头单位"] * 20) for _ in range(20)]
    )
    with pytest.raises(ReadError, match="解压后超过"):
        read_bytes(data, ".xlsx")


# -- PDF -------------------------------------------------------------------------------------


def test_a_pdf_table_over_two_pages_keeps_its_header_and_the_pages_their_text():
    header = ["序号", "重点任务", "牵头单位", "完成时限"]
    widths = [30, 200, 100, 100]
    first, second = Page(), Page()
    first.text(72, 80, "一、稳增长")
    first.table(72, 100, widths, [header, ["1", "稳住工业增长", "市工信局", "2025年底前"]])
    second.table(72, 72, widths, [["2", "扩大有效投资", "市发展改革委", "2025年6月底前"]])
    second.text(72, 200, "二、保障措施")
    second.text(72, 230, "各单位要加强组织领导，按月报送进展。")
    text = read_bytes(make_pdf([first, second]), ".pdf").text
    assert text.splitlines() == [
        "一、稳增长",
        "1.稳住工业增长。牵头单位：市工信局；完成时限：2025年底前。",
        "2.扩大有效投资。牵头单位：市发展改革委；完成时限：2025年6月底前。",
        "二、保障措施",
        "各单位要加强组织领导，按月报送进展。",
    ]


@pytest.mark.browser
def test_a_pdf_printed_by_chromium_reads_the_same(page, tmp_path):
    """A real printer's PDF: fonts embedded, the page's coordinates flipped and scaled."""
    page.set_content(plan_html())
    path = tmp_path / "printed.pdf"
    path.write_bytes(page.pdf(format="A4"))
    result = extract_file(path)
    assert result.text.splitlines()[0] == TITLE
    assert proposals(result) == EXPECTED


def test_a_ruled_box_that_is_no_task_table_reads_as_before():
    page = Page()
    page.table(72, 72, [120, 120], [["签发人", "张三"], ["印发日期", "2025年1月2日"]])
    page.text(72, 160, "一、加强组织领导。")
    text = read_bytes(make_pdf([page]), ".pdf").text
    assert "一、加强组织领导。" in text and "签发人" in text and "牵头单位" not in text


def test_a_plan_in_prose_and_the_same_plan_as_a_table_agree():
    prose = "\n".join(
        [TITLE, INTRO]
        + [
            f"{n}.{task}。牵头单位：{lead}；"
            + (f"责任单位：{resp}；" if resp else "")
            + f"配合单位：{coop}；完成时限：{due}。"
            for n, task, lead, resp, coop, due in filled_rows()
        ]
        + [CLOSING]
    )
    assert proposals(extract_text(prose)) == EXPECTED


def test_past_a_number_of_pages_tables_read_as_text_with_a_warning(monkeypatch):
    from taizhang.extract import pdftables

    monkeypatch.setattr(pdftables, "MAX_TABLE_PAGES", 1)
    pages = []
    for task, lead in (("稳住工业增长", "市工信局"), ("扩大有效投资", "市发展改革委")):
        page = Page()
        page.table(72, 72, [30, 200, 100], [["序号", "重点任务", "牵头单位"], ["1", task, lead]])
        pages.append(page)
    source = read_bytes(make_pdf(pages), ".pdf")
    assert "1.稳住工业增长。牵头单位：市工信局。" in source.text
    assert "扩大有效投资" in source.text and "牵头单位：市发展改革委" not in source.text
    assert source.warnings == ["PDF 页数较多：第 2 页起的表格按普通文字读取"]
