"""clean_ocr repairs only what is safe: spaces, punctuation width, markers, joins."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.ingest.cleaning import clean_ocr, ends_sentence
from archive.ingest.text import is_cjk, strip_layout_marker
from tests.conftest import SEED_PAGES

# --- Properties ---------------------------------------------------------------

CJK_SAMPLE = "的是工会职工劳动关系治理标准体系人入会投顶项建设发展推进创新常方面"
OCR_ALPHABET = (
    CJK_SAMPLE
    + "，。、；：？！“”‘’（）《》—"
    + ",.:;?!()\"'-+%/"
    + "0123456789AGHIaei"
    + "■₩● \t\n\r\u200b\ufeff\x07"
)
FULL_WIDTH_TO_ASCII = str.maketrans("，。；：？！“”‘’（）", ",.;:?!\"\"''()")

clause = st.text(alphabet=CJK_SAMPLE, min_size=1, max_size=12)
word = st.one_of(
    clause, st.sampled_from(["2024年", "49.4%", "AI+服务", "GDP", "10:30"])
)
sentence = st.builds(
    lambda parts, quoted, end: (
        "，".join(f"“{p}”" if quoted and i == 0 else p for i, p in enumerate(parts))
        + end
    ),
    st.lists(
        st.builds("".join, st.lists(word, min_size=1, max_size=3)),
        min_size=1,
        max_size=4,
    ),
    st.booleans(),
    st.sampled_from("。！？"),
)
# Written Chinese opens no paragraph with a one-character clause (the cleaner counts
# on it when it joins 新特|点，推动).
paragraph = st.builds("".join, st.lists(sentence, min_size=1, max_size=4)).filter(
    lambda p: len(re.split("[，。！？]", p, maxsplit=1)[0].strip("“”")) > 1
)
heading = st.builds(" ".join, st.lists(clause, min_size=1, max_size=3))
clean_text = st.builds(
    "\n\n".join, st.lists(st.one_of(paragraph, heading), min_size=1, max_size=5)
)


def skeleton(text: str) -> str:
    """Text without whitespace, punctuation folded to one width."""
    return "".join(c for c in text.translate(FULL_WIDTH_TO_ASCII) if not c.isspace())


def is_subsequence(short: str, long: str) -> bool:
    remaining = iter(long)
    return all(char in remaining for char in short)


@settings(deadline=None, max_examples=300)
@given(st.text(alphabet=OCR_ALPHABET, max_size=80))
def test_cleaning_twice_changes_nothing_more(text):
    """clean_ocr is idempotent: cleaning cleaned text returns it unchanged."""
    once = clean_ocr(text)
    assert clean_ocr(once) == once


@settings(deadline=None, max_examples=200)
@given(clean_text)
def test_clean_chinese_text_is_left_byte_for_byte(text):
    """Full-width text with paired quotes, numbers, Latin words and headings whose
    spaces separate phrases comes out exactly as it went in."""
    assert clean_ocr(text) == text


@settings(deadline=None, max_examples=300)
@given(st.text(alphabet=OCR_ALPHABET, max_size=80))
def test_cleaning_only_touches_spaces_punctuation_width_and_markers(text):
    """Chinese characters and digits survive in order; apart from whitespace and
    punctuation width, the cleaner only deletes (markers, invisible characters)."""
    cleaned = clean_ocr(text)
    keep = [c for c in text if is_cjk(c) or c.isdigit()]
    assert [c for c in cleaned if is_cjk(c) or c.isdigit()] == keep
    assert is_subsequence(skeleton(cleaned), skeleton(text))


# --- Wrap spaces and punctuation ----------------------------------------------


def test_wrap_spaces_in_running_text_are_removed():
    """Spaces between Chinese characters, and after punctuation, in a paragraph that
    has sentence punctuation are line wraps."""
    assert clean_ocr("我们要 加强学习, 提高 本领。") == "我们要加强学习，提高本领。"
    assert clean_ocr("推进“党建+ 服务”模式，好。") == "推进“党建+服务”模式，好。"


def test_spaces_in_headings_bylines_and_attributions_stay():
    """A line without sentence punctuation is a heading or byline; a line opening with
    a dash is `——role name`: their spaces separate phrases and names."""
    for line in (
        "加强理论学习 提高履职本领 推动事业发展",
        "赵一鸣 钱二 孙三",
        "本报记者 李四",
    ):
        assert clean_ocr(line) == line
    assert clean_ocr("——某大学教授、院长 周五") == "——某大学教授、院长 周五"


def test_heading_printed_on_the_line_of_its_paragraph_keeps_its_space():
    """A short heading before a one-line paragraph keeps the space that ends it."""
    line = "优化政策 完善收入分配政策和激励机制的各项安排。"
    assert clean_ocr(line) == line


def test_clean_paragraph_is_byte_identical():
    text = (
        "要坚持“两个结合”，推进理论创新。常常、方方面面、走深走实，打打基础。"
        "\n\n二、工作方法"
    )
    assert clean_ocr(text) == text


def test_control_and_zero_width_characters_go_and_line_ends_normalise():
    assert clean_ocr("学\u200b习\ufeff\r\n工作\x07。\r") == "学习\n工作。\n"
    assert clean_ocr("加强\t学习，提高本领。") == "加强学习，提高本领。"


# --- Layout markers -----------------------------------------------------------


def test_stray_layout_letters_and_bullets_are_removed():
    assert clean_ocr("G 工会动态") == "工会动态"
    assert clean_ocr("₩ 理论前沿") == "理论前沿"
    assert clean_ocr("■赵一鸣 钱二") == "赵一鸣 钱二"
    assert clean_ocr("第一段。\n\nH\n\n第二段。") == "第一段。\n\n第二段。"


@pytest.mark.parametrize("header", ["观点撷英", "前沿观察", "热点思考", "工作研究"])
@pytest.mark.parametrize("mark", ["G", "H", "₩", "Ｇ"])
def test_a_letter_glued_to_any_column_header_is_removed(header, mark):
    """Every header in column_headers.txt loses a letter or symbol glued to it,
    with or without a space, and keeps a title printed after it."""
    assert clean_ocr(f"{mark}{header}") == header
    assert clean_ocr(f"{mark} {header}") == header
    assert clean_ocr(f"{mark}{header} 以改革激发活力") == f"{header} 以改革激发活力"


def test_real_latin_words_at_line_start_are_kept():
    for line in ("AI+服务", "A股市场回暖", "A 股市场回暖，成交放量。", "G20峰会"):
        assert clean_ocr(line).startswith(line[0])
    assert clean_ocr("G热点") == "G热点"


# --- Words split by a paragraph break -----------------------------------------


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        # running text on both sides: a word across the break is evidence enough
        (
            "为此，要完善评价标\n\n准体系，推动发展。",
            "为此，要完善评价标准体系，推动发展。",
        ),
        ("古人说，读《资治通\n\n鉴》可知兴替。", "古人说，读《资治通鉴》可知兴替。"),
        # a part without punctuation: the word must be cut apart
        (
            "改革是一场系统工\n\n程，需要久久为功。",
            "改革是一场系统工程，需要久久为功。",
        ),
        ("推进中国式现\n\n代化", "推进中国式现代化"),
        (
            "要把握好劳动关系的新特\n\n点，推动发展。",
            "要把握好劳动关系的新特点，推动发展。",
        ),
        ("认真研读《共产党宣\n\n言》", "认真研读《共产党宣言》"),
        (
            "为此，要完善评价标\n\nH\n\n准体系，推动发展。",
            "为此，要完善评价标准体系，推动发展。",
        ),
    ],
)
def test_a_word_cut_by_a_paragraph_break_is_joined(text, joined):
    assert clean_ocr(text) == joined


@pytest.mark.parametrize(
    "text",
    [
        "加强组织建设\n\n组织建设是基础。",  # a heading is never glued to its paragraph
        "要推动全局工作\n\n第一，坚持原则。",  # no word spans 作|第
        "要坚持问题导向。\n\n向改革要动力。",  # a sentence end: 导向。|向 stays apart
        "要完善评价标\n\n准体系。",  # both halves words: may be a heading
        "加强思想政治引领\n\n导向明确是前提。",  # a heading, 领|导 both words
        "“幸福是奋斗出来的。”\n\n——某某",  # an attribution line
        "——某大学教授 王\n\n国家发展，人人有责。",  # a break after an attribution
        "人\n\n人。",  # a one-character line is no cut word (人|人)
        "求同存异 和而不同\n\n一、坚持原则。",  # 同|一: 、 follows a list number
        "引导职工参与志愿服务活动\n\n到社区去成为新风尚",  # 动|到: a heading
        "为推动发展贡献力量\n\n王海 刘明",  # title and byline
    ],
)
def test_real_paragraph_ends_are_never_joined(text):
    """A sentence end, a heading, a byline or an attribution ends a paragraph."""
    assert clean_ocr(text) == text


def test_ends_sentence():
    assert ends_sentence("结束了。")
    assert ends_sentence("“好”")
    assert not ends_sentence("做好维")
    assert not ends_sentence("一是，")
    assert not ends_sentence("")


# --- Seed pages ---------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_pages():
    return {path.name[:3]: path.read_text("utf-8") for path in SEED_PAGES}


def test_seed_pages_keep_headings_bylines_and_numbers(seed_pages):
    """Cleaning whole pages damages nothing: every punctuation-free line (heading,
    byline) survives as a line, and numbers keep their ASCII punctuation."""
    for raw in seed_pages.values():
        cleaned_lines = set(clean_ocr(raw).split("\n"))
        for line in raw.split("\n"):
            line = strip_layout_marker(line).strip()
            if line and not re.search(r"[,.;:?!，。；：？！、\"()]", line):
                assert line in cleaned_lines
    cleaned = clean_ocr(seed_pages["000"]) + clean_ocr(seed_pages["002"])
    for kept in ("49.4%", "（2024-2026年）", "12351", "“AI+服务”", "“1+4”"):
        assert kept in cleaned


def test_seed_pages_join_only_words_cut_by_a_break(seed_pages):
    """The paragraph joins made on the seed pages are exactly the inspected ones:
    each joins a word cut by a column or page turn."""

    def paragraphs(text):
        return [line for line in text.split("\n") if strip_layout_marker(line).strip()]

    joins = {
        name: len(paragraphs(raw)) - len(paragraphs(clean_ocr(raw)))
        for name, raw in seed_pages.items()
    }
    assert joins == {"000": 5, "001": 3, "002": 6}
    cleaned = "".join(clean_ocr(raw) for raw in seed_pages.values())
    for joined in (
        "特别是应对",
        "集中体现了",
        "具有超越",
        "劳动争议典型案例",
        "把工会组织建设得",
        "实现中华民族",
        "《尚书·周书》",
        "按岗位",
        "标准体系",
        "充分了解",
        "要在推进和谐",
        "平均分以下",
        "推进国家治理",
        "法治保障",
    ):
        assert joined in cleaned
