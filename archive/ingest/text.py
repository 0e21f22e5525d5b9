"""Chinese text basics shared by decoding, cleaning, parsing and search: one definition each."""

from __future__ import annotations

import logging
import re
from functools import cache

import jieba

# jieba announces every dictionary load on stderr; commands and logs stay clean.
jieba.setLogLevel(logging.WARNING)

# CJK ideographs: extension A, the unified block, compatibility ideographs, and the
# supplementary planes (extensions B–H) where rare names and OCR oddities live.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
CJK_CHAR = re.compile(f"[{CJK}]")
# Horizontal whitespace; U+3000 is the ideographic space of Chinese layout.
HORIZONTAL_SPACE = " \t\u00a0\u3000"
# Characters that never carry meaning but split words: C0/C1 controls other than tab
# and the line breaks, soft hyphen, zero-width and bidi marks, fillers, BOM, variation
# selectors and tag characters.
INVISIBLE_CHARS = (
    "\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5"
    "\u180b-\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff"
    "\uffa0\ufff0-\ufff8\U000e0000-\U000e0fff"
)
INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}]")
# Bullets printed before bylines and headers (■王君伟).
BULLETS = "■□▪▫◼◻●○◆◇▲△▼▽★☆►▶•◎※"


def is_cjk(char: str) -> bool:
    """Whether `char` (one character; "" is not) is a CJK ideograph."""
    return bool(char) and CJK_CHAR.match(char) is not None


@cache
def segmenter() -> jieba.Tokenizer:
    """jieba's default dictionary, loaded once per process (about half a second)."""
    jieba.dt.check_initialized()
    return jieba.dt


@cache
def pos_tags() -> dict[str, str]:
    """jieba's part-of-speech table (word → tag); slow to load, so loaded on first use."""
    import jieba.posseg

    segmenter()
    return jieba.posseg.dt.word_tag_tab


def is_dictionary_word(text: str) -> bool:
    """A word of two or more characters in jieba's dictionary."""
    return len(text) > 1 and bool(segmenter().FREQ.get(text))


def edge_ideographs(text: str, *, at_end: bool, limit: int = 6) -> str:
    """The Chinese characters at one end of `text`, spaces skipped, up to `limit`."""
    found: list[str] = []
    for char in reversed(text) if at_end else text:
        if char in HORIZONTAL_SPACE:
            continue
        if not is_cjk(char) or len(found) == limit:
            break
        found.append(char)
    return "".join(reversed(found) if at_end else found)


def word_runs_across(left: str, right: str) -> bool:
    """A dictionary word runs across the break between `left` and `right` (标|准体系)."""
    tail = edge_ideographs(left, at_end=True)
    head = edge_ideographs(right, at_end=False)
    if not tail or not head:
        return False
    position = 0
    for token in segmenter().lcut(tail + head, HMM=False):
        end = position + len(token)
        if position < len(tail) < end and is_dictionary_word(token):
            return True
        position = end
    return False
