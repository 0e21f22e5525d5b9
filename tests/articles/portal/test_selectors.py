"""Portal reads: neighbours in a column, related articles, who has a page of their own."""

from datetime import date

import pytest

from articles.models import Article, Author, Authorship
from articles.portal import selectors
from articles.querysets import bylines_of
from tests.seed import find

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def test_related_articles_share_authors_or_key_terms(client, seed):
    article = find(seed, "坚持系统观念 强化辩证思维")
    related = selectors.related_articles(article, bylines_of(article))
    assert related and article not in related
    assert all(r.published for r in related)
    page = html(client.get(article.get_absolute_url()))
    assert "相关文章" in page and related[0].get_absolute_url() in page


def test_related_articles_put_the_same_author_first(make_issue, make_article):
    author = Author.objects.create(name="同一人")
    first = make_article(title="甲文章")
    second = make_article(title="毫不相干")
    make_article(title="甲文章续篇")
    for article in (first, second):
        Authorship.objects.create(article=article, author=author)
    related = selectors.related_articles(first, bylines_of(first))
    assert related[0] == second


def test_column_neighbours_walk_dated_pages_then_undated_ones(add_article):
    old = add_article("旧文", column="观点", date=date(2020, 1, 1))
    new = add_article("新文", column="观点", date=date(2024, 1, 1))
    undated = add_article("待定", column="观点")
    assert selectors.column_neighbours(old) == (None, new)
    assert selectors.column_neighbours(new) == (old, undated)
    assert selectors.column_neighbours(undated) == (new, None)


def test_only_people_responsible_for_public_work_have_pages(add_article):
    writer = Author.objects.create(name="执笔人")
    expert = Author.objects.create(name="受访专家")
    article = add_article("撷英", column="观点撷英")
    Authorship.objects.create(article=article, author=writer, contribution="credit")
    Authorship.objects.create(article=article, author=expert, contribution="quoted")
    pages = selectors.people_with_pages(list(article.authorships.all()))
    assert pages.authors == {writer.pk}
    Article.objects.filter(pk=article.pk).update(published=False)
    assert selectors.people_with_pages(list(article.authorships.all())).authors == set()
