"""Public pages: content on the seed archive, 404s for what is not public, fixed query counts."""

import re
from datetime import date, timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from archive.models import Issue
from articles.models import Affiliation, Article, Author, Authorship, Column, Province
from articles.portal import selectors
from tests.seed import import_seed


@pytest.fixture
def seed(db):
    """The three seed pages, imported as editors would, dated and labelled 第7版."""
    import_seed()
    return {i.publication_date: i for i in Issue.objects.all()}


def article_titled(fragment: str) -> Article:
    return Article.objects.get(title__contains=fragment)


def html(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- the seed archive


def test_home_lists_latest_issues_columns_counts_and_the_search_box(client, seed):
    page = html(client.get("/"))
    assert '<html lang="zh-CN">' in page
    for day in ("2024年5月20日", "2023年1月9日", "2019年12月16日"):
        assert day in page
    assert "坚持系统观念 强化辩证思维 推动工会工作高质量发展" in page
    for column in Column.objects.all():
        assert column.get_absolute_url() in page
    assert f"<strong>{Article.objects.public().count()}</strong>篇文章" in page
    assert f'action="{reverse("search:search")}"' in page and 'name="q"' in page
    # Columns appear in their printed order, 观点 first.
    assert (
        page.index(">观点</a>")
        < page.index(">前沿观察</a>")
        < page.index(">观点撷英</a>")
    )


def test_issue_list_has_a_year_and_month_calendar(client, seed):
    page = html(client.get(reverse("articles:issue_list")))
    for year, month in ((2024, 5), (2023, 1), (2019, 12)):
        assert reverse("articles:issue_month", args=[year, month]) in page
    assert page.index("2024年") < page.index("2023年") < page.index("2019年")
    month = html(client.get(reverse("articles:issue_month", args=[2023, 1])))
    assert "主动担当作为 在谱写贵州现代化新篇章中发挥工会作用" in month
    assert "扎实推进智慧工会建设" not in month
    year = html(client.get(reverse("articles:issue_year", args=[2019])))
    assert "扎实推进智慧工会建设" in year


def test_empty_year_or_month_and_impossible_month_are_404(client, seed):
    assert client.get(reverse("articles:issue_year", args=[2001])).status_code == 404
    assert (
        client.get(reverse("articles:issue_month", args=[2024, 6])).status_code == 404
    )
    assert (
        client.get(reverse("articles:issue_month", args=[2024, 13])).status_code == 404
    )


def test_undated_issue_is_reachable_under_date_pending(client, make_article):
    article = make_article(title="日期未知的一篇")
    page = html(client.get(reverse("articles:issue_list")))
    assert "日期待定" in page and article.issue.get_absolute_url() in page
    detail = html(client.get(article.issue.get_absolute_url()))
    assert "出版日期待定" in detail and "日期未知的一篇" in detail


def test_issue_page_is_a_table_of_contents_by_column_in_printed_order(client, seed):
    page = html(client.get(seed[date(2024, 5, 20)].get_absolute_url()))
    assert "<h1>2024年5月20日" in page and "第7版" in page
    headings = re.findall(r'<h2 id="toc-\d+"><a [^>]*>([^<]+)', page)
    assert headings == ["观点", "观点撷英", "热点思考", "工作研究"]
    # The graphic has no column: it stands between the groups with its badge.
    assert (
        page.index("观点</a></h2>")
        < page.index("kind-graphic")
        < page.index("观点撷英</a></h2>")
    )
    titles = [
        a.title
        for a in Article.objects.filter(issue=seed[date(2024, 5, 20)]).order_by(
            "position"
        )
    ]
    positions = [page.index(t) for t in titles]
    assert positions == sorted(positions)
    # The next page in time is linked from the older one.
    older = html(client.get(seed[date(2023, 1, 9)].get_absolute_url()))
    assert seed[date(2024, 5, 20)].get_absolute_url() in older
    assert seed[date(2019, 12, 16)].get_absolute_url() in older


def test_issue_page_shows_kind_badges(client, seed):
    page = html(client.get(seed[date(2019, 12, 16)].get_absolute_url()))
    assert "发挥工会在国家治理体系和治理能力现代化中的作用" in page
    assert '<span class="badge kind-report">报道</span>' in page
    assert '<span class="badge kind-graphic">图解</span>' in html(
        client.get(seed[date(2024, 5, 20)].get_absolute_url())
    )


def test_column_page_has_description_and_newest_first(client, seed):
    column = Column.objects.get(name="观点")
    page = html(client.get(column.get_absolute_url()))
    assert column.description in page
    newest = page.index("坚持系统观念 强化辩证思维")
    middle = page.index("主动担当作为 在谱写贵州现代化新篇章中发挥工会作用")
    oldest = page.index("扎实推进智慧工会建设")
    assert newest < middle < oldest


def test_column_page_is_paginated(client, make_issue, make_article):
    column = Column.objects.get(name="工作研究")
    for i in range(selectors.PAGE_SIZE + 3):
        make_article(
            issue=make_issue(publication_date=date(2020, 1, 1) + timedelta(days=i)),
            column=column,
            title=f"第{i:02d}篇研究",
        )
    first = html(client.get(column.get_absolute_url()))
    second = html(client.get(column.get_absolute_url() + "?page=2"))
    assert "第22篇研究" in first and "第00篇研究" not in first
    assert "第00篇研究" in second and "第 2 页，共 2 页" in second


def test_article_page_shows_kicker_lede_authors_source_and_column(client, seed):
    article = article_titled("在谱写贵州现代化新篇章中发挥工会作用")
    page = html(client.get(article.get_absolute_url()))
    assert '<p class="kicker" data-report-source>认真学习贯彻党的二十大精神</p>' in page
    assert '<aside class="lede" aria-label="观点提要">' in page
    assert article.lede in page
    for authorship in article.authorships.select_related("author", "affiliation"):
        assert (
            f'href="{authorship.author.get_absolute_url()}">{authorship.author.name}</a>'
            in page
        )
        assert authorship.affiliation.name in page
        assert authorship.role in page
    assert "2023年1月9日" in page and "第7版" in page
    assert article.column.get_absolute_url() in page
    for paragraph in article.paragraphs[:3]:
        assert paragraph in page


def test_article_page_links_earlier_and_later_in_its_column(client, seed):
    middle = article_titled("在谱写贵州现代化新篇章中发挥工会作用")
    later = article_titled("坚持系统观念 强化辩证思维")
    page = html(client.get(middle.get_absolute_url()))
    nav = page[page.index('aria-label="同栏目前后文章"') :]
    earlier = (
        Article.objects.filter(
            column=middle.column, issue__publication_date=date(2019, 12, 16)
        )
        .order_by("-position")
        .first()
    )
    assert f'rel="prev" href="{earlier.get_absolute_url()}"' in nav
    assert f'rel="next" class="next" href="{later.get_absolute_url()}"' in nav


def test_proofreading_notice_only_until_verified(client, make_article):
    raw = make_article(status=Article.Status.RAW)
    reviewing = make_article(status=Article.Status.IN_REVIEW)
    verified = make_article(status=Article.Status.VERIFIED)
    assert "校对状态：未校对" in html(client.get(raw.get_absolute_url()))
    assert "校对状态：校对中" in html(client.get(reviewing.get_absolute_url()))
    assert "校对状态：" not in html(client.get(verified.get_absolute_url()))


def test_article_body_keeps_paragraphs_subheads_lists_and_attributions(
    client, make_article
):
    article = make_article(
        body=(
            "第一段正文，讲道理。\n\n主要措施及成效\n\n- 甲项\n\n- 乙项\n\n"
            "引述的话。\n\n——某大学教授 某人"
        )
    )
    page = html(client.get(article.get_absolute_url()))
    assert "<p>第一段正文，讲道理。</p>" in page
    assert '<h2 class="subhead">主要措施及成效</h2>' in page
    assert "<ul><li>甲项</li><li>乙项</li></ul>" in page
    assert '<p class="attribution">——某大学教授 某人</p>' in page


# ---------------------------------------------------------------- only what is public


@pytest.fixture
def hidden(make_issue, make_article):
    """An article that is not public, by an author and affiliation that have nothing else."""
    province = Province.objects.get(short_name="西藏")
    article = make_article(
        issue=make_issue(publication_date=date(2022, 2, 2)),
        column=Column.objects.get(name="热点思考"),
        title="尚未公开的文章",
        published=False,
    )
    Authorship.objects.create(
        article=article,
        author=Author.objects.create(name="隐名"),
        affiliation=Affiliation.objects.create(name="隐秘单位", province=province),
    )
    return article


def test_unpublished_article_and_its_only_author_affiliation_and_page_are_404(
    client, hidden
):
    authorship = hidden.authorships.get()
    for url in (
        hidden.get_absolute_url(),
        reverse("articles:report_error", args=[hidden.pk]),
        authorship.author.get_absolute_url(),
        authorship.affiliation.get_absolute_url(),
        hidden.issue.get_absolute_url(),
        reverse("articles:issue_month", args=[2022, 2]),
    ):
        assert client.get(url).status_code == 404, url


def test_unpublished_article_is_listed_nowhere(client, seed, hidden):
    province = Province.objects.get(short_name="西藏")
    urls = [
        "/",
        reverse("articles:issue_list"),
        reverse("articles:column_list"),
        hidden.column.get_absolute_url(),
        reverse("articles:author_list"),
        reverse("articles:affiliation_list"),
        reverse("articles:province_list"),
        province.get_absolute_url(),
        reverse("sitemap_section", args=["articles"]),
        reverse("sitemap_section", args=["authors"]),
    ]
    for article in Article.objects.public():
        urls.append(article.get_absolute_url())
    for url in urls:
        page = html(client.get(url))
        assert "尚未公开的文章" not in page, url
        assert "隐名" not in page and "隐秘单位" not in page, url
        assert hidden.get_absolute_url() not in page, url


def test_missing_objects_are_404(client, db):
    for url in (
        "/article/999999/",
        "/issue/999999/",
        "/columns/no-such-column/",
        "/authors/999999/",
        "/affiliations/999999/",
        "/provinces/火星/",
        "/nothing-here/",
    ):
        assert client.get(url).status_code == 404, url


def test_404_page_is_friendly_and_in_chinese(client, db):
    response = client.get("/article/999999/")
    page = html(response)
    assert response.status_code == 404
    assert "没有找到这个页面" in page and 'lang="zh-CN"' in page and 'name="q"' in page


def test_500_page_needs_no_database_and_no_context(db, django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = server_error(request)
    page = html(response)
    assert response.status_code == 500
    assert "服务器出了点问题" in page and "/static/css/site.css" in page


def test_robots_txt_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    body = html(response)
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_pages_send_a_content_security_policy_and_use_no_inline_code(client, seed):
    article = Article.objects.public().first()
    author = Author.objects.get(name="桑维亮")
    for url in (
        "/",
        article.get_absolute_url(),
        author.get_absolute_url(),
        reverse("articles:province_list"),
    ):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        page = html(response)
        assert "style=" not in page
        assert not re.search(
            r"<script(?![^>]*\b(?:src=|type=\"application/(?:ld\+)?json\"))[^>]*>", page
        )
        assert not re.search(r"\son[a-z]+=", page)
