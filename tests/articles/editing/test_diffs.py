"""Character diffs of Chinese text: characters as the unit, everything escaped."""

from articles.editing.diffs import changed_characters, char_opcodes, diff_html


def test_diff_marks_changed_characters_not_lines():
    assert char_opcodes("劳动者人会率", "劳动者入会率") == [
        ("equal", "劳动者", "劳动者"),
        ("replace", "人", "入"),
        ("equal", "会率", "会率"),
    ]


def test_the_html_diff_escapes_both_texts():
    html = diff_html("<b>人会</b>", "<b>入会</b>")
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert '<del class="diff-del">人</del><ins class="diff-ins">入</ins>' in html


def test_line_breaks_stay_visible_in_the_diff():
    assert diff_html("甲\n乙", "甲\n丙").count("<br>") == 1


def test_frequent_characters_are_not_treated_as_junk():
    """autojunk would turn a long text with many 的 into one whole replacement."""
    old = "的" * 300 + "人会"
    assert changed_characters(old, "的" * 300 + "入会") == 1


def test_changed_characters_counts_the_longer_side_of_each_change():
    assert changed_characters("甲乙", "甲丙丁") == 2
    assert changed_characters("同", "同") == 0
