"""The shared Chinese text basics: layout markers, words across a break, tokens."""

import pytest

from archive.ingest.text import (
    is_stray_mark,
    strip_layout_marker,
    tokens_around,
    word_runs_across,
    words_across,
)

HEADERS = ("观点撷英", "前沿观察", "热点思考", "工作研究", "观点")


@pytest.mark.parametrize(
    ("line", "stripped"),
    [
        ("G 工会动态", "工会动态"),  # a letter and a space before any heading
        ("₩ 理论前沿", "理论前沿"),
        ("■赵一鸣 钱二", "赵一鸣 钱二"),  # a bullet before a byline
        ("■ G 热点思考", "热点思考"),  # one marker hiding another
        ("H", ""),  # a tab left alone on its line
        ("G热点思考", "热点思考"),  # glued to a column header
        ("H工作研究", "工作研究"),
        ("₩观点撷英", "观点撷英"),
        ("Ｇ前沿观察", "前沿观察"),  # a full-width letter
        ("G观点", "观点"),
        ("G热点思考 以改革激发活力", "热点思考 以改革激发活力"),  # header and title
    ],
)
def test_stray_layout_marks_are_stripped(line, stripped):
    """A letter, symbol or bullet goes before a header or byline, spaced or glued
    to one of the given column headers."""
    assert strip_layout_marker(line, HEADERS) == stripped


@pytest.mark.parametrize(
    "line",
    [
        "AI+服务",
        "A股市场回暖",
        "A 股市场回暖，成交放量。",  # running text may open with a letter
        "GDP 增长",
        "G20峰会",
        "G热点",  # glued to something that is not a header
        "G观点认为",  # a header's words running on: not the header
        "观点撷英",
    ],
)
def test_real_letters_and_clean_lines_are_kept(line):
    """Latin words, a letter glued to anything but a header, and clean lines stay."""
    assert strip_layout_marker(line, HEADERS) == line


def test_a_glued_letter_needs_the_header_list():
    """Without the column headers a glued letter cannot be told from a word."""
    assert strip_layout_marker("G热点思考") == "G热点思考"


def test_stray_marks_are_letters_and_symbols():
    assert all(is_stray_mark(c) for c in "GhＧｈ₩■")
    assert not any(is_stray_mark(c) for c in "热1，")


def test_a_word_running_across_a_break_is_found():
    """jieba's best segmentation puts a word across 标|准; none across 作|第 or a
    sentence end."""
    assert word_runs_across("健全标", "准体系。")
    assert word_runs_across("和谐劳", "动关系")
    assert not word_runs_across("要推动全局工作", "第一，坚持原则。")
    assert not word_runs_across("结束。", "开始")
    assert not word_runs_across("工作", "")


def test_words_across_gives_the_halves_of_every_word_that_could_span_a_break():
    assert sorted(words_across("中国式现", "代化建设")) == [
        ("现", "代"),
        ("现", "代化"),
    ]
    assert ("系统工", "程") in words_across("一项系统工", "程，需要")
    assert words_across("结束。", "开始") == []


def test_tokens_around_give_offsets_in_the_text():
    """Tokens cover the Chinese around the span with their offsets in `text`."""
    text = "我们吸收人才。"
    tokens = tokens_around(text, 3, 5, hmm=False)
    assert all(text[start:end] == token for start, end, token in tokens)
    assert (2, 4, "吸收") in tokens
    assert (4, 6, "人才") in tokens
    assert tokens[-1][1] == 6  # stops at the full stop
