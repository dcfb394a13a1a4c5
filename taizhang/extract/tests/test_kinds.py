"""The kinds of failure of issue 12, on documents and short texts written for these tests.

The folder documents/kinds holds whole documents with their gold (the shared schema); the tests below
it check, kind by kind and in both scripts, what a clerk reviewing the proposals would check.
"""

import datetime
import json
from pathlib import Path

import pytest

from taizhang.extract import extract_file, extract_text

from .test_documents import SHARED_EVAL, load_scorer

KINDS = Path(__file__).parent / "documents" / "kinds"
SCRIPTS = ("hans", "hant")
D = datetime.date


def tasks(text):
    return extract_text(text).proposals


def units(p):
    return p.lead_units + p.responsible_units + p.cooperating_units


def assert_titles(found, phrases):
    """One proposal per phrase, in order, each titled with its phrase."""
    assert len(found) == len(phrases), [p.title for p in found]
    for p, phrase in zip(found, phrases, strict=True):
        assert phrase in p.title, (p.title, phrase)


HEAD = {"hans": "2025年重点任务分工方案\n\n", "hant": "2025年重點任務分工方案\n\n"}
SIGN = {
    "hans": "\n市人民政府办公室\n2025年3月10日\n",
    "hant": "\n市人民政府辦公室\n2025年3月10日\n",
}


def plan(script, body):
    return HEAD[script] + body + SIGN[script]


# The whole folder, scored with the shared scorer


def test_quality_floors_on_the_kinds_documents():
    assert (SHARED_EVAL / "score.py").exists(), f"the scorer is missing: {SHARED_EVAL}"
    score = load_scorer()
    predicted = {
        path.stem: [p.as_json() for p in extract_file(path).proposals]
        for path in sorted(KINDS.glob("*.txt"))
    }
    result = score.score(score.load_gold(KINDS), predicted)
    assert result["missing_documents"] == []
    assert result["tasks"]["f1"] >= 0.90, result["per_doc"]
    assert result["units"]["f1"] >= 0.85, result["roles"]
    assert result["units_end_to_end"]["f1"] >= 0.80, result["units_end_to_end"]
    assert result["deadline_accuracy"] >= 0.90


