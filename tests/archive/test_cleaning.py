"""clean_ocr repairs only what is safe; suggest_corrections flags what editors check."""

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.ingest.cleaning import (
    Suggestion,
    clean_ocr,
    ends_sentence,
    suggest_corrections,
)
from archive.ingest.text import is_cjk, strip_layout_marker

ROOT = Path(__file__).resolve().parents[2]
GOLD = json.loads(
    (ROOT / "tests" / "data" / "gold" / "corrections.json").read_text("utf-8")
)
SEED_PAGES = sorted((ROOT / "fixtures" / "pages").glob("*.txt"))
DATA = ROOT / "archive" / "ingest" / "data"


def data_lines(name: str) -> list[str]:
    lines = (DATA / name).read_text("utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(
                    previous[j] + 1,
                    current[j - 1] + 1,
                    previous[j - 1] + (char_a != char_b),
                )
            )
        previous = current
    return previous[-1]


def apply_suggestions(text: str, suggestions: list[Suggestion]) -> str:
    """Apply from the end, as the reviewer's scorer does, so offsets stay valid."""
    for s in sorted(suggestions, key=lambda s: s.start, reverse=True):
        text = text[: s.start] + s.replacement + text[s.end :]
    return text


def corrected(ocr: str) -> str:
    cleaned = clean_ocr(ocr)
    return apply_suggestions(cleaned, suggest_corrections(cleaned))


# --- Gold snippets ------------------------------------------------------------


@pytest.mark.parametrize("item", GOLD, ids=lambda g: f"{g['expect']}:{g['category']}")
def test_gold_snippet(item):
    """Each gold snippet gets what it expects: `clean` by cleaning alone, `suggest`
    after the suggestions are applied, `stay` unchanged with no suggestion; a `human`
    snippet is at least not made worse."""
    ocr, gold, expect = item["ocr"], item["gold"], item["expect"]
    cleaned = clean_ocr(ocr)
    if expect == "clean":
        assert cleaned == gold
    elif expect == "suggest":
        assert corrected(ocr) == gold
    elif expect == "stay":
        assert cleaned == ocr
        assert suggest_corrections(cleaned) == []
    else:
        assert levenshtein(corrected(ocr), gold) <= levenshtein(ocr, gold)


def test_character_error_rate_on_gold_drops(capsys):
    """The character error rate over all gold snippets (human ones included) falls
    from its raw OCR value to under 1% after cleaning and suggestions."""
    chars = sum(len(g["gold"]) for g in GOLD)
    before = sum(levenshtein(g["ocr"], g["gold"]) for g in GOLD) / chars
    after = sum(levenshtein(corrected(g["ocr"]), g["gold"]) for g in GOLD) / chars
    with capsys.disabled():
        print(
            f"\ncharacter error rate on {len(GOLD)} gold snippets: "
            f"{before:.3f} -> {after:.3f}"
        )
    assert after < before
    assert after < 0.01


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
paragraph = st.builds("".join, st.lists(sentence, min_size=1, max_size=4))
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


@settings(deadline=None, max_examples=200)
@given(
    st.text(alphabet=OCR_ALPHABET, max_size=60),
    st.lists(st.tuples(clause, clause), max_size=3),
)
def test_suggestions_point_at_their_text_and_never_overlap(text, learned):
    """Every suggestion quotes its own span, and they come sorted without overlap."""
    suggestions = suggest_corrections(text, learned=learned)
    for s in suggestions:
        assert text[s.start : s.end] == s.original
        assert s.kind in {"doubled", "confusion", "learned"}
    for first, second in zip(suggestions, suggestions[1:], strict=False):
        assert first.end <= second.start


# --- clean_ocr, rule by rule --------------------------------------------------


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


def test_half_width_punctuation_in_chinese_becomes_full_width_with_paired_quotes():
    assert (
        clean_ocr('他说:"要学习",又说"要实践";对吗?好!')
        == "他说：“要学习”，又说“要实践”；对吗？好！"
    )
    assert clean_ocr("结束了.") == "结束了。"
    assert clean_ocr("既要'稳',又要'进'。") == "既要‘稳’，又要‘进’。"


def test_parentheses_convert_as_a_pair():
    assert clean_ocr("发布规划(2024-2026年),好。") == "发布规划（2024-2026年），好。"
    assert clean_ocr("(作者单位:某某学院)") == "（作者单位：某某学院）"


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


def test_clean_paragraph_is_byte_identical():
    text = (
        "要坚持“两个结合”，推进理论创新。常常、方方面面、走深走实，打打基础。"
        "\n\n二、工作方法"
    )
    assert clean_ocr(text) == text


def test_control_and_zero_width_characters_go_and_line_ends_normalise():
    assert clean_ocr("学\u200b习\ufeff\r\n工作\x07。\r") == "学习\n工作。\n"
    assert clean_ocr("加强\t学习，提高本领。") == "加强学习，提高本领。"


def test_stray_layout_letters_and_bullets_are_removed():
    assert clean_ocr("G 工会动态") == "工会动态"
    assert clean_ocr("₩ 理论前沿") == "理论前沿"
    assert clean_ocr("■赵一鸣 钱二") == "赵一鸣 钱二"
    assert clean_ocr("第一段。\n\nH\n\n第二段。") == "第一段。\n\n第二段。"


def test_real_latin_words_at_line_start_are_kept():
    for line in (
        "AI+服务",
        "A股市场回暖",
        "A 股市场回暖，成交放量。",
        "GDP 增长",
        "G20峰会",
    ):
        assert strip_layout_marker(line) == line
        assert clean_ocr(line).startswith(line[0])


