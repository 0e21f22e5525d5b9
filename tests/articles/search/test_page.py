"""Chinese search behaviour on articles made with the ORM: words, phrases, facets, highlights,
hostile input."""

from datetime import date

import pytest
from haystack.query import SearchQuerySet

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(add_article, search_index):
    a = {
        "fengqiao": add_article(
            "发展新时代“枫桥经验” 提升劳动关系治理水平",
            "坚持和发展新时代“枫桥经验”，把矛盾纠纷化解在基层。推进劳动关系治理。",
            date=date(2024, 5, 20),
            column="热点思考",
            people=[{"affiliation": "中国劳动关系学院", "province": "北京"}],
        ),
        "platform": add_article(
            "维护新就业形态劳动者权益",
            "新就业形态劳动者入会难。平台企业要落实主体责任。劳动关系和谐是治理的基础。",
            original_ocr="新就业形态劳动者人会难。平台企业要落实主体责任。劳动关系和谐是治理的基础。",
            date=date(2023, 1, 9),
            column="前沿观察",
            people=[
                {
                    "name": "闻效仪",
                    "affiliation": "中国劳动关系学院",
                    "province": "北京",
                },
                {
                    "name": "甘卫斌",
                    "affiliation": "广东省深圳市总工会",
                    "province": "广东",
                },
            ],
        ),
        "smart": add_article(
            "扎实推进智慧工会建设",
            "智慧工会让服务职工更精准。AI 与大数据在工会工作中的应用。党的领导是根本保证。",
            date=date(2024, 5, 20),
            column="观点",
            people=[
                {
                    "name": "王君伟",
                    "affiliation": "全国总工会网络工作部",
                    "province": "北京",
                }
            ],
        ),
        "craft": add_article(
            "弘扬新时代工匠精神",
            "大力弘扬劳模精神、劳动精神、工匠精神。济南的职业院校培养大国工匠。",
            date=date(2019, 12, 16),
            column="热点思考",
            status="verified",
            people=[
                {"name": "王敏", "affiliation": "中共济南市委党校", "province": "山东"}
            ],
        ),
        "county": add_article(
            "新形势下强化县级工会职能发挥",
            "县级工会在工会组织体系中处于承上启下的位置。疫情期间工会积极行动。",
            date=date(2019, 12, 16),
            column="工作研究",
            people=[
                {
                    "name": "汤建利",
                    "affiliation": "宁夏回族自治区青铜峡市总工会",
                    "province": "宁夏",
                }
            ],
        ),
    }
    search_index.rebuild()
    return a


def titles(page):
    return [r.article.title for r in page.results]


def test_a_word_finds_its_article_first(archive, search_page):
    page = search_page("枫桥经验")
    assert titles(page)[0] == archive["fengqiao"].title
    assert page.total == 1


def test_a_word_inside_a_longer_dictionary_word(archive, search_page):
    # 总工会 is one token in the text; 工会 is still found inside it.
    assert archive["county"].title in titles(search_page("总工会"))
    assert archive["county"].title in titles(search_page("县级工会"))


@pytest.mark.parametrize("query", ["王", "党", "ai", "AI", "ＡＩ"])
def test_one_character_and_short_queries_work(archive, search_page, query):
    assert search_page(query).total >= 1


def test_one_character_surname_ranks_authors_first(archive, search_page):
    top = titles(search_page("王"))[:2]
    assert set(top) == {archive["smart"].title, archive["craft"].title}


def test_author_name_finds_their_article(archive, search_page):
    assert titles(search_page("汤建利"))[0] == archive["county"].title
    assert titles(search_page("闻效仪"))[0] == archive["platform"].title


def test_phrase_requires_the_words_side_by_side(archive, search_page):
    # Both articles have 劳动关系 and 治理; only one has them as one phrase.
    assert search_page("劳动关系 治理").total == 2
    page = search_page('"劳动关系治理"')
    assert titles(page) == [archive["fengqiao"].title]


def test_exclusion(archive, search_page):
    assert archive["county"].title in titles(search_page("工会"))
    assert archive["county"].title not in titles(search_page("工会 -疫情"))


def test_traditional_query_finds_simplified_text(archive, search_page):
    page = search_page("楓橋經驗")
    assert titles(page) == [archive["fengqiao"].title]
    assert page.query.converted


def test_full_width_query(archive, search_page):
    assert titles(search_page("ＡＩ")) == [archive["smart"].title]


def test_zero_width_character_in_the_query_and_in_the_text(
    add_article, search_index, search_page
):
    add_article("隐藏字符", "推进智慧\u200b工会建设。")
    search_index.rebuild()
    assert search_page("智慧工会").total == 1
    assert search_page("智慧\u200b工会").total == 1


def test_garbled_ocr_form_still_finds_the_article(archive, search_page):
    # The original OCR read 入会 as 人会; the corrected text no longer has it.
    assert titles(search_page("人会")) == [archive["platform"].title]


