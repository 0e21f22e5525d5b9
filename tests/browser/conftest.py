"""Shared browser fixtures: Debian's chromium through Playwright, a page on the live server,
seed data."""

import os
from datetime import date
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the tests
# (and pytest-django's database setup) would otherwise be refused as "async unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
SEED_PAGES = sorted((ROOT / "fixtures" / "pages").glob("*.txt"))
SEED_DATES = [date(2024, 5, 20), date(2023, 1, 9), date(2019, 12, 16)]
PROJECT_APPS = {"archive", "articles"}


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium (never a downloaded browser), launched once per test session."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
        )
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed"
    )
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh desktop-sized page whose relative URLs go to the live server."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="zh-CN",
    )
    new_page = context.new_page()
    new_page.set_default_timeout(15_000)
    yield new_page
    context.close()


def restore_migration_data() -> None:
    """Re-runs this project's data migrations (columns, provinces, editor groups).

    Transactional tests end with a flush, which empties the tables those migrations
    filled; every later browser test would otherwise start without them.
    """
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    from articles.models import Column

    if Column.objects.exists():
        return
    loader = MigrationLoader(connection)
    state_apps = loader.project_state().apps
    plan: list[tuple[str, str]] = []
    for leaf in sorted(loader.graph.leaf_nodes()):
        plan.extend(key for key in loader.graph.forwards_plan(leaf) if key not in plan)
    with connection.schema_editor() as editor:
        for key in plan:
            if key[0] not in PROJECT_APPS:
                continue
            for operation in loader.graph.nodes[key].operations:
                if isinstance(operation, RunPython):
                    operation.code(state_apps, editor)


@pytest.fixture(autouse=True)
def _reference_data(request):
    if (
        "live_server" in request.fixturenames
        or "transactional_db" in request.fixturenames
    ):
        request.getfixturevalue("transactional_db")
        restore_migration_data()


@pytest.fixture
def seed_archive(transactional_db, _reference_data):
    """The three seed pages imported through the importer, dated, labelled 第7版."""
    from archive.importing import import_page
    from archive.models import Issue

    for path, day in zip(SEED_PAGES, SEED_DATES, strict=True):
        import_page(
            path.read_bytes(),
            source_name=path.name,
            publication_date=day,
            page_label="第7版",
        )
    return {issue.publication_date: issue for issue in Issue.objects.all()}
