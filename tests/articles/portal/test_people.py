"""Portal reads for people and places: who is listed, in which order, with what counts."""

from datetime import date

import pytest
from django.http import Http404

from articles.models import Affiliation, Article, Author, Authorship, Province
from articles.portal import people
from tests.seed import find

pytestmark = pytest.mark.django_db


def names(rows) -> list[str]:
    return [row.name for row in rows]


# ---------------------------------------------------------------- authors


def test_author_index_is_in_pinyin_with_initials_and_counts(seed):
    authors = list(people.author_index())
    assert [a.sort_key for a in authors] == sorted(a.sort_key for a in authors)
    assert all(a.initial == a.sort_key[0].upper() for a in authors)
    counts = {a.name: a.article_count for a in authors}
    assert counts["张菁"] == 3 and counts["李长安"] == 1
    # Experts a digest only quotes are named on its page, never listed as authors.
    assert "林尚立" not in counts and "郑功成" not in counts


def test_author_index_by_count_and_by_initial(seed):
    by_count = list(people.author_index(sort="count"))
    assert by_count[0].name == "张菁"
    counts = [a.article_count for a in by_count]
    assert counts == sorted(counts, reverse=True)
    assert names(people.author_index("Z")) == ["张菁", "张青", "郑荣胜"]
    assert names(people.author_index("Z", "count"))[0] == "张菁"


def test_name_sort_accepts_only_the_listed_orders():
    assert people.name_sort("count") == "count"
    assert people.name_sort("pinyin") == "pinyin"
    assert people.name_sort("-pk") == "pinyin" and people.name_sort(None) == "pinyin"


def test_author_initials_follow_public_articles(seed):
    assert people.author_initials() == ["G", "L", "S", "T", "W", "X", "Z"]
    (only_s,) = Article.objects.filter(authorships__author__name="桑维亮")
    Article.objects.filter(pk=only_s.pk).update(published=False)
    assert "S" not in people.author_initials()


def test_author_page_of_a_quoted_expert_is_404(seed):
    with pytest.raises(Http404):
        people.author_page(Author.objects.get(name="林尚立").pk)


def test_author_page_spans_an_institution_over_the_dates_it_was_printed(
    make_issue, make_article
):
    author = Author.objects.create(name="周明")
    school = Affiliation.objects.create(name="某某大学")
    for day in (date(2020, 3, 1), date(2022, 6, 1), None):
        article = make_article(make_issue(publication_date=day), title=f"文{day}")
        Authorship.objects.create(
            article=article, author=author, affiliation=school, role="教授"
        )
    page = people.author_page(author.pk)
    (span,) = page.affiliations
    assert (span.first, span.last, span.count) == (
        date(2020, 3, 1),
        date(2022, 6, 1),
        3,
    )
    assert span.roles == ["教授"]
    # Newest first, the undated page last.
    dates = [e.article.issue.publication_date for e in page.articles]
    assert dates == [date(2022, 6, 1), date(2020, 3, 1), None]


# ---------------------------------------------------------------- institutions and provinces


def test_affiliation_index_groups_by_province_code_then_pinyin(seed, make_article):
    Authorship.objects.create(
        article=make_article(),
        author=Author.objects.create(name="无名"),
        affiliation=Affiliation.objects.create(name="阿里研究院"),
    )
    rows = people.affiliation_index()
    codes = [a.province.code for a in rows if a.province]
    assert codes == sorted(codes)
    assert rows[-1].name == "阿里研究院"  # no province: after every province
    beijing = [a.name for a in rows if a.province and a.province.short_name == "北京"]
    assert beijing == ["对外经济贸易大学", "全国总工会网络工作部", "中国劳动关系学院"]


def test_an_institution_named_only_by_office_has_no_authors(seed):
    office = people.public_affiliation(Affiliation.objects.get(name="山西省总工会").pk)
    assert people.authors_through(affiliation=office) == []
    assert people.articles_through(affiliation=office).count() == 1
    school = Affiliation.objects.get(name="中国劳动关系学院")
    assert [
        (a.name, a.article_count) for a in people.authors_through(affiliation=school)
    ] == [("闻效仪", 1)]


def test_an_institution_only_quoted_has_no_page(seed):
    with pytest.raises(Http404):
        people.public_affiliation(Affiliation.objects.get(name="中国人民大学").pk)


def test_province_index_most_articles_first(seed):
    rows = [p for p in people.province_index() if p.article_count]
    assert (rows[0].short_name, rows[0].article_count, rows[0].author_count) == (
        "北京",
        4,
        3,
    )
    assert [p.article_count for p in rows] == sorted(
        (p.article_count for p in rows), reverse=True
    )
    assert len(people.province_index()) == Province.objects.count()


def test_province_reads_and_the_unplaced_count(seed):
    beijing = Province.objects.get(short_name="北京")
    articles = list(people.articles_through(affiliation__province=beijing))
    assert len(articles) == 4
    dates = [a.issue.publication_date for a in articles]
    assert dates == sorted(dates, reverse=True)
    assert names(people.province_affiliations(beijing)) == [
        "对外经济贸易大学",
        "全国总工会网络工作部",
        "中国劳动关系学院",
    ]
    assert len(people.authors_through(affiliation__province=beijing)) == 3
    assert people.articles_without_province() == 4
    hidden = find({a.title: a for a in articles}, "双创")
    Article.objects.filter(pk=hidden.pk).update(published=False)
    assert people.articles_through(affiliation__province=beijing).count() == 3
