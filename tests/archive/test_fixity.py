"""verify_fixity catches damage to originals and to what was derived from them
(decoded text, scan images, article crops), and can rebuild what is derivable."""

import importlib

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from archive.fixity import verify_fixity
from archive.importing import import_page
from archive.models import ArticleRegion, Issue, Scan
from archive.scans import services
from tests.conftest import SEED_PAGES


@pytest.fixture
def imported(db):
    return [import_page(p.read_bytes(), source_name=p.name).issue for p in SEED_PAGES]


def fails(capsys) -> str:
    """Runs verify_fixity, expects a non-zero exit, returns what it printed."""
    with pytest.raises(CommandError):
        call_command("verify_fixity")
    return capsys.readouterr().out


def test_an_intact_archive_verifies(imported, capsys):
    call_command("verify_fixity")
    assert "checked 3 / mismatched 0 / missing 0" in capsys.readouterr().out


def test_a_corrupted_original_is_caught(imported, capsys):
    issue = imported[1]
    raw = bytearray(issue.raw_bytes)
    raw[100] ^= 0x01
    # Behind the application's back, as disk rot or a stray SQL statement would.
    Issue.objects.filter(pk=issue.pk).update(raw_bytes=bytes(raw))
    out = fails(capsys)
    assert "mismatched 1" in out and issue.source_name in out


def test_text_appended_to_the_decoded_text_is_caught(imported, capsys):
    """Bytes and hash intact; the stored text is not what the bytes decode to."""
    issue = imported[0]
    Issue.objects.filter(pk=issue.pk).update(raw_text=issue.raw_text + "伪造的段落。")
    out = fails(capsys)
    assert f"不符：#{issue.pk} {issue.source_name} 的解码文本" in out
    assert "mismatched 1" in out


def test_a_changed_article_original_is_caught(imported):
    article = imported[0].articles.first()
    type(article).objects.filter(pk=article.pk).update(
        original_ocr=article.original_ocr + "篡改"
    )
    report = verify_fixity()
    assert not report.ok and "原始 OCR" in report.mismatched[0]


def test_a_missing_original_is_reported(imported):
    Issue.objects.filter(pk=imported[2].pk).update(raw_bytes=b"")
    report = verify_fixity()
    assert report.checked == 3 and len(report.missing) == 1


# -----------------------------------------------------------------------------------
# Scans.


def test_a_corrupted_scan_original_is_caught(scanned, media, capsys):
    call_command("verify_fixity")
    assert "mismatched 0 / missing 0 / scans 1" in capsys.readouterr().out
    original = media / scanned.original
    damaged = bytearray(original.read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    original.write_bytes(bytes(damaged))
    out = fails(capsys)
    assert "不符：扫描" in out and "page.jpg" in out and "mismatched 1" in out


def test_a_missing_scan_original_is_reported(scanned, media):
    (media / scanned.original).unlink()
    report = verify_fixity()
    assert not report.ok and report.scans_checked == 1
    assert "page.jpg" in report.missing[0]


def test_a_deleted_derivative_is_caught(scanned, media, capsys):
    (media / scanned.web).unlink()
    out = fails(capsys)
    assert (
        f"缺失：扫描 #{scanned.pk} page.jpg（版面 #{scanned.issue_id}）的网页图" in out
    )


def test_a_corrupted_derivative_is_caught(scanned, media, capsys):
    zoom = media / scanned.zoom
    zoom.write_bytes(zoom.read_bytes()[:-100])
    out = fails(capsys)
    assert (
        f"不符：扫描 #{scanned.pk} page.jpg（版面 #{scanned.issue_id}）的放大图" in out
    )


def test_a_damaged_article_crop_is_caught(scanned, scan_article, media, capsys):
    region = services.save_region(scan_article, scanned, (0.1, 0.1, 0.4, 0.4))
    (media / region.image).write_bytes(b"rot")
    out = fails(capsys)
    assert f"不符：文章 #{scan_article.pk} 在扫描 #{scanned.pk} 上的区域图" in out


def test_repair_rebuilds_derivatives_and_crops_and_says_so(
    scanned, scan_article, media, capsys
):
    region = services.save_region(scan_article, scanned, (0.1, 0.1, 0.4, 0.4))
    (media / scanned.web).unlink()
    (media / scanned.zoom).write_bytes(b"rot")
    (media / region.image).unlink()
    call_command("verify_fixity", "--repair")
    out = capsys.readouterr().out
    assert "已重建：扫描" in out and "的网页图" in out and "的放大图" in out
    assert f"已重建：文章 #{scan_article.pk}" in out and "rebuilt 3" in out
    call_command("verify_fixity")
    assert "mismatched 0 / missing 0 / scans 1" in capsys.readouterr().out


def test_repair_cannot_rebuild_from_a_damaged_original(scanned, media, capsys):
    (media / scanned.original).write_bytes(b"rot")
    (media / scanned.web).unlink()
    with pytest.raises(CommandError):
        call_command("verify_fixity", "--repair")
    assert "不符：扫描" in capsys.readouterr().out


def test_the_migration_records_hashes_of_the_files_as_they_are(scanned, media):
    migration = importlib.import_module("archive.migrations.0004_derivative_hashes")
    recorded = {k: getattr(scanned, f"{k}_sha256") for k in ("web", "zoom", "thumb")}
    Scan.objects.update(web_sha256="", zoom_sha256="", thumb_sha256="")
    (media / scanned.thumb).unlink()
    migration.record(apps, None)
    scanned.refresh_from_db()
    assert (scanned.web_sha256, scanned.zoom_sha256) == (
        recorded["web"],
        recorded["zoom"],
    )
    assert scanned.thumb_sha256 == ""  # missing: verify_fixity reports it
    assert not ArticleRegion.objects.exists()
