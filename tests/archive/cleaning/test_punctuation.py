"""Half-width punctuation in Chinese context goes full width; ASCII contexts keep it."""

from archive.ingest.cleaning import clean_ocr
from archive.ingest.cleaning.punctuation import convert_punctuation, is_running_text


def test_half_width_punctuation_in_chinese_becomes_full_width_with_paired_quotes():
    assert (
        convert_punctuation('他说:"要学习",又说"要实践";对吗?好!')
        == "他说：“要学习”，又说“要实践”；对吗？好！"
    )
    assert convert_punctuation("结束了.") == "结束了。"
    assert convert_punctuation("既要'稳',又要'进'。") == "既要‘稳’，又要‘进’。"


def test_parentheses_convert_as_a_pair():
    assert (
        convert_punctuation("发布规划(2024-2026年),好。")
        == "发布规划（2024-2026年），好。"
    )
    assert convert_punctuation("(作者单位:某某学院)") == "（作者单位：某某学院）"


def test_numbers_times_decimals_and_urls_keep_ascii_punctuation():
    """Only punctuation with Chinese beside it changes; an address keeps all of its
    characters, and the space between it and Chinese stays."""
    text = "增长12.5%,于10:30在2024.5.18发布,共1,000人,见https://ex.org/a,b?x=1;y=2 。"
    assert clean_ocr(text) == (
        "增长12.5%，于10:30在2024.5.18发布，共1,000人，见https://ex.org/a,b?x=1;y=2 。"
    )
    assert (
        clean_ocr("来信请寄editor@example.org,谢谢。")
        == "来信请寄editor@example.org，谢谢。"
    )


def test_english_latin_words_and_formulas_are_untouched():
    for text in (
        'The committee said: "growth, not haste" (mostly)! Right?',
        "f(x) = a, b; version 2.0...",
        "推进AI+服务建设，提升C++水平。",
    ):
        assert clean_ocr(text) == text


def test_running_text_is_told_by_sentence_punctuation_at_either_width():
    assert is_running_text("我们要加强学习,提高本领")
    assert is_running_text("一是，")
    assert not is_running_text("加强理论学习 提高履职本领")
    assert not is_running_text("版本 2.0")
