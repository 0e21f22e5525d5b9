"""Every OCR-derived string is rendered escaped on every public page."""

from datetime import date

import pytest
from django.urls import reverse

from articles.models import Affiliation, Article, Author, Authorship, Column, Province

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
RAW = ("<script>alert(1)", "<img src=x onerror", "onerror=alert(1)>")
ESCAPED = (
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&lt;img src=x onerror=alert(1)&gt;",
)


@pytest.fixture
def hostile(make_issue):
    """An archive whose every OCR-derived field carries markup payloads."""
    province = Province.objects.get(short_name="广东")
    column = Column.objects.get(name="前沿观察")
    issue = make_issue(publication_date=date(2024, 5, 20), page_label=f"第7版{IMG}")
    articles = []
    for position in (1, 2):
        body = f"第一段{SCRIPT}正文。\n\n{IMG}\n\n- 列表{SCRIPT}\n\n——专家{IMG}"
        articles.append(
            Article.objects.create(
                issue=issue,
                column=column,
                position=position,
                kind=Article.Kind.ARTICLE if position == 1 else Article.Kind.DIGEST,
                kicker=f"引题{SCRIPT}",
                title=f"标题{position}{SCRIPT}{IMG}",
                lede=f"提要{SCRIPT}{IMG}",
                body=body,
                original_ocr=body,
            )
        )
    author = Author.objects.create(name=f"作者{IMG}")
    coauthor = Author.objects.create(name=f"合{SCRIPT}")
    affiliation = Affiliation.objects.create(
        name=f"单位{SCRIPT}{IMG}", province=province
    )
    for article in articles:
        Authorship.objects.create(
            article=article,
            author=author,
            affiliation=affiliation,
            role=f"职务{SCRIPT}{IMG}",
        )
        Authorship.objects.create(
            article=article, author=coauthor, affiliation=affiliation, order=2
        )
        # An author the page names only by office.
        Authorship.objects.create(
            article=article, affiliation=affiliation, role=f"主席{IMG}", order=3
        )
        Authorship.objects.create(
            article=article,
            author=coauthor,
            role=f"制图{SCRIPT}",
            contribution="credit",
        )
        Authorship.objects.create(
            article=article, author=author, role=f"教授{IMG}", contribution="quoted"
        )
    return {
        "issue": issue,
        "articles": articles,
        "author": author,
        "affiliation": affiliation,
    }


# Index pages that print no OCR-derived text: checked for raw payloads only.
NO_OCR_TEXT = {"/issues/", "/columns/", "/provinces/"}


def public_urls(data) -> list[str]:
    article = data["articles"][0]
    province = data["affiliation"].province
    return [
        "/",
        reverse("articles:issue_list"),
        reverse("articles:issue_year", args=[2024]),
        reverse("articles:issue_month", args=[2024, 5]),
        data["issue"].get_absolute_url(),
        reverse("articles:column_list"),
        article.column.get_absolute_url(),
        article.get_absolute_url(),
        data["articles"][1].get_absolute_url(),
        reverse("articles:report_error", args=[article.pk]) + f"?text={SCRIPT}{IMG}",
        reverse("articles:author_list"),
        data["author"].get_absolute_url(),
        reverse("articles:affiliation_list"),
        data["affiliation"].get_absolute_url(),
        reverse("articles:province_list"),
        province.get_absolute_url(),
    ]


def assert_escaped(page: str, url: str) -> None:
    for raw in RAW:
        assert raw not in page, f"{url} renders {raw!r} unescaped"
    if url not in NO_OCR_TEXT:
        assert any(escaped in page for escaped in ESCAPED), (
            f"{url} shows no escaped payload"
        )


def test_every_public_page_escapes_ocr_text(client, hostile):
    for url in public_urls(hostile):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.content.decode(), url)


def test_a_refused_report_echoes_the_reader_input_escaped(client, hostile):
    article = hostile["articles"][0]
    response = client.post(
        reverse("articles:report_error", args=[article.pk]),
        {"selected_text": f"不在文中{SCRIPT}", "suggestion": IMG, "comment": SCRIPT},
    )
    assert response.status_code == 400
    assert_escaped(response.content.decode(), "report form")


def test_a_payload_in_the_address_is_escaped_on_the_404_page(client, db):
    response = client.get(f"/article/{SCRIPT}/")
    assert response.status_code == 404
    for raw in RAW:
        assert raw not in response.content.decode()


def test_sitemap_and_robots_carry_no_markup(client, hostile):
    for url in (
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-authors.xml",
        "/robots.txt",
    ):
        body = client.get(url).content.decode()
        for raw in RAW:
            assert raw not in body, url
