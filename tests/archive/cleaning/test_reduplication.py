"""Intended repetition (常常, 讨论讨论, 兢兢业业) is Chinese; a doubling from a line
join (我我国, 交流交流活动) is not."""

import re

import pytest

from archive.ingest.cleaning import suggest_corrections
from archive.ingest.tables import rows


def doubled(text):
    return [s.original for s in suggest_corrections(text) if s.kind == "doubled"]


def sections():
    found, current = {}, None
    for (line,) in rows("reduplications.txt"):
        if match := re.fullmatch(r"\[(\w+)\]", line.strip()):
            current = found.setdefault(match.group(1), [])
        else:
            current.extend(line.split())
    return found


@pytest.mark.parametrize(
    "text",
    [
        "大家常常说，人人都要干干净净、认认真真，一步一步走。",
        "方方面面、天天向上、生生不息、走深走实、打打基础。",
        "他是宣传部部长，秉持崇敬敬重之心，达到目的的手段。",
        "二〇二二年，体现为为人民服务。",
    ],
)
def test_intended_reduplication_is_not_suggested(text):
    """Reduplication from the data list and jieba's dictionary, AABB and 一A一A
    patterns, and a character shared by two words (宣传部|部长) are Chinese."""
    assert doubled(text) == []


def test_every_listed_word_is_left_alone():
    """Each form in the [words] section gives no suggestion in a sentence."""
    words = sections()["words"]
    assert "常常" in words
    for form in words:
        assert doubled(f"我们{form}前进。") == [], form


@pytest.mark.parametrize(
    "text",
    [
        "这个方案，大家再讨论讨论。",
        "遇到难题，我们要好好研究研究。",
        "干部要常到一线了解了解情况。",
        "有事多和群众商量商量吧。",
        "请老同志给年轻人指点指点。",
        "周末出去活动活动，锻炼锻炼身体。",
        "把这个问题研究研究再定。",
    ],
)
def test_a_verb_said_twice_to_soften_it_is_not_suggested(text):
    assert doubled(text) == []


def test_every_listed_softening_verb_is_left_alone_as_a_predicate():
    """Each verb in [verbs], said twice at the end of a clause, is a predicate."""
    for verb in sections()["verbs"]:
        assert len(verb) == 2, verb
        assert doubled(f"这件事，咱们再{verb}{verb}。") == [], verb


@pytest.mark.parametrize(
    ("text", "original"),
    [
        ("开展技术交流交流活动", "交流交流"),  # 技术交流 and 交流活动 are words
        ("健全劳动关系协调协调机制", "协调协调"),  # a noun head follows
        ("重视学校教育教育和家庭教育", "教育教育"),  # 和 takes a noun
        ("搭建学习学习平台", "学习学习"),
        ("职工沟通沟通的渠道", "沟通沟通"),  # 的 takes a modifier
    ],
)
def test_a_softening_verb_doubled_inside_a_noun_phrase_is_suggested(text, original):
    assert doubled(text) == [original]


@pytest.mark.parametrize(
    ("text", "original"),
    [
        ("我我国职工队伍不断壮大", "我我"),
        ("坚持和和完善制度", "和和"),
        ("职工的的权益", "的的"),
        ("他在在会上发言", "在在"),
        ("加快推进推进改革", "推进推进"),
    ],
)
def test_doubled_characters_and_words_are_suggested(text, original):
    assert doubled(text) == [original]
