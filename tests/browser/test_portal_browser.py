"""A reader browses, reads and reports an error in a real browser; pages fit phones and pass
a11y checks."""

from datetime import date
from pathlib import Path

import pytest

from articles.models import Affiliation, Article, Author, ReaderReport

expect = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed"
).expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# Runs in the page: the checks a reviewer would make by hand with a screen reader in mind.
A11Y_PROBLEMS = """
() => {
  const problems = [];
  const h1s = document.querySelectorAll("h1");
  if (h1s.length !== 1) problems.push(`${h1s.length} h1 elements`);
  if (document.documentElement.lang !== "zh-CN") problems.push("lang is not zh-CN");
  for (const img of document.images) {
    if (!img.hasAttribute("alt")) problems.push(`img without alt: ${img.src}`);
  }
  const textOf = (ids) => ids.split(/\\s+/)
    .map((id) => (document.getElementById(id) || {}).textContent || "").join("").trim();
  for (const svg of document.querySelectorAll("svg")) {
    if (svg.closest("[aria-hidden='true']")) continue;
    const name = svg.getAttribute("aria-label")
      || textOf(svg.getAttribute("aria-labelledby") || "");
    if (svg.getAttribute("role") !== "img" || !name)
      problems.push("chart without text alternative");
  }
  for (const field of document.querySelectorAll("input, select, textarea")) {
    if (["hidden", "submit", "button"].includes(field.type)) continue;
    const labelled = (field.id && document.querySelector(`label[for="${field.id}"]`))
      || field.closest("label") || field.getAttribute("aria-label")
      || field.getAttribute("aria-labelledby");
    if (!labelled) problems.push(`unlabelled field: ${field.name}`);
  }
  for (const button of document.querySelectorAll("button")) {
    if (!button.textContent.trim() && !button.getAttribute("aria-label"))
      problems.push("empty button");
  }
  for (const landmark of ["header", "nav", "main", "footer"]) {
    if (!document.querySelector(landmark)) problems.push(`no <${landmark}> landmark`);
  }
  if (!document.querySelector("a.skip-link[href='#main']")) problems.push("no skip link");
  return problems;
}
"""


