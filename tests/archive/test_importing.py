"""The import services: atomic, idempotent, refusing bad input with a reason."""

from datetime import date

import pytest

from archive.importing import ImportRefused, PageFile, import_files, import_page
from archive.models import Issue, Scan
from articles.models import Affiliation, Article, Author, Authorship, Revision
from tests.archive.conftest import media_files
from tests.archive.scans.images import jpeg_bytes
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
    page = (
        "观点\n\n标题\x00文字\n\n"
        "这是一段正文\x07，内容足够长，可以成为一篇文章的正文。\u200b\n\n(作者单位:某某大学)\n"
    )
    result = import_page(page.encode("utf-8"), source_name="ctl.txt")
    for article in result.issue.articles.all():
        for text in (article.title, article.body, article.original_ocr):
            assert "\x00" not in text and "\x07" not in text and "\u200b" not in text
    assert "\x00" not in result.issue.raw_text
    assert bytes(result.issue.raw_bytes) == page.encode("utf-8")


# -----------------------------------------------------------------------------------
# import_files: pages with their scans, one transaction per file.


def test_import_files_imports_each_page_with_its_metadata_and_scans(
    db, tmp_path, media
):
    scan = tmp_path / "page.jpg"
    scan.write_bytes(jpeg_bytes())
    pages = [
        PageFile(
            SEED_PAGES[0],
            publication_date=date(2024, 5, 20),
            number=8123,
            page_label="第7版",
            scans=(scan,),
        ),
        PageFile(SEED_PAGES[1]),
    ]
    outcomes = list(import_files(pages))
    assert [o.page for o in outcomes] == pages and not any(o.error for o in outcomes)
    first = outcomes[0].result.issue
    assert (first.publication_date, first.number, first.page_label) == (
        date(2024, 5, 20),
        8123,
        "第7版",
    )
    assert (outcomes[0].scans_added, outcomes[0].scans_total) == (1, 1)
    assert first.scans.get().original_name == "page.jpg"
    assert outcomes[1].result.issue.scans.count() == 0
    again = list(import_files(pages))
    assert [o.result.status for o in again] == ["unchanged", "unchanged"]
    assert again[0].scans_added == 0 and Scan.objects.count() == 1


def test_import_files_reports_a_refusal_and_goes_on(db, tmp_path, media):
    bad_scan = tmp_path / "page.jpg"
    bad_scan.write_bytes(b"not an image")
    not_text = tmp_path / "scan.txt"
    not_text.write_bytes(b"%PDF-1.4 not text")
    pages = [
        PageFile(SEED_PAGES[0], scans=(bad_scan,)),
        PageFile(not_text),
        PageFile(SEED_PAGES[1]),
    ]
    outcomes = list(import_files(pages))
    assert "不是可识别的图像" in outcomes[0].error
    assert "PDF" in outcomes[1].error
    assert outcomes[2].result.status == "imported"
    # The page whose scan was refused is not imported either.
    assert list(Issue.objects.values_list("source_name", flat=True)) == [
        SEED_PAGES[1].name
    ]
    assert not Scan.objects.exists() and media_files(media) == []


def test_import_files_dry_run_parses_and_checks_and_writes_nothing(db, tmp_path, media):
    scan = tmp_path / "page.jpg"
    scan.write_bytes(jpeg_bytes())
    [outcome] = import_files([PageFile(SEED_PAGES[0], scans=(scan,))], dry_run=True)
    assert outcome.parsed.pieces and outcome.result is None
    [checked] = outcome.checked_scans
    assert (checked.name, checked.pages) == ("page.jpg", 1)
    assert not Issue.objects.exists() and media_files(media) == []