def test_the_kinds_gold_quotes_its_documents():
    """The annotations themselves: titles and anchors verbatim, anchors unique, units as written."""
    lines = (KINDS / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    gold = {doc["doc_id"]: doc for doc in map(json.loads, lines)}
    assert sorted(gold) == sorted(p.stem for p in KINDS.glob("*.txt"))
    for doc_id, doc in gold.items():
        text = (KINDS / f"{doc_id}.txt").read_text(encoding="utf-8")
        assert doc["script"] in SCRIPTS and 400 <= len(text) <= 1500, doc_id
        for t in doc["tasks"]:
            assert t["title"] in text and text.count(t["anchor"]) == 1, (doc_id, t["title"])
            for role in ("lead_units", "responsible_units", "cooperating_units"):
                assert all(u in text for u in t[role]), (doc_id, t["title"], role)


# 1. Label values on one line end at the next label

BRACKET_LINE = {
    "hans": "1. 培育行业级工业互联网平台，推动企业上云用平台。（牵头单位：市工信局，配合单位：市科技局、市数据局，各县区）完成时限：2025年9月底前\n"
    "2. 建设全市工业大数据中心，归集企业生产经营数据。（牵头单位：市数据局）\n",
    "hant": "1. 培育行業級工業互聯網平台，推動企業上雲用平台。（牽頭單位：市工信局，配合單位：市科技局、市數據局，各縣區）完成時限：2025年9月底前\n"
    "2. 建設全市工業大數據中心，歸集企業生產經營數據。（牽頭單位：市數據局）\n",
}


@pytest.mark.parametrize("script", SCRIPTS)
def test_label_values_on_one_line_end_at_the_next_label(script):
    first, second = tasks(plan(script, BRACKET_LINE[script]))
    assert first.lead_units == ["市工信局"]
    assert first.cooperating_units == (
        ["市科技局", "市数据局", "各县区"]
        if script == "hans"
        else ["市科技局", "市數據局", "各縣區"]
    )
    assert first.responsible_units == []
    assert first.deadline == D(2025, 9, 30)
    assert second.lead_units == (["市数据局"] if script == "hans" else ["市數據局"])


SEMICOLON_LINE = {
    "hans": "1. 设立数字化转型专项资金，对示范项目给予补助。（主要责任单位：市财政局；参与单位：市工信局、市发展改革委；责任领导：王立新）办结时限：2025年10月底前\n",
    "hant": "1. 設立數字化轉型專項資金，對示範項目給予補助。（主要責任單位：市財政局；參與單位：市工信局、市發展改革委；責任領導：王立新）辦結時限：2025年10月底前\n",
}


@pytest.mark.parametrize("script", SCRIPTS)
def test_several_labels_in_one_bracket_and_a_person_among_them(script):
    (task,) = tasks(plan(script, SEMICOLON_LINE[script]))
    assert task.responsible_units == (["市财政局"] if script == "hans" else ["市財政局"])
    assert task.cooperating_units == (
        ["市工信局", "市发展改革委"] if script == "hans" else ["市工信局", "市發展改革委"]
    )
    assert task.lead_units == []
    assert task.deadline == D(2025, 10, 31)


@pytest.mark.parametrize(
    "script, body, unit",
    [
        (
            "hans",
            "1. 开展中小企业数字化诊断服务，每年免费诊断200家企业。协作单位：市财政局等有关部门。\n",
            "市财政局",
        ),
        (
            "hant",
            "1. 開展中小企業數字化診斷服務，每年免費診斷200家企業。協作單位：市財政局等有關部門。\n",
            "市財政局",
        ),
    ],
    ids=SCRIPTS,
)
def test_x_and_other_departments_keeps_x(script, body, unit):
    (task,) = tasks(plan(script, body))
    assert units(task) == [unit] and task.cooperating_units == [unit]


# 2. Label words in their real variety, wherever the label line stands

LABELS = [
    ("牵头单位", "牽頭單位", "lead_units"),
    ("牵头责任单位", "牽頭責任單位", "lead_units"),
    ("主要责任单位", "主要責任單位", "responsible_units"),
    ("责任单位", "責任單位", "responsible_units"),
    ("承办单位", "承辦單位", "responsible_units"),
    # 主办 names the unit that handles the item, beside 协办 (as in the handling of proposals).
    ("主办单位", "主辦單位", "responsible_units"),
    ("协办单位", "協辦單位", "cooperating_units"),
    ("配合单位", "配合單位", "cooperating_units"),
    ("协作单位", "協作單位", "cooperating_units"),
    ("主要协作单位", "主要協作單位", "cooperating_units"),
    ("参与单位", "參與單位", "cooperating_units"),
]
ITEM = {
    "hans": "1. 实施农村供水保障工程，提升农村自来水普及率。\n{label}：市水利局\n{when}：2025年10月底前\n",
    "hant": "1. 實施農村供水保障工程，提升農村自來水普及率。\n{label}：市水利局\n{when}：2025年10月底前\n",
}

LEAD = {"hans": "牵头单位", "hant": "牽頭單位"}
WHEN = {"hans": "完成时限", "hant": "完成時限"}


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("hans, hant, role", LABELS, ids=[label[0] for label in LABELS])
def test_each_label_word_gives_its_role(script, hans, hant, role):
    label = hans if script == "hans" else hant
    (task,) = tasks(plan(script, ITEM[script].format(label=label, when=WHEN[script])))
    assert getattr(task, role) == ["市水利局"]
    assert units(task) == ["市水利局"]


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize(
    "hans, hant", [("责任领导", "責任領導"), ("分管领导", "分管領導"), ("责任人", "責任人")]
)
def test_leaders_and_persons_on_label_lines_are_not_units(script, hans, hant):
    body = ITEM[script].format(label=LEAD[script], when=WHEN[script])
    body += f"{hans if script == 'hans' else hant}：王立新\n"
    (task,) = tasks(plan(script, body))
    assert units(task) == ["市水利局"] and task.lead_units == ["市水利局"]


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize(
    "hans, hant",
    [
        ("完成时限", "完成時限"),
        ("完成时间", "完成時間"),
        ("时间节点", "時間節點"),
        ("整改时限", "整改時限"),
        ("办结时限", "辦結時限"),
    ],
)
def test_each_deadline_label_gives_the_deadline(script, hans, hant):
    when = hans if script == "hans" else hant
    (task,) = tasks(plan(script, ITEM[script].format(label=LEAD[script], when=when)))
    assert (task.deadline, task.deadline_text) == (D(2025, 10, 31), "2025年10月底前")


POSITIONS = {
    "same line": {
        "hans": "1. 实施农村供水保障工程，提升农村自来水普及率（牵头单位：市水利局；配合单位：市财政局）\n"
        "2. 推进城乡供水一体化，扩大规模化供水覆盖面（牵头单位：市住建局）\n",
        "hant": "1. 實施農村供水保障工程，提升農村自來水普及率（牽頭單位：市水利局；配合單位：市財政局）\n"
        "2. 推進城鄉供水一體化，擴大規模化供水覆蓋面（牽頭單位：市住建局）\n",
    },
    "next line": {
        "hans": "1. 实施农村供水保障工程，提升农村自来水普及率。\n牵头单位：市水利局\n配合单位：市财政局\n"
        "2. 推进城乡供水一体化，扩大规模化供水覆盖面。\n牵头单位：市住建局\n",
        "hant": "1. 實施農村供水保障工程，提升農村自來水普及率。\n牽頭單位：市水利局\n配合單位：市財政局\n"
        "2. 推進城鄉供水一體化，擴大規模化供水覆蓋面。\n牽頭單位：市住建局\n",
    },
    "after a full stop": {
        "hans": "1. 实施农村供水保障工程，提升农村自来水普及率。牵头单位：市水利局。配合单位：市财政局。\n"
        "2. 推进城乡供水一体化，扩大规模化供水覆盖面。牵头单位：市住建局。\n",
        "hant": "1. 實施農村供水保障工程，提升農村自來水普及率。牽頭單位：市水利局。配合單位：市財政局。\n"
        "2. 推進城鄉供水一體化，擴大規模化供水覆蓋面。牽頭單位：市住建局。\n",
    },
}


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("position", list(POSITIONS))
def test_a_label_line_attaches_to_its_own_item_wherever_it_stands(script, position):
    first, second = tasks(plan(script, POSITIONS[position][script]))
    assert (first.lead_units, first.cooperating_units) == (
        ["市水利局"],
        ["市财政局" if script == "hans" else "市財政局"],
    )
    assert (second.lead_units, second.cooperating_units) == (["市住建局"], [])


FIRST_LISTED = {
    "hans": "（列第一位者为牵头单位，下同）\n"
    "1. 深化“一网通办”改革，推动高频事项全程网办。责任单位：市政务服务管理局、市数据局、各区县人民政府。\n"
    "2. 开展涉企违规收费专项整治。责任单位：市市场监管局。\n"
    "3. 优化水电气报装服务。由市水务集团、市燃气集团分别牵头，市住建局配合。\n",
    "hant": "（列第一位者為牽頭單位，下同）\n"
    "1. 深化“一網通辦”改革，推動高頻事項全程網辦。責任單位：市政務服務管理局、市數據局、各區縣人民政府。\n"
    "2. 開展涉企違規收費專項整治。責任單位：市市場監管局。\n"
    "3. 優化水電氣報裝服務。由市水務集團、市燃氣集團分別牽頭，市住建局配合。\n",
}


@pytest.mark.parametrize("script", SCRIPTS)
def test_first_listed_unit_leads_a_sole_unit_keeps_its_label_and_each_leads_separately(script):
    first, second, third = tasks(plan(script, FIRST_LISTED[script]))
    if script == "hans":
        assert first.lead_units == ["市政务服务管理局"]
        assert first.responsible_units == ["市数据局", "各区县人民政府"]
        assert (second.lead_units, second.responsible_units) == ([], ["市市场监管局"])
        assert third.lead_units == ["市水务集团", "市燃气集团"]
    else:
        assert first.lead_units == ["市政務服務管理局"]
        assert first.responsible_units == ["市數據局", "各區縣人民政府"]
        assert (second.lead_units, second.responsible_units) == ([], ["市市場監管局"])
        assert third.lead_units == ["市水務集團", "市燃氣集團"]
    assert (third.responsible_units, third.cooperating_units) == ([], ["市住建局"])


# 4. Rectification blocks: the measures are the tasks, with the block's units and date

RECTIFICATION = {
    "hans": "县交通运输局关于巡察反馈问题的整改方案\n\n"
    "问题1：工程项目招投标管理不规范，存在应招未招情况。\n"
    "整改措施：1. 全面排查近三年实施的工程项目，建立问题清单。2. 修订完善招投标管理办法，明确限额以上项目一律公开招标。\n"
    "责任单位：县交通运输局计划科\n责任人：张伟\n整改时限：2024年6月底前\n\n"
    "问题2：农村公路养护资金使用绩效不高。\n整改措施：\n1. 开展养护资金专项审计。\n2. 建立养护资金绩效评价制度。\n"
    "责任单位：县公路事业发展中心，县财政局配合\n责任人：李强\n整改时限：2024年9月30日前\n\n"
    "县交通运输局\n2024年3月15日\n",
    "hant": "縣交通運輸局關於巡察反饋問題的整改方案\n\n"
    "問題1：工程項目招投標管理不規範，存在應招未招情況。\n"
    "整改措施：1. 全面排查近三年實施的工程項目，建立問題清單。2. 修訂完善招投標管理辦法，明確限額以上項目一律公開招標。\n"
    "責任單位：縣交通運輸局計劃科\n責任人：張偉\n整改時限：2024年6月底前\n\n"
    "問題2：農村公路養護資金使用績效不高。\n整改措施：\n1. 開展養護資金專項審計。\n2. 建立養護資金績效評價制度。\n"
    "責任單位：縣公路事業發展中心，縣財政局配合\n責任人：李強\n整改時限：2024年9月30日前\n\n"
    "縣交通運輸局\n2024年3月15日\n",
}


@pytest.mark.parametrize("script", SCRIPTS)
def test_rectification_measures_carry_their_blocks_units_and_date(script):
    found = tasks(RECTIFICATION[script])
    hans = script == "hans"
    assert_titles(
        found,
        ["全面排查近三年", "修订完善招投标", "开展养护资金专项审计", "建立养护资金绩效"]
        if hans
        else ["全面排查近三年", "修訂完善招投標", "開展養護資金專項審計", "建立養護資金績效"],
    )
    office = "县交通运输局计划科" if hans else "縣交通運輸局計劃科"
    centre, finance = (
        ("县公路事业发展中心", "县财政局") if hans else ("縣公路事業發展中心", "縣財政局")
    )
    for measure in found[:2]:
        assert (units(measure), measure.responsible_units) == ([office], [office])
        assert measure.deadline == D(2024, 6, 30)
    for measure in found[2:]:
        assert (measure.responsible_units, measure.cooperating_units) == ([centre], [finance])
        assert measure.lead_units == []
        assert measure.deadline == D(2024, 9, 30)


# 5. Minutes without numbering; Taiwan-style decisions

MINUTES = {
    "hans": "区政府第18次常务会议纪要\n\n2025年4月16日，区长主持召开区政府第18次常务会议。现将会议议定事项纪要如下。\n\n"
    "会议听取了区住建局关于老旧小区改造计划的汇报。\n"
    "会议同意《老旧小区改造实施计划》，由区住建局牵头，会同区财政局抓紧组织实施，确保10月底前全部开工。\n"
    "会议要求区教育局加快推进新建学校建设，确保8月底前具备招生条件。\n",
    "hant": "區政府第18次常務會議紀要\n\n2025年4月16日，區長主持召開區政府第18次常務會議。現將會議議定事項紀要如下。\n\n"
    "會議聽取了區住建局關於老舊小區改造計劃的匯報。\n"
    "會議同意《老舊小區改造實施計劃》，由區住建局牽頭，會同區財政局抓緊組織實施，確保10月底前全部開工。\n"
    "會議要求區教育局加快推進新建學校建設，確保8月底前具備招生條件。\n",
}


@pytest.mark.parametrize("script", SCRIPTS)
def test_each_decision_paragraph_of_minutes_is_a_task(script):
    hans = script == "hans"
    found = tasks(MINUTES[script])
    assert_titles(found, ["会议同意" if hans else "會議同意", "会议要求" if hans else "會議要求"])
    agreed, required = found
    assert agreed.lead_units == (["区住建局"] if hans else ["區住建局"])
    assert agreed.cooperating_units == (["区财政局"] if hans else ["區財政局"])
    assert agreed.responsible_units == []
    assert agreed.deadline == D(2025, 10, 31)
    assert required.responsible_units == (["区教育局"] if hans else ["區教育局"])
    assert required.deadline == D(2025, 8, 31)


AGREED_ITEMS = {
    "hans": "区政府常务会议纪要\n\n2025年4月16日，区长主持召开区政府常务会议。纪要如下。\n\n"
    "一、关于背街小巷环境整治工作\n议定事项：\n"
    "（一）同意区城管局提出的整治方案，由区城管局负责组织实施，各街道办事处配合，6月底前完成首批整治。\n"
    "（二）区市场监管局要加强沿街商铺占道经营管理，与区城管局协调处理跨部门投诉。\n",
    "hant": "區政府常務會議紀要\n\n2025年4月16日，區長主持召開區政府常務會議。紀要如下。\n\n"
    "一、關於背街小巷環境整治工作\n議定事項：\n"
    "（一）同意區城管局提出的整治方案，由區城管局負責組織實施，各街道辦事處配合，6月底前完成首批整治。\n"
    "（二）區市場監管局要加強沿街商鋪佔道經營管理，與區城管局協調處理跨部門投訴。\n",
}


@pytest.mark.parametrize("script", SCRIPTS)
def test_agreed_items_label_belongs_to_the_items_below_it(script):
    hans = script == "hans"
    found = tasks(AGREED_ITEMS[script])
    assert_titles(
        found, ["同意区城管局" if hans else "同意區城管局", "占道经营" if hans else "佔道經營"]
    )
    first, second = found
    assert first.responsible_units == (["区城管局"] if hans else ["區城管局"])
    assert first.cooperating_units == (["各街道办事处"] if hans else ["各街道辦事處"])
    assert first.deadline == D(2025, 6, 30)
    # 与 X 协调处理 makes X cooperating.
    assert second.responsible_units == (["区市场监管局"] if hans else ["區市場監管局"])
    assert second.cooperating_units == (["区城管局"] if hans else ["區城管局"])


@pytest.mark.parametrize("heading", ["院長裁示事項", "決定事項", "指示事項"])
def test_taiwan_style_decision_bullets_are_tasks(heading):
    text = (
        "行政院第3921次會議紀錄\n\n時間：中華民國113年9月12日（星期四）上午10時\n地點：本院第一會議室\n\n"
        f"壹、{heading}\n"
        "一、請內政部會同財政部檢討社會住宅融資機制，於年底前提出具體改善方案。\n"
        "二、請交通部督導臺灣鐵路公司全面檢修沿線邊坡防護設施，確保行車安全。\n"
    )
    found = tasks(text)
    assert_titles(found, ["請內政部會同財政部", "請交通部督導臺灣鐵路公司"])
    first, second = found
    assert (first.responsible_units, first.cooperating_units) == (["內政部"], ["財政部"])
    assert first.deadline == D(2024, 12, 31)  # 年底前 of ROC year 113
    # The object of 督導 is handed the action itself.
    assert second.responsible_units == ["交通部", "臺灣鐵路公司"]


# 6. Context that leaks

LEAD_IN = {
    "hans": "在全市城市更新工作推进会上的讲话\n（2025年5月20日）\n\n"
    "一、前期工作落实情况\n今年以来，全市城市更新工作取得新进展。累计完成老旧小区改造126个，市住建局牵头建立了项目库。\n\n"
    "二、下一阶段重点工作\n"
    "书记强调，一要加快项目建设进度。市住建局要会同各区政府倒排工期，确保9月底前在建项目全部完工。"
    "二要强化资金保障。市财政局要统筹安排专项债券资金。\n",
    "hant": "在全市城市更新工作推進會上的講話\n（2025年5月20日）\n\n"
    "一、前期工作落實情況\n今年以來，全市城市更新工作取得新進展。累計完成老舊小區改造126個，市住建局牽頭建立了項目庫。\n\n"
    "二、下一階段重點工作\n"
    "書記強調，一要加快項目建設進度。市住建局要會同各區政府倒排工期，確保9月底前在建項目全部完工。"
    "二要強化資金保障。市財政局要統籌安排專項債券資金。\n",
}


@pytest.mark.parametrize("script", SCRIPTS)
def test_a_past_lead_in_stops_at_the_sibling_heading_and_an_enumerator_after_a_comma_starts_a_list(
    script,
):
    hans = script == "hans"
    found = tasks(LEAD_IN[script])
    assert_titles(
        found,
        [
            "加快项目建设进度" if hans else "加快項目建設進度",
            "强化资金保障" if hans else "強化資金保障",
        ],
    )
    first, second = found
    assert first.responsible_units == (["市住建局"] if hans else ["市住建局"])
    assert first.cooperating_units == (["各区政府"] if hans else ["各區政府"])
    assert first.deadline == D(2025, 9, 30)
    assert second.responsible_units == (["市财政局"] if hans else ["市財政局"])
    assert second.deadline is None


PARALLEL = {
    "hans": "在全市城市更新工作推进会上的讲话\n（2025年5月20日）\n\n三、切实加强组织领导\n"
    "城市更新是一项系统工程，涉及面广、政策性强。\n"
    "必须压实属地责任，各区政府要切实履行主体责任。必须强化督查考核，市委督查室要每季度通报一次进展。\n"
    "要坚持规划引领，市自然资源和规划局要在8月底前完成专项规划编制。要守住安全底线，市应急管理局要会同市住建局开展施工安全专项检查。\n",
    "hant": "在全市城市更新工作推進會上的講話\n（2025年5月20日）\n\n三、切實加強組織領導\n"
    "城市更新是一項系統工程，涉及面廣、政策性強。\n"
    "必須壓實屬地責任，各區政府要切實履行主體責任。必須強化督查考核，市委督查室要每季度通報一次進展。\n"
    "要堅持規劃引領，市自然資源和規劃局要在8月底前完成專項規劃編制。要守住安全底線，市應急管理局要會同市住建局開展施工安全專項檢查。\n",
}


@pytest.mark.parametrize("script", SCRIPTS)
def test_parallel_must_and_should_sentences_open_items_in_a_later_paragraph(script):
    hans = script == "hans"
    found = tasks(PARALLEL[script])
    assert_titles(
        found,
        ["压实属地责任", "强化督查考核", "坚持规划引领", "守住安全底线"]
        if hans
        else ["壓實屬地責任", "強化督查考核", "堅持規劃引領", "守住安全底線"],
    )
    district, supervision, planning, safety = found
    assert district.responsible_units == (["各区政府"] if hans else ["各區政府"])
    assert (supervision.responsible_units, supervision.deadline) == (["市委督查室"], None)
    assert planning.responsible_units == (
        ["市自然资源和规划局"] if hans else ["市自然資源和規劃局"]
    )
    assert planning.deadline == D(2025, 8, 31)
    assert safety.responsible_units == (["市应急管理局"] if hans else ["市應急管理局"])
    assert safety.cooperating_units == ["市住建局"]
    assert safety.deadline is None


PLEASE = {
    "hans": "关于做好政务数据共享工作的通知\n\n各区县人民政府，市政府各部门：\n为加快推进政务数据共享，现就有关事项通知如下。\n\n"
    "请市数据局会同市大数据中心建立共享需求快速响应机制。\n\n请市财政局做好数据共享平台建设经费保障。\n\n"
    "市人民政府办公室\n2025年4月18日\n",
    "hant": "關於做好政務數據共享工作的通知\n\n各區縣人民政府，市政府各部門：\n為加快推進政務數據共享，現就有關事項通知如下。\n\n"
    "請市數據局會同市大數據中心建立共享需求快速響應機制。\n\n請市財政局做好數據共享平台建設經費保障。\n\n"
    "市人民政府辦公室\n2025年4月18日\n",
}


@pytest.mark.parametrize("script", SCRIPTS)
def test_please_and_a_unit_is_a_directive(script):
    hans = script == "hans"
    found = tasks(PLEASE[script])
    assert len(found) == 2, [p.title for p in found]
    data, finance = found
    assert data.responsible_units == (["市数据局"] if hans else ["市數據局"])
    assert data.cooperating_units == (["市大数据中心"] if hans else ["市大數據中心"])
    assert finance.responsible_units == (["市财政局"] if hans else ["市財政局"])


# 7. Units without a name suffix; subjects after a time phrase; roles that are not roles


@pytest.mark.parametrize(
    "script, unit",
    [
        ("hans", "各地市"),
        ("hans", "各区（县）"),
        ("hans", "各乡镇"),
        ("hans", "各省份"),
        ("hant", "各地市"),
        ("hant", "各區（縣）"),
        ("hant", "各鄉鎮"),
        ("hant", "各省份"),
    ],
)
def test_assigned_units_without_a_name_suffix(script, unit):
    body = {
        "hans": f"（一）开展农村供水工程摸底排查。{unit}要组织对辖区内供水工程逐一排查，建立问题清单。\n"
        "（二）健全工程运行管护机制。市水利局要落实工程管护经费。\n",
        "hant": f"（一）開展農村供水工程摸底排查。{unit}要組織對轄區內供水工程逐一排查，建立問題清單。\n"
        "（二）健全工程運行管護機制。市水利局要落實工程管護經費。\n",
    }[script]
    first, second = tasks(plan(script, body))
    assert first.responsible_units == [unit] and units(first) == [unit]
    assert second.responsible_units == ["市水利局"]


@pytest.mark.parametrize(
    "script, body, unit",
    [
        (
            "hans",
            "（一）推进统一身份认证。2025年6月底前，市数据局上线全市统一身份认证平台。\n",
            "市数据局",
        ),
        (
            "hant",
            "（一）推進統一身份認證。2025年6月底前，市數據局上線全市統一身份認證平台。\n",
            "市數據局",
        ),
    ],
    ids=SCRIPTS,
)
def test_the_subject_after_a_time_phrase_is_the_unit(script, body, unit):
    (task,) = tasks(plan(script, body))
    assert (task.responsible_units, task.deadline) == ([unit], D(2025, 6, 30))


ROLE_CASES = {
    "协同": (
        "（一）编制停车设施专项规划。请规划处协同法制处办理，8月底前形成规划草案。\n",
        "（一）編制停車設施專項規劃。請規劃處協同法制處辦理，8月底前形成規劃草案。\n",
        (["规划处"], ["法制处"]),
        (["規劃處"], ["法制處"]),
    ),
    "密切配合": (
        "（一）保障停车设施用地供应。用地处、土地利用处要密切配合，年内供应停车设施用地不少于15宗。\n",
        "（一）保障停車設施用地供應。用地處、土地利用處要密切配合，年內供應停車設施用地不少於15宗。\n",
        (["用地处", "土地利用处"], []),
        (["用地處", "土地利用處"], []),
    ),
    "提请审议": (
        "（一）编制停车设施专项规划。规划处要在8月底前形成规划草案，经市政府常务会议审议后，提请市人大常委会审议。\n",
        "（一）編制停車設施專項規劃。規劃處要在8月底前形成規劃草案，經市政府常務會議審議後，提請市人大常委會審議。\n",
        (["规划处"], []),
        (["規劃處"], []),
    ),
    "任组长": (
        "（一）加强组织领导。成立停车设施建设工作专班，由县委主要负责同志任组长，县直有关部门负责同志为成员。\n",
        "（一）加強組織領導。成立停車設施建設工作專班，由縣委主要負責同志任組長，縣直有關部門負責同志為成員。\n",
        ([], []),
        ([], []),
    ),
    "左边界": (
        "（一）建设智慧停车管理系统。市交通局建立全市统一的智慧停车信息平台，实现与各区停车平台互联互通。\n",
        "（一）建設智慧停車管理系統。市交通局建立全市統一的智慧停車信息平台，實現與各區停車平台互聯互通。\n",
        (["市交通局"], []),
        (["市交通局"], []),
    ),
}


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("case", list(ROLE_CASES))
def test_who_does_it_and_who_only_appears(script, case):
    hans_body, hant_body, hans_roles, hant_roles = ROLE_CASES[case]
    body, (responsible, cooperating) = (
        (hans_body, hans_roles) if script == "hans" else (hant_body, hant_roles)
    )
    (task,) = tasks(plan(script, body))
    assert (task.responsible_units, task.cooperating_units) == (responsible, cooperating)
    assert task.lead_units == []


# 8. Dates

NOTICE = {
    "hans": "关于做好政务数据共享工作的通知\n\n各区县人民政府，市政府各部门：\n现就有关事项通知如下。\n\n"
    "一、{sentence}\n二、加强数据安全管理。请市公安局落实数据分类分级保护制度。\n\n市人民政府办公室\n2025年4月18日\n",
    "hant": "關於做好政務數據共享工作的通知\n\n各區縣人民政府，市政府各部門：\n現就有關事項通知如下。\n\n"
    "一、{sentence}\n二、加強數據安全管理。請市公安局落實數據分類分級保護制度。\n\n市人民政府辦公室\n2025年4月18日\n",
}
DATES = [
    (
        "next year's first quarter",
        "建设数据底座。请市数据局牵头，明年一季度完成数据底座一期建设。",
        "建設數據底座。請市數據局牽頭，明年一季度完成數據底座一期建設。",
        D(2026, 3, 31),
    ),
    (
        "the following year",
        "开展授权运营试点。请市数据局先行开展试点，次年6月底前在全市推广。",
        "開展授權運營試點。請市數據局先行開展試點，次年6月底前在全市推廣。",
        D(2026, 6, 30),
    ),
    (
        "within five years",
        "推进数据加密存储。请市数据局5年内实现重要数据全部加密存储。",
        "推進數據加密存儲。請市數據局5年內實現重要數據全部加密存儲。",
        None,
    ),
    (
        "within the year",
        "深化一网通办。请市政务服务中心年内实现高频事项一网通办全覆盖。",
        "深化一網通辦。請市政務服務中心年內實現高頻事項一網通辦全覆蓋。",
        D(2025, 12, 31),
    ),
    (
        "as of",
        "摸清数据底数。截至6月底，全市已编制政务数据目录1.2万条，请市数据局持续做好目录维护。",
        "摸清數據底數。截至6月底，全市已編制政務數據目錄1.2萬條，請市數據局持續做好目錄維護。",
        None,
    ),
    (
        "from",
        "推进数据按需共享。从三季度起，请市数据局按月通报各部门数据共享情况。",
        "推進數據按需共享。從三季度起，請市數據局按月通報各部門數據共享情況。",
        None,
    ),
    (
        "several dates",
        "推进统一身份认证。2025年6月底前，市数据局上线统一身份认证平台；9月底前完成市级系统对接，12月底前完成区县系统对接。",
        "推進統一身份認證。2025年6月底前，市數據局上線統一身份認證平台；9月底前完成市級系統對接，12月底前完成區縣系統對接。",
        D(2025, 12, 31),
    ),
    (
        "one-off beside recurring",
        "建立进展通报制度。请市数据局每季度通报一次进展，9月底前完成首批数据共享清单发布。",
        "建立進展通報制度。請市數據局每季度通報一次進展，9月底前完成首批數據共享清單發佈。",
        D(2025, 9, 30),
    ),
]


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("name, hans, hant, deadline", DATES, ids=[d[0] for d in DATES])
def test_deadlines_as_a_clerk_reads_them(script, name, hans, hant, deadline):
    first = tasks(NOTICE[script].format(sentence=hans if script == "hans" else hant))[0]
    assert first.deadline == deadline, (name, first.deadline_text)


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_documents_date_is_its_issue_date_not_the_first_date_in_the_body(script):
    sentence = {
        "hans": "建立工作联络机制。根据2023年3月1日印发的管理办法，请各区县人民政府于本通知印发之日起5个工作日内确定1名联络员。",
        "hant": "建立工作聯絡機制。根據2023年3月1日印發的管理辦法，請各區縣人民政府於本通知印發之日起5個工作日內確定1名聯絡員。",
    }[script]
    result = extract_text(NOTICE[script].format(sentence=sentence))
    assert result.year == 2025
    first = result.proposals[0]
    assert first.responsible_units == (
        ["各区县人民政府"] if script == "hans" else ["各區縣人民政府"]
    )
    # Five working days from Friday 2025-04-18, the date under the signature.
    assert first.deadline == D(2025, 4, 25)


# 9. Things that are not tasks

NOT_TASKS = {
    "hans": "关于开展2025年“质量月”活动的通知\n\n各区县市场监管局：\n现就开展“质量月”活动有关事项通知如下。\n\n"
    "一、充分认识开展“质量月”活动的重要意义\n开展“质量月”活动是推动高质量发展的重要抓手，对于增强全社会质量意识具有重要作用。\n\n"
    "二、主要指标\n全市制造业产品质量合格率达到94%以上，服务业顾客满意度达到80分以上。\n\n"
    "三、重点活动\n（一）组织质量提升专项行动。各区县市场监管局要在9月底前组织质量诊断服务活动。\n\n"
    "四、工作要求\n期各单位精心组织、务求实效，营造全社会关心质量的良好氛围。\n\n"
    "市市场监督管理局\n2025年8月20日\n",
    "hant": "關於開展2025年“質量月”活動的通知\n\n各區縣市場監管局：\n現就開展“質量月”活動有關事項通知如下。\n\n"
    "一、充分認識開展“質量月”活動的重要意義\n開展“質量月”活動是推動高質量發展的重要抓手，對於增強全社會質量意識具有重要作用。\n\n"
    "二、主要指標\n全市製造業產品質量合格率達到94%以上，服務業顧客滿意度達到80分以上。\n\n"
    "三、重點活動\n（一）組織質量提升專項行動。各區縣市場監管局要在9月底前組織質量診斷服務活動。\n\n"
    "四、工作要求\n期各單位精心組織、務求實效，營造全社會關心質量的良好氛圍。\n\n"
    "市市場監督管理局\n2025年8月20日\n",
}


@pytest.mark.parametrize("script", SCRIPTS)
def test_significance_indicators_and_wishes_are_not_tasks(script):
    found = tasks(NOT_TASKS[script])
    assert_titles(found, ["质量提升专项行动" if script == "hans" else "質量提升專項行動"])
    (task,) = found
    assert task.deadline == D(2025, 9, 30)


REPORTS = {
    "hans": "市政府第5次常务会议纪要\n\n时间：2025年3月12日上午9时\n\n一、报告事项\n"
    "（一）市发展改革委报告一季度经济运行情况。\n决定：准予备查。\n"
    "（二）市住建局报告保障性住房建设进度。\n决定：\n1. 准予备查。\n2. 请市住建局会同市财政局研究保障性住房融资机制，6月底前提出具体方案。\n",
    "hant": "行政院第3890次會議紀錄\n\n時間：中華民國113年3月12日上午10時\n\n壹、報告事項\n"
    "一、經濟部報告「113年第一季經濟情勢」。\n決定：准予備查。\n"
    "二、內政部報告「社會住宅興辦進度」。\n決定：\n（一）准予備查。\n（二）請內政部會同財政部研究社會住宅融資機制，於6月底前提出具體方案。\n",
}


@pytest.mark.parametrize("script", SCRIPTS)
def test_reports_and_noted_decisions_are_not_tasks(script):
    (task,) = tasks(REPORTS[script])
    if script == "hans":
        assert (task.responsible_units, task.cooperating_units) == (["市住建局"], ["市财政局"])
        assert task.deadline == D(2025, 6, 30)
    else:
        assert (task.responsible_units, task.cooperating_units) == (["內政部"], ["財政部"])
        assert task.deadline == D(2024, 6, 30)
