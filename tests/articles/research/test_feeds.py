"""RSS and Atom feeds parse as XML, carry the newest public articles with their lede, per column too."""

import xml.etree.ElementTree as ET

import pytest
from django.test import override_settings
from django.urls import reverse

from articles.models import Article
from tests.seed import find, import_seed

pytestmark = pytest.mark.django_db
ATOM = {"a": "http://www.w3.org/2005/Atom"}


@pytest.fixture
def seed():
    return import_seed()


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
    assert entry.findtext("a:author/a:name", namespaces=ATOM) == "李长安、刘娜"
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
    assert item.findtext("description") == "提要有控制字符 & <script>"
