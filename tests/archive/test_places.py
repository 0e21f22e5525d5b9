"""Where institutions are: divisions table, national bodies, aliases, roles."""

import json
from pathlib import Path

import pytest

from archive.ingest import places

ROOT = Path(__file__).resolve().parents[2]


def test_thirty_four_provinces_match_the_fixture():
    fixture = json.loads((ROOT / "fixtures" / "provinces.json").read_text("utf-8"))
    expected = [(p["code"], p["name"], p["short_name"]) for p in fixture]
    assert places.PROVINCES == expected


@pytest.mark.parametrize(
    ("affiliation", "province"),
    [
        ("浙江省总工会", "浙江"),
        ("广西壮族自治区南宁市总工会", "广西"),
        ("中共洛阳市委党校", "河南"),  # prefecture-level city
        ("义乌市总工会", "浙江"),  # county-level city, no province named
        ("宁夏青铜峡市总工会", "宁夏"),  # short province name + county-level city
        ("延边朝鲜族自治州总工会", "吉林"),
        ("北京市朝阳区总工会", "北京"),  # ambiguous district, province named
        ("长春市朝阳区总工会", "吉林"),  # ambiguous district, prefecture named
        ("中国人民大学", "北京"),  # national institution
        ("全国总工会宣传教育部", "北京"),
        ("复旦大学", "上海"),
        ("上海某某学院", "上海"),
        (
            "国家电网山东省电力公司",
            "山东",
        ),  # a named province beats the national prefix
    ],
)
def test_province_of(affiliation, province):
    assert places.province_of(affiliation) == province


def test_ambiguous_county_name_is_not_guessed():
    where = places.locate("朝阳区总工会")
    assert where.province is None and where.status == "ambiguous"
    assert set(where.candidates) == {"北京", "吉林"}


def test_unknown_is_none():
    assert places.province_of("星光研究会") is None
    assert places.locate("星光研究会").status == "unknown"
    assert places.province_of("") is None


def test_national_body_in_general_is_a_flagged_guess():
    where = places.locate("中国某某研究会")
    assert (where.province, where.status) == ("北京", "guess")


def test_aliases_from_data():
    assert places.canonical_affiliation("劳动关系学院") == "中国劳动关系学院"
    assert (
        places.canonical_affiliation("劳动关系学院工会学院")
        == "中国劳动关系学院工会学院"
    )
    assert places.canonical_affiliation("中国劳动关系学院") == "中国劳动关系学院"
    assert places.province_of("劳动关系学院") == "北京"
    assert places.canonical_affiliation("北大荒农垦集团") == "北大荒农垦集团"


@pytest.mark.parametrize(
    ("role", "affiliation", "title"),
    [
        ("全国总工会宣传教育部部长", "全国总工会宣传教育部", "部长"),
        ("南开大学教授", "南开大学", "教授"),
        ("某某学院副教授", "某某学院", "副教授"),
        ("河北省总工会党组书记、常务副主席", "河北省总工会", "党组书记、常务副主席"),
        (
            "湖北省人大常委会副主任、省总工会主席",
            "湖北省总工会",
            "湖北省人大常委会副主任、省总工会主席",
        ),
        (
            "成都市人大常委会副主任、市总工会主席",
            "成都市总工会",
            "成都市人大常委会副主任、市总工会主席",
        ),
        ("国务院原副秘书长", "国务院", "原副秘书长"),
        ("教授", None, "教授"),
    ],
)
def test_split_role(role, affiliation, title):
    assert places.split_role(role) == (affiliation, title)
    assert places.affiliation_from_role(role) == affiliation
