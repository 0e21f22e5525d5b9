"""Layout repair: headers, split titles, moved units, interleaved and repeated text."""

import pytest

from archive.ingest.parsing import parse_page
from tests.archive.parsing.builders import (
    BODY_A,
    BODY_B,
    BODY_C,
    codes,
    only,
    page,
    people,
)


def test_column_header_with_marker_and_glued_title_and_lede_label():
    text = page(
        "G 热点思考 构建和谐劳动关系",
        "观点",
        "要把构建和谐劳动关系作为工会工作的重要任务。",
        BODY_A,
        "(作者单位:山东省青岛市总工会)",
    )
    piece = only(parse_page(text), "构建和谐劳动关系")
    assert piece.column == "热点思考" and piece.title == "构建和谐劳动关系"
    assert piece.lede == "要把构建和谐劳动关系作为工会工作的重要任务。"


def test_duplicate_passage_is_dropped_and_flagged():
    text = page("推动普惠服务提质增效", "■程远", BODY_A, BODY_B, BODY_B, BODY_C)
    piece = only(parse_page(text), "普惠服务")
    assert len(piece.body) == 3
    assert "duplicate_passage" in codes(piece)


def test_title_split_by_layout_rejoins():
    text = page(
        "G 热点思考 构建和谐劳动关系",
        "和谐劳动关系是社会和谐的重要基础。各级工会要发挥作用，推动建立健全协调",
        "维护职工合法权益",
        "机制，切实维护职工合法权益。",
        "(作者单位:山东省青岛市总工会)",
    )
    piece = only(parse_page(text), "构建和谐劳动关系")
    assert piece.title.replace(" ", "") == "构建和谐劳动关系维护职工合法权益"
    assert "title_split" in codes(piece)
    assert "协调机制" in "".join(piece.body)


def test_lede_byline_and_opening_at_page_end_move_to_their_article():
    text = page(
        "工作研究",
        "基层工会建设的几点思考",
        "用。做好基层工会工作，需要持续用力、久久为功。",
        BODY_C + "（作者单位：湖南省株洲市总工会）",
        "观点",
        "基层工会建设要抓住关键，持续发力。",
        "韩雪梅",
        "基层工会是工会组织的基础，在工会工作中发挥着重要作",
    )
    parsed = parse_page(text)
    assert len(parsed.pieces) == 1
    piece = parsed.pieces[0]
    assert piece.lede == "基层工会建设要抓住关键，持续发力。"
    assert people(piece.authors) == [("韩雪梅", None, "湖南省株洲市总工会", "湖南")]
    assert piece.body[0].startswith("基层工会是工会组织的基础")
    assert "moved_text" in codes(piece)


def test_interleaved_article_is_moved_out_of_its_host():
    text = page(
        "热点思考",
        "推动职工技能提升",
        "职工技能提升是一项系统工程，需要各方面共同努力。近年来各地不断探索，形成了许多好的经",
        "县域工会要把服务职工放在首位，做实做细各项工作。",
        "冯志强 蒋丽",
        "县域工会处在工会组织体系的基础位置，要坚持把服务职工放在首位，做实做细各项工作。",
        "各地县域工会结合实际不断创新，积累了丰富经验，比如开展技能培训、组织劳动竞赛、深",
        "验和做法，值得认真总结推广。",
        "（作者单位：中国劳动关系学院）",
        "工作研究",
        "县域工会服务职工的实践探索",
        "入推进普惠服务，取得了明显成效。",
        "（作者单位：四川省眉山市总工会）",
    )
    parsed = parse_page(text)
    host, guest = only(parsed, "推动职工技能提升"), only(parsed, "县域工会服务职工")
    assert people(host.authors) == [(None, None, "中国劳动关系学院", "北京")]
    assert "县域工会" not in "".join(host.body)
    assert [a.name for a in guest.authors] == ["冯志强", "蒋丽"]
    assert {a.province for a in guest.authors} == {"四川"}
    assert guest.lede == "县域工会要把服务职工放在首位，做实做细各项工作。"
    assert guest.body[0].startswith("县域工会处在")
    assert guest.column == "工作研究"
    assert "moved_text" in codes(guest) and "moved_text" in codes(host)


def test_unlabelled_pull_quote_lede():
    lede = "要坚持系统观念，统筹推进基层工会建设。"
    opening = (
        "基层工会建设是一项长期任务。要坚持系统观念，统筹推进基层工会建设，久久为功。"
    )
    text = page("统筹推进基层工会建设", lede, opening, BODY_B, "(作者单位:某市总工会)")
    piece = only(parse_page(text), "统筹推进")
    assert piece.lede == lede and piece.body[0] == opening


def test_kicker_above_lead_title():
    text = page("深入学习贯彻全会精神", "凝聚职工力量 奋进伟大征程", "■滕飞", BODY_A)
    piece = only(parse_page(text), "奋进伟大征程")
    assert piece.kicker == "深入学习贯彻全会精神"


def test_page_staff_and_markers_belong_to_no_piece():
    text = page("强化服务意识", "■万晓明", BODY_A, "H", "本版编辑 柳青")
    parsed = parse_page(text)
    assert len(parsed.pieces) == 1
    assert "本版编辑" not in "".join(parsed.pieces[0].body)
    assert [f.code for f in parsed.flags] == ["page_staff"]


@pytest.mark.parametrize(
    "text", ["", "\n\n", "G", "观点", "■", "(作者", "——", "a" * 5000]
)
def test_hostile_input_does_not_crash(text):
    parsed = parse_page(text)
    assert isinstance(parsed.as_dict()["pieces"], list)


def test_as_dict_shape():
    text = page("强化服务意识", "■万晓明", BODY_A, "(作者单位:某省总工会)")
    (piece,) = parse_page(text).as_dict()["pieces"]
    assert set(piece) == {
        "kind", "column", "kicker", "title", "lede", "body",
        "authors", "credits", "quoted", "flags",
    }  # fmt: skip
    assert set(piece["authors"][0]) == {"name", "role", "affiliation", "province"}
    assert isinstance(piece["body"], str)
