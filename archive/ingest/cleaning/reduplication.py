"""Repetition Chinese makes on purpose (常常, 讨论讨论, 方方面面), told from OCR doubling."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from archive.ingest.tables import rows
from archive.ingest.text import CJK_CHAR, is_dictionary_word, tokens_around

# Chinese numerals never count as doubled characters (二〇二二, 一一对应).
NUMERALS = frozenset("〇零一二三四五六七八九十百千万亿两")
# Particles that may follow a word ending in the same character: 目的|的.
PARTICLES = frozenset("的了地得着过")
SECTION = re.compile(r"\[(\w+)\]")


@dataclass(frozen=True)
class _Reduplications:
    patterns: tuple[re.Pattern[str], ...]
    words: frozenset[str]
    verbs: frozenset[str]  # said twice to soften them: 讨论讨论, 研究研究
    nominal: tuple[str, ...]  # what follows a word used as a noun, never such a verb


@cache
def _reduplications() -> _Reduplications:
    sections: dict[str, list[str]] = {}
    entries: list[str] = []
    for (line,) in rows("reduplications.txt"):
        if heading := SECTION.fullmatch(line.strip()):
            entries = sections.setdefault(heading.group(1), [])
        else:
            entries.extend(line.split())
    return _Reduplications(
        patterns=tuple(_pattern_regex(p) for p in sections["patterns"]),
        words=frozenset(sections["words"]),
        verbs=frozenset(sections["verbs"]),
        nominal=tuple(sections["nominal"]),
    )


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    # AABB → (?P<A>[一-鿿])(?P=A)(?P<B>[一-鿿])(?P=B)
    seen: set[str] = set()
    parts = []
    for char in pattern:
        if "A" <= char <= "Z":
            parts.append(
                f"(?P={char})" if char in seen else f"(?P<{char}>{CJK_CHAR.pattern})"
            )
            seen.add(char)
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts))


def _token_at(tokens: list[tuple[int, int, str]], index: int) -> tuple[int, int, str]:
    return next(t for t in tokens if t[0] <= index < t[1])


def _softened_verb(text: str, start: int, size: int) -> bool:
    """A verb said twice to soften it (讨论讨论, 了解了解情况), not a word printed
    twice inside a noun phrase (技术交流交流活动, 学校教育教育和, 协调协调机制).

    Such a verb is a predicate: it never goes on with what follows a noun or a
    modifier, and never forms a compound with the word before or after it.
    """
    data = _reduplications()
    unit = text[start : start + size]
    end = start + 2 * size
    if unit not in data.verbs or text.startswith(data.nominal, end):
        return False
    tokens = tokens_around(text, start, end, hmm=False)
    before = [token for _, token_end, token in tokens if token_end == start]
    after = [token for token_start, _, token in tokens if token_start == end]
    return not any(is_dictionary_word(t + unit) for t in before) and not any(
        is_dictionary_word(unit + t) for t in after
    )


def is_intended_repetition(text: str, start: int, size: int) -> bool:
    """Whether text[start:start+size] said twice is Chinese, not an OCR slip."""
    unit, doubled = text[start : start + size], text[start : start + 2 * size]
    data = _reduplications()
    if (
        doubled in data.words
        or is_dictionary_word(doubled)
        or all(c in NUMERALS for c in unit)
    ):
        return True
    for pattern in data.patterns:
        for match in pattern.finditer(text, max(0, start - 4), start + 2 * size + 4):
            if match.start() <= start and match.end() >= start + 2 * size:
                return True
    if size > 1 and not is_dictionary_word(unit):
        return True  # only whole words are reported doubled (交流交流, not 的人的人)
    if _softened_verb(text, start, size):
        return True
    middle = start + size
    # HMM joins runs of single characters jieba does not know into one token,
    # so a doubled character next to an unknown word is not blamed on OCR.
    tokens = tokens_around(text, start, start + 2 * size, hmm=True)
    first, second = _token_at(tokens, middle - 1), _token_at(tokens, middle)
    if first == second:  # one token across the middle: 处处长, 生生不息
        return is_dictionary_word(first[2])
    if size > 1:
        return False
    # 工作部|部长, 崇敬|敬重: the doubled character ends one word and starts the next.
    if len(first[2]) > 1 and len(second[2]) > 1:
        return True
    return len(first[2]) > 1 and second[2] in PARTICLES  # 目的|的
