"""suggest_corrections: learned pairs over confusions over doublings, never overlapping."""

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.ingest.cleaning import clean_ocr, suggest_corrections
from tests.conftest import SEED_PAGES

ALPHABET = "的是工会职工劳动关系人入会投顶项六建设推进交流常方面和，。 G■\n"
clause = st.text(alphabet="交流工会人入投顶项六和", min_size=1, max_size=6)


def only(suggestions):
    return [(s.original, s.replacement, s.kind) for s in suggestions]


@settings(deadline=None, max_examples=200)
@given(
    st.text(alphabet=ALPHABET, max_size=60),
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


def test_suggestions_carry_offsets_and_a_chinese_reason():
    text = "他在在会上发言，加大投人力度。"
    suggestions = suggest_corrections(text)
    assert only(suggestions) == [
        ("在在", "在", "doubled"),
        ("投人", "投入", "confusion"),
    ]
    assert (suggestions[0].start, suggestions[0].end) == (1, 3)
    assert suggestions[0].reason == "疑似重复字：在在"
    assert suggestions[1].reason == "疑似形近字误识：投人→投入"


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


def test_seed_pages_give_few_suggestions_each_a_real_error():
    """Over three full cleaned pages only real OCR errors are flagged (inspected)."""
    found = sorted(
        (path.name[:3], s.original, s.replacement)
        for path in SEED_PAGES
        for s in suggest_corrections(clean_ocr(path.read_text("utf-8")))
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
