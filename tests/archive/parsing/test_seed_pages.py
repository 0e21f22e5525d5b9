"""The seed pages scored by the reviewer's own scorer, and the original kept verbatim."""

import json

import pytest

from archive.ingest.parsing import parse_page
from tests.archive.parsing.layouts import LABELS, PAGES
from tests.archive.parsing.scoring import SCORER, SHARED_SCORER, load_scorer, score


def test_the_scorer_is_the_reviewers_own():
    if not SHARED_SCORER.exists():
        pytest.skip(
            f"the reviewer's scorer is not beside this checkout ({SHARED_SCORER})"
        )
    assert SCORER.read_bytes() == SHARED_SCORER.read_bytes()


def test_seed_pages_score_every_field(tmp_path):
    scorer = load_scorer()
    right = total = 0
    for page in PAGES:
        labels = json.loads((LABELS / f"{page.stem}.json").read_text("utf-8"))["pieces"]
        result = score(
            scorer, labels, parse_page(page.read_text("utf-8")).as_dict(), tmp_path
        )
        print(f"{page.stem}: {result['fields_right']}/{result['fields']}")
        right, total = right + result["fields_right"], total + result["fields"]
        assert result["pieces_found"] == result["pieces"]
    print(f"seed pages: {right}/{total} fields right")
    assert right == total


def test_original_is_exact_page_text_in_page_order():
    text = PAGES[0].read_text("utf-8")
    for piece in parse_page(text).pieces:
        chunks = piece.original.split("\n\n")
        positions = [text.index(chunk) for chunk in chunks]
        assert positions == sorted(positions)
