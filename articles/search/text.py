"""Chinese text for search: one normalisation and jieba segmentation with the archive's
dictionary."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import opencc
import rjieba

from archive.ingest.text import CJK, CJK_CHAR, INVISIBLE_CHARS

USER_DICTIONARY = (
    Path(__file__).resolve().parent.parent / "data" / "search_userdict.txt"
)

# What never carries meaning but splits words; vertical tab and form feed too, since
# search treats every line break as a space.
INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}\x0b\x0c]")
# A line wrap in print leaves a space inside a Chinese word (工会组 织); a space between
# two Chinese characters is never meaningful, so it goes.
CJK_GAP = re.compile(f"(?<=[{CJK}])\\s+(?=[{CJK}])")
# Whatever may sit between two characters of a word in the raw (unnormalised) text.
RAW_GAP = (
    "[\\s\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\ufeff]*"
)
# A token worth indexing starts with a letter, digit or ideograph (not punctuation).
WORDISH = re.compile(
    f"[0-9a-z{CJK}\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]", re.IGNORECASE
)
# Function words that occur in every article; dropped from the index (a one-character
# query for one of them still finds the words containing it).
STOP_WORDS = frozenset(
    "的 了 着 是 在 和 与 及 而 之 也 都 就 把 被 从 于 等 其 或 这 那".split()
)
# Clause boundaries for comparing the original OCR with the corrected text.
NON_WORD = re.compile(r"[\W_]+")


def _converter():
    # One OpenCC converter per thread: it is cheap to make and we need not trust its
    # C++ object to be thread-safe.
    local = _converter.local
    if not hasattr(local, "t2s"):
        local.t2s = opencc.OpenCC("t2s")
    return local.t2s


_converter.local = threading.local()


def to_simplified(text: str) -> str:
    return _converter().convert(text) if text else text


# Runs of characters NFKC may change: anything but ASCII and common ideographs, with
# the character before (a base letter composes with a following combining mark).
NFKC_RUN = re.compile("[\x00-\x7f\u4e00-\u9fff]?[^\x00-\x7f\u4e00-\u9fff]+")


def nfkc(text: str) -> str:
    """NFKC, fast on Chinese text: only the runs that can change are normalised."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    return NFKC_RUN.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def normalize(text: str | None) -> str:
    """The form of text used for index keys and queries alike.

    NFKC (full-width Latin and digits become half-width, compatibility ideographs become
    unified ones), invisible characters removed, traditional → simplified, spaces inside
    Chinese removed, lower case.
    """
    if not text:
        return ""
    text = nfkc(text)
    text = INVISIBLE.sub("", text)
    text = to_simplified(text)
    text = CJK_GAP.sub("", text)
    return text.lower()


# --- segmentation -----------------------------------------------------------------

_tokenizer: rjieba.Jieba | None = None
_tokenizer_lock = threading.Lock()


def tokenizer() -> rjieba.Jieba:
    """The search segmenter: jieba's dictionary and algorithm plus the archive's words.

    jieba-rs (Rust) finds the same words as jieba in Python some twenty times faster,
    which is most of an index build. It is an instance of its own, so the search
    dictionary never changes how the importer segments text.
    """
    global _tokenizer
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                tk = rjieba.Jieba()
                for word in user_words():
                    tk.add_word(word, None, None)
                _tokenizer = tk
    return _tokenizer


def is_word(word: str) -> bool:
    """Whether the dictionary (jieba's and the archive's) has this word."""
    return tokenizer().has_word(word)


def user_words() -> list[str]:
    """Words of the user dictionary: one per line, `#` starts a comment."""
    words = []
    for line in USER_DICTIONARY.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(normalize(word.split()[0]))
    return words


def is_wordish(token: str) -> bool:
    return bool(token) and WORDISH.match(token) is not None


