"""verify_fixity catches a corrupted original."""

import pytest
from django.core.management import CommandError, call_command

from archive.fixity import verify_fixity
from archive.importing import import_page
from archive.models import Issue
from tests.conftest import SEED_PAGES


@pytest.fixture
def imported(db):
    return [import_page(p.read_bytes(), source_name=p.name).issue for p in SEED_PAGES]


def test_an_intact_archive_verifies(imported, capsys):
    call_command("verify_fixity")
    assert "checked 3 / mismatched 0 / missing 0" in capsys.readouterr().out


def test_a_corrupted_original_is_caught(imported, capsys):
    issue = imported[1]
    raw = bytearray(issue.raw_bytes)
    raw[100] ^= 0x01
    # Behind the application's back, as disk rot or a stray SQL statement would.
    Issue.objects.filter(pk=issue.pk).update(raw_bytes=bytes(raw))
    with pytest.raises(CommandError):
        call_command("verify_fixity")
    out = capsys.readouterr().out
    assert "mismatched 1" in out and issue.source_name in out


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
