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


@pytest.mark.parametrize(
    ("role", "affiliation", "sure"),
    [
        ("某某市委党校教授、全国总工会劳模工匠人才库专家", "某某市委党校", True),
        ("国家社科基金评审专家库成员、中国劳动关系学院教授", "中国劳动关系学院", True),
        ("中国劳动关系学院研究员、省政府参事室特约研究员", "中国劳动关系学院", True),
        ("中国劳动学会兼职副会长、对外经济贸易大学教授", "对外经济贸易大学", True),
        ("中国社会保障学会会长、中国人民大学教授", "中国人民大学", True),
        ("某某研究院研究员、某某大学客座教授", "某某研究院", True),
        ("河北省人大常委会副主任、省总工会主席", "河北省总工会", False),
        ("某某大学教授、某某研究所研究员", "某某大学", False),
        ("全国总工会网络工作部部长", "全国总工会网络工作部", True),
    ],
)
def test_employer_over_honours(role, affiliation, sure):
    """The employing post wins over memberships, pools and honorary posts; a tie is unsure."""
    assert places.employer(role) == (affiliation, sure)
    assert places.split_role(role)[0] == affiliation


def test_post_kinds_come_from_the_data_file():
    """A pool, a society and an honorary title rank below any employer."""
    assert places.post_kind("某某专家委员会")[0] == "pool"
    assert places.post_kind("某某学会")[0] == "society"
    assert places.post_kind("某某大学", "兼职教授")[0] == "honorary"
    assert places.post_kind("某某工会联合会")[0] == "union"
