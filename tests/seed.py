"""The seed archive for tests: the three seed pages imported dated, and lookup by title."""

from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_PAGES = sorted((ROOT / "fixtures" / "pages").glob("*.txt"))
SEED_DATES = [date(2024, 5, 20), date(2023, 1, 9), date(2019, 12, 16)]


def import_seed() -> dict:
    """The three seed pages through the importer, dated and labelled 第7版; articles by title."""
    from archive.importing import import_page
    from articles.models import Article

    for path, day in zip(SEED_PAGES, SEED_DATES, strict=True):
        import_page(
            path.read_bytes(),
            source_name=path.name,
            publication_date=day,
            page_label="第7版",
        )
    return {a.title: a for a in Article.objects.all()}


def find(articles: dict, fragment: str):
    """The one article whose title contains `fragment`."""
    (match,) = [a for title, a in articles.items() if fragment in title]
    return match
