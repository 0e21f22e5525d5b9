"""Exports read back by real parsers: CSV (BOM, injection guard), RIS, BibTeX, EndNote,
NoteExpress."""

import csv
import io
import re

import bibtexparser
import pytest
import rispy
from django.test import override_settings
from django.urls import reverse

from articles.models import Article, Author, Authorship
from articles.research import exports, filtering
from tests.seed import find

pytestmark = pytest.mark.django_db


def download(client, url, params=None) -> str:
    response = client.get(url, params or {})
    assert response.status_code == 200, response
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content).decode("utf-8")


def list_export(client, fmt, params=None) -> str:
    return download(client, reverse("research:export_list", args=[fmt]), params)


def tagged_records(text: str, pattern: str) -> list[dict[str, list[str]]]:
    """A small reader for EndNote (`%A value`) and NoteExpress (`{Author}: value`) files."""
    records = []
    for block in re.split(r"\n\s*\n", text.strip()):
        record: dict[str, list[str]] = {}
        for line in block.splitlines():
            match = re.match(pattern, line)
            assert match, line
            record.setdefault(match.group(1), []).append(match.group(2))
        records.append(record)
    return records


def test_csv_has_bom_and_the_right_fields(seed, client):
    text = list_export(client, "csv", {"province": "上海"})
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert len(rows) == 1
    row = rows[0]
    assert row["标题"] == "推动“双创”活动持续发展的政策建议"
    assert row["作者"] == "李长安；刘娜"
    assert row["作者单位"] == "对外经济贸易大学；上海机电学院"
    assert row["省份"] == "北京；上海"
    assert row["栏目"] == "观点"
    assert row["出版日期"] == "2019-12-16"
    assert row["版次"] == "第7版"
    assert row["报纸"] == "工人日报"
    assert row["网址"] == f"http://testserver/article/{find(seed, '双创').pk}/"
    assert (
        row["GB/T 7714 引文"]
        == "李长安, 刘娜. 推动“双创”活动持续发展的政策建议[N]. 工人日报, 2019-12-16(7)."
    )


def test_csv_export_is_the_filtered_list_in_its_order(seed, client):
    params = {"year_from": "2023", "sort": "title"}
    rows = list(csv.DictReader(io.StringIO(list_export(client, "csv", params)[1:])))
    assert [int(r["编号"]) for r in rows] == [
        a.pk for a in filtering.article_results(params)
    ]
    assert len(rows) == 10


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_neutralises_formulas(start):
    assert (
        exports.csv_safe(f'{start}HYPERLINK("http://evil")')
        == f'\'{start}HYPERLINK("http://evil")'
    )
    assert exports.csv_safe("安全的标题") == "安全的标题"
    assert exports.csv_safe(42) == 42


def test_csv_injection_from_ocr_text_is_neutralised(client, make_article):
    make_article(
        title='=HYPERLINK("http://evil.example","点我")', lede="+1+2", kicker="@SUM(A1)"
    )
    rows = list(csv.DictReader(io.StringIO(list_export(client, "csv")[1:])))
    (row,) = rows
    assert row["标题"] == '\'=HYPERLINK("http://evil.example","点我")'
    assert row["观点提要"] == "'+1+2"
    assert row["引题"] == "'@SUM(A1)"
    assert row["GB/T 7714 引文"].startswith("'=HYPERLINK")


def test_ris_reads_back(seed, client):
    entries = rispy.loads(list_export(client, "ris", {"province": "上海"}))
    assert len(entries) == 1
    (entry,) = entries
    assert entry["type_of_reference"] == "NEWS"
    assert entry["title"] == "推动“双创”活动持续发展的政策建议"
    assert entry["authors"] == ["李长安", "刘娜"]
    assert entry["secondary_title"] == "工人日报"
    assert entry["year"] == "2019"
    assert entry["date"] == "2019/12/16"
    assert entry["start_page"] == "7"
    assert entry["language"] == "zh"
    assert entry["keywords"] == ["观点"]
    assert entry["urls"] == [f"http://testserver/article/{find(seed, '双创').pk}/"]
    everything = rispy.loads(list_export(client, "ris"))
    assert len(everything) == Article.objects.public().count()