def test_word_split_by_a_paragraph_break_is_joined():
    """Running text cut mid-word: jieba knows a word across the break (标|准)."""
    assert (
        clean_ocr("为此，要完善评价标\n\n准体系，推动发展。")
        == "为此，要完善评价标准体系，推动发展。"
    )


def test_break_inside_book_title_marks_is_joined():
    assert (
        clean_ocr("古人说，读《资治通\n\n鉴》可知兴替。")
        == "古人说，读《资治通鉴》可知兴替。"
    )


def test_paragraph_breaks_without_evidence_or_after_headings_stay():
    for text in (
        "加强组织建设\n\n组织建设是基础。",  # a heading is never glued to its paragraph
        "要推动全局工作\n\n第一，坚持原则。",  # no word spans 作|第
        "要推动全局工作。\n\n第一，坚持原则。",  # the first part ends a sentence
        "要完善评价标\n\n准体系。",  # a short punctuation-free part may be a heading
    ):
        assert clean_ocr(text) == text


def test_ends_sentence():
    assert ends_sentence("结束了。")
    assert ends_sentence("“好”")
    assert not ends_sentence("做好维")
    assert not ends_sentence("一是，")
    assert not ends_sentence("")


# --- suggest_corrections ------------------------------------------------------


def only(suggestions):
    return [(s.original, s.replacement, s.kind) for s in suggestions]


def test_doubled_characters_and_words_are_suggested():
    text = "他在在会上发言，加强沟通沟通机制。"
    suggestions = suggest_corrections(text)
    assert only(suggestions) == [
        ("在在", "在", "doubled"),
        ("沟通沟通", "沟通", "doubled"),
    ]
    first = suggestions[0]
    assert (first.start, first.end) == (1, 3)
    assert first.reason == "疑似重复字：在在"


def test_intended_reduplication_is_not_suggested():
    """Reduplication from the data list and jieba's dictionary, AABB and 一A一A
    patterns, and a character shared by two words (宣传部|部长) are Chinese."""
    for text in (
        "大家常常说，人人都要干干净净、认认真真，一步一步走。",
        "方方面面、天天向上、生生不息、走深走实、打打基础。",
        "他是宣传部部长，秉持崇敬敬重之心，达到目的的手段。",
        "二〇二二年，体现为为人民服务。",
    ):
        assert suggest_corrections(text) == [], text


def test_every_listed_reduplication_is_left_alone():
    """Each literal form in reduplications.txt gives no suggestion in a sentence."""
    forms = [
        form
        for line in data_lines("reduplications.txt")
        for form in line.split()
        if not re.search("[A-Z]", form)
    ]
    assert "常常" in forms
    for form in forms:
        assert suggest_corrections(f"我们{form}前进。") == [], form


def test_confusion_table_pairs_are_safe_to_learn():
    """Every confusion rule replaces at least two characters by as many, so an
    accepted suggestion never teaches a bare 人 → 入."""
    rules = [line.split("\t") for line in data_lines("confusions.tsv")]
    for wrong, right, *_ in (r for r in rules if not r[0].startswith("@")):
        assert len(wrong) >= 2 and len(right) == len(wrong) and wrong != right


def test_known_confusions_are_suggested_in_their_context():
    text = "加大投人力度，推动职工人会，落实三顶任务，提高人会率，早己完成。"
    assert only(suggest_corrections(text)) == [
        ("投人", "投入", "confusion"),
        ("人会", "入会", "confusion"),
        ("三顶", "三项", "confusion"),
        ("人会", "入会", "confusion"),
        ("早己", "早已", "confusion"),
    ]


def test_confusions_stay_quiet_where_the_text_is_right():
    text = (
        "工人会员说，有人会问，个人会议上，吸收人才，资深人士，一顶帽子，"
        "周末来临，子曰，先生曰，上千部电影，投人民币。"
    )
    assert suggest_corrections(text) == []


def test_learned_corrections_are_suggested_and_win_over_others():
    learned = [("智惹", "智慧"), ("投人", "投放"), ("标准体", "标准体系"), ("", "空")]
    text = "建设智惹工会，加大投人，完善标准体系和标准体。"
    suggestions = suggest_corrections(text, learned=learned)
    assert only(suggestions) == [
        ("智惹", "智慧", "learned"),
        ("投人", "投放", "learned"),
        ("标准体", "标准体系", "learned"),
    ]
    assert suggestions[-1].start == text.rindex("标准体")


def test_suggestion_as_dict():
    suggestion = suggest_corrections("和和")[0]
    assert suggestion.as_dict() == {
        "start": 0,
        "end": 2,
        "original": "和和",
        "replacement": "和",
        "reason": "疑似重复字：和和",
        "kind": "doubled",
    }


# --- Seed pages ---------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_pages():
    return {path.name[:3]: path.read_text("utf-8") for path in SEED_PAGES}


def test_seed_pages_give_few_suggestions_each_a_real_error(seed_pages):
    """Over three full cleaned pages only real OCR errors are flagged (inspected)."""
    found = sorted(
        (name, s.original, s.replacement)
        for name, raw in seed_pages.items()
        for s in suggest_corrections(clean_ocr(raw))
    )
    assert found == [
        ("000", "人会", "入会"),
        ("000", "人会", "入会"),
        ("000", "六顶", "六项"),
        ("000", "投人", "投入"),
        ("001", "交流交流", "交流"),
        ("002", "和和", "和"),
        ("002", "局局", "局"),
        ("002", "教育教育", "教育"),
        ("002", "社会主义社会主义", "社会主义"),
    ]


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
