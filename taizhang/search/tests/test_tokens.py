from taizhang.search.tokens import fts5_query, query_phrases, tokens, tsquery


def test_chinese_runs_are_bigrams_and_a_last_unigram():
    assert tokens("深化改革") == "深化 化改 改革 革"
    assert tokens("改") == "改"


def test_fields_are_tokenised_apart():
    # No bigram joins the end of the title to the start of the body.
    assert "革统" not in tokens("深化改革", "统战部").split()


def test_numbers_and_latin_words_are_lower_case_words():
    assert tokens("JXL-2026-0012") == "jxl 2026 0012"
    assert tokens("ＡＢＣ１２３ Café") == "abc123 café"  # full-width folded


def test_traditional_script_is_folded_to_simplified():
    assert tokens("統戰部") == tokens("统战部")
    assert query_phrases("統戰") == [["统战"]]  # a bigram: no prefix


def test_query_words_become_phrases_with_a_prefix_last_token():
    phrases = query_phrases("统战部  JXL-2026-00 改")
    assert phrases == [["统战", "战部"], ["jxl", "2026", "00*"], ["改*"]]
    assert fts5_query(phrases) == '"统战 战部" AND "jxl 2026 00"* AND "改"*'
    assert tsquery(phrases) == "(统战 <-> 战部) & (jxl <-> 2026 <-> 00:*) & (改:*)"


def test_a_single_character_between_words_keeps_its_place():
    assert query_phrases("改革2026年") == [["改革", "革", "2026", "年*"]]
    assert tokens("深化改革2026年") == "深化 化改 改革 革 2026 年"


def test_punctuation_only_words_are_left_out():
    assert query_phrases("—— ，") == []
    assert query_phrases("改革 ——") == [["改革"]]