@lru_cache(maxsize=200_000)
def word_terms(word: str) -> tuple[tuple[str, int], ...]:
    """The index terms one segmented word gives, with their offsets inside it.

    Unlike jieba's search mode (2–3 character words only), every dictionary word
    inside is a term, so 集体协商 is found inside 工资集体协商. Words recur, so what
    each gives is remembered (most of an index build's time was spent here).
    """
    if word in STOP_WORDS or not is_wordish(word):
        return ()
    terms = [(word, 0)]
    size = len(word)
    if size > 2 and CJK_CHAR.match(word):
        tk = tokenizer()
        for width in range(2, size):
            for i in range(size - width + 1):
                if tk.has_word(word[i : i + width]):
                    terms.append((word[i : i + width], i))
    return tuple(terms)


def index_postings(text: str, *, characters: bool = False) -> dict[str, list[int]]:
    """Terms of normalised text with their positions (character offsets).

    The dictionary words inside longer words are terms too (总工会 → 工会, 总工),
    so a query for the shorter word finds the longer one. Positions are character
    offsets, which lets a phrase be checked by the offsets of its words whatever
    segmentation the surrounding text got. With `characters`, every ideograph is a
    term too (used for short fields such as names, so 王 finds 王君伟).
    """
    postings: dict[str, list[int]] = defaultdict(list)
    if not text:
        return postings
    start = 0
    for word in tokenizer().cut(text):
        for term, offset in word_terms(word):
            postings[term].append(start + offset)
        start += len(word)
    if characters:
        for match in CJK_CHAR.finditer(text):
            char = match.group()
            if char in STOP_WORDS:
                continue
            positions = postings[char]
            if match.start() not in positions:
                positions.append(match.start())
    for positions in postings.values():
        positions.sort()
    return postings


def words(text: str) -> list[str]:
    """Words of normalised text in reading order (jieba's accurate mode), no stop words."""
    if not text:
        return []
    return [w for w in tokenizer().cut(text) if is_wordish(w) and w not in STOP_WORDS]


def word_spans(text: str) -> list[tuple[str, int]]:
    """Words of normalised text with their offsets, stop words left out."""
    return [
        (w, start)
        for w, start, _end in tokenizer().tokenize(text)
        if is_wordish(w) and w not in STOP_WORDS
    ]


def tiling(word: str, *, singles: bool = False) -> list[tuple[str, int]] | None:
    """Cover a long word with the shorter dictionary words inside it, with their offsets.

    jieba's search mode emits the 2–3 character dictionary words inside a longer word,
    whether a document got the long word as one token or as several, so matching them
    at the right offsets finds the word in either segmentation (集体协商 inside
    工资集体协商). With `singles`, single characters may fill gaps (新 就业 形态), which
    matches documents that segmented the word that way. None if no cover exists.
    """
    if len(word) < 4 or not CJK_CHAR.match(word):
        return None
    sizes = (3, 2, 1) if singles else (3, 2)
    parts, i = [], 0
    while i < len(word):
        for size in sizes:
            piece = word[i : i + size]
            if len(piece) == size and (size == 1 or is_word(piece)):
                parts.append((piece, i))
                i += size
                break
        else:
            return None
    if all(len(piece) == 1 for piece, _ in parts):
        return None
    return parts


def phrase_units(text: str) -> list[tuple[str, int]]:
    """The terms a phrase is matched by, with their offsets inside the phrase."""
    units = []
    for word, start in word_spans(text):
        tiles = tiling(word)
        if tiles:
            units.extend((piece, start + offset) for piece, offset in tiles)
        else:
            units.append((word, start))
    return units


def garbled_words(original: str, corrected: str, *, limit: int = 300) -> str:
    """Words of the original OCR that the corrected text no longer has (人会 for 入会).

    Only clauses of the original that differ from every clause of the corrected text are
    segmented, so an article whose text was not changed costs one comparison.
    """
    o, c = normalize(original), normalize(corrected)
    if not o or o == c:
        return ""
    clauses = set(NON_WORD.split(c))
    found: list[str] = []
    seen = set()
    for clause in NON_WORD.split(o):
        if not clause or clause in clauses or clause in c:
            continue
        for word in words(clause):
            if word not in seen and word not in c:
                seen.add(word)
                found.append(word)
                if len(found) >= limit:
                    return " ".join(found)
    return " ".join(found)
