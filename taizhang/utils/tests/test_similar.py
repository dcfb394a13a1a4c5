"""Similar-text search for suggestions: a duplicate comes first, an unrelated one not at all."""

import subprocess
import sys

import pytest

from taizhang.utils.similar import MAX_BODY_CHARS, MIN_SCORE, SimilarIndex, normalise

EARLIER = [
    (
        1,
        "破解中小配套企业融资难融资贵",
        "产业链上的中小民营配套企业贷款难、利率高，建议设立政府性融资担保基金，推广应收账款质押融资。",
    ),
    (
        2,
        "关于加强矿山安全生产监管的建议",
        "矿业公司井下作业风险高，建议推广井下人员定位和视频监控系统，开展隐患排查治理专项行动。",
    ),
    (
        3,
        "推进国有企业数字化转型的建议",
        "建议制定国企数字化转型路线图，建设工业互联网平台，推动生产设备联网和数据采集。",
    ),
    (
        4,
        "关于引进和留住高层次人才的建议",
        "国企引进的博士、高级工程师流失严重，建议提供人才公寓、子女入学和配偶就业等保障。",
    ),
    (
        5,
        "优化营商环境压缩审批时限",
        "企业反映项目审批环节多、时间长，建议推行并联审批和告知承诺制。",
    ),
    (
        6,
        "加快科技成果就地转化的建议",
        "专利大量闲置，建议设立成果转化基金，建设中试基地，让科技成果在本地转化。",
    ),
]
DUPLICATE = (
    "关于设立融资担保基金支持中小企业的建议",
    "中小企业缺少抵押物，银行不愿放贷。建议市财政出资设立担保基金，开展应收账款融资，降低融资成本。",
)


@pytest.fixture(scope="module")
def index():
    return SimilarIndex(EARLIER)


def test_the_duplicate_comes_first_with_a_score_between_0_and_1(index):
    found = index.most_similar(*DUPLICATE)
    assert found[0][0] == 1
    assert MIN_SCORE <= found[0][1] <= 1
    assert [score for _, score in found] == sorted((s for _, s in found), reverse=True)


def test_each_earlier_suggestion_finds_itself_with_a_score_of_one(index):
    for key, title, body in EARLIER:
        assert index.most_similar(title, body, limit=1)[0] == (key, pytest.approx(1.0))


def test_the_title_counts_more_than_the_body(index):
    by_title = index.most_similar("矿山安全生产", "", min_score=0)
    by_body = index.most_similar("", "矿山安全生产", min_score=0)
    assert by_title[0][0] == by_body[0][0] == 2
    rearranged = SimilarIndex(
        [(1, "矿山安全生产", "数字化转型"), (2, "数字化转型", "矿山安全生产")]
    )
    assert rearranged.most_similar("矿山安全生产", "", limit=1)[0][0] == 1


def test_an_unrelated_suggestion_finds_nothing_above_the_minimum(index):
    assert (
        index.most_similar("关于改善职工食堂伙食的建议", "菜品单一，价格偏高，增加夜班餐食。") == []
    )
    low = index.most_similar("关于改善职工食堂伙食的建议", "菜品单一。", min_score=0)
    assert all(score < MIN_SCORE for _, score in low)


def test_traditional_script_finds_the_same_as_simplified(index):
    simplified = index.most_similar(*DUPLICATE)
    traditional = index.most_similar(
        "關於設立融資擔保基金支持中小企業的建議",
        "中小企業缺少抵押物，銀行不願放貸。建議市財政出資設立擔保基金，開展應收賬款融資，降低融資成本。",
    )
    assert [k for k, _ in traditional] == [k for k, _ in simplified]
    assert [s for _, s in traditional] == pytest.approx([s for _, s in simplified])
    assert normalise("ＡＢＣ１２３ 數字化轉型", 100) == "abc123 数字化转型"


def test_limit_and_exclude(index):
    assert len(index.most_similar(*DUPLICATE, limit=2, min_score=0)) == 2
    assert index.most_similar(*DUPLICATE, limit=0) == []
    assert 1 not in [k for k, _ in index.most_similar(*DUPLICATE, exclude=[1], min_score=0)]


@pytest.mark.parametrize(
    ("title", "body"), [("", ""), ("", None), (None, None), ("。！？…", "—— 123 ")]
)
def test_empty_or_punctuation_only_input_finds_nothing(index, title, body):
    assert index.most_similar(title, body, min_score=0) == []


def test_an_empty_index_finds_nothing():
    empty = SimilarIndex([])
    assert len(empty) == 0
    assert empty.most_similar(*DUPLICATE, min_score=0) == []


def test_a_very_long_body_is_cut_to_the_configured_length(index):
    body = DUPLICATE[1] + "其他内容。" * (1_000_000 // 5)  # 1 MB of characters
    assert len(body) > 1_000_000
    cut = body[:MAX_BODY_CHARS]
    assert index.most_similar(DUPLICATE[0], body) == index.most_similar(DUPLICATE[0], cut)
    huge = SimilarIndex([*EARLIER, (7, "篇幅很长的建议", body)], max_body_chars=100)
    short = SimilarIndex([*EARLIER, (7, "篇幅很长的建议", body[:100])], max_body_chars=100)
    assert huge.postings.keys() == short.postings.keys()


def test_an_unknown_analyser_is_refused():
    with pytest.raises(ValueError, match="unknown analyser"):
        SimilarIndex(EARLIER, analyser="sentencepiece")


def test_jieba_starts_quietly_in_a_fresh_process():
    code = (
        "from taizhang.utils.similar import SimilarIndex\n"
        "print(SimilarIndex([(1, '融资难', '担保基金')]).most_similar('融资难', '')[0][0])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "1"
    assert done.stderr == ""
