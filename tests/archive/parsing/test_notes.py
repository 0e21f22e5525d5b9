"""Author notes: names, roles, institutions and provinces, matched to the byline."""

import pytest

from archive.ingest.parsing import parse_note, parse_page
from tests.archive.parsing.builders import (
    BODY_A,
    BODY_B,
    BODY_C,
    codes,
    only,
    page,
    people,
)


@pytest.mark.parametrize(
    "note",
    ["(作者单位:安徽省合肥市总工会)", "（作者单位：安徽省合肥市总工会）"],
)
def test_unit_note_half_and_full_width(note):
    text = page("持续擦亮服务职工品牌", "■韩雪梅", BODY_A, note)
    piece = only(parse_page(text), "服务职工品牌")
    assert people(piece.authors) == [("韩雪梅", None, "安徽省合肥市总工会", "安徽")]


def test_note_without_printed_name_keeps_role_and_flags_it():
    text = page(
        "以高质量工会工作服务发展大局",
        BODY_A,
        BODY_B,
        "（作者为河北省总工会党组书记、常务副主席）",
    )
    piece = only(parse_page(text), "服务发展大局")
    assert people(piece.authors) == [
        (None, "党组书记、常务副主席", "河北省总工会", "河北")
    ]
    assert "author_name_missing" in codes(piece)


def test_names_in_note_with_province_abbreviation_pointing_back():
    text = page(
        "团结动员职工建功新时代",
        BODY_A,
        "(作者邓海波为湖北省人大常委会副主任、省总工会主席；卢静为湖北省总工会副主席)",
    )
    piece = only(parse_page(text), "建功新时代")
    assert people(piece.authors) == [
        ("邓海波", "湖北省人大常委会副主任、省总工会主席", "湖北省总工会", "湖北"),
        ("卢静", "副主席", "湖北省总工会", "湖北"),
    ]


def test_shared_and_separate_units_matched_to_byline():
    text = page(
        "工作研究",
        "县域工会改革的实践路径",
        "侯建 史文 贺一凡",
        BODY_A,
        "(作者侯建、贺一凡单位为浙江省义乌市总工会,史文单位为劳动关系学院)",
    )
    piece = only(parse_page(text), "县域工会改革")
    assert people(piece.authors) == [
        ("侯建", None, "浙江省义乌市总工会", "浙江"),
        ("史文", None, "中国劳动关系学院", "北京"),
        ("贺一凡", None, "浙江省义乌市总工会", "浙江"),
    ]


def test_note_glued_to_last_paragraph():
    text = page(
        "立足实际推动改革", "■蒋丽", BODY_A, BODY_C + "(作者单位:四川省眉山市总工会)"
    )
    piece = only(parse_page(text), "立足实际")
    assert piece.body[-1].endswith("做到位。")
    assert people(piece.authors) == [("蒋丽", None, "四川省眉山市总工会", "四川")]


def test_misread_name_in_note_is_matched_and_flagged():
    text = page("强化服务意识", "■万晓明", BODY_A, "(作者万晓朋为某省总工会干部)")
    piece = only(parse_page(text), "强化服务意识")
    assert [a.name for a in piece.authors] == ["万晓明"]
    assert "name_mismatch" in codes(piece)


def test_unknown_institution_is_flagged():
    text = page("强化服务意识", "■万晓明", BODY_A, "(作者单位:星光研究会)")
    piece = only(parse_page(text), "强化服务意识")
    assert piece.authors[0].province is None
    assert "province_unknown" in codes(piece)


def test_parse_note_forms():
    clauses = parse_note("（作者张为民为某某大学教授，博士生导师）")
    assert [(c.names, c.unit, c.texts) for c in clauses] == [
        (["张为民"], False, ["某某大学教授", "博士生导师"])
    ]
    (clause,) = parse_note("(作者单位:甲大学;乙学院)")
    assert clause.unit and clause.texts == ["甲大学", "乙学院"]
