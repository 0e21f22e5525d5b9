"""Highlights: the query's words marked in raw text, escaped, in the densest excerpt."""

import re

from articles.search import highlight as st


def test_highlight_marks_words_across_variants_and_invisible_characters():
    pattern = st.highlight_pattern(["枫桥经验", "发展", "ai"])
    html = st.mark("發展“枫桥\u200b经验” ＡＩ", pattern)
    assert html.count("<mark>") == 3
    assert "<mark>發展</mark>" in html
    assert "<mark>ＡＩ</mark>" in html


def test_snippet_escapes_everything_but_its_marks():
    pattern = st.highlight_pattern(["工会"])
    html = str(st.snippet('<script>alert("x")</script>&工会<b>', pattern))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html
    assert re.sub(r"</?mark>", "", html).count("<") == 0


def test_snippet_centres_on_the_densest_matches():
    text = "前言。" * 80 + "这里讲枫桥经验与劳动关系治理。" + "结语。" * 80
    pattern = st.highlight_pattern(["枫桥经验", "劳动关系"])
    html = str(st.snippet(text, pattern, width=60))
    assert "<mark>枫桥经验</mark>" in html and "<mark>劳动关系</mark>" in html
    assert html.startswith("…") and html.endswith("…")


def test_snippet_without_matches_is_the_opening():
    html = str(
        st.snippet("开头的文字" * 40, st.highlight_pattern(["不存在"]), width=20)
    )
    assert html.startswith("开头的文字") and "<mark>" not in html
