"""A researcher in a real browser, without typing a URL: home page → search → narrow by column
and years → the results as RIS, read back with rispy."""

import re
from pathlib import Path

import pytest
import rispy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def indexed(seed_archive):
    """The seed archive in the search index (rebuilt as rebuild_index would)."""
    from tests.articles.conftest import SearchIndex

    index = SearchIndex()
    index.rebuild()
    yield
    index.clear()


def found(page) -> int:
    return int(
        re.search(r"共找到\s*(\d+)", page.locator("#results-heading").inner_text())[1]
    )


def test_from_the_home_page_to_a_ris_export_of_narrowed_results(
    page, indexed, tmp_path
):
    page.goto("/")
    page.get_by_label("检索全文").fill("工会")
    page.get_by_role("button", name="检索", exact=True).click()
    page.wait_for_url(re.compile(r"/search/\?q="))
    everything = found(page)

    page.locator("#facet-column + ul a", has_text="观点").first.click()
    page.wait_for_url(re.compile(r"column="))
    page.get_by_label("从", exact=True).fill("2023")
    page.get_by_label("到", exact=True).fill("2024")
    page.get_by_role("button", name="限定年份").click()
    page.wait_for_url(re.compile(r"year_from=2023"))
    assert "column=" in page.url and "year_to=2024" in page.url
    narrowed = found(page)
    assert 1 <= narrowed < everything
    shown = [
        t.strip() for t in page.locator("ol.results .entry-title").all_inner_texts()
    ]
    dates = page.locator("ol.results time").all_inner_texts()
    assert all(d.startswith(("2023", "2024")) for d in dates)

    with page.expect_download() as download:
        page.locator(".search-exports").get_by_role("link", name="RIS").click()
    saved = Path(tmp_path) / "results.ris"
    download.value.save_as(saved)
    records = rispy.loads(saved.read_text(encoding="utf-8-sig"))
    assert sorted(r["title"] for r in records) == sorted(shown)
    assert any(r.get("authors") for r in records)  # (a digest may name no one)

    # The same selection opens in the filtered list, one click away.
    page.get_by_role("link", name="在“文章筛选”中打开这些结果").click()
    page.wait_for_url(re.compile(r"/articles/\?"))
    listed = page.locator(".entries .entry-title").all_inner_texts()
    assert sorted(t.strip() for t in listed) == sorted(shown)
