"""The import service and `import_pages`: atomic, idempotent, refusing bad input with a reason."""

import codecs
import json

import pytest
from django.core.management import CommandError, call_command

from archive.importing import ImportRefused, import_page
from archive.models import Issue
from articles.models import Affiliation, Article, Author, Authorship, Revision
from tests.conftest import SEED_PAGES


@pytest.fixture
def seed_bytes():
    return [p.read_bytes() for p in SEED_PAGES]


def test_a_seed_page_becomes_articles_with_originals_kept(db, seed_bytes):
    result = import_page(seed_bytes[0], source_name=SEED_PAGES[0].name)
    issue = result.issue
    assert bytes(issue.raw_bytes) == seed_bytes[0]
    assert issue.raw_text == seed_bytes[0].decode("utf-8")
    articles = list(issue.articles.order_by("position"))
    assert len(articles) >= 4
    for article in articles:
        # Every original is an exact piece of the raw page.
        for paragraph in article.original_ocr.split("\n\n"):
            assert paragraph in issue.raw_text
        assert article.revisions.get().kind == Revision.Kind.IMPORT
    lead = articles[0]
    assert lead.column.name == "观点"
    # The cleaner's output is the editable text; the original keeps the OCR's commas.
    assert "，" in lead.body and "," in lead.original_ocr


def test_the_same_person_on_two_pages_is_one_author(db, seed_bytes):
    for path, data in zip(SEED_PAGES, seed_bytes, strict=True):
        import_page(data, source_name=path.name)
    names = list(Author.objects.values_list("name", flat=True))
    assert len(names) == len(set(names))
    # The graphics editor credited on two pages is a single Author with two credits.
    credited = Author.objects.filter(
        authorships__contribution=Authorship.Contribution.CREDIT
    ).distinct()
    assert any(
        a.authorships.values("article__issue").distinct().count() >= 2 for a in credited
    )
    assert Affiliation.objects.filter(
        name="中国劳动关系学院", province__short_name="北京"
    ).exists()


def test_reimporting_the_same_bytes_is_a_no_op(db, seed_bytes):
    first = import_page(seed_bytes[1], source_name="a.txt")
    counts = (
        Issue.objects.count(),
        Article.objects.count(),
        Authorship.objects.count(),
    )
    again = import_page(seed_bytes[1], source_name="b.txt")
    assert again.status == "unchanged" and again.issue == first.issue
    assert counts == (
        Issue.objects.count(),
        Article.objects.count(),
        Authorship.objects.count(),
    )


def test_changed_bytes_for_an_imported_page_are_refused(db, seed_bytes):
    import_page(seed_bytes[1], source_name="page.txt")
    with pytest.raises(ImportRefused, match="不会覆盖"):
        import_page(seed_bytes[1] + "补充。".encode(), source_name="page.txt")
    assert Issue.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n\n",
        b"%PDF-1.4\n...",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
        bytes(range(256)) * 8,
    ],
)
def test_bad_input_is_refused_and_writes_nothing(db, data):
    with pytest.raises(ImportRefused):
        import_page(data, source_name="bad.txt")
    assert (
        Issue.objects.count() == Article.objects.count() == Author.objects.count() == 0
    )


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "gb18030"])
def test_other_encodings_import_the_same_text(db, encoding):
    text = SEED_PAGES[2].read_text(encoding="utf-8")
    result = import_page(text.encode(encoding), source_name=f"p-{encoding}.txt")
    assert result.issue.raw_text == text
    assert result.issue.articles.count() >= 4


def test_nul_and_control_characters_never_reach_the_database(db):
    page = "观点\n\n标题\x00文字\n\n这是一段正文\x07，内容足够长，可以成为一篇文章的正文。\u200b\n\n(作者单位:某某大学)\n"
    result = import_page(page.encode("utf-8"), source_name="ctl.txt")
    for article in result.issue.articles.all():
        for text in (article.title, article.body, article.original_ocr):
            assert "\x00" not in text and "\x07" not in text and "\u200b" not in text
    assert "\x00" not in result.issue.raw_text
    assert bytes(result.issue.raw_bytes) == page.encode("utf-8")


def test_import_pages_batch_with_one_bad_file(db, tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_bytes(SEED_PAGES[0].read_bytes())
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"%PDF-1.4 not text")
    other = tmp_path / "other.txt"
    other.write_bytes(SEED_PAGES[1].read_bytes())
    with pytest.raises(CommandError, match="1 个文件未能导入"):
        call_command(
            "import_pages", str(tmp_path), "--date", "2024-05-20", "--page", "第7版"
        )
    output = capsys.readouterr()
    assert "bad.txt" in output.err + output.out and "PDF" in output.err + output.out
    assert sorted(Issue.objects.values_list("source_name", flat=True)) == [
        "good.txt",
        "other.txt",
    ]
    assert set(Issue.objects.values_list("page_label", flat=True)) == {"第7版"}
    assert str(Issue.objects.first().publication_date) == "2024-05-20"


def test_import_pages_reports_an_unchanged_reimport(db, tmp_path, capsys):
    page = tmp_path / "p.txt"
    page.write_bytes(SEED_PAGES[2].read_bytes())
    call_command("import_pages", str(page))
    call_command("import_pages", str(page))
    assert "已导入过" in capsys.readouterr().out
    assert Issue.objects.count() == 1


def test_manifest_gives_dates_per_file(db, tmp_path):
    (tmp_path / "a.txt").write_bytes(SEED_PAGES[0].read_bytes())
    manifest = tmp_path / "manifest.csv"
    manifest.write_bytes(
        codecs.BOM_UTF8
        + "file,date,number,page\na.txt,2024-06-03,8123,第7版\n".encode()
    )
    call_command("import_pages", str(tmp_path / "a.txt"), "--manifest", str(manifest))
    issue = Issue.objects.get()
    assert (str(issue.publication_date), issue.number, issue.page_label) == (
        "2024-06-03",
        8123,
        "第7版",
    )


def test_dry_run_prints_json_and_writes_nothing(db, capsys):
    call_command("import_pages", str(SEED_PAGES[0]), "--dry-run", "--format", "json")
    parsed = json.loads(capsys.readouterr().out)
    assert parsed["pieces"] and {
        "kind",
        "column",
        "title",
        "lede",
        "body",
        "authors",
        "flags",
    } <= set(parsed["pieces"][0])
    assert Issue.objects.count() == 0


def test_missing_path_and_bad_date_are_clear_errors(db, tmp_path):
    with pytest.raises(CommandError, match="找不到"):
        call_command("import_pages", str(tmp_path / "nope.txt"))
    (tmp_path / "a.txt").write_bytes(SEED_PAGES[0].read_bytes())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("import_pages", str(tmp_path / "a.txt"), "--date", "2024-13-40")
