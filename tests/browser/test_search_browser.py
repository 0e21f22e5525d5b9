"""A researcher in a real browser: search, narrow by two facets, re-sort, open a result."""

import os
import re
from datetime import date
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls in these tests
# would otherwise be refused as "async unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
SEED_PAGES = sorted((ROOT / "fixtures" / "pages").glob("*.txt"))
SEED_DATES = [date(2024, 5, 20), date(2023, 1, 9), date(2019, 12, 16)]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def chromium(request):
    """Debian's chromium: the session's shared browser (tests/browser/conftest.py) if there is
    one, since Playwright's sync API allows one instance per thread; otherwise our own."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
        )
    try:
        shared = request.getfixturevalue("browser")
    except pytest.FixtureLookupError:
        shared = None
    if shared is not None:
        yield shared
        return
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed"
    )
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def tab(chromium, live_server):
    context = chromium.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="zh-CN",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def seed_index(transactional_db):
    """The seed pages imported as editors import them, and the search index rebuilt."""
    from archive.importing import import_page
    from tests.articles.conftest import SearchIndex

    # (Columns and provinces flushed by an earlier transactional test are restored by
    # tests/browser/conftest.py's autouse fixture for live-server tests.)
    for path, day in zip(SEED_PAGES, SEED_DATES, strict=True):
        import_page(
            path.read_bytes(),
            source_name=path.name,
            publication_date=day,
            page_label="第7版",
        )
    index = SearchIndex()
    index.rebuild()
    yield
    index.clear()


def test_search_narrow_by_two_facets_and_open_a_result(tab, seed_index):
    tab.goto("/search/")
    tab.get_by_label("检索词").fill("工会")
    tab.get_by_role("button", name="检索", exact=True).click()
    tab.wait_for_url(re.compile(r"q=%E5%B7%A5%E4%BC%9A"))
    summary = tab.locator("#results-heading")
    total = int(re.search(r"共找到\s*(\d+)", summary.inner_text()).group(1))
    assert total >= 5
    assert tab.locator("ol.results mark").first.inner_text() == "工会"

    # First facet: the province of the authors' institution.
    tab.locator("#facet-province + ul a", has_text="广东").first.click()
    tab.wait_for_url(re.compile(r"province="))
    # Second facet: the year.
    tab.locator("#facet-year + ul a", has_text="2023").first.click()
    tab.wait_for_url(re.compile(r"year=2023"))
    assert "province=" in tab.url
    chips = tab.locator(".active-filters .chip")
    assert chips.count() == 2
    narrowed = int(re.search(r"共找到\s*(\d+)", summary.inner_text()).group(1))
    assert 1 <= narrowed < total

    # Re-sorting by date keeps the query and both filters (search.js submits on change).
    tab.get_by_label("排序").select_option("date")
    tab.wait_for_url(re.compile(r"sort=date"))
    assert "province=" in tab.url and "year=2023" in tab.url

    first = tab.locator("ol.results .entry-title").first
    title = first.inner_text()
    first.click()
    tab.wait_for_url(re.compile(r"/article/\d+/"))
    assert tab.locator("h1").inner_text().strip() == title.strip()


def test_search_within_results_and_removing_a_filter(tab, seed_index):
    tab.goto("/search/?q=%E5%B7%A5%E4%BC%9A&province=%E5%AE%81%E5%A4%8F")
    tab.get_by_label("检索词").fill("县级")
    tab.get_by_label("在结果中检索").check()
    tab.get_by_role("button", name="检索", exact=True).click()
    tab.wait_for_url(re.compile(r"q=%E5%B7%A5%E4%BC%9A\+%E5%8E%BF%E7%BA%A7"))
    assert tab.get_by_label("检索词").input_value() == "工会 县级"
    assert "县级工会" in tab.locator("ol.results").inner_text()
    tab.locator(".active-filters .chip").first.click()
    tab.wait_for_url(lambda url: "province=" not in url)
    assert tab.locator(".active-filters .chip").count() == 0
