"""Reference managers take an article from its page: Highwire `citation_*` tags and JSON-LD."""

import extruct
import pytest
from django.test import override_settings

from articles.models import Article, Authorship

pytestmark = pytest.mark.django_db


def metadata(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return extruct.extract(
        response.content.decode(),
        base_url="http://testserver/",
        syntaxes=["json-ld"],
    ), response.content.decode()


def meta_tags(page: str) -> list[tuple[str, str]]:
    from lxml import html

    return [
        (m.get("name"), m.get("content"))
        for m in html.fromstring(page).xpath(
            "//head/meta[starts-with(@name, 'citation_')]"
        )
    ]


@override_settings(SITE_URL="https://archive.example.org")
def test_a_dated_article_carries_every_citation_field(client, archive_in_use):
    article = (
        Article.objects.public()
        .filter(
            issue=archive_in_use.dated,
            authorships__contribution="author",
            authorships__author__isnull=False,
        )
        .distinct()
        .first()
    )
    data, page = metadata(client, article)
    tags = meta_tags(page)
    names = [n for n, _ in tags]
    people = article.authorships.filter(contribution="author", author__isnull=False)
    assert names.count("citation_author") == people.count()
    for person in people:
        i = tags.index(("citation_author", person.author.name))
        if person.affiliation_id:
            assert tags[i + 1] == (
                "citation_author_institution",
                person.affiliation.name,
            )
    values = dict(tags)
    assert values["citation_title"] == " ".join(article.title.split())
    assert values["citation_publication_date"] == "2024/05/20"
    assert values["citation_firstpage"] == "7"
    assert values["citation_journal_title"] == "工人日报"
    assert values["citation_language"] == "zh"
    url = f"https://archive.example.org{article.get_absolute_url()}"
    assert values["citation_public_url"] == url
    (news,) = data["json-ld"]
    assert news["@type"] == "NewsArticle" and news["url"] == url
    assert news["datePublished"] == "2024-05-20"
    assert [a["name"] for a in news["author"]] == [p.author.name for p in people]
    assert all(a["@type"] == "Person" for a in news["author"])


def test_an_undated_article_invents_no_date_or_page(client, archive_in_use):
    article = Article.objects.public().filter(issue=archive_in_use.undated).first()
    data, page = metadata(client, article)
    names = {n for n, _ in meta_tags(page)}
    assert "citation_publication_date" not in names
    assert "citation_firstpage" not in names
    assert "datePublished" not in data["json-ld"][0]


def test_markup_in_the_text_cannot_close_the_json_ld_block(client, archive_in_use):
    data, page = metadata(client, archive_in_use.payload_article)
    assert (
        "</script><"
        not in page.split('type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    )
    assert "<script>alert(1)</script>" in data["json-ld"][0]["headline"]
    person = Authorship.objects.get(article=archive_in_use.payload_article).author
    assert data["json-ld"][0]["author"][0]["name"] == person.name
