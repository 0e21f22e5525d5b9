"""The reviewer's scorer for parser tests: loading the verbatim copy, and scoring a page
with each miss marked flagged (a flag on its piece or page doubts that field) or not."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
from collections import Counter
from pathlib import Path
from types import ModuleType

from archive.ingest.parsing.records import FLAG_FIELDS

# A verbatim copy of the reviewer's scorer (../shared/tools/score_import.py), so the floor
# is checked on any machine; test_the_scorer_is_the_reviewers_own keeps it identical.
SCORER = Path(__file__).resolve().parents[2] / "data" / "score_import.py"
SHARED_SCORER = (
    Path(__file__).resolve().parents[3].parent / "shared/tools/score_import.py"
)


def load_scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_import", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def score(scorer, labels: list[dict], parsed: dict, tmp: Path) -> dict:
    """The scorer's verdict on one page, each miss marked flagged or not."""
    (tmp / "labels.json").write_text(json.dumps({"pieces": labels}), "utf-8")
    (tmp / "parsed.json").write_text(json.dumps(parsed), "utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        scorer.main(str(tmp / "labels.json"), str(tmp / "parsed.json"))
    *miss_lines, last = out.getvalue().strip().split("\n")
    result = json.loads(last)
    pieces = parsed["pieces"]
    by_title = {lab["title"][:18]: scorer.match_piece(lab, pieces) for lab in labels}
    matched = {id(p) for p in by_title.values() if p is not None}
    page_doubt = {
        f for flag in parsed["flags"] for f in FLAG_FIELDS.get(flag["code"], ())
    }
    flagged = unflagged = 0
    kinds: Counter = Counter()
    for line in miss_lines:
        miss = line.strip().removeprefix("miss ")
        if miss.startswith("spurious piece"):
            doubt = {
                f
                for p in pieces
                if id(p) not in matched
                for flag in p["flags"]
                for f in FLAG_FIELDS.get(flag["code"], ())
            }
            field = "piece"
        else:
            title, _, field = miss.rpartition(": ")
            field = field.split(" ")[0] if not field.startswith("author") else field
            piece = by_title.get(title)
            doubt = set(page_doubt)
            if piece is not None:
                doubt |= {
                    f
                    for flag in piece["flags"]
                    for f in FLAG_FIELDS.get(flag["code"], ())
                }
        if field in doubt:
            flagged += 1
        else:
            unflagged += 1
            kinds[field] += 1
    result.update(flagged=flagged, unflagged=unflagged, unflagged_kinds=kinds)
    return result
