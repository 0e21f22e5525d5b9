"""The cleaner on gold snippets: the seed set, and two held-out sets it was not tuned on.

cleaning_heldout.json was written before the rules of issue 16, from general Chinese
OCR errors and theory prose; cleaning_heldout_after.json after them, scored once.
Each snippet says what a good tool does with it (`clean`, `suggest`, `stay`,
`human`), as in the reviewer's scorer.
"""

import json

import pytest

from archive.ingest.cleaning import clean_ocr, suggest_corrections
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data"
SETS = {
    "seed": DATA / "gold" / "corrections.json",
    "heldout": DATA / "cleaning_heldout.json",
    "heldout_after": DATA / "cleaning_heldout_after.json",
}
# Misses left on purpose, so the held-out figures stay honest (see docs/cleaning.md).
KNOWN_MISSES = {
    # A full stop after a percentage: the nearest word character is no Chinese.
    ("heldout", "去年新发展工会会员超过300万人,其中新就业形态劳动者占比达60.5%."),
    # 学习学习贯彻: a softened verb before another verb is not told from a doubling.
    ("heldout_after", "学习学习贯彻党的二十大精神"),
}


def snippets():
    for name, path in SETS.items():
        for item in json.loads(path.read_text("utf-8")):
            marks = (
                [pytest.mark.xfail(strict=True, reason="known miss")]
                if (name, item["ocr"]) in KNOWN_MISSES
                else []
            )
            yield pytest.param(
                item, id=f"{name}:{item['expect']}:{item['category']}", marks=marks
            )


def levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(
                    previous[j] + 1,
                    current[j - 1] + 1,
                    previous[j - 1] + (char_a != char_b),
                )
            )
        previous = current
    return previous[-1]


def corrected(ocr: str) -> str:
    """Cleaned, then every suggestion applied from the end, as the scorer does."""
    text = clean_ocr(ocr)
    for s in sorted(suggest_corrections(text), key=lambda s: s.start, reverse=True):
        text = text[: s.start] + s.replacement + text[s.end :]
    return text


@pytest.mark.parametrize("item", snippets())
def test_gold_snippet(item):
    """Each snippet gets what it expects: `clean` by cleaning alone, `suggest` after
    the suggestions are applied, `stay` unchanged with no suggestion; a `human`
    snippet is at least not made worse."""
    ocr, gold, expect = item["ocr"], item["gold"], item["expect"]
    cleaned = clean_ocr(ocr)
    if expect == "clean":
        assert cleaned == gold
    elif expect == "suggest":
        assert corrected(ocr) == gold
    elif expect == "stay":
        assert cleaned == ocr
        assert suggest_corrections(cleaned) == []
    else:
        assert levenshtein(corrected(ocr), gold) <= levenshtein(ocr, gold)


@pytest.mark.parametrize("name", SETS)
def test_character_error_rate_drops_below_one_percent(name, capsys):
    """Over each set (human snippets included) the character error rate falls from
    its raw OCR value to under 1% after cleaning and suggestions."""
    items = json.loads(SETS[name].read_text("utf-8"))
    chars = sum(len(g["gold"]) for g in items)
    before = sum(levenshtein(g["ocr"], g["gold"]) for g in items) / chars
    after = sum(levenshtein(corrected(g["ocr"]), g["gold"]) for g in items) / chars
    with capsys.disabled():
        print(f"\n{name}: CER {before:.3f} -> {after:.3f} on {len(items)} snippets")
    assert after < before
    assert after < 0.01
