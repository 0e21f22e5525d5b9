"""Raw OCR bytes to structured pages: decoding, cleaning, parsing. Pure Python, no Django."""

from collections.abc import Iterator
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def data_lines(name: str) -> Iterator[str]:
    """The lines of a data file in archive/ingest/data, without blanks and # comments."""
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line