def test_facets_have_counts_and_combine(archive, search_page):
    page = search_page(
        "工会"
    )  # in the text of two articles, in an affiliation of a third
    assert page.total == 3
    groups = {g.facet.param: {v.value: v.count for v in g.values} for g in page.facets}
    assert groups["province"] == {"北京": 2, "广东": 1, "宁夏": 1}
    assert groups["year"] == {"2024": 1, "2023": 1, "2019": 1}
    narrowed = search_page("工会", province="宁夏", year="2019")
    assert titles(narrowed) == [archive["county"].title]
    assert search_page("工会", province="宁夏", year="2024").total == 0
    combined = search_page("", column="热点思考", year="2019")
    assert titles(combined) == [archive["craft"].title]


def test_multivalued_facets_author_and_affiliation(archive, search_page):
    page = search_page("", author="甘卫斌")
    assert titles(page) == [archive["platform"].title]
    page = search_page("", affiliation="中国劳动关系学院")
    assert set(titles(page)) == {archive["platform"].title, archive["fengqiao"].title}
    assert search_page("", kind="article", status="verified").total == 1


def test_empty_query_shows_the_whole_archive_newest_first_with_filters(
    archive, search_page
):
    page = search_page("")
    assert page.total == 5
    assert page.sort == "date"
    assert titles(page)[-1] in {archive["craft"].title, archive["county"].title}
    assert {g.facet.param for g in page.facets} >= {
        "column",
        "province",
        "year",
        "author",
    }


def test_sort_by_date(archive, search_page):
    newest = titles(search_page("工会", sort="date"))
    oldest = titles(search_page("工会", sort="date_asc"))
    assert newest[0] == archive["smart"].title
    assert oldest[0] == archive["county"].title


def test_highlights_fall_on_the_chinese_words(archive, search_page):
    result = search_page("枫桥经验 治理").results[0]
    assert "<mark>枫桥经验</mark>" in result.snippet
    assert "<mark>治理</mark>" in result.snippet
    assert "<mark>枫桥经验</mark>" in result.title


def test_haystack_highlight_uses_the_chinese_analyzer(archive):
    result = SearchQuerySet().filter(content="枫桥经验").highlight()[0]
    assert "<mark>枫桥经验</mark>" in result.highlighted["text"][0]


def test_ocr_markup_in_text_is_escaped(add_article, search_index, search_page):
    add_article("<script>alert(1)</script>工会", "<img src=x onerror=alert(1)>工会工作")
    search_index.rebuild()
    result = search_page("工会").results[0]
    assert "<script>" not in result.title and "&lt;script&gt;" in result.title
    assert "<img" not in result.snippet and "&lt;img" in result.snippet


@pytest.mark.parametrize(
    "hostile", ["*", "[a TO z]", "text:", "*:*", "-", '"', "(", ") OR (", "\\"]
)
def test_hostile_queries_never_match_everything(archive, search_page, hostile):
    page = search_page(hostile)
    assert page.total < 5


def test_ten_thousand_characters(archive, search_page):
    page = search_page("工会" * 5000)
    assert page.query.truncated
    assert page.total <= 5


def test_unpublished_articles_are_not_indexed(add_article, search_index, search_page):
    add_article("内部稿件", "智慧工会内部讨论稿", published=False)
    add_article("公开稿件", "智慧工会公开文章")
    search_index.rebuild()
    assert titles(search_page("智慧工会")) == ["公开稿件"]


def test_pagination(add_article, search_index, search_page):
    for i in range(45):
        add_article(f"工会文章{i}", "工会工作", date=date(2020, 1, 1 + i % 28))
    search_index.rebuild()
    first, third = search_page("工会"), search_page("工会", page="3")
    assert first.total == 45 and first.num_pages == 3
    assert len(first.results) == 20 and len(third.results) == 5
    assert not set(titles(first)) & set(titles(third))
    assert search_page("工会", page="999").results == []
    assert search_page("工会", page="abc").page == 1


def test_zero_results_suggest_fewer_words_and_no_filters(archive, search_page):
    page = search_page("枫桥经验 不存在的词")
    assert page.total == 0
    assert any(s.text == "枫桥经验" and s.count == 1 for s in page.suggestions)
    page = search_page("枫桥经验", province="宁夏")
    assert page.total == 0
    assert any("不限筛选条件" in s.text for s in page.suggestions)


def test_index_stores_no_text(archive, search_engine):
    """The Whoosh index stores the ids and nothing the database has."""
    from haystack import connections

    if search_engine != "whoosh":
        pytest.skip("the Whoosh schema is inspected here")

    schema = connections["default"].get_backend().schema
    stored = {name for name, field in schema.items() if field.stored}
    assert stored == {"django_ct", "django_id"}
