"""RSS and Atom feeds of the newest public articles, for the whole archive and per column."""

from datetime import datetime, time

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.text import Truncator

from articles.models import Article, Column
from articles.research import citations
from articles.research.oai_protocol import xml_text


def feed_items(column: Column | None = None):
    articles = Article.objects.public()
    if column is not None:
        articles = articles.filter(column=column)
    return list(articles.for_listing().newest_first()[: settings.FEED_ITEMS])


def summary(article: Article) -> str:
    """The lede (an article without one: its opening words), escaped as HTML.

    RSS descriptions and Django's Atom summaries are HTML (type="html"): escaped, the
    text reaches a feed reader as the text it is, "<script>" included, never as markup.
    """
    text = article.lede or Truncator(next(iter(article.paragraphs), "")).chars(140)
    return escape(xml_text(text))


class ArticlesRss(Feed):
    feed_type = Rss201rev2Feed

    def title(self, column=None):
        return xml_text(
            f"{settings.SITE_TITLE}：{column.name if column else '最新文章'}"
        )

    def link(self, column=None):
        url = reverse("research:article_list")
        return f"{url}?column={column.slug}" if column else url

    def description(self, column=None):
        where = f"“{column.name}”栏目" if column else "理论版"
        return xml_text(f"{settings.NEWSPAPER_NAME}{where}的最新文章，按出版日期排列。")

    def items(self, column=None):
        return feed_items(column)

    def item_title(self, item):
        return xml_text(citations.clean_title(item.title))

    def item_description(self, item):
        return summary(item)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_author_name(self, item):
        return xml_text("、".join(citations.cited_names(item))) or None

    def item_categories(self, item):
        return [xml_text(item.column.name)] if item.column_id else []

    def item_pubdate(self, item):
        # The printed date (start of day in the paper's time zone); an undated page's
        # article is dated by its import instead of an invented day.
        day = item.issue.publication_date
        if day is None:
            return item.created_at
        return timezone.make_aware(
            datetime.combine(day, time()), timezone.get_default_timezone()
        )

    def item_updateddate(self, item):
        return item.updated_at


class ArticlesAtom(ArticlesRss):
    feed_type = Atom1Feed

    def subtitle(self, column=None):
        return self.description(column)


class ColumnMixin:
    def get_object(self, request, slug):
        return get_object_or_404(Column, slug=slug)


class ColumnRss(ColumnMixin, ArticlesRss):
    pass


class ColumnAtom(ColumnMixin, ArticlesAtom):
    pass
