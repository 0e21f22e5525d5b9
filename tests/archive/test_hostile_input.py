"""Hostile input to the pure pipeline: no exception but the documented ones, nothing invisible
kept."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.ingest.cleaning import clean_ocr
from archive.ingest.decoding import CONTROL_CHARS, RefusedInput, decode_page
from archive.ingest.parsing import parse_page
from tests.conftest import SEED_PAGES

SEED_LINES = [
    line
    for page in SEED_PAGES
    for line in page.read_text(encoding="utf-8").splitlines()
    if line.strip()
]
NASTY = [
    "\x00",
    "\u200b",
    "\ufeff",
    "\x1b[31m",
    "<script>alert(1)</script>",
    "(作者单位:",
    "■",
    "——",
    '"',
    "“",
    "\r\n",
    "观点",
    "G 热点思考",
    "本报记者 ",
]
INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2060\ufeff]")

page_text = st.lists(
    st.one_of(
        st.sampled_from(SEED_LINES), st.sampled_from(NASTY), st.text(max_size=40)
    ),
    max_size=40,
).map(lambda lines: "\n\n".join(lines))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page_text)
def test_decoding_and_parsing_any_page_never_crashes_or_keeps_invisible_characters(
    text,
):
    try:
        decoded = decode_page(text.encode("utf-8"))
    except RefusedInput:
        return
    assert not CONTROL_CHARS.search(decoded.text)
    parsed = parse_page(decoded.text)
    for piece in parsed.pieces:
        for value in (piece.title, piece.kicker or "", piece.lede or "", *piece.body):
            assert not INVISIBLE.search(value)
        for paragraph in piece.original.split("\n\n"):
            assert paragraph in decoded.text


@settings(max_examples=200, deadline=None)
@given(page_text)
def test_cleaning_is_idempotent_on_hostile_text(text):
    once = clean_ocr(text)
    assert clean_ocr(once) == once
    assert not INVISIBLE.search(once)
