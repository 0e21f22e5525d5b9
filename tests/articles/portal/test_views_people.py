"""Public pages of people and places: authors, institutions, provinces and their indexes."""

import re
from datetime import date

import pytest
from django.urls import reverse

from archive.models import Issue
from articles.models import Affiliation, Author, Authorship, Province
from tests.seed import import_seed


@pytest.fixture
def seed(db):
    """The three seed pages, imported as editors would, dated and labelled 第7版."""
    import_seed()
    return {i.publication_date: i for i in Issue.objects.all()}


def html(response) -> str:
    return response.content.decode()


def test_author_page_shows_articles_affiliations_and_coauthors(client, seed):
    author = Author.objects.get(name="桑维亮")
    page = html(client.get(author.get_absolute_url()))
    assert "<h1>桑维亮</h1>" in page
    assert "主动担当作为 在谱写贵州现代化新篇章中发挥工会作用" in page
    affiliation = Affiliation.objects.get(name="贵州省总工会")
    assert affiliation.get_absolute_url() in page
    assert "贵州省人大常委会副主任、省总工会主席" in page
    coauthor = Author.objects.get(name="向忠雄")
    assert f'href="{coauthor.get_absolute_url()}">向忠雄</a>' in page


def test_author_page_lists_affiliations_over_time(client, make_issue, make_article):
    author = Author.objects.create(name="李某")
    old = Affiliation.objects.create(name="甲省总工会")
    new = Affiliation.objects.create(name="乙大学")
    for day, affiliation, role in (
        (date(2019, 3, 1), old, "副主席"),
        (date(2023, 3, 1), new, "教授"),
    ):
        article = make_article(issue=make_issue(publication_date=day))
        Authorship.objects.create(
            article=article, author=author, affiliation=affiliation, role=role
        )
    page = html(client.get(author.get_absolute_url()))
    assert page.index("乙大学") < page.index("甲省总工会")
    assert "2019年3月1日" in page and "2023年3月1日" in page and "副主席" in page


def test_affiliation_page_shows_authors_articles_and_province(client, seed):
    affiliation = Affiliation.objects.get(name="贵州省总工会")
    page = html(client.get(affiliation.get_absolute_url()))
    assert "<h1>贵州省总工会</h1>" in page
    assert Province.objects.get(short_name="贵州").get_absolute_url() in page
    assert "桑维亮" in page and "向忠雄" in page
    assert "主动担当作为" in page


def test_province_index_has_chart_and_table_sorted_by_articles(client, seed):
    page = html(client.get(reverse("articles:province_list")))
    assert '<svg class="bar-chart"' in page and 'role="img"' in page
    assert "<title id=" in page and "<desc id=" in page
    table = page[page.index("<table") :]
    rows = re.findall(
        r'<tr><th scope="row"><a href="[^"]+">([^<]+)</a></th><td>(\d+)</td>', table
    )
    assert rows[0] == ("北京市", str(max(int(n) for _, n in rows)))
    counts = [int(n) for _, n in rows]
    assert counts == sorted(counts, reverse=True)
    assert "贵州省" in [name for name, _ in rows]


def test_province_page_lists_affiliations_authors_and_articles(client, seed):
    page = html(client.get(Province.objects.get(short_name="贵州").get_absolute_url()))
    assert "<h1>贵州省</h1>" in page
    assert "贵州省总工会" in page and "桑维亮" in page and "主动担当作为" in page
    assert "扎实推进智慧工会建设" not in page


def test_author_and_affiliation_indexes_are_sorted_by_pinyin(client, make_article):
    article = make_article()
    for order, name in enumerate(("张三", "曾明", "艾青"), start=1):
        Authorship.objects.create(
            article=article, author=Author.objects.create(name=name), order=order
        )
    for order, name in enumerate(("中国人民大学", "北京大学", "安徽大学"), start=4):
        Authorship.objects.create(
            article=article,
            affiliation=Affiliation.objects.create(name=name),
            order=order,
        )
    authors = html(client.get(reverse("articles:author_list")))
    assert authors.index("艾青") < authors.index("曾明") < authors.index("张三")
    affiliations = html(client.get(reverse("articles:affiliation_list")))
    assert (
        affiliations.index("安徽大学")
        < affiliations.index("北京大学")
        < affiliations.index("中国人民大学")
    )


def test_author_index_filters_by_initial(client, make_article):
    article = make_article()
    for order, name in enumerate(("张三", "艾青"), start=1):
        Authorship.objects.create(
            article=article, author=Author.objects.create(name=name), order=order
        )
    page = html(client.get(reverse("articles:author_list") + "?initial=z"))
    assert "张三" in page and "艾青" not in page
    assert (
        html(client.get(reverse("articles:author_list") + "?initial=<x>")).count("艾青")
        == 1
    )


def test_author_index_groups_by_initial_and_sorts_by_count(client, seed):
    grouped = html(client.get(reverse("articles:author_list")))
    headings = re.findall(r'<h2 id="letter-\d+">(\w)</h2>', grouped)
    assert headings == ["G", "L", "S", "T", "W", "X", "Z"]
    assert "林尚立" not in grouped  # quoted in a digest, never an author
    response = client.get(reverse("articles:author_list"), {"sort": "count"})
    by_count = html(response)
    assert '<strong aria-current="true">文章数</strong>' in by_count
    assert 'id="letter-' not in by_count
    assert by_count.index("张菁") < by_count.index("甘卫斌")
    assert response.context["page"][0].article_count == 3
    # The order survives choosing an initial, and the initial survives the order.
    z = html(
        client.get(reverse("articles:author_list"), {"sort": "count", "initial": "z"})
    )
    assert "甘卫斌" not in z and "张菁" in z
    assert '?sort=pinyin&amp;initial=Z"' in z and '?initial=G&amp;sort=count"' in z
