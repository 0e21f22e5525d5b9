"""Bylines, credits and quoted people: each habit of the paper alone."""

from archive.ingest.parsing import is_name, parse_page
from tests.archive.parsing.builders import BODY_A, BODY_B, only, page, people


def test_bullet_byline_and_note_role():
    text = page(
        "夯实基层基础 提升服务效能",
        "■赵明远",
        BODY_A,
        BODY_B,
        "（作者为湖南省总工会宣传教育部部长）",
    )
    piece = only(parse_page(text), "夯实基层基础")
    assert piece.kind == "article" and piece.column == "观点"
    assert people(piece.authors) == [
        ("赵明远", "部长", "湖南省总工会宣传教育部", "湖南")
    ]


def test_names_separated_by_spaces_on_their_own_line():
    text = page(
        "前沿观察",
        "数字时代劳动者权益保障的新课题",
        "钱立新 孙悦 周子航",
        BODY_A,
        "(作者单位:江苏省南京市总工会)",
    )
    piece = only(parse_page(text), "数字时代劳动者")
    assert [a.name for a in piece.authors] == ["钱立新", "孙悦", "周子航"]
    assert {a.affiliation for a in piece.authors} == {"江苏省南京市总工会"}
    assert {a.province for a in piece.authors} == {"江苏"}
    assert piece.column == "前沿观察"


def test_byline_printed_twice_counts_once():
    text = page(
        "推动产业工人队伍建设改革走深走实",
        "■吴海 郑洁",
        "吴海 郑洁",
        "观点",
        "要坚持问题导向，着力破解改革中的难点堵点。",
        BODY_A,
        "(作者吴海为南开大学教授;郑洁为中国劳动关系学院副教授)",
    )
    piece = only(parse_page(text), "产业工人队伍")
    assert people(piece.authors) == [
        ("吴海", "教授", "南开大学", "天津"),
        ("郑洁", "副教授", "中国劳动关系学院", "北京"),
    ]
    assert piece.lede == "要坚持问题导向，着力破解改革中的难点堵点。"
    assert piece.body[0].startswith("基层工会是工会组织体系")


def test_name_that_is_also_a_word_is_a_byline_under_the_title():
    text = page("新时代工会宣传工作的着力点", "方圆", BODY_A, "(作者单位:河北省总工会)")
    piece = only(parse_page(text), "工会宣传工作")
    assert [a.name for a in piece.authors] == ["方圆"]
    assert is_name("方圆", strict=False) and not is_name("方圆")


def test_byline_with_text_prefix_and_editorial_byline():
    parsed = parse_page(page("稳就业的几点建议", "文/仇国栋 亓乐", BODY_A, BODY_B))
    assert [a.name for a in parsed.pieces[0].authors] == ["仇国栋", "亓乐"]
    parsed = parse_page(page("筑牢思想根基", "■本报评论员", BODY_A, BODY_B))
    assert people(parsed.pieces[0].authors) == [(None, "本报评论员", None, None)]


def test_staff_reporter_makes_a_report_with_kicker():
    text = page(
        "职工技能提升座谈会提出——",
        "让技能人才更有获得感",
        "本报记者 冯雪",
        "本报讯 日前，职工技能提升座谈会在京召开，与会专家深入交流。",
        BODY_B,
    )
    piece = only(parse_page(text), "技能人才更有获得感")
    assert piece.kind == "report" and piece.column is None
    assert piece.kicker == "职工技能提升座谈会提出——"
    assert people(piece.authors) == [("冯雪", "本报记者", None, None)]


def test_digest_quotes_and_compiler_credit():
    text = page(
        "₩ 观点撷英",
        "加快构建和谐劳动关系",
        "近日，一场学术研讨会在京举行，与会专家就劳动关系治理深入交流。",
        "劳动关系治理要坚持系统观念，统筹各方力量，形成工作合力。",
        "——中国人民大学教授 林思远",
        "要把协商协调机制建设摆在突出位置，推动矛盾纠纷源头化解。",
        "—复旦大学副教授 陶然",
        "要重视新就业形态劳动者的权益保障问题，完善相关制度。",
        "--某某研究院研究员 韦一鸣 (冯雪 整理)",
    )
    piece = only(parse_page(text), "和谐劳动关系")
    assert piece.kind == "digest" and piece.column == "观点撷英"
    assert [q.name for q in piece.quoted] == ["林思远", "陶然", "韦一鸣"]
    assert people(piece.quoted[:2]) == [
        ("林思远", "教授", "中国人民大学", "北京"),
        ("陶然", "副教授", "复旦大学", "上海"),
    ]
    assert people(piece.credits) == [("冯雪", "整理", None, None)]
    assert piece.authors == []
    assert piece.body[0].startswith("近日")


def test_graphic_credit():
    text = page(
        "(作者单位:某地总工会)",
        "五项措施 稳就业促增收",
        "人社部门近日出台措施，从五个方面支持重点群体就业。",
        "扩大就业岗位",
        "- 支持企业吸纳就业",
        "- 开发公益性岗位",
        "策划:陈晓 制图:李敏",
    )
    piece = only(parse_page(text), "五项措施")
    assert piece.kind == "graphic" and piece.column is None
    assert people(piece.credits) == [
        ("陈晓", "策划", None, None),
        ("李敏", "制图", None, None),
    ]
