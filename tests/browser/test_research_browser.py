"""A researcher in a real browser: filters by province and column, downloads the CSV, reads
each chart and its data table."""

import csv
import re

import pytest
from playwright.sync_api import expect

from articles.models import Author

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def console_errors(page):
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(f"{message.text} {message.location}")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def table_rows(page, table) -> list[list[str]]:
    rows = []
    for row in table.locator("tbody tr").all():
        rows.append([cell.inner_text().strip() for cell in row.locator("th, td").all()])
    return rows


def test_filter_by_province_and_column_then_export_csv(
    page, seed_archive, console_errors
):
    page.goto("/articles/")
    expect(page.locator("h1")).to_have_text("文章筛选")
    expect(page.locator(".result-count")).to_have_text("14")
    page.get_by_label("省份", exact=True).select_option("山东")
    page.get_by_label("栏目", exact=True).select_option("redian-sikao")
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(
        re.compile(r"province=%E5%B1%B1%E4%B8%9C.*column=redian-sikao")
    )
    expect(page.locator(".result-count")).to_have_text("1")
    expect(page.locator(".research-entries .entry-title")).to_have_text(
        "萃取传统文化精华 弘扬新时代敬业精神"
    )
    expect(page.locator(".entry-people")).to_contain_text("中共济南市委党校")
    # The column facet now counts within 山东 only.
    expect(
        page.get_by_label("栏目", exact=True).locator("option:checked")
    ).to_have_text("热点思考（1）")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV（Excel）").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["标题"], r["作者"], r["省份"], r["栏目"]) for r in rows] == [
        ("萃取传统文化精华 弘扬新时代敬业精神", "王敏", "山东", "热点思考")
    ]

    # Removing one filter widens the list again.
    page.get_by_role("link", name="去掉条件 栏目：热点思考").click()
    expect(page.locator(".result-count")).to_have_text("1")
    page.get_by_role("link", name="去掉条件 省份：山东").click()
    expect(page.locator(".result-count")).to_have_text("14")
    assert console_errors == []


def test_each_chart_draws_and_has_a_data_table(page, seed_archive, console_errors):
    page.goto("/charts/")
    expect(page.locator("h1")).to_have_text("图表")
    for chart_id in ("chart-years", "chart-provinces"):
        chart = page.locator(f"#{chart_id}")
        expect(chart).to_have_attribute("data-chart-ready", "true")
        expect(chart.locator("canvas").first).to_be_visible()
    years = table_rows(page, page.locator("#chart-years-caption ~ details table"))
    assert [row[0] for row in years] == ["2019", "2020", "2021", "2022", "2023", "2024"]
    assert [row[-1] for row in years] == ["4", "0", "0", "0", "5", "5"]
    provinces = {
        row[0]: row[1:]
        for row in table_rows(
            page, page.locator("#chart-provinces-caption ~ details table")
        )
    }
    assert provinces["山东"] == ["1", "1"] and provinces["北京"][0] == "4"

    designer = Author.objects.get(name="张菁")
    page.goto(f"/charts/authors/{designer.pk}/")
    expect(page.locator("h1")).to_have_text("张菁：历年发表")
    expect(page.locator("#chart-author")).to_have_attribute("data-chart-ready", "true")
    expect(page.locator("#chart-author canvas").first).to_be_visible()
    timeline = table_rows(page, page.locator("#chart-author-caption ~ details table"))
    assert [(row[0], row[-1]) for row in timeline if row[-1] != "0"] == [
        ("2019", "1"),
        ("2023", "1"),
        ("2024", "1"),
    ]
    # Nothing the Content-Security-Policy refused, no script errors.
    assert console_errors == []


def test_filtered_charts_follow_the_list(page, seed_archive, console_errors):
    page.goto("/articles/?province=北京")
    page.get_by_role("link", name="以图表查看").click()
    expect(page).to_have_url(re.compile(r"/charts/\?province="))
    expect(page.locator("#chart-years")).to_have_attribute("data-chart-ready", "true")
    years = table_rows(page, page.locator("#chart-years-caption ~ details table"))
    assert sum(int(row[-1]) for row in years) == 4
    assert console_errors == []


def test_citation_box_copies_the_reference(
    page, seed_archive, live_server, console_errors
):
    # The article page belongs to the portal; the box is rendered here as it would be there.
    from django.template import Context, Template

    from articles.models import Article

    article = Article.objects.get(title__contains="双创")
    box = Template("{% load research_tags %}{% citation_box article %}").render(
        Context({"article": article})
    )
    page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=live_server.url
    )
    page.goto(
        "/api/columns/"
    )  # same origin as the site, so the page may use the clipboard
    page.set_content(
        '<!DOCTYPE html><html lang="zh-CN"><head><link rel="icon" href="data:,"></head>'
        f"<body><main>{box}</main></body></html>"
    )
    button = page.get_by_role("button", name="复制引文")
    expect(button).to_be_visible()
    button.click()
    expect(page.locator(".copy-status")).to_have_text("已复制到剪贴板。")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert (
        copied
        == "李长安, 刘娜. 推动“双创”活动持续发展的政策建议[N]. 工人日报, 2019-12-16(7)."
    )
    with page.expect_download() as download_info:
        page.get_by_role("link", name="RIS").click()
    assert "TY  - NEWS" in open(download_info.value.path(), encoding="utf-8").read()
    # The only miss allowed is the browser's own favicon request for the JSON page.
    assert [e for e in console_errors if "/favicon.ico" not in e] == []
