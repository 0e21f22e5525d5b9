"""Shared fixtures: seed pages on disk and small model factories."""

import pytest

from tests.seed import ROOT, SEED_PAGES  # noqa: F401 (shared with test modules)

LABELS_DIR = ROOT / "tests" / "data" / "labels"


@pytest.fixture
def make_issue(db):
    """Creates an Issue from raw bytes the way an import does (bytes, text, hash)."""
    from archive.models import Issue, sha256_hex

    counter = iter(range(1, 10**6))

    def make(raw: bytes | None = None, **fields):
        if raw is None:
            raw = f"观点\n\n示例正文第{next(counter)}页。".encode()
        return Issue.objects.create(
            source_name=fields.pop("source_name", "example.txt"),
            raw_bytes=raw,
            raw_encoding="utf-8",
            raw_text=raw.decode("utf-8"),
            raw_sha256=sha256_hex(raw),
            **fields,
        )

    return make


@pytest.fixture
def make_article(make_issue):
    from articles.models import Article

    def make(issue=None, **fields):
        fields.setdefault("title", "示例标题")
        fields.setdefault("body", "示例正文。")
        fields.setdefault("original_ocr", fields["body"])
        return Article.objects.create(issue=issue or make_issue(), **fields)

    return make


@pytest.fixture(scope="module")
def archive_in_use(django_db_setup, django_db_blocker, tmp_path_factory):
    """The archive in real use (tests/archive_in_use.py), built once per test module.

    It lives in a transaction rolled back when the module ends; each test runs inside
    it (pytest-django's savepoint), so what a test writes is gone for the next one.
    """
    from django.db import transaction
    from django.test import override_settings

    from tests import archive_in_use as builder

    root = tmp_path_factory.mktemp("media")
    media = override_settings(MEDIA_ROOT=root, CORPUS_EXPORT_DIR=root / "exports")
    media.enable()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield builder.build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            builder.clear_search_index()
            media.disable()


@pytest.fixture
def seed(db):
    """The three seed pages imported dated (tests/seed.py); articles by title."""
    from tests.seed import import_seed

    return import_seed()
