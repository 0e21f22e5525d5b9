"""Chart data equals the lists' numbers; chart pages embed it for the script and as a data table."""

import json
import re

import pytest
from django.urls import reverse

from articles.models import Author, Authorship
from articles.research import charts, filtering

pytestmark = pytest.mark.django_db


def test_years_by_column_fills_empty_years_and_matches_the_list(seed):
    data = charts.years_by_column()
    assert data["categories"] == ["2019", "2020", "2021", "2022", "2023", "2024"]
    assert data["totals"] == [4, 0, 0, 0, 5, 5]
    series = {s["name"]: s["data"] for s in data["series"]}
    assert series["观点"] == [3, 0, 0, 0, 1, 1]
    assert series[charts.NO_COLUMN] == [1, 0, 0, 0, 1, 1]
    # Columns in printed order, articles without one last.
    assert [s["name"] for s in data["series"]][0] == "观点"
    assert [s["name"] for s in data["series"]][-1] == charts.NO_COLUMN
    for i, year in enumerate(data["categories"]):
        assert data["totals"][i] == len(
            filtering.filter_articles({"year_from": year, "year_to": year})
        )


def test_charts_follow_the_filters(seed):
    data = charts.years_by_column({"province": "北京"})
    assert (
        sum(data["totals"]) == filtering.filter_articles({"province": "北京"}).count()
    )


def test_by_province_counts_equal_the_filtered_lists(seed):
    data = charts.by_province()
    assert data["categories"][0] == "北京"
    articles, authors = (
        {c: n for c, n in zip(data["categories"], s["data"], strict=True)}
        for s in data["series"]
    )
    for province, count in articles.items():
        assert count == filtering.filter_articles({"province": province}).count()
    assert articles["山东"] == 1 and authors["北京"] == 3  # 闻效仪, 王君伟, 李长安
    # 观点撷英 quotes experts from Beijing, and the 枫桥 article names only its institution.
    assert articles["北京"] == 4
    assert data["unplaced"] == 4  # two graphics, the digest, the report


def test_author_timeline(seed):
    designer = Author.objects.get(name="张菁")
    data = charts.author_timeline(designer.pk)
    assert data["totals"] == [1, 0, 0, 0, 1, 1]
    rows = charts.table_rows(data)
    assert rows[0]["category"] == "2019" and rows[0]["total"] == 1


def embedded(html: str, element_id: str) -> dict:
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    return json.loads(match.group(1))


def test_chart_page_embeds_data_and_tables_without_inline_script(seed, client):
    html = client.get(reverse("research:charts")).content.decode()
    assert html.count("<h1") == 1
    assert embedded(html, "chart-years-data") == charts.years_by_column()
    assert (
        embedded(html, "chart-provinces-data")["categories"]
        == charts.by_province()["categories"]
    )
    assert 'data-chart="chart-years-data"' in html and 'role="img"' in html
    assert (
        "vendor/echarts/echarts.common.min.js" in html and "research/charts.js" in html
    )
    assert "cdn" not in html.lower()
    # Every <script> either loads a file from this site or is inert JSON.
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'src="/static/' in tag or 'type="application/json"' in tag, tag
    assert '<th scope="row">山东</th>' in html and "<summary>数据表" in html


def test_chart_json_escapes_hostile_names(client, make_article):
    article = make_article(title="标题")
    author = Author.objects.create(name="</script><script>alert(1)</script>")
    Authorship.objects.create(article=article, author=author)
    html = client.get(
        reverse("research:author_chart", args=[author.pk])
    ).content.decode()
    assert "<script>alert(1)" not in html


def test_author_chart_page_json_and_template_tag(seed, client):
    designer = Author.objects.get(name="张菁")
    html = client.get(
        reverse("research:author_chart", args=[designer.pk])
    ).content.decode()
    assert embedded(html, "chart-author-data")["totals"] == [1, 0, 0, 0, 1, 1]
    data = client.get(reverse("research:author_chart_data", args=[designer.pk])).json()
    assert data["author"] == {"id": designer.pk, "name": "张菁"}
    assert data["categories"] == ["2019", "2020", "2021", "2022", "2023", "2024"]
    from django.template import Context, Template

    snippet = Template("{% load research_tags %}{% author_chart author %}").render(
        Context({"author": designer})
    )
    assert f'id="author-chart-{designer.pk}-data"' in snippet and "<table" in snippet
    quoted_only = Author.objects.get(name="林尚立")
    assert (
        client.get(reverse("research:author_chart", args=[quoted_only.pk])).status_code
        == 404
    )
