"""The knowledge tables in archive/ingest/data/, read once by whoever needs them."""

from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@cache
def rows(name: str) -> tuple[tuple[str, ...], ...]:
    """The tab-separated rows of a table, without blank lines and # comments."""
    text = (DATA / name).read_text(encoding="utf-8")
    return tuple(
        tuple(line.split("\t"))
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def words(name: str) -> tuple[str, ...]:
    """The words of a list, separated by any whitespace."""
    return tuple(word for row in rows(name) for cell in row for word in cell.split())