def test_bibtex_reads_back_with_chinese_names_and_the_paper_from_settings(seed, client):
    with override_settings(NEWSPAPER_NAME="测试日报"):
        text = list_export(client, "bib", {"province": "上海"})
    database = bibtexparser.loads(text)
    (entry,) = database.entries
    assert entry["ENTRYTYPE"] == "article"
    assert entry["journal"] == "测试日报"
    assert [a.strip("{} ") for a in entry["author"].split(" and ")] == [
        "李长安",
        "刘娜",
    ]
    assert entry["title"].strip("{}") == "推动“双创”活动持续发展的政策建议"
    assert (entry["year"], entry["month"], entry["day"]) == ("2019", "12", "16")
    assert entry["pages"] == "7"
    assert entry["ID"] == f"lichangan2019-{find(seed, '双创').pk}"
    # Every seed article parses, each under its own key.
    everything = bibtexparser.loads(list_export(client, "bib"))
    assert (
        len({e["ID"] for e in everything.entries}) == Article.objects.public().count()
    )


def test_bibtex_escapes_special_characters(make_article):
    article = make_article(title="100% 的 {大括号} & $符号_#")
    record = exports.bibtex_record(exports.citation(article))
    assert r"100\% 的 \{大括号\} \& \$符号\_\#" in record
    assert bibtexparser.loads(record).entries[0]["ENTRYTYPE"] == "article"


def test_endnote_tagged_format(seed, client):
    records = tagged_records(
        list_export(client, "enw", {"province": "上海"}), r"^(%\S) (.*)$"
    )
    (record,) = records
    assert record["%0"] == ["Newspaper Article"]
    assert record["%A"] == ["李长安", "刘娜"]
    assert record["%T"] == ["推动“双创”活动持续发展的政策建议"]
    assert record["%J"] == ["工人日报"]
    assert (
        record["%D"] == ["2019"]
        and record["%8"] == ["2019-12-16"]
        and record["%P"] == ["7"]
    )
    # The column is the article's section (%&); nothing is filed as a keyword.
    assert record["%&"] == ["观点"] and "%K" not in record


def test_noteexpress_format(seed, client):
    records = tagged_records(
        list_export(client, "noteexpress", {"province": "上海"}), r"^\{([^}]+)\}: (.*)$"
    )
    (record,) = records
    assert record["Reference Type"] == ["Newspaper Article"]
    assert record["Author"] == ["李长安;刘娜;"]
    assert record["Secondary Title"] == ["工人日报"]
    assert record["Date"] == ["2019-12-16"] and record["Pages"] == ["7"]


def test_numbered_gbt7714_list(seed, client):
    lines = list_export(
        client, "txt", {"year_from": 2019, "year_to": 2019, "sort": "oldest"}
    ).splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("[1] ") and lines[3].startswith("[4] ")
    assert (
        "[3] 李长安, 刘娜. 推动“双创”活动持续发展的政策建议[N]. 工人日报, 2019-12-16(7)."
        in lines
    )


def test_single_article_citations(seed, client):
    article = find(seed, "双创")
    for fmt in ("ris", "bib", "enw", "noteexpress", "txt", "csv"):
        text = download(
            client, reverse("research:cite_article", args=[article.pk, fmt])
        )
        assert "李长安" in text
    (entry,) = rispy.loads(
        download(client, reverse("research:cite_article", args=[article.pk, "ris"]))
    )
    assert entry["authors"] == ["李长安", "刘娜"]
    assert (
        client.get(
            reverse("research:cite_article", args=[article.pk, "docx"])
        ).status_code
        == 404
    )


def test_unpublished_articles_are_never_exported(seed, client):
    hidden = find(seed, "双创")
    Article.objects.filter(pk=hidden.pk).update(published=False)
    assert "双创" not in list_export(client, "csv")
    assert (
        client.get(
            reverse("research:cite_article", args=[hidden.pk, "ris"])
        ).status_code
        == 404
    )


def test_line_breaks_in_values_stay_inside_one_tagged_line(make_article):
    article = make_article(title="第一行\n第二行", lede="甲\r\n乙")
    Authorship.objects.create(
        article=article, author=Author.objects.create(name="王五")
    )
    entry = rispy.loads(exports.ris_record(exports.citation(article)))[0]
    assert entry["title"] == "第一行 第二行" and entry["abstract"] == "甲 乙"


def test_export_of_a_large_list_streams_in_a_fixed_number_of_queries(
    client, make_article, django_assert_max_num_queries
):
    for i in range(30):
        article = make_article(title=f"文章{i}")
        Authorship.objects.create(
            article=article, author=Author.objects.create(name=f"作者{i}")
        )
    with django_assert_max_num_queries(6):
        text = list_export(client, "ris")
    assert text.count("TY  - NEWS") == 30
