"""Each stage of the text engine on small documents written for the purpose."""

import datetime

import pytest

from taizhang.extract import ReadError, UnitDictionary, extract_text
from taizhang.extract.damage import find_damage
from taizhang.extract.deadlines import document_date, find_deadline
from taizhang.extract.normalise import normalise
from taizhang.extract.read import decode_text, join_wrapped, read_bytes, strip_running_lines
from taizhang.extract.structure import parse
from taizhang.extract.units import is_generic

# -- read ----------------------------------------------------------------------------------------

TEXT = "一、加强组织领导。市财政局要于6月底前完成。\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_text_in_every_office_encoding_reads_the_same(encoding):
    assert decode_text(TEXT.encode(encoding)) == TEXT


def test_a_binary_file_named_txt_is_refused_in_chinese():
    with pytest.raises(ReadError, match="不是文本文件"):
        read_bytes(b"\x00\x01\x02PK" * 10, ".txt")


def test_a_broken_word_file_says_why():
    with pytest.raises(ReadError, match="Word 文件"):
        read_bytes(b"this is not a zip", ".docx")


def test_a_broken_pdf_says_why():
    with pytest.raises(ReadError, match="PDF"):
        read_bytes(b"%PDF-1.4 garbage", ".pdf")


def test_unknown_file_types_are_refused():
    with pytest.raises(ReadError, match=r"\.txt、\.docx、\.xlsx 或 \.pdf"):
        read_bytes(b"x", ".doc")


