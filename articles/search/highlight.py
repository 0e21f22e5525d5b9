"""Highlights: the query's words found and marked in the stored (unnormalised) text."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import cache, lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.search.text import RAW_GAP, normalize, to_simplified, words


def terms_to_mark(words_: tuple[str, ...] | list[str], phrases) -> list[str]:
    """What a query marks: each phrase, each word, and a word's parts of 2+ characters."""
    terms = list(phrases)
    for word in words_:
        terms.append(word)
        parts = words(word)
        if len(parts) > 1:
            terms.extend(p for p in parts if len(p) > 1)
    return terms


@cache
def _raw_forms() -> dict[str, str]:
    """For each normalised character, every raw character that normalises to it.

    Highlights are found in the text as stored (never normalised), so a query for 发展
    must also mark 發展, ＡＩ and Ai; built once, ~70 ms.
    """
    chars = [chr(i) for i in range(0x20, 0x10000) if not 0xD800 <= i < 0xE000]
    nfkc = [unicodedata.normalize("NFKC", ch) for ch in chars]
    # A newline between characters keeps OpenCC's phrase rules from joining them.
    simplified = to_simplified("\n".join(nfkc)).split("\n")
    forms: dict[str, set[str]] = defaultdict(set)
    for raw, norm in zip(chars, simplified, strict=True):
        norm = norm.lower()
        if len(norm) == 1 and norm != raw:
            forms[norm].add(raw)
    return {norm: "".join(sorted(raws)) for norm, raws in forms.items()}


def _char_pattern(char: str) -> str:
    raws = _raw_forms().get(char)
    if not raws:
        return re.escape(char)
    return "[" + "".join(re.escape(c) for c in char + raws) + "]"


def highlight_pattern(terms) -> re.Pattern | None:
    """One regex finding any of the normalised terms in raw text, longest first.

    Between two characters of a term it allows what normalisation removes (line-wrap
    spaces, zero-width characters), so highlights fall where the match really is.
    """
    unique = tuple(sorted({t for t in terms if t}, key=lambda t: (-len(t), t))[:30])
    return _compiled_pattern(unique) if unique else None


@lru_cache(maxsize=512)
def _compiled_pattern(unique: tuple[str, ...]) -> re.Pattern:
    alternatives = [RAW_GAP.join(_char_pattern(ch) for ch in term) for term in unique]
    return re.compile("|".join(alternatives), re.IGNORECASE)


def mark(text: str, pattern: re.Pattern | None) -> SafeString:
    """The whole text escaped, with every match wrapped in <mark>."""
    return _render(text, 0, len(text), pattern)


# A broad word matches hundreds of times in an article, in a few forms: each form is
# normalised once (normalising every match was a twentieth of a search page's CPU).
_normal_form = lru_cache(maxsize=4096)(normalize)


def snippet(text: str, pattern: re.Pattern | None, *, width: int = 120) -> SafeString:
    """An escaped excerpt of about `width` characters around the best cluster of matches."""
    text = " ".join(text.split())
    if not text:
        return SafeString("")
    matches = list(pattern.finditer(text)) if pattern else []
    matches = [m for m in matches if m.end() > m.start()][:500]
    if not matches:
        end = min(len(text), width)
        return _render(text, 0, end, None, tail=end < len(text))
    # The window starting at the match that covers the most distinct terms wins.
    spans = [(m.start(), m.end(), _normal_form(m.group())) for m in matches]
    best_start, best_score = spans[0][0], -1
    for i, (first, _end, _term) in enumerate(spans):
        window_end = first + width
        distinct = set()
        for _start, end, term in spans[i:]:
            if end > window_end:
                break
            distinct.add(term)
        if len(distinct) > best_score:
            best_start, best_score = first, len(distinct)
    start = max(0, best_start - width // 4)
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    return _render(text, start, end, pattern, head=start > 0, tail=end < len(text))


def _render(text, start, end, pattern, *, head=False, tail=False) -> SafeString:
    # Every piece of text is escaped; only the <mark> tags are markup.
    parts = ["…"] if head else []
    cursor = start
    if pattern is not None:
        for m in pattern.finditer(text, start, end):
            if m.end() == m.start():
                continue
            parts.append(escape(text[cursor : m.start()]))
            parts.append(f"<mark>{escape(m.group())}</mark>")
            cursor = m.end()
    parts.append(escape(text[cursor:end]))
    if tail:
        parts.append("…")
    # Every piece above went through escape(); only the <mark> tags are markup.
    return mark_safe("".join(parts))  # nosec  # noqa: S308
