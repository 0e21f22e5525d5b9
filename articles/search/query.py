"""The search box's syntax (words, "phrases", -exclusions) parsed into a haystack query that
cannot break."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from haystack.inputs import Exact
from haystack.query import SearchQuerySet

from articles.search import text
from articles.search.highlight import terms_to_mark

# What a reader may type; anything longer is cut (and the page says so).
MAX_RAW_CHARS = 1000
MAX_QUERY_CHARS = 200
MAX_TERMS = 10
# Typographic quotes (“”「」『』 and full-width ＂) count as straight ones.
QUOTES = str.maketrans({c: '"' for c in "“”„‟「」『』＂〝〞"})
TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
# A term keeps letters, digits and ideographs; everything else separates words, so no
# query syntax (field:, *, [a TO z], ~, ^, parentheses, operators) reaches the engine.
SEPARATOR = re.compile(r"[\W_]+")
OPERATORS = frozenset({"and", "or", "not", "to"})


@dataclass(frozen=True)
class ParsedQuery:
    raw: str
    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    truncated: bool = False
    # What normalisation changed that the reader may want to know (繁体, 全角).
    converted: bool = False

    @property
    def is_blank(self) -> bool:
        return not self.raw.strip()

    @property
    def is_empty(self) -> bool:
        """Nothing to search for (blank, or only syntax and stop characters)."""
        return not (self.words or self.phrases or self.excluded)

    @property
    def has_positive(self) -> bool:
        return bool(self.words or self.phrases)

    @property
    def display(self) -> str:
        """The query as it is searched, in the box's own syntax."""
        parts = list(self.words)
        parts += [f'"{p}"' for p in self.phrases]
        parts += [f"-{e}" for e in self.excluded]
        return " ".join(parts)

    def highlight_terms(self) -> list[str]:
        """Words to mark in titles and snippets: each word, its parts, each phrase."""
        return terms_to_mark(self.words, self.phrases)

    def without(self, term: str) -> ParsedQuery:
        return ParsedQuery(
            raw=self.raw,
            words=tuple(w for w in self.words if w != term),
            phrases=tuple(p for p in self.phrases if p != term),
            excluded=self.excluded,
        )


def clean_term(typed: str) -> list[str]:
    """A typed term as the words it holds (normalised, no syntax)."""
    return [w for w in SEPARATOR.split(text.normalize(typed)) if w]


def parse_query(raw: str | None) -> ParsedQuery:
    """Parse the search box. Never raises; hostile input becomes plain words or nothing."""
    raw = raw or ""
    truncated = len(raw) > MAX_RAW_CHARS
    raw = raw[:MAX_RAW_CHARS]
    unified = unicodedata.normalize("NFKC", raw).translate(QUOTES)
    words: list[str] = []
    phrases: list[str] = []
    excluded: list[str] = []
    for negate, quoted, bare in TOKEN.findall(unified):
        if bare:
            if bare.startswith("-") and len(bare) > 1:
                negate, bare = "-", bare[1:]
            chunks = [c for c in clean_term(bare) if c not in OPERATORS]
            (excluded if negate else words).extend(chunks)
            continue
        chunks = clean_term(quoted)
        if not chunks:
            continue
        phrase = " ".join(chunks)
        if negate:
            excluded.append(phrase)
        elif len(chunks) > 1 or len(text.words(phrase)) > 1:
            phrases.append(phrase)
        else:
            # A quoted single word (枫桥经验 is one dictionary word) is just that word.
            words.append(phrase)
    kept: dict[str, list[str]] = {"words": [], "phrases": [], "excluded": []}
    budget, count = MAX_QUERY_CHARS, 0
    for kind, items in (("words", words), ("phrases", phrases), ("excluded", excluded)):
        for item in dict.fromkeys(items):
            if count >= MAX_TERMS or budget <= 0:
                truncated = True
                break
            if len(item) > budget:
                item, truncated = item[:budget].strip(), True
            kept[kind].append(item)
            budget -= len(item)
            count += 1
    typed = "".join(SEPARATOR.split(raw.lower()))
    searched = "".join(SEPARATOR.split(text.normalize(raw)))
    return ParsedQuery(
        raw=raw,
        words=tuple(kept["words"]),
        phrases=tuple(kept["phrases"]),
        excluded=tuple(e for e in kept["excluded"] if e not in kept["words"]),
        truncated=truncated,
        converted=bool(typed) and typed != searched,
    )


# --- the haystack query ---------------------------------------------------------------


@dataclass(frozen=True)
class Facet:
    param: str  # URL parameter
    field: str  # index field
    label: str
    labels: dict | None = None  # code → display label (kind, status)
    shown: int = 8  # values listed before “更多”
    limit: int = 40  # values offered at all


@cache
def facet_definitions() -> tuple[Facet, ...]:
    from articles.models import Article

    return (
        Facet("column", "column", "栏目"),
        Facet("year", "year", "年份", shown=10),
        Facet("province", "provinces", "省份"),
        Facet("author", "authors", "作者"),
        Facet("affiliation", "affiliations", "作者单位"),
        Facet("kind", "kind", "体裁", labels=dict(Article.Kind.choices)),
        Facet("status", "status", "校对状态", labels=dict(Article.Status.choices)),
    )


MAX_FILTER_VALUES = 10
MAX_FILTER_CHARS = 100
UNSAFE_IN_FILTER = re.compile(r'["\\\x00-\x1f\x7f]')


def clean_filter_value(value: str) -> str:
    """A facet value from a URL, safe inside a quoted query term (no quotes, no escapes)."""
    value = UNSAFE_IN_FILTER.sub("", text.INVISIBLE.sub("", value or ""))
    return " ".join(value.split())[:MAX_FILTER_CHARS]


def filter_query(field_name: str, values) -> str:
    """`field:("a" OR "b")`: one facet's selected values, any of which may match."""
    quoted = " OR ".join(f'"{v}"' for v in values)
    return f"{field_name}:({quoted})"


SORTS = {"relevance": "相关度", "date": "日期（新→旧）", "date_asc": "日期（旧→新）"}


def build_searchqueryset(
    parsed: ParsedQuery,
    filters: dict[str, list[str]] | None = None,
    *,
    sort: str = "relevance",
    facets: list[Facet] | None = None,
) -> SearchQuerySet:
    """The haystack query for a parsed box plus facet filters; backend-neutral."""
    sqs = SearchQuerySet()
    if parsed.has_positive:
        for word in parsed.words:
            sqs = sqs.filter(content=word)
        for phrase in parsed.phrases:
            sqs = sqs.filter(content=Exact(phrase))
    else:
        sqs = sqs.all()
    for term in parsed.excluded:
        sqs = sqs.exclude(content=Exact(term) if " " in term else term)
    definitions = {f.param: f for f in (facets or facet_definitions())}
    for param, values in (filters or {}).items():
        if param in definitions and values:
            sqs = sqs.narrow(filter_query(definitions[param].field, values))
    for facet in facets or ():
        sqs = sqs.facet(facet.field, size=facet.limit)
    if sort == "date":
        sqs = sqs.order_by("-date")
    elif sort == "date_asc":
        sqs = sqs.order_by("date")
    return sqs