def test_word_tables_of_a_task_plan_become_labelled_items(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("2025年稳就业重点任务分工方案")
    table = document.add_table(rows=1, cols=5)
    for cell, name in zip(
        table.rows[0].cells, ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"], strict=True
    ):
        cell.text = name
    rows = [
        [
            "1",
            "开展高校毕业生就业服务专项行动",
            "市人力资源社会保障局",
            "市教育局、团市委",
            "2025年8月底前",
        ],
        ["2", "落实稳岗返还政策", "市社保中心", "市财政局", "2025年三季度"],
    ]
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    path = tmp_path / "plan.docx"
    document.save(path)

    source = read_bytes(path.read_bytes(), ".docx")
    assert (
        "1.开展高校毕业生就业服务专项行动。牵头单位：市人力资源社会保障局；配合单位：市教育局、团市委"
        in source.text
    )
    result = extract_text(source.text)
    first, second = result.proposals
    assert first.title == "开展高校毕业生就业服务专项行动"
    assert first.lead_units == ["市人力资源社会保障局"]
    assert first.cooperating_units == ["市教育局", "团市委"]
    assert first.deadline == datetime.date(2025, 8, 31)
    assert second.lead_units == ["市社保中心"]
    assert second.deadline == datetime.date(2025, 9, 30)


def test_pdf_page_furniture_is_dropped_and_wrapped_lines_joined():
    pages = [
        [
            "XX市人民政府文件",
            "一、加强组织领导。各区县人民政府要在今年年底前建立工作专",
            "班，明确责任分工。",
            "- 1 -",
        ],
        [
            "XX市人民政府文件",
            "二、强化督查考核。",
            "市政府督查室要每季度通报进展情况，对工作不力的单位予",
            "以约谈。",
            "- 2 -",
        ],
        ["XX市人民政府文件", "三、做好宣传引导。", "第3页"],
    ]
    text = join_wrapped(strip_running_lines(pages))
    assert "XX市人民政府文件" not in text and "- 1 -" not in text and "第3页" not in text
    assert "建立工作专班，明确责任分工。" in text
    assert text.splitlines()[2] == "市政府督查室要每季度通报进展情况，对工作不力的单位予以约谈。"


# -- normalise and damage --------------------------------------------------------------------------


def test_normalised_text_lines_up_with_the_original():
    original = "會議要求，由縣應急管理局牽頭（４月３０日前）。"
    norm = normalise(original)
    assert len(norm) == len(original)
    assert norm == "会议要求,由县应急管理局牵头(4月30日前)。"


def test_damage_is_reported_with_its_line():
    text = "一、总体要求\n---此处隐藏2100字，下载后查看---\n二、重点任务\n章程??l放至会员单位。\n三、工作要求：各单位要"
    warnings = find_damage(normalise(text), text)
    codes = [w.code for w in warnings]
    assert codes == ["hidden", "mojibake", "truncated"]
    assert "第2行" in warnings[0].message and "2100字" in warnings[0].message
    assert "第4行" in warnings[1].message and "??l放" in warnings[1].message
    assert "第5行" in warnings[2].message


def test_a_complete_document_has_no_warnings():
    assert (
        find_damage(normalise("一、加强领导。\n各单位要抓好落实。\n\n办公室\n2025年3月1日")) == []
    )


# -- structure ----------------------------------------------------------------------------------------


def test_enumerators_nest_in_the_order_the_author_chose():
    text = (
        "第一部分 总体安排\n一、加强组织领导\n（一）成立专班。\n1.明确分工。\n2.建立例会。\n（二）压实责任。\n"
        "二、强化督查考核\n主要内容：一是定期通报；二是年终考核。\n"
    )
    structure = parse(normalise(text))
    shape = [(item.kind, item.number, item.depth) for item in structure.items()]
    assert shape == [
        ("part", 1, 0),
        ("cn", 1, 1),
        ("cn_paren", 1, 2),
        ("num_dot", 1, 3),
        ("num_dot", 2, 3),
        ("cn_paren", 2, 2),
        ("cn", 2, 1),
        ("cn_shi", 1, 2),
        ("cn_shi", 2, 2),
    ]


def test_numbers_inside_sentences_are_not_enumerators():
    text = "全年完成2.5万件，其中1.8万件为线上办理，第1次会议于3月召开。\n"
    assert list(parse(normalise(text)).items()) == []


def test_inline_enumerators_count_only_as_a_sequence_from_one():
    structure = parse(
        normalise("措施：2、加强宣传；5、完善制度。\n措施：1、加强宣传；2、完善制度。\n")
    )
    assert [(i.number, i.paragraph) for i in structure.items()] == [(1, 1), (2, 1)]


# -- directives -----------------------------------------------------------------------------------------

SPEECH = """过去一年，各项工作取得了显著成效。主要体现在：一是完成了12个项目建设。二是引进了一批人才。
但也存在一些问题：一是统筹不够；二是落实不力。
下一步，要重点抓好以下工作：一是加快推进项目建设，确保年底前全部开工。二是完善人才引进政策。
"""


def test_achievements_and_problems_are_not_tasks_but_the_plan_is():
    titles = [p.title for p in extract_text(SPEECH).proposals]
    assert titles == ["加快推进项目建设", "完善人才引进政策"]


def test_principle_sections_are_not_tasks():
    text = "一、指导思想\n坚持以人民为中心的发展思想。\n二、重点任务\n（一）加快建设养老服务中心，年底前投入使用。\n"
    assert [p.title for p in extract_text(text).proposals] == ["加快建设养老服务中心"]


# -- units ---------------------------------------------------------------------------------------------


def test_generic_words_are_not_units():
    for generic in ("各部门", "相关部门", "有关单位", "各级党组织", "各产业主管部门", "各牵头单位"):
        assert is_generic(generic), generic
    for unit in ("统战部门", "各区县人民政府", "各市属国有企业", "市国资委", "各管委会"):
        assert not is_generic(unit), unit


def test_roles_come_from_the_wording():
    text = (
        "一要抓好专项整治。由市生态环境局牵头，市水利局、各区县人民政府配合，"
        "市城管委负责日常巡查，相关部门要积极支持。整治方案报市政府办公室备案。\n"
        "二要建好平台。市大数据中心要承担平台建设的主体责任。\n"
    )
    first, second = extract_text(text).proposals
    assert first.lead_units == ["市生态环境局"]
    assert first.cooperating_units == ["市水利局", "各区县人民政府"]
    assert first.responsible_units == ["市城管委"]  # 市政府办公室 only receives the plan
    assert second.responsible_units == ["市大数据中心"]


def test_dictionary_units_match_in_either_script_and_are_quoted_as_written():
    units = UnitDictionary.from_entries([("XX市国有资产监督管理委员会", "市国资委", "国资委")])
    assert units.canonical("市國資委") == "XX市国有资产监督管理委员会"
    proposal = extract_text("一、加強監管。市國資委要牽頭制定方案。\n", units).proposals[0]
    assert proposal.lead_units == ["市國資委"]


# -- deadlines -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date", "written"),
    [
        ("于2025年6月底前完成", datetime.date(2025, 6, 30), "2025年6月底前"),
        ("确保年底前建成", datetime.date(2024, 12, 31), "年底前"),
        ("三季度末前完成整治", datetime.date(2024, 9, 30), "三季度末前"),
        ("2024年第四季度完成", datetime.date(2024, 12, 31), "2024年第四季度"),
        ("上半年完成招标", datetime.date(2024, 6, 30), "上半年"),
        ("于11月15日前报送", datetime.date(2024, 11, 15), "11月15日前"),
        ("二〇二五年三月底前完成", datetime.date(2025, 3, 31), "二〇二五年三月底前"),
        # From Friday 2024-09-27, ten working days skip the National Day week and count the
        # make-up working days Sunday 09-29 and Saturday 10-12 (chinese-calendar).
        ("10个工作日内完成整改", datetime.date(2024, 10, 16), "10个工作日内"),
        ("每季度通报一次", None, "每季度"),
    ],
)
def test_deadlines_resolve_against_the_document_date(text, date, written):
    issued = datetime.date(2024, 9, 27)
    norm = normalise(text)
    deadline = find_deadline(norm, 0, len(norm), 2024, issued)
    assert (deadline.date, text[deadline.start : deadline.end]) == (date, written)


