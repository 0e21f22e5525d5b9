"""Normalisation, segmentation and garbled forms for Chinese search (no database)."""

import pytest

from articles.search import text as st


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("發展新時代楓橋經驗", "发展新时代枫桥经验"),  # traditional → simplified
        (
            "ＡＩ与５Ｇ",
            "ai与5g",
        ),  # full-width Latin and digits → half-width, lower case
        ("枫桥\u200b经验", "枫桥经验"),  # zero-width space
        ("枫\u200d桥\ufeff经\u00ad验", "枫桥经验"),  # joiner, BOM, soft hyphen
        ("工会组 织", "工会组织"),  # a line-wrap space inside a word
        ("工会\x07工作", "工会工作"),  # control characters
        ("AI 时代", "ai 时代"),  # a space beside Latin stays
        ("", ""),
    ],
)
def test_normalize(raw, normalised):
    assert st.normalize(raw) == normalised


def test_normalize_is_idempotent():
    text = "發展ＡＩ　工会组 织\u200b经验（作者单位：中国劳动关系学院）"
    once = st.normalize(text)
    assert st.normalize(once) == once


def test_fast_nfkc_matches_unicodedata():
    import unicodedata

    samples = [
        "ＡＢＣ，。",
        "e\u0301",
        "㈠㊣",
        "ﬁ",
        "가\u11a8",
        "①②",
        "工会，职工：“维权”",
    ]
    for sample in samples:
        assert st.nfkc(sample) == unicodedata.normalize("NFKC", sample)


def test_index_terms_include_words_inside_longer_words():
    terms = st.index_postings(st.normalize("中华全国总工会推动工资集体协商"))
    for inner in (
        "中华全国总工会",
        "总工会",
        "工会",
        "全国",
        "工资集体协商",
        "集体协商",
        "集体",
        "协商",
    ):
        assert inner in terms, inner


def test_index_positions_are_character_offsets():
    terms = st.index_postings("提升劳动关系治理水平")
    assert terms["劳动关系"] == [2]
    assert terms["治理"] == [6]


def test_full_width_latin_and_single_letters_are_indexed():
    terms = st.index_postings(st.normalize("ＡＩ赋能 G 5G"))
    assert {"ai", "g", "5g"} <= set(terms)


def test_stop_words_are_not_indexed():
    assert "的" not in st.index_postings("工会的工作")


def test_characters_option_indexes_each_ideograph():
    terms = st.index_postings("王君伟", characters=True)
    assert {"王", "君", "伟"} <= set(terms)


def test_user_dictionary_keeps_union_terms_whole():
    for term in ("枫桥经验", "新就业形态", "智慧工会", "工匠精神", "中国劳动关系学院"):
        assert st.words(term) == [term]


def test_user_dictionary_file_is_readable_data():
    words = st.user_words()
    assert "枫桥经验" in words
    assert all(" " not in w and not w.startswith("#") for w in words)


def test_phrase_units_tile_long_words_by_inner_words():
    assert st.phrase_units("劳动关系治理") == [("劳动", 0), ("关系", 2), ("治理", 4)]


def test_garbled_words_are_only_what_the_correction_removed():
    original = "六顶举措 支持数字人才培育。职工人会积极,投人资金。"
    corrected = "六项举措 支持数字人才培育。职工入会积极，投入资金。"
    garbled = st.garbled_words(original, corrected).split()
    assert "人会" in garbled and "投人" in garbled
    assert "数字" not in garbled and "培育" not in garbled


def test_garbled_words_empty_when_nothing_changed():
    assert st.garbled_words("工会组 织首先是政治组织", "工会组织首先是政治组织") == ""
