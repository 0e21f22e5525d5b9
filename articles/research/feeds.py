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

from archive.site import absolute_url
from articles.models import Article, Column
from articles.research import citations
from articles.research.oai_protocol import xml_text

# Said in the summary of an article whose page is undated: its date is another kind.
UNDATED_NOTE = "（刊期未详，此处日期为本文在档案中公开的时间。）"
DC = "http://purl.org/dc/elements/1.1/"


class PeopleRss(Rss201rev2Feed):
    """RSS with one dc:creator per responsible person (Django writes only the first)."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item.get("co_authors", ()):
            handler.addQuickElement("dc:creator", name, {"xmlns:dc": DC})


class PeopleAtom(Atom1Feed):
    """Atom with one author element per responsible person (RFC 4287, 4.2.1)."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item.get("co_authors", ()):
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")


def people(article: Article) -> list[str]:
    """Who an entry names as its authors: the responsible people, else the newspaper."""
    return [xml_text(n) for n in citations.cited_names(article)] or [
        settings.NEWSPAPER_NAME
    ]


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
    if article.issue.publication_date is None:
        text = f"{UNDATED_NOTE}{text}"
    return escape(xml_text(text))


class ArticlesRss(Feed):
    feed_type = PeopleRss

    def author_name(self, column=None):
        # The feed's own author: entries without a named person are the newspaper's.
        return settings.NEWSPAPER_NAME

    def title(self, column=None):
        return xml_text(
            f"{settings.SITE_TITLE}：{column.name if column else '最新文章'}"
        )

    def link(self, column=None):
        # Under SITE_URL when set; else Django adds the request's host.
        url = absolute_url(reverse("research:article_list"))
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
        return absolute_url(item.get_absolute_url())

    def item_author_name(self, item):
        return people(item)[0]

    def item_extra_kwargs(self, item):
        return {"co_authors": people(item)[1:]}

    def item_categories(self, item):
        return [xml_text(item.column.name)] if item.column_id else []

    def item_pubdate(self, item):
        # The printed date (start of day in the paper's time zone); an undated page's
        # article is dated by when it became public (and its summary says so), never
        # by an invented day nor by a later edit.
        day = item.issue.publication_date
        if day is None:
            return item.public_since or item.created_at
        return timezone.make_aware(
            datetime.combine(day, time()), timezone.get_default_timezone()
        )

    def item_updateddate(self, item):
        return item.updated_at


class ArticlesAtom(ArticlesRss):
    feed_type = PeopleAtom

    def subtitle(self, column=None):
        return self.description(column)


class ColumnMixin:
    def get_object(self, request, slug):
        return get_object_or_404(Column, slug=slug)


class ColumnRss(ColumnMixin, ArticlesRss):
    pass


class ColumnAtom(ColumnMixin, ArticlesAtom):
    pass
