"""A document's title from its own top lines, in both scripts."""

import pytest

from taizhang.extract import extract_text
from taizhang.extract.title import document_title

NOTICE = """XX市人民政府文件
X府发〔2025〕7号
XX市人民政府关于做好当前和今后一个时期
稳定和扩大就业工作的实施意见
各区人民政府，市政府各部门：
为贯彻落实国家和省的部署，现提出如下意见。
一、强化就业优先政策。市人力资源社会保障局牵头，2025年6月底前出台细则。
"""

NOTICE_HANT = """臺北市政府函
發文日期：中華民國114年3月5日
關於推動社區防災韌性計畫
執行情形的會議紀錄
各局處：
一、請消防局於三個月內完成評估。
"""

SPEECH = """在全区优化营商环境大会上的讲话
（2025年4月8日）
同志们：
今天我们召开大会，部署今年的工作。
"""

WEB_COPY = """首页 > 政务公开 > 政策文件
日期：2024-11-02  来源：市发展改革委  字号：大 中 小
关于印发《XX市数字经济发展三年行动方案》的通知
各区县人民政府：
现将方案印发给你们，请认真贯彻执行。
"""

ONLY_NUMBER = """关于开展安全生产大检查的通知（X安委办〔2024〕12号）
一、检查范围。各区县人民政府要组织开展全面排查。
"""


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (NOTICE, "XX市人民政府关于做好当前和今后一个时期稳定和扩大就业工作的实施意见"),
        (NOTICE_HANT, "關於推動社區防災韌性計畫執行情形的會議紀錄"),
        (SPEECH, "在全区优化营商环境大会上的讲话"),
        (WEB_COPY, "关于印发《XX市数字经济发展三年行动方案》的通知"),
        (ONLY_NUMBER, "关于开展安全生产大检查的通知"),
    ],
)
def test_the_title_is_the_documents_own_heading(text, title):
    assert document_title(text) == title


@pytest.mark.parametrize(
    "text",
    [
        "",
        "X府办函〔2024〕12号\n各区人民政府：\n现将有关事项通知如下。\n",
        "一、加强组织领导。市财政局要于6月底前完成。\n二、强化督促检查。\n",
        "同志们：\n今天我们召开会议，研究部署下一阶段的工作。\n",
        "2025年3月12日\n会议听取了汇报，要求各单位抓紧落实。\n",
    ],
)
def test_a_document_without_a_heading_has_no_title(text):
    assert document_title(text) is None


def test_a_title_that_ends_on_its_first_line_does_not_take_the_next():
    text = "XX区2025年重点工作任务分工方案\n市委办公室\n一、推进项目建设。\n"
    assert document_title(text) == "XX区2025年重点工作任务分工方案"


def test_the_engine_gives_the_title_with_its_result():
    assert extract_text(NOTICE).title.startswith("XX市人民政府关于做好")
    assert extract_text(NOTICE_HANT).title == "關於推動社區防災韌性計畫執行情形的會議紀錄"


def test_a_covering_letter_gives_way_to_the_title_of_what_it_issues():
    text = (
        "各镇人民政府，县直各单位：\n"
        "《XX县推进农村生活污水治理的若干措施》已经县政府同意，现印发给你们，请认真贯彻落实。\n"
        "2025年5月6日\n"
        "XX县推进农村生活污水治理的若干措施\n"
        "一、加快设施建设。\n"
    )
    assert document_title(text) == "XX县推进农村生活污水治理的若干措施"


def test_figures_are_not_a_title():
    assert document_title("全年粮食产量增长2%左右\n城镇新增就业1万人以上\n") is None
