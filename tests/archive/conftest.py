"""Fixtures for page scans: a private MEDIA_ROOT, an article's page with one scan."""

from pathlib import Path

import pytest

from tests.archive.scans.images import jpeg_bytes


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def media_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def attach(media):
    """attach(issue, data, name) stores one upload on a page, as the admin does."""
    from archive.scans import services

    def attach(issue, data: bytes, name="page.jpg", user=None):
        prepared = services.prepare_scan(data, name)
        try:
            return services.store_scans(issue, [prepared], user)
        finally:
            prepared.close()

    return attach


@pytest.fixture
def scan_article(make_issue, make_article):
    issue = make_issue(
        "决心骨还是主心骨\n\n工会是职工的主心骨。".encode(), source_name="第7版.txt"
    )
    return make_article(issue, title="决心骨还是主心骨", body="工会是职工的主心骨。")


@pytest.fixture
def scanned(scan_article, attach):
    """The article's page with one 1200×1800 JPEG scan."""
    return attach(scan_article.issue, jpeg_bytes())[0]
