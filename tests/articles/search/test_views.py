"""The search page over HTTP: accessible markup, escaping, shareable URLs, no error page for
any input."""

import re
from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
URL = reverse("search:search")


@pytest.fixture
def archive(add_article, search_index):
    add_article(
        "发展新时代“枫桥经验”",
        "坚持和发展新时代枫桥经验。<script>alert('ocr')</script>",
        date=date(2024, 5, 20),
        column="热点思考",
        people=[{"name": "王君伟", "affiliation": "山东省总工会", "province": "山东"}],
    )
    add_article(
        "扎实推进智慧工会建设",
        "智慧工会服务职工。",
        date=date(2023, 1, 9),
        column="观点",
        people=[
            {
                "name": "汤建利",
                "affiliation": "宁夏回族自治区青铜峡市总工会",
                "province": "宁夏",
            }
        ],
    )
    search_index.rebuild()


def get(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_page_is_accessible_chinese_and_has_one_h1(client, archive):
    html = get(client, q="枫桥经验")
    assert html.count("<h1") == 1
    assert '<label for="search-q">' in html and 'id="search-q"' in html
    assert '<label for="search-sort">' in html
    assert 'role="search"' in html and 'aria-label="分页"' not in html  # one page only
    assert "共找到" in html and "筛选" in html


def test_no_inline_script_or_style(client, archive):
    html = get(client, q="枫桥经验")
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, tag
    assert re.search(r"<script\b[^>]*>(?!</script>)\s*\S", html) is None
    assert " style=" not in html and "<style" not in html
    assert "/static/js/search.js" in html and "/static/css/search.css" in html


def test_ocr_text_is_escaped_and_matches_are_marked(client, archive):
    html = get(client, q="枫桥经验")
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>枫桥经验</mark>" in html


def test_query_is_echoed_escaped(client, archive):
    html = get(client, q='"><script>alert(1)</script>')
    assert "<script>alert(1)" not in html


@pytest.mark.parametrize(
    "q",
    [
        "*",
        "[a TO z]",
        "text:",
        "*:*",
        "(",
        '"',
        "-",
        "\\",
        "枫桥 AND OR NOT",
        "經" * 10_000,
        "\x00\x01",
        "\u200b",
        "🙂",
        "%",
        "'; DROP TABLE articles_article; --",
    ],
)
def test_hostile_input_never_errors(client, archive, q):
    html = get(client, q=q)
    assert "全部文章" not in html  # never an accidental match-all


@pytest.mark.parametrize(
    "params",
    [
        {"page": "-1"},
        {"page": "x"},
        {"page": "99999999999"},
        {"sort": "<x>"},
        {"province": '山东" OR *:*'},
        {"year": "\\"},
        {"author": "x" * 5000},
        {"column": ""},
    ],
)
def test_hostile_parameters_never_error(client, archive, params):
    get(client, q="工会", **params)


def test_empty_query_shows_filters_over_the_whole_archive(client, archive):
    html = get(client)
    assert "全部文章" in html and "共 2 篇" in html
    assert "山东" in html and "宁夏" in html


def test_facet_links_combine_and_are_shareable(client, archive):
    html = get(client, q="工会")
    link = re.search(r'href="([^"]*province=%E5%B1%B1%E4%B8%9C[^"]*)"', html).group(1)
    params = parse_qs(urlparse(link.replace("&amp;", "&")).query)
    assert params["q"] == ["工会"] and params["province"] == ["山东"]
    html = get(client, q="工会", province="山东", year="2024")
    assert "枫桥经验" in html and "智慧工会建设" not in html
    assert "取消筛选：省份 山东" in html


def test_search_within_results_redirects_to_the_combined_query(client, archive):
    response = client.get(
        URL, {"q": "枫桥经验", "within": "1", "prev": "工会", "province": "山东"}
    )
    assert response.status_code == 302
    params = parse_qs(urlparse(response["Location"]).query)
    assert params == {"q": ["工会 枫桥经验"], "province": ["山东"]}


def test_traditional_query_says_what_was_searched(client, archive):
    html = get(client, q="楓橋經驗")
    assert "已按简体、半角形式检索" in html and "枫桥经验" in html
    assert "共找到 <strong>1</strong>" in html


def test_zero_results_page_suggests(client, archive):
    html = get(client, q="枫桥经验 量子计算")
    assert "没有找到" in html and "可以试试" in html


def test_only_syntax_is_not_a_search(client, archive):
    html = get(client, q="*")
    assert "没有可检索的词" in html


def test_sort_and_pagination_links(client, add_article, search_index):
    for i in range(25):
        add_article(f"工会文章{i}", "工会工作", date=date(2020, 1, 1 + i))
    search_index.rebuild()
    html = get(client, q="工会", sort="date")
    assert 'aria-label="分页"' in html and 'rel="next"' in html
    numbers = re.findall(r"</mark>文章(\d+)</a>", html)
    assert numbers[:3] == ["24", "23", "22"]  # newest first
    html = get(client, q="工会", sort="date", page="2")
    assert 'aria-current="page">2<' in html


@pytest.fixture(params=["one segment", "two segments"])
def dated_and_undated(request, add_article, search_index):
    """Dated and undated articles, in one index segment or in one segment each."""
    dated = [
        add_article("工会甲", "工会工作", date=date(2020, 1, 1), column="观点"),
        add_article("工会乙", "工会工作", date=date(2024, 5, 20), column="观点"),
    ]
    if request.param == "one segment":
        undated = [add_article("工会丙", "工会工作", column="观点")]
        search_index.rebuild()
    else:
        search_index.rebuild()
        undated = [add_article("工会丙", "工会工作", column="观点")]
        search_index.backend.update(search_index.index, undated)
    return dated, undated


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "date"},
        {"sort": "date_asc"},
        {"q": "工会"},
        {"q": "工会", "sort": "date"},
        {"q": "工会", "sort": "date_asc"},
        {"q": "工会", "sort": "relevance"},
        {"column": "观点"},
        {"column": "观点", "sort": "date_asc"},
        {"q": "-工会"},
        {"q": "-农业", "sort": "date_asc"},
        {"q": "工会", "page": "99999999999"},
        {"page": "99999999999", "sort": "date_asc"},
    ],
)
def test_dated_and_undated_articles_never_error(client, dated_and_undated, params):
    """Every sort, facet-only and exclusion-only search answers 200 on a mixed archive."""
    get(client, **params)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["工会乙", "工会甲", "工会丙"]),
        ({"column": "观点"}, ["工会乙", "工会甲", "工会丙"]),
        ({"q": "工会", "sort": "date"}, ["工会乙", "工会甲", "工会丙"]),
        ({"q": "工会", "sort": "date_asc"}, ["工会甲", "工会乙", "工会丙"]),
        ({"q": "-农业", "sort": "date_asc"}, ["工会甲", "工会乙", "工会丙"]),
    ],
)
def test_undated_articles_sort_last_in_both_directions(
    dated_and_undated, search_page, params, expected
):
    """Newest or oldest first, an undated article comes after every dated one."""
    q = params.pop("q", "")
    page = search_page(q, **params)
    assert [r.article.title for r in page.results] == expected
    assert page.total == 3


def test_a_huge_page_number_shows_an_empty_last_page(dated_and_undated, search_page):
    """A page past the end lists nothing and still counts every match."""
    page = search_page("工会", page="99999999999")
    assert page.results == [] and page.total == 3


@pytest.mark.parametrize("q", ["工会", ""])
def test_an_emptied_index_answers_with_no_results(client, archive, search_index, q):
    # After clear_index, or on a new archive before anything is indexed.
    search_index.clear()
    html = get(client, q=q)
    assert "共找到 <strong>0</strong>" in html or "共 0 篇" in html
