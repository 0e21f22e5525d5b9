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
