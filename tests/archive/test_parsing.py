"""The page parser: seed pages scored as the reviewer does, then each habit alone."""

import json
import re
import unicodedata
from pathlib import Path

import pytest

from archive.ingest.parsing import ParsedPage, Piece, is_name, parse_note, parse_page

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "fixtures" / "pages").glob("*.txt"))
LABELS = ROOT / "tests" / "data" / "labels"


# ---------------------------------------------------- the reviewer's scoring rules


def norm(text):
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", text)
    for curly in "“”「」":
        text = text.replace(curly, '"')
    return re.sub(r"[\s\"'，,。.、:：;；!！?？()（）■—\-]", "", text)


def prov(text):
    suffix = r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$"
    return re.sub(suffix, "", norm(text))


def match_piece(label, pieces):
    wanted = norm(label["title"])
    best, best_score = None, 0
    for piece in pieces:
        title = norm(piece.get("title"))
        if not title:
            continue
        if title == wanted:
            return piece
        common = len(set(title) & set(wanted)) / max(len(set(wanted)), 1)
        if (wanted in title or title in wanted) and common > best_score:
            best, best_score = piece, common
    return best


def score_page(labels, parsed):
    """(fields right, fields, misses) with the scorer's rules, body read as text."""
    pieces = parsed["pieces"]
    right = total = 0
    misses = []
    matched = set()
    for lab in labels:
        p = match_piece(lab, pieces)
        if p is not None:
            matched.add(id(p))
        fields = [
            ("title", p is not None and norm(p.get("title")) == norm(lab["title"])),
            ("kind", p is not None and p.get("kind") == lab["kind"]),
            (
                "column",
                p is not None and norm(p.get("column")) == norm(lab.get("column")),
            ),
        ]
        if lab.get("kicker") or (p and p.get("kicker")):
            ok = p is not None and norm(p.get("kicker")) == norm(lab.get("kicker"))
            fields.append(("kicker", ok))
        if lab.get("lede"):
            fields.append(
                ("lede", p is not None and norm(p.get("lede")) == norm(lab["lede"]))
            )
        if lab.get("opening"):
            body = norm(p.get("body") if p else "")
            fields.append(("opening", body.startswith(norm(lab["opening"]))))
        want = lab.get("authors") or []
        got = (p.get("authors") if p else None) or []
        if want:
            names_ok = sorted(norm(a.get("name")) for a in want) == sorted(
                norm(a.get("name")) for a in got
            )
            fields.append(("author names", names_ok))
            for a in want:
                same = [b for b in got if norm(b.get("name")) == norm(a.get("name"))]
                b = (same or ([got[0]] if len(got) == len(want) == 1 else [{}]))[0]
                alternatives = {norm(a.get("affiliation"))} | {
                    norm(x) for x in a.get("affiliation_alternatives", [])
                }
                if a.get("affiliation"):
                    ok = norm(b.get("affiliation")) in alternatives
                    fields.append((f"affiliation {a.get('name')}", ok))
                if a.get("province"):
                    ok = prov(b.get("province")) == prov(a["province"])
                    fields.append((f"province {a.get('name')}", ok))
        for name, ok in fields:
            total += 1
            right += ok
            if not ok:
                misses.append(f"{lab['title'][:18]}: {name}")
    for p in pieces:
        if id(p) not in matched and len(p.get("body") or "") > 50:
            total += 1
            misses.append(f"spurious piece {p.get('title')!r}")
    return right, total, misses


def test_seed_pages_score_at_least_95_percent():
    right = total = 0
    for page in PAGES:
        labels = json.loads((LABELS / f"{page.stem}.json").read_text("utf-8"))["pieces"]
        parsed = parse_page(page.read_text("utf-8")).as_dict()
        page_right, page_total, misses = score_page(labels, parsed)
        print(f"{page.stem}: {page_right}/{page_total}", *misses, sep="\n  ")
        right, total = right + page_right, total + page_total
    print(f"seed pages: {right}/{total} fields right ({right / total:.1%})")
    assert right / total >= 0.95


def test_original_is_exact_page_text_in_page_order():
    text = PAGES[0].read_text("utf-8")
    for piece in parse_page(text).pieces:
        chunks = piece.original.split("\n\n")
        positions = [text.index(chunk) for chunk in chunks]
        assert positions == sorted(positions)


# ------------------------------------------------------------------------ helpers


def page(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs) + "\n"


def only(parsed: ParsedPage, title_part: str) -> Piece:
    found = [p for p in parsed.pieces if title_part in p.title.replace(" ", "")]
    assert len(found) == 1, [p.title for p in parsed.pieces]
    return found[0]


def codes(piece: Piece) -> set[str]:
    return {f.code for f in piece.flags}


def people(persons) -> list[tuple]:
    return [(p.name, p.role, p.affiliation, p.province) for p in persons]


BODY_A = "基层工会是工会组织体系的基础，在联系服务职工方面发挥着重要作用。"
BODY_B = "各地工会不断创新工作方式，推动服务资源向基层倾斜，取得了明显成效。"
BODY_C = "下一步要持续完善制度机制，把服务职工的各项工作做实做细做到位。"


# ------------------------------------------------------------------------ bylines


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


# ------------------------------------------------------------------------ author notes


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


# ------------------------------------------------------------------------ layout


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
