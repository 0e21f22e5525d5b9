"""Chinese text basics shared by decoding, cleaning, parsing and search: one definition each."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
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
# Bullets printed before bylines and headers (■某某某).
BULLETS = "■□▪▫◼◻●○◆◇▲△▼▽★☆►▶•◎※"
LEADING_BULLETS = re.compile(f"^[{HORIZONTAL_SPACE}]*[{BULLETS}]+[{HORIZONTAL_SPACE}]*")
# Punctuation of either width that headers and bylines never carry.
SENTENCE_MARKS = frozenset("，。、；：？！,.;:?!")


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


def tokens_around(
    text: str, start: int, end: int, *, hmm: bool, margin: int = 10
) -> list[tuple[int, int, str]]:
    """jieba's tokens, with their offsets in `text`, of the Chinese around a span.

    With `hmm`, runs of single characters jieba does not know join into one token;
    without, every token is a dictionary word or a single character.
    """
    left = start
    while left > max(0, start - margin) and is_cjk(text[left - 1]):
        left -= 1
    right = end
    while right < min(len(text), end + margin) and is_cjk(text[right]):
        right += 1
    tokens, position = [], left
    for token in segmenter().lcut(text[left:right], HMM=hmm):
        tokens.append((position, position + len(token), token))
        position += len(token)
    return tokens


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


def words_across(left: str, right: str) -> list[tuple[str, str]]:
    """The halves of every dictionary word that could run across the break, whether
    or not jieba's best segmentation picks it (现|代 and 现|代化 in 中国式现|代化)."""
    tail = edge_ideographs(left, at_end=True)
    head = edge_ideographs(right, at_end=False)
    joined = tail + head
    return [
        (joined[start : len(tail)], joined[len(tail) : end + 1])
        for start, ends in segmenter().get_DAG(joined).items()
        if start < len(tail)
        for end in ends
        if end >= len(tail)
    ]


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


# --- Layout markers ---------------------------------------------------------------


def is_stray_mark(char: str) -> bool:
    """A Latin letter or a symbol (₩, ■) that layout may leave on its own."""
    if char.isascii():
        return char.isalpha()
    if "Ａ" <= char <= "Ｚ" or "ａ" <= char <= "ｚ":
        return True
    return unicodedata.category(char).startswith("S") or char in BULLETS


def strip_layout_marker(line: str, headers: Iterable[str] = ()) -> str:
    """Remove stray layout letters and bullets at the start of one line.

    OCR reads the coloured tabs before column headers as letters (`G 热点思考`,
    `₩ 观点撷英`, glued when the gap is narrow: `G热点思考`), the squares before
    bylines as bullets (`■某某某`), and sometimes leaves a tab alone on its line
    (`H`). A letter or symbol goes when a space parts it from a header or byline (a
    line without punctuation), or when it is glued to one of `headers`, the paper's
    column headers; so `AI+服务`, `A股` and `A 股市场回暖，……` keep their letters.
    """
    headers = tuple(headers)
    while (without := _without_one_marker(line, headers)) is not None:
        line = without  # one marker can hide another: ■ G 热点思考
    return line


def _without_one_marker(line: str, headers: tuple[str, ...]) -> str | None:
    body = line.strip(HORIZONTAL_SPACE)
    without_bullets = LEADING_BULLETS.sub("", body)
    if without_bullets != body:
        return without_bullets
    if not body or not is_stray_mark(body[0]):
        return None
    rest = body[1:].lstrip(HORIZONTAL_SPACE)
    if not rest:
        return ""
    spaced = body[1] in HORIZONTAL_SPACE
    if spaced and is_cjk(rest[0]) and not SENTENCE_MARKS.intersection(rest):
        return rest
    if any(_opens_with(rest, header) for header in headers):
        return rest
    return None


def _opens_with(line: str, header: str) -> bool:
    """`line` is `header`, alone or before a title printed after a space."""
    return line.startswith(header) and (
        len(line) == len(header) or line[len(header)] in HORIZONTAL_SPACE
    )
