"""Known confusions: rules by kind of context, kept quiet where jieba's words disagree."""

import re

import pytest

from archive.ingest.cleaning.confusions import MACRO, find_confusions, rules
from archive.ingest.tables import rows
from archive.ingest.text import is_dictionary_word


def found(text):
    return [(c.wrong, c.right) for c in find_confusions(text)]


def test_every_rule_changes_two_characters_or_more_into_as_many():
    """A rule's wrong form spans at least two characters and its replacement keeps
    the length, so an accepted suggestion never teaches a bare 人 → 入."""
    for wrong, right, *_ in rows("confusions.tsv"):
        if MACRO.fullmatch(wrong):
            continue
        literal = MACRO.sub("X", wrong)
        assert len(literal) >= 2 and len(MACRO.sub("X", right)) == len(literal)
        assert MACRO.findall(wrong) == MACRO.findall(right)
    assert len(rules()) > 50


def test_entry_verbs_form_a_word_with_入():
    """Each verb of the @entry class makes a dictionary word with 入 (投入, 纳入)."""
    entry = next(row[1] for row in rows("confusions.tsv") if row[0] == "@entry")
    verbs = re.findall(r"[一-鿿]", entry)
    assert len(verbs) > 25
    for verb in verbs:
        assert is_dictionary_word(verb + "入"), verb


@pytest.mark.parametrize(
    ("text", "wrong", "right"),
    [
        ("加大资金投人力度", "投人", "投入"),
        ("把农民工纳人住房保障", "纳人", "纳入"),
        ("将此事列人议程", "列人", "列入"),
        ("企业积极引人先进技术", "引人", "引入"),
        ("推动文化融人生活", "融人", "融入"),
        ("不断深人推进改革", "深人", "深入"),
        ("深人浅出地讲道理", "深人", "深入"),
        ("鼓励青年加人志愿者队伍", "加人", "加入"),
        ("我国经济转人高质量发展阶段", "转人", "转入"),
        ("人类社会进人信息时代", "进人", "进入"),
        ("提高城乡居民收人", "收人", "收入"),
        ("避免陷人被动", "陷人", "陷入"),
        ("政府适度介人市场", "介人", "介入"),
        ("将理念渗人日常管理", "渗人", "渗入"),
        ("迈人新征程", "迈人", "迈入"),
        ("以入民为中心", "入民", "人民"),
        ("重视入才培养", "入才", "人才"),
        ("加强项层设计", "项层", "顶层"),
    ],
)
def test_人_after_a_verb_of_entry_and_入_inside_人_words_are_suggested(
    text, wrong, right
):
    assert found(text) == [(wrong, right)]


@pytest.mark.parametrize(
    ("text", "wrong", "right"),
    [
        ("出台六顶举措", "六顶", "六项"),
        ("完成了八顶具体任务", "八顶", "八项"),
        ("两顶制度同时实施", "两顶", "两项"),
        ("这顶改革意义重大", "这顶", "这项"),
        ("各顶工作有序推进", "各顶", "各项"),
        ("几顶措施相互配合", "几顶", "几项"),
        ("若干顶意见", "若干顶", "若干项"),
        ("每顶任务都有责任人", "每顶", "每项"),
        ("第一顶原则", "第一顶", "第一项"),
        ("二十余顶成果", "二十余顶", "二十余项"),
        ("共有12顶指标", "12顶", "12项"),
        ("这是一顶重要举措", "一顶", "一项"),
    ],
)
def test_顶_after_a_numeral_or_quantifier_is_suggested_as_项(text, wrong, right):
    assert found(text) == [(wrong, right)]


@pytest.mark.parametrize(
    "text",
    [
        # a word jieba knows holds the characters where they stand
        "企业要吸收人才，招收人员，接收人要签字。",
        "坚持以人民为中心，促进人的全面发展。",
        "引进人才，增加人手，资深人士和金融人才。",
        "一系列人才政策出台，参加人数创新高。",
        "他的事迹引人深思，引人注目，引人入胜。",
        "这部作品很吸引人，指引人们前进。",
        "转人工服务，领导人讲话，记录人员到场。",
        "对自己经常提出要求，屋顶目前已修好。",
        "要统一顶层设计，万一顶不住就换人。",
        "培养一批顶尖人才。",
        # 顶 counting what covers a head
        "头戴一顶安全帽，送去十顶帐篷，摘下这顶桂冠。",
        "给他戴上一顶“形式主义”的帽子。",
        # verbs that form words with 人 are not in the class
        "载人航天，非遗传人，选人用人，带人办事。",
        # 入 already right
        "投入使用，纳入规划，深入人心，收入增长。",
    ],
)
def test_right_人_and_顶_are_left_alone(text):
    assert found(text) == []


def test_a_word_after_the_changed_character_does_not_stop_a_rule():
    """人会 misread groups 会 with what follows (建会人|会上): no evidence."""
    assert found("在小微企业建会人会上持续发力") == [("人会", "入会")]