def test_a_date_of_record_is_not_a_deadline():
    norm = normalise("2024年3月5日，市长主持召开常务会议。")
    assert find_deadline(norm, 0, len(norm), 2024, None) is None


def test_the_document_year_comes_from_its_date_line():
    assert document_date(normalise("会议纪要\n2023年4月12日，县长主持会议。")) == (
        2023,
        datetime.date(2023, 4, 12),
    )
    assert document_date(normalise("总结2022年工作，部署2023年工作。2023年要……"))[0] == 2023


# -- labels, names and dates met beyond the kinds documents ---------------------------------------


def units_of(text):
    (p,) = extract_text(text).proposals
    return p.lead_units, p.responsible_units, p.cooperating_units


def test_a_label_value_ends_at_the_next_label_and_its_own_closing_bracket():
    from taizhang.extract.labels import find_labels

    norm = normalise(
        "推进转型（牵头单位：市工信局，配合单位：市科技局、各县区）。完成时限：2025年12月"
    )
    values = [
        (label.word, norm[label.value_start : label.value_end]) for label in find_labels(norm)
    ]
    assert values == [
        ("牵头单位", "市工信局"),
        ("配合单位", "市科技局、各县区"),
        ("完成时限", "2025年12月"),
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("一、请各直辖市、县（市）政府盘点公有土地。", ([], ["各直辖市、县（市）政府"], [])),
        ("一、請各鄉（鎮、市）公所落實防災宣導。", ([], ["各鄉（鎮、市）公所"], [])),
        ("一、各县(市、区)人民政府要加强领导。", ([], ["各县(市、区)人民政府"], [])),
    ],
)
def test_names_shared_by_a_list_or_a_bracket_are_one_unit(text, expected):
    assert units_of(text) == expected


def test_a_role_after_names_in_a_label_holds_since_the_last_comma():
    text = "一、压实施工扬尘防治责任。责任单位：市住建局，市城管局、市生态环境局配合。"
    assert units_of(text) == ([], ["市住建局"], ["市城管局", "市生态环境局"])


def test_the_last_name_joined_by_yu_before_a_verb_of_working_together_is_the_partner():
    assert units_of("一、請民政處與警察局協調處理疏散期間之交通管制。") == (
        [],
        ["民政處"],
        ["警察局"],
    )


def test_a_noted_decision_that_asks_for_work_is_a_task_headed_by_the_request():
    text = "貳、報告事項\n一、交通局報告春節疏運成果。\n決定：准予備查，請交通局持續檢討改善。\n"
    (p,) = extract_text(text).proposals
    assert (p.title, p.responsible_units) == ("請交通局持續檢討改善", ["交通局"])
    assert extract_text("決定：准予備查。\n").proposals == []


@pytest.mark.parametrize(
    "text, issued",
    [
        ("會議紀錄\n時間：113年5月8日（星期三）下午2時\n", datetime.date(2024, 5, 8)),
        ("時間：中華民國113年9月12日（星期四）上午10時\n", datetime.date(2024, 9, 12)),
        ("行政院院會決議\n日期:105-08-04\n", datetime.date(2016, 8, 4)),
        (
            "通知\n请于5个工作日内报送。\n\n市政府办公室\n2025年4月18日\n",
            datetime.date(2025, 4, 18),
        ),
    ],
)
def test_the_documents_date_in_the_forms_offices_write_it(text, issued):
    assert document_date(normalise(text)) == (issued.year, issued)


@pytest.mark.parametrize(
    "text, date",
    [
        ("完成时限：2025年12月", datetime.date(2025, 12, 31)),
        ("于1个月内函送", datetime.date(2024, 4, 8)),
        ("6月底前完成方案，12月底前全面完成", datetime.date(2024, 12, 31)),
        ("9月底前至少组织1次诊断", datetime.date(2024, 9, 30)),
    ],
)
def test_deadlines_in_labels_months_and_items_with_several_dates(text, date):
    norm = normalise(text)
    assert find_deadline(norm, 0, len(norm), 2024, datetime.date(2024, 3, 8)).date == date


