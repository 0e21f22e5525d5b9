"""The search box's syntax: words, phrases, exclusions, and input that must not break anything."""

import pytest

from articles.search.query import (
    MAX_QUERY_CHARS,
    MAX_TERMS,
    build_searchqueryset,
    clean_filter_value,
    filter_query,
    parse_query,
)


def test_words_phrases_and_exclusions():
    q = parse_query('工会 "劳动关系治理" -疫情')
    assert q.words == ("工会",)
    assert q.phrases == ("劳动关系治理",)
    assert q.excluded == ("疫情",)
    assert q.display == '工会 "劳动关系治理" -疫情'


def test_chinese_quotes_and_full_width_minus_work_too():
    q = parse_query("“劳动关系治理” －疫情")
    assert q.phrases == ("劳动关系治理",)
    assert q.excluded == ("疫情",)


def test_quoted_single_word_is_a_word():
    assert parse_query('"枫桥经验"').words == ("枫桥经验",)


def test_traditional_and_full_width_queries_are_normalised_and_reported():
    q = parse_query("楓橋經驗 ＡＩ")
    assert q.words == ("枫桥经验", "ai")
    assert q.converted
    assert not parse_query("枫桥经验").converted


def test_zero_width_character_inside_a_word_is_removed():
    q = parse_query("枫桥\u200b经验")
    assert q.words == ("枫桥经验",)
    assert not q.converted


@pytest.mark.parametrize(
    "hostile",
    [
        "*",
        "*:*",
        "text:",
        "[a TO z]",
        "(",
        ")",
        '"',
        "-",
        "^2",
        "~",
        "AND OR NOT",
        "\\",
        ":",
        "?",
        "{}",
    ],
)
def test_query_syntax_never_reaches_the_engine(hostile):
    q = parse_query(hostile)
    for term in (*q.words, *q.phrases, *q.excluded):
        assert term.replace(" ", "").isalnum(), term


def test_range_syntax_becomes_plain_letters():
    q = parse_query("[a TO z]")
    assert q.words == ("a", "z")


def test_field_prefix_is_just_a_word():
    assert parse_query("text:枫桥").words == ("text", "枫桥")


def test_only_syntax_is_empty_but_not_blank():
    q = parse_query("* : ~")
    assert q.is_empty and not q.is_blank


def test_long_input_is_capped():
    q = parse_query("经" * 10_000)
    assert q.truncated
    assert sum(map(len, q.words + q.phrases + q.excluded)) <= MAX_QUERY_CHARS
    many = parse_query(" ".join(f"词{i}" for i in range(50)))
    assert len(many.words) == MAX_TERMS and many.truncated


def test_highlight_terms_include_the_parts_of_an_unspaced_query():
    terms = parse_query("劳动关系治理").highlight_terms()
    assert {"劳动关系治理", "劳动关系", "治理"} <= set(terms)


def test_filter_values_cannot_close_the_quotes():
    value = clean_filter_value('观点" OR *:*\\')
    assert '"' not in value and "\\" not in value
    assert filter_query("column", [value]) == 'column:("观点 OR *:*")'


def test_searchqueryset_for_blank_query_is_everything(db):
    sqs = build_searchqueryset(parse_query(""))
    assert sqs.query.build_query() == "*"


def test_searchqueryset_combines_words_phrases_and_exclusions(db):
    sqs = build_searchqueryset(
        parse_query('工会 "劳动关系治理" -疫情'), {"province": ["山东"]}, sort="date"
    )
    built = sqs.query.build_query()
    assert "工会" in built and '"劳动关系治理"' in built and "NOT" in built
    assert sqs.query.narrow_queries == {'provinces:("山东")'}
    assert sqs.query.order_by == ["-date"]
