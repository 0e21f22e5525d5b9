"""Combined filters on the seed archive: each filter, combinations, facets, order, query count,
hostile input."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Author, Authorship, Column
from articles.research import facets, filtering
from tests.seed import SEED_DATES, find

pytestmark = pytest.mark.django_db


def titles(params) -> set[str]:
    return {a.title for a in filtering.article_results(params)}


def test_column_and_province_combine(seed):
    # Nothing from 山东 is filed under 工作研究; 宁夏's county article is.
    assert titles({"column": "工作研究", "province": "山东"}) == set()
    assert titles({"column": "gongzuo-yanjiu", "province": "宁夏"}) == {
        find(seed, "县级工会").title
    }
    jinan = find(seed, "萃取传统文化精华")
    assert titles({"column": "热点思考", "province": "山东"}) == {jinan.title}
    assert jinan.authorships.get().affiliation.name == "中共济南市委党校"
    # A full province name works as well as the short one.
    assert titles({"column": "热点思考", "province": "山东省"}) == {jinan.title}


def test_every_article_of_an_author_who_appears_on_several_pages(seed):
    designer = Author.objects.get(name="张菁")
    found = list(filtering.article_results({"author": designer.pk}))
    # Credited for the digest (2024) and the graphic (2023), and the 2019 report's byline.
    assert {a.issue.publication_date for a in found} == set(SEED_DATES)
    assert {a.kind for a in found} == {"digest", "graphic", "report"}
    assert len({a.issue_id for a in found}) == 3


def test_quoted_experts_do_not_place_an_article(seed):
    # The digest quotes experts of Beijing institutions; it is not a 北京 article.
    digest = find(seed, "社会保障理论研究")
    assert digest.authorships.filter(contribution="quoted").exists()
    assert digest.title not in titles({"province": "北京"})
    quoted = Author.objects.get(name="林尚立")
    assert titles({"author": quoted.pk}) == set()


def test_year_range(seed):
    assert len(titles({"year_from": 2023})) == 10
    assert titles({"year_from": 2019, "year_to": 2019}) == {
        a.title for a in seed.values() if a.issue.publication_date.year == 2019
    }
    # Reversed bounds are read the right way round.
    assert titles({"year_from": 2024, "year_to": 2023}) == titles(
        {"year_from": 2023, "year_to": 2024}
    )
    assert titles({"year_from": 2020, "year_to": 2022}) == set()


def test_affiliation_kind_and_status(seed):
    school = (
        Authorship.objects.filter(affiliation__name="中国劳动关系学院")
        .first()
        .affiliation
    )
    assert titles({"affiliation": school.pk}) == {
        find(seed, "枫桥经验").title,  # its author note names only the institution
        find(seed, "新就业形态劳动者权益").title,
    }
    assert len(titles({"kind": "graphic"})) == 2
    verified = find(seed, "双创")
    Article.objects.filter(pk=verified.pk).update(status="verified")
    assert titles({"status": "verified"}) == {verified.title}
    assert titles({"status": "verified", "province": "上海"}) == {verified.title}


def test_province_with_year_and_author(seed):
    assert titles({"province": "北京", "year_to": 2020}) == {
        find(seed, "智慧工会").title,
        find(seed, "双创").title,
    }
    li = Author.objects.get(name="李长安")
    # Filters are properties of the article: 李长安's article also has a 上海 author.
    assert titles({"author": li.pk, "province": "上海"}) == {find(seed, "双创").title}
    assert titles({"author": li.pk, "province": "广东"}) == set()


def test_only_public_articles(seed):
    hidden = find(seed, "萃取传统文化精华")
    Article.objects.filter(pk=hidden.pk).update(published=False)
    assert titles({"province": "山东"}) == set()
    counts = facets.facet_counts({})
    assert "山东" not in {v.value for v in counts["province"]}
    assert sum(v.count for v in counts["column"] if v.label == "热点思考") == 1


def test_facet_counts_use_the_other_filters(seed):
    counts = facets.facet_counts({"province": "山东"})
    assert [(v.label, v.count) for v in counts["column"]] == [("热点思考", 1)]
    # The province facet ignores the province filter itself.
    provinces = {v.value: v.count for v in counts["province"]}
    assert provinces["山东"] == 1 and provinces["北京"] == 4
    assert [v.value for v in counts["province"] if v.selected] == ["山东"]
    hot = {
        v.value: v.count
        for v in facets.facet_counts({"column": "热点思考"})["province"]
    }
    assert hot == {"北京": 1, "山东": 1}
    years = {v.value: v.count for v in facets.facet_counts({"year_from": 2024})["year"]}
    assert years == {"2019": 4, "2023": 5, "2024": 5}
    # Each facet value's count is what choosing it gives.
    for value in facets.facet_counts({"year_to": 2023})["column"]:
        assert value.count == len(titles({"year_to": 2023, "column": value.value}))


def test_a_chosen_value_without_articles_stays_in_its_facet(seed):
    li = Author.objects.get(name="李长安")
    counts = facets.facet_counts({"author": li.pk, "province": "广东"})
    assert [(v.label, v.count, v.selected) for v in counts["author"]][0] == (
        "李长安",
        0,
        True,
    )
    active = facets.active_filters(filtering.parse_params({"author": li.pk}), counts)
    assert [(f.label, f.value) for f in active] == [("作者", "李长安")]


def test_sort_by_title_and_author_pinyin(seed, make_article):
    for name, title in [
        ("曾宪梓", "测试甲"),
        ("单霁翔", "测试乙"),
        ("张三", "测试丙"),
        ("沈括", "测试丁"),
    ]:
        article = make_article(title=title, body="正文。")
        Authorship.objects.create(
            article=article, author=Author.objects.create(name=name)
        )
    by_author = [
        a.title
        for a in filtering.article_results({"q": "", "sort": "author"})
        if a.title.startswith("测试")
    ]
    # 单 shan, 沈 shen, 曾 zeng, 张 zhang (not dan, ceng).
    assert by_author == ["测试乙", "测试丁", "测试甲", "测试丙"]
    by_title = [a.title for a in filtering.article_results({"sort": "title"})]
    assert by_title[:2] == ["测试丙", "测试丁"]  # ce shi bing, ce shi ding
    order = [
        by_title.index(find(seed, t).title)
        for t in ("地方工会", "发挥工会在国家", "发展新时代", "学习贯彻", "扎实推进")
    ]
    assert order == sorted(order)  # di, fa hui, fa zhan, xue, zha
    newest = list(filtering.article_results({}))
    assert newest[0].issue.publication_date == date(2024, 5, 20)
    assert newest[-1].issue.publication_date is None  # undated pages last, not first


def test_list_page_costs_the_same_queries_for_any_length(client, make_article):
    column = Column.objects.get(name="观点")

    def queries(sort):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(
                reverse("research:article_list"), {"sort": sort, "per_page": 100}
            )
        assert response.status_code == 200
        return len(captured)

    def add(n):
        for i in range(n):
            article = make_article(title=f"文章{i}", column=column)
            Authorship.objects.create(
                article=article, author=Author.objects.create(name=f"作者{i}")
            )

    add(2)
    few = {sort: queries(sort) for sort in filtering.SORTS}
    add(40)
    assert {sort: queries(sort) for sort in filtering.SORTS} == few


def test_hostile_parameters_never_break_the_page(seed, client):
    response = client.get(
        reverse("research:article_list"),
        {
            "author": "1 OR 1=1",
            "affiliation": "-3",
            "year_from": "99999",
            "year_to": "abc",
            "kind": "<script>",
            "sort": "title; DROP TABLE",
            "province": "\x00山东",
            "column": "a" * 5000,
            "q": "<script>alert(1)</script>",
            "page": "999",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "作者编号无效" in html and "年份应为四位数字" in html
    params = response.context["params"]
    assert params.author == () and params.year_from is None and params.sort == "newest"


def test_keyword_goes_through_search(seed, monkeypatch):
    wanted = [find(seed, "双创").pk, find(seed, "智慧工会").pk]
    monkeypatch.setattr(filtering, "keyword_article_ids", lambda q, limit: wanted)
    assert titles({"q": "工会"}) == {
        find(seed, "双创").title,
        find(seed, "智慧工会").title,
    }
    assert titles({"q": "工会", "year_to": 2019, "province": "上海"}) == {
        find(seed, "双创").title
    }


def test_keyword_with_a_broken_search_backend_finds_nothing(seed, monkeypatch):
    import articles.search.query

    def broken(*args, **kwargs):
        raise RuntimeError("index missing")

    monkeypatch.setattr(articles.search.query, "build_searchqueryset", broken)
    assert filtering.keyword_article_ids("工会", 100) == []
    assert titles({"q": "工会"}) == set()


def test_keyword_through_the_real_index(seed, search_index):
    search_index.rebuild()
    found = titles({"q": "枫桥经验"})
    assert find(seed, "枫桥经验").title in found
    assert titles({"q": "枫桥经验", "province": "山东"}) == set()


def test_list_page_is_accessible_and_shareable(seed, client):
    url = reverse("research:article_list")
    response = client.get(url, {"province": "山东", "column": "热点思考"})
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "萃取传统文化精华" in html and "县级工会" not in html
    for field in (
        "f-q",
        "f-author",
        "f-affiliation",
        "f-province",
        "f-column",
        "f-kind",
        "f-status",
        "f-year-from",
        "f-year-to",
        "f-sort",
    ):
        assert f'<label for="{field}"' in html
    assert not re.search(
        r"<script(?![^>]*\bsrc=)", html
    )  # the CSP allows no inline script
    assert (
        "export.csv?province=%E5%B1%B1%E4%B8%9C&amp;column=%E7%83%AD%E7%82%B9%E6%80%9D%E8%80%83"
        in html
    )
    assert "2023年1月9日" in html


def test_escaping_of_ocr_text(client, make_article):
    make_article(
        title="<script>alert('x')</script>标题", lede="<img src=x onerror=alert(1)>"
    )
    html = client.get(reverse("research:article_list")).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("sort=-date", ""),
        ("sort=date", "sort=oldest"),
        ("year=2019", "year_from=2019&year_to=2019"),
        ("year=2019&year=2023&sort=title", "year_from=2019&year_to=2023&sort=title"),
    ],
)
def test_older_urls_redirect_to_the_shared_vocabulary(client, seed, old, new):
    response = client.get(f"/articles/?{old}")
    assert response.status_code == 301
    assert response["Location"] == f"/articles/?{new}" if new else "/articles/"


def test_a_person_named_in_an_older_url_is_found_by_id(client, seed):
    li = Author.objects.get(name="李长安")
    response = client.get("/articles/?author=李长安")
    assert response.status_code == 301
    assert response["Location"] == f"/articles/?author={li.pk}"


def test_several_values_of_one_filter_mean_any_of_them(seed):
    both = titles({"column": ["工作研究", "热点思考"]})
    assert both == titles({"column": "工作研究"}) | titles({"column": "热点思考"})
    params = filtering.parse_params({"column": ["工作研究", "热点思考"]})
    counts = facets.facet_counts(params)
    assert {v.label for v in counts["column"] if v.selected} == {"工作研究", "热点思考"}
    chips = facets.active_filters(params, counts)
    assert [c.value for c in chips] == ["工作研究", "热点思考"]
    assert chips[0].remove_query == "column=%E7%83%AD%E7%82%B9%E6%80%9D%E8%80%83"