@pytest.fixture
def watched(page):
    """The page, recording console errors (CSP violations among them) and failed requests."""
    problems = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"{m.text} ({m.location.get('url')})")
            if m.type == "error"
            else None
        ),
    )
    page.on(
        "response",
        lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    page.problems = problems
    return page


def lead_article() -> Article:
    """The 2023 page's lead: kicker, lede, two authors with roles and one affiliation."""
    return Article.objects.get(title__contains="在谱写贵州现代化新篇章中发挥工会作用")


def key_pages(seed) -> dict[str, str]:
    return {
        "home": "/",
        "issue": seed[date(2024, 5, 20)].get_absolute_url(),
        "article": lead_article().get_absolute_url(),
        "author": Author.objects.get(name="桑维亮").get_absolute_url(),
    }


def other_pages(seed) -> dict[str, str]:
    article = lead_article()
    return {
        "issues": "/issues/",
        "issues-2023": "/issues/2023/",
        "columns": "/columns/",
        "column": article.column.get_absolute_url(),
        "authors": "/authors/",
        "affiliations": "/affiliations/",
        "affiliation": Affiliation.objects.get(name="贵州省总工会").get_absolute_url(),
        "provinces": "/provinces/",
        "province": "/provinces/贵州/",
        "digest": Article.objects.get(kind=Article.Kind.DIGEST).get_absolute_url(),
        "not-found": "/article/999999/",
    }


def test_reader_goes_from_home_to_column_article_author_affiliation_and_province(
    watched, seed_archive
):
    page = watched
    page.goto("/")
    expect(page.locator("h1")).to_have_text("工人日报理论版档案")
    page.locator(".column-card h3 a", has_text="观点").first.click()
    expect(page.locator("h1")).to_have_text("观点")
    page.get_by_role(
        "link", name="主动担当作为 在谱写贵州现代化新篇章中发挥工会作用"
    ).click()
    expect(page.locator("h1")).to_have_text(
        "主动担当作为 在谱写贵州现代化新篇章中发挥工会作用"
    )
    expect(page.locator(".kicker")).to_have_text("认真学习贯彻党的二十大精神")
    expect(page.locator(".lede")).to_be_visible()
    page.locator(".byline").get_by_role("link", name="桑维亮").click()
    expect(page.locator("h1")).to_have_text("桑维亮")
    expect(
        page.get_by_role("region", name="合作作者").get_by_role("link", name="向忠雄")
    ).to_be_visible()
    page.locator(".affiliation-history").get_by_role(
        "link", name="贵州省总工会"
    ).click()
    expect(page.locator("h1")).to_have_text("贵州省总工会")
    page.locator(".page-header .lead").get_by_role("link", name="贵州省").click()
    expect(page.locator("h1")).to_have_text("贵州省")
    expect(
        page.get_by_role(
            "link", name="主动担当作为 在谱写贵州现代化新篇章中发挥工会作用"
        )
    ).to_be_visible()
    assert page.problems == []


def test_reader_selects_wrong_text_and_sends_a_correction(watched, seed_archive):
    page = watched
    article = Article.objects.get(title="扎实推进智慧工会建设")
    snippet = article.paragraphs[0][10:18]
    page.goto(article.get_absolute_url())
    # Select the words in the body as a reader would with the mouse.
    page.evaluate(
        """(snippet) => {
          const walker = document.createTreeWalker(
            document.querySelector(".article-body"), NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const at = walker.currentNode.data.indexOf(snippet);
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(walker.currentNode, at);
            range.setEnd(walker.currentNode, at + snippet.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            return;
          }
          throw new Error("snippet not in the page");
        }""",
        snippet,
    )
    expect(page.locator("#id_selected_text")).to_have_value(snippet)
    expect(page.locator("#selection-bar")).to_be_visible()
    page.get_by_role("button", name="纠正这段文字").click()
    expect(page.locator("#id_suggestion")).to_be_focused()
    page.locator("#id_suggestion").fill("改正后的文字")
    page.get_by_label("补充说明（选填）").fill("对照原版第一段")
    page.get_by_role("button", name="提交纠错").click()
    expect(page.locator(".message")).to_contain_text("谢谢指正")
    report = ReaderReport.objects.get(article=article)
    assert (report.selected_text, report.suggestion) == (snippet, "改正后的文字")
    assert report.comment == "对照原版第一段" and len(report.client_hash) == 64
    assert page.problems == []


def test_the_report_form_works_without_javascript(browser, live_server, seed_archive):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    article = Article.objects.get(title="扎实推进智慧工会建设")
    snippet = article.paragraphs[1][:6]
    page.goto(article.get_absolute_url())
    page.get_by_label("有误的文字").fill(snippet)
    page.get_by_label("应改为").fill("建议文字")
    page.get_by_role("button", name="提交纠错").click()
    expect(page.locator(".message")).to_contain_text("谢谢指正")
    assert ReaderReport.objects.filter(article=article, selected_text=snippet).exists()
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_key_pages_fit_the_screen_and_are_screenshotted(watched, seed_archive, width):
    page = watched
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    for name, url in key_pages(seed_archive).items():
        page.goto(url)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), (
            name,
            width,
        )
        assert page.evaluate(A11Y_PROBLEMS) == [], name
    assert page.problems == []


def test_every_page_passes_the_accessibility_checks_and_fits_a_phone(
    watched, seed_archive
):
    page = watched
    page.set_viewport_size({"width": 390, "height": 844})
    for name, url in other_pages(seed_archive).items():
        page.goto(url)
        assert page.evaluate(A11Y_PROBLEMS) == [], name
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), name
    # Only the deliberate 404 fails to load.
    assert [p for p in page.problems if "999999" not in p] == []


def test_province_chart_has_a_data_table_alternative(page, seed_archive):
    page.goto("/provinces/")
    chart = page.get_by_role("img", name="各地区作者单位的文章数与作者数，按文章数排序")
    expect(chart).to_be_visible()
    table = page.locator("table.data-table")
    expect(table.locator("tbody tr").first.locator("th")).to_have_text("北京市")


def test_keyboard_users_get_a_skip_link_and_a_visible_focus(page, seed_archive):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          const top = el.getBoundingClientRect().top;
          return {cls: el.className, outline: style.outlineStyle, top};
        }"""
    )
    assert focused["cls"] == "skip-link"
    assert focused["outline"] != "none" and focused["top"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_print_shows_the_text_without_navigation_or_forms(page, seed_archive):
    page.goto(lead_article().get_absolute_url())
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => ["header.site-header", ".report", ".site-footer"].map(
             (s) => getComputedStyle(document.querySelector(s)).display)"""
    )
    assert hidden == ["none", "none", "none"]
    expect(page.locator(".article-body")).to_be_visible()
