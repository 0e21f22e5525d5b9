"""RSS and Atom feeds parse as XML, carry the newest public articles with their lede, per
column too."""

import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.test import override_settings
from django.urls import reverse
from lxml import html

from articles.models import Article
from tests.seed import find

pytestmark = pytest.mark.django_db
ATOM = {"a": "http://www.w3.org/2005/Atom"}


def fetch(client, name, *args) -> ET.Element:
    response = client.get(reverse(f"research:{name}", args=args))
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314 (our own response); raises if ill-formed


def test_rss_lists_newest_articles_with_lede_as_description(seed, client):
    channel = fetch(client, "feed_rss").find("channel")
    items = channel.findall("item")
    assert len(items) == Article.objects.public().count()
    first = items[0]
    assert first.findtext("pubDate").endswith("+0800")
    assert "2024" in first.findtext("pubDate")
    by_title = {i.findtext("title"): i for i in items}
    item = by_title["推动“双创”活动持续发展的政策建议"]
    assert item.findtext("description") == find(seed, "双创").lede
    assert (
        item.findtext("link") == f"http://testserver/article/{find(seed, '双创').pk}/"
    )
    assert item.findtext("category") == "观点"
    # An article without a lede is summarised by its opening words.
    graphic = by_title["重点群体创业 推进行动来了！"]
    assert graphic.findtext("description")


def test_atom_feed(seed, client):
    feed = fetch(client, "feed_atom")
    entries = feed.findall("a:entry", ATOM)
    assert len(entries) == 14
    entry = next(
        e
        for e in entries
        if e.findtext("a:title", namespaces=ATOM) == "推动“双创”活动持续发展的政策建议"
    )
    assert entry.findtext("a:summary", namespaces=ATOM) == find(seed, "双创").lede
    # One author element per person, in printed order.
    assert [a.text for a in entry.findall("a:author/a:name", ATOM)] == [
        "李长安",
        "刘娜",
    ]
    assert (
        entry.find("a:updated", ATOM) is not None
        and entry.find("a:published", ATOM) is not None
    )


def test_column_feeds(seed, client):
    rss = fetch(client, "column_feed_rss", "redian-sikao")
    assert {i.findtext("title") for i in rss.iter("item")} == {
        find(seed, "枫桥经验").title,
        find(seed, "萃取传统文化").title,
    }
    atom = fetch(client, "column_feed_atom", "redian-sikao")
    assert len(atom.findall("a:entry", ATOM)) == 2
    assert "热点思考" in atom.findtext("a:title", namespaces=ATOM)
    assert (
        client.get(reverse("research:column_feed_rss", args=["nope"])).status_code
        == 404
    )


@override_settings(FEED_ITEMS=3)
def test_feed_length_is_a_setting_and_hides_unpublished(seed, client):
    hidden = find(seed, "坚持系统观念")
    Article.objects.filter(pk=hidden.pk).update(published=False)
    titles = [i.findtext("title") for i in fetch(client, "feed_rss").iter("item")]
    assert len(titles) == 3 and hidden.title not in titles


def test_hostile_text_stays_well_formed(client, make_article):
    make_article(title="<b>粗体</b>\x01标题", lede="提要\x0c有控制字符 & <script>")
    item = fetch(client, "feed_rss").find("channel/item")
    assert item.findtext("title") == "<b>粗体</b>标题"
    # The description is HTML: the text escaped once more (see the feedparser test).
    # (An undated page's article first says its date is when it became public.)
    assert item.findtext("description").endswith("提要有控制字符 &amp; &lt;script&gt;")


def as_text(detail) -> str:
    """What a feed reader shows of a feedparser text construct."""
    if detail.type == "text/plain":
        return detail.value
    return html.fragment_fromstring(detail.value, create_parent="div").text_content()


@pytest.mark.parametrize("name", ["feed_rss", "feed_atom"])
def test_markup_in_a_lede_reaches_feed_readers_as_text(client, make_article, name):
    """A feed reader (feedparser) shows "<script>" in a lede or title as text."""
    article = make_article(
        title="标题<script>alert(1)</script>\"'&",
        lede="提要<script>alert(1)</script>\"'&<b>粗</b>",
    )
    feed = feedparser.parse(client.get(reverse(f"research:{name}")).content)
    assert not feed.bozo
    (entry,) = feed.entries
    assert entry.link.endswith(f"/article/{article.pk}/")
    assert as_text(entry.summary_detail).endswith(article.lede)
    assert as_text(entry.title_detail) == article.title


def every_feed() -> list[str]:
    from articles.models import Column

    urls = [reverse("research:feed_rss"), reverse("research:feed_atom")]
    for slug in Column.objects.values_list("slug", flat=True):
        urls += [
            reverse("research:column_feed_rss", args=[slug]),
            reverse("research:column_feed_atom", args=[slug]),
        ]
    return urls


def test_every_feed_parses_with_an_author_for_every_entry(seed, client):
    """feedparser reads every feed cleanly; each entry names its people (or the paper)."""
    seen = 0
    for url in every_feed():
        feed = feedparser.parse(client.get(url).content)
        assert not feed.bozo, (url, feed.get("bozo_exception"))
        for entry in feed.entries:
            assert entry.get("authors") and all(a.get("name") for a in entry.authors)
            seen += 1
        if url.endswith(".atom"):
            assert feed.feed.author == "工人日报"
    assert seen >= 2 * Article.objects.public().count()
    atom = feedparser.parse(client.get(reverse("research:feed_atom")).content)
    by_title = {e.title: e for e in atom.entries}
    two = by_title["推动“双创”活动持续发展的政策建议"]
    assert [a.name for a in two.authors] == ["李长安", "刘娜"]
    rss = feedparser.parse(client.get(reverse("research:feed_rss")).content)
    two = next(e for e in rss.entries if e.title == two.title)
    assert [a.name for a in two.authors] == ["李长安", "刘娜"]


def test_a_piece_without_a_named_person_is_the_newspapers(client, make_article):
    make_article(title="无署名短评")
    (entry,) = feedparser.parse(
        client.get(reverse("research:feed_atom")).content
    ).entries
    assert [a.name for a in entry.authors] == ["工人日报"]


def test_an_undated_article_is_dated_when_it_became_public_and_says_so(
    client, make_article, make_issue
):
    from datetime import UTC, datetime

    article = make_article(issue=make_issue(publication_date=None), lede="提要")
    became_public = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    Article.objects.filter(pk=article.pk).update(
        public_since=became_public, created_at=datetime(2025, 1, 1, tzinfo=UTC)
    )
    (entry,) = feedparser.parse(
        client.get(reverse("research:feed_atom")).content
    ).entries
    assert entry.published_parsed[:5] == (2026, 3, 1, 8, 0)
    assert as_text(entry.summary_detail).startswith(
        "（刊期未详，此处日期为本文在档案中公开的时间。）"
    )


def test_column_pages_announce_their_feeds(seed, client):
    from articles.models import Column

    column = Column.objects.get(slug="redian-sikao")
    page = html.fromstring(client.get(column.get_absolute_url()).content)
    links = {
        link.get("type"): link.get("href")
        for link in page.xpath('//head/link[@rel="alternate"]')
    }
    assert links == {
        "application/atom+xml": reverse(
            "research:column_feed_atom", args=[column.slug]
        ),
        "application/rss+xml": reverse("research:column_feed_rss", args=[column.slug]),
    }
    feed = feedparser.parse(client.get(links["application/atom+xml"]).content)
    assert not feed.bozo and len(feed.entries) == 2