def test_a_bracket_of_names_without_a_role_word_gives_the_responsible_units():
    text = "一、改善办学条件。（县教育局、县发展改革局，各乡镇人民政府）\n"
    assert units_of(text) == ([], ["县教育局", "县发展改革局", "各乡镇人民政府"], [])


def test_a_label_may_give_its_value_on_the_next_line():
    text = "1. 推进市场准入改革。\n牵头单位：区数据局\n责任单位：\n区市场监管局、区税务局\n完成时限：\n2024年9月底前\n"
    (p,) = extract_text(text).proposals
    assert (p.lead_units, p.responsible_units) == (["区数据局"], ["区市场监管局", "区税务局"])
    assert (p.deadline, p.deadline_text) == (datetime.date(2024, 9, 30), "2024年9月底前")


def test_the_first_listed_unit_leads_only_where_the_item_names_no_lead():
    text = (
        "一、稳岗。（人社局、财政局负责。列第一位者为牵头单位，下同）\n"
        "二、扩岗。（市场监管局牵头，发展改革委、财政局按职责分工负责）\n"
    )
    first, second = extract_text(text).proposals
    assert (first.lead_units, first.responsible_units) == (["人社局"], ["财政局"])
    assert (second.lead_units, second.responsible_units) == (
        ["市场监管局"],
        ["发展改革委", "财政局"],
    )


def test_each_name_keeps_the_role_written_after_it():
    text = "一、开展统计调查。责任单位：市统计局（牵头）、市财政局（协助）、市民政局（承办）。"
    assert units_of(text) == (["市统计局"], ["市民政局"], ["市财政局"])


def test_a_bracket_of_names_with_a_bracket_inside_leaves_the_title():
    (p,) = extract_text("一、做好防汛工作（县水利局、各镇（乡、街道））。").proposals
    assert (p.title, p.responsible_units) == ("做好防汛工作", ["县水利局", "各镇（乡、街道）"])


def test_a_long_run_of_numerals_is_no_enumerator_and_no_crash():
    assert extract_text("一" * 5000 + "要落实。").proposals == []


def test_the_title_line_gives_the_year_when_the_body_names_several():
    result = extract_text(
        "2024年工作要点\n1. 2025年6月底前，市数据局上线统一身份认证平台。\n2. 6月底前完成方案。\n"
    )
    first, second = result.proposals
    assert result.year == 2024
    assert (first.title, first.responsible_units) == ("市数据局上线统一身份认证平台", ["市数据局"])
    assert second.deadline == datetime.date(2024, 6, 30)


def test_minutes_that_end_with_who_attended_are_not_reported_cut_off():
    norm = normalise("会议纪要\n一、会议要求各单位抓好落实。\n出席：各部门负责人\n列席：办公室")
    assert [d.code for d in find_damage(norm)] == []


def test_rows_of_an_assignment_table_written_as_lines_are_tasks():
    text = (
        "貳、分工表\n"
        "工作項目：建置長照資訊平台　主辦機關：計畫處　協辦機關：社會處、衛生局　完成期限：115年6月30日\n"
        "工作項目：推動失智症友善社區　主辦機關：衛生局　完成期限：持續辦理\n"
    )
    first, second = extract_text(text).proposals
    assert (first.title, first.responsible_units) == ("建置長照資訊平台", ["計畫處"])
    assert (first.cooperating_units, first.deadline) == (
        ["社會處", "衛生局"],
        datetime.date(2026, 6, 30),
    )
    assert (second.title, second.responsible_units, second.deadline) == (
        "推動失智症友善社區",
        ["衛生局"],
        None,
    )


def test_a_bare_label_and_roles_after_names_in_running_text():
    assert units_of("6.加强执法队伍建设。负责：执法支队；时限：全年\n") == ([], ["执法支队"], [])
    assert units_of("一、請觀光旅遊局主辦、交通局及警察局協辦跨年活動。") == (
        [],
        ["觀光旅遊局"],
        ["交通局", "警察局"],
    )


def test_a_year_end_mentioned_in_passing_and_the_day_a_text_takes_effect_are_no_deadline_or_task():
    text = "2025年工作要点\n一、市财政局要年底完成验收。\n二、各部门应撙节经费，避免年底突击花钱。\n三、本计划奉市长核定后实施。\n"
    first, second = extract_text(text).proposals
    assert first.deadline == datetime.date(2025, 12, 31)
    assert (second.deadline, second.deadline_text) == (None, None)
