"""A search narrowed by a date range opens as the same selection in the filtered list, and exports
its results in every format (read back with rispy and bibtexparser)."""

from datetime import date

import bibtexparser
import pytest
import rispy
from django.urls import reverse
from lxml import html

from articles.models import Article

pytestmark = pytest.mark.django_db
URL = reverse("search:search")


@pytest.fixture
def archive(add_article, search_index):
    for title, day, column in (
        ("工会工作的枫桥经验", date(2024, 5, 20), "热点思考"),
        ("枫桥经验在基层", date(2023, 1, 9), "热点思考"),
        ("枫桥经验的由来", date(2019, 12, 16), "热点思考"),
        ("枫桥经验与观点", date(2023, 3, 1), "观点"),
        ("智慧工会建设", date(2023, 1, 9), "观点"),
        ("日期未详的枫桥经验", None, "热点思考"),
    ):
        add_article(
            title,
            "坚持和发展新时代枫桥经验。" if "枫桥" in title else "智慧工会。",
            date=day,
            column=column,
            people=[
                {"name": "王君伟", "affiliation": "山东省总工会", "province": "山东"}
            ],
        )
    search_index.rebuild()


def page(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return html.fromstring(response.content.decode())


def titles(doc) -> set[str]:
    return {a.text_content() for a in doc.cssselect(".result .entry-title")}


def test_a_date_range_narrows_the_results_and_can_be_removed(client, archive):
    doc = page(client, q="枫桥经验", year_from="2020", year_to="2023")
    assert titles(doc) == {"枫桥经验在基层", "枫桥经验与观点"}
    assert doc.get_element_by_id("search-year-from").get("value") == "2020"
    (chip,) = [
        c for c in doc.cssselect(".active-filters .chip") if "年份" in c.text_content()
    ]
    assert "2020–2023" in chip.text_content()
    assert len(titles(page(client, **dict_of(chip.get("href"))))) == 5
    # Only a start; then the facet's years within the range.
    assert titles(page(client, q="枫桥经验", year_from="2024")) == {
        "工会工作的枫桥经验"
    }
    assert titles(
        page(client, q="枫桥经验", year_to="2019", year=["2019", "2024"])
    ) == {"枫桥经验的由来"}
    assert titles(page(client, q="枫桥经验", year_from="2024", year="2019")) == set()


def dict_of(url: str) -> dict:
    from urllib.parse import parse_qs, urlparse

    return parse_qs(urlparse(url).query)


def test_facet_links_keep_the_range_and_nonsense_years_are_dropped(client, archive):
    doc = page(client, q="枫桥经验", year_from="2020")
    links = [a.get("href") for a in doc.cssselect(".facet a")]
    assert links and all("year_from=2020" in link for link in links)
    assert (
        len(titles(page(client, q="枫桥经验", year_from="二〇二〇", year_to="x"))) == 5
    )


def test_one_click_opens_the_same_selection_in_the_filtered_list(client, archive):
    doc = page(client, q="枫桥经验", column="热点思考", year_from="2020")
    found = titles(doc)
    assert found == {"工会工作的枫桥经验", "枫桥经验在基层"}
    (link,) = doc.cssselect(".search-exports > a")
    response = client.get(link.get("href"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == []  # already in the list's own spelling
    listed = html.fromstring(response.content.decode())
    shown = {
        a.text_content().strip() for a in listed.cssselect(".entries .entry-title")
    }
    assert shown == found


@pytest.mark.parametrize("fmt", ["csv", "ris", "bib", "enw", "noteexpress", "txt"])
def test_the_results_export_in_every_format(client, archive, fmt):
    doc = page(client, q="枫桥经验", column="热点思考", year_from="2020")
    links = {
        a.get("data-format"): a.get("href")
        for a in doc.cssselect(".search-exports li a")
    }
    response = client.get(links[fmt])
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "工会工作的枫桥经验" in text and "枫桥经验在基层" in text
    assert "枫桥经验的由来" not in text and "枫桥经验与观点" not in text


def test_the_ris_and_bibtex_exports_parse_as_the_results(client, archive):
    doc = page(client, q="枫桥经验", year_to="2023")
    found = titles(doc)
    assert len(found) == 3
    links = {
        a.get("data-format"): a.get("href")
        for a in doc.cssselect(".search-exports li a")
    }
    ris = b"".join(client.get(links["ris"]).streaming_content).decode("utf-8-sig")
    records = rispy.loads(ris)
    assert {r["title"] for r in records} == found
    assert all(r["authors"] == ["王君伟"] for r in records)
    bib = b"".join(client.get(links["bib"]).streaming_content).decode("utf-8")
    entries = bibtexparser.loads(bib).entries
    assert {e["title"].strip("{}") for e in entries} == found
    assert Article.objects.public().count() == 6
