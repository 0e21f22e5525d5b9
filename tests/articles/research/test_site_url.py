"""With SITE_URL set, every absolute link written for others (exports, OAI-PMH, feeds, API) is
under it."""

import xml.etree.ElementTree as ET

import feedparser
import pytest
import rispy
from django.urls import reverse

pytestmark = pytest.mark.django_db
SITE = "https://archive.example.org"
NS = {
    "oai": "http://www.openarchives.org/OAI/2.0/",
    "dc": "http://purl.org/dc/elements/1.1/",
}


@pytest.fixture
def article(make_article, settings):
    settings.SITE_URL = SITE
    return make_article(title="网址测试")


def test_exports_oai_feeds_and_api_link_to_the_public_address(client, article):
    page = f"{SITE}/article/{article.pk}/"
    ris = b"".join(
        client.get(reverse("research:export_list", args=["ris"])).streaming_content
    )
    assert rispy.loads(ris.decode("utf-8-sig"))[0]["urls"] == [page]

    oai = ET.fromstring(  # noqa: S314 (our own response)
        client.get(
            reverse("research:oai"), {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
        ).content
    )
    assert oai.findtext("oai:request", namespaces=NS) == f"{SITE}/oai"
    assert oai.findtext(".//dc:identifier", namespaces=NS) == page

    feed = feedparser.parse(client.get(reverse("research:feed_atom")).content)
    assert feed.entries[0].link == page
    assert feed.feed.link.startswith(f"{SITE}/articles/")

    detail = client.get(f"/api/articles/{article.pk}/").json()
    assert page in detail.values()
