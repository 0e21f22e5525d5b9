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


def test_the_original_lines_up_with_the_fields_after_safe_normalisation():
    from archive.ingest.cleaning import clean_ocr
    from articles.editing.diffs import original_sections

    original = (
        "学习 时报\n\n坚持系统观念\n\n张三\n\n工会要加强服务,扩大覆盖面.\n\n第二段。"
    )
    fields = {
        "kicker": "",
        "title": "坚持系统观念",
        "lede": "",
        "body": "工会要加强服务，扩大覆盖面。\n\n第二段。",
    }
    sections = dict(
        (name, (part, current))
        for name, part, current in original_sections(
            original, fields, ["张三"], normalise=clean_ocr
        )
    )
    assert sections["title"] == ("坚持系统观念", "坚持系统观念")
    assert sections["byline"][0] == "张三"
    body_original, body = sections["body"]
    assert "坚持系统观念" not in body_original and "张三" not in body_original
    # Punctuation width is the cleaner's safe repair, not a correction.
    assert body_original.endswith("工会要加强服务，扩大覆盖面。\n\n第二段。")
    raw = dict(
        (name, part)
        for name, part, _ in original_sections(
            original, fields, ["张三"], normalise=lambda t: t
        )
    )
    assert "扩大覆盖面." in raw["body"]
