"""Pinyin sort keys for Chinese personal names, with surname readings from data."""

from functools import cache
from pathlib import Path

from pypinyin import Style, lazy_pinyin

SURNAME_READINGS_FILE = Path(__file__).parent / "data" / "surname_readings.tsv"


@cache
def surname_readings() -> dict[str, list[str]]:
    table = {}
    for line in SURNAME_READINGS_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            surname, reading = line.split("\t")
            table[surname] = reading.split()
    return table


def text_sort_key(text: str) -> str:
    """Tone-less pinyin of any text (titles, institutions), for ordering."""
    return " ".join(lazy_pinyin(text, style=Style.NORMAL, errors="default")).lower()


def name_sort_key(name: str) -> str:
    """Pinyin of a name, reading the surname as a surname (曾 zeng, not ceng).

    Compound surnames are tried first, so 单于 reads chan yu while 单 reads shan.
    """
    name = name.strip()
    readings = surname_readings()
    for length in (2, 1):
        surname = name[:length]
        if len(name) > length and surname in readings:
            rest = lazy_pinyin(name[length:], style=Style.NORMAL, errors="default")
            return " ".join([*readings[surname], *rest]).lower()
    return text_sort_key(name)
