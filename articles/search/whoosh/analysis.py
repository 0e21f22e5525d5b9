"""Whoosh analysis over `articles.search.text`: jieba terms at character offsets, pre-encoded."""

from __future__ import annotations

from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from whoosh import fields as whoosh_fields
from whoosh import formats, query
from whoosh.analysis import Token, Tokenizer
from whoosh.qparser import AndGroup, QueryParser

from articles.search import text
from articles.search.definition import IndexDefinition
from articles.search.whoosh.queries import OffsetPhrase, word_query

POSITIONS = formats.Positions()


class PreSegmented(tuple):
    """(term bytes, frequency, weight, encoded positions) for one field of one document."""

    __slots__ = ()


_single_position: dict[int, bytes] = {}


def encode_postings(postings: dict[str, list[int]], weights=None) -> PreSegmented:
    """Postings in Whoosh's Positions format; most terms occur once, and those are cached."""
    items = []
    weights = weights or {}
    for term, positions in postings.items():
        if len(positions) == 1:
            value = _single_position.get(positions[0])
            if value is None:
                value = _single_position[positions[0]] = POSITIONS.encode(positions)
        else:
            value = POSITIONS.encode(positions)
        weight = weights.get(term, float(len(positions)))
        items.append((term.encode("utf-8"), len(positions), weight, value))
    return PreSegmented(items)


def segment(value: str, characters: bool = False) -> PreSegmented:
    return encode_postings(
        text.index_postings(text.normalize(value), characters=characters)
    )


class ChineseAnalyzer(Tokenizer):
    """Whoosh analyzer over `articles.search.text`: index terms, or a phrase's matching units.

    Used by Whoosh for phrases in queries (mode="query") and by anything that asks a
    field to tokenize; indexing itself goes through `ChineseText.index`, which skips
    Whoosh's per-token objects.
    """

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __hash__(self):
        return hash(self.__class__.__name__)

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        normalised = text.normalize(value)
        if mode == "query":
            pairs = text.phrase_units(normalised)
        else:
            pairs = sorted(
                (position, term)
                for term, positions_ in text.index_postings(normalised).items()
                for position in positions_
            )
            pairs = [(term, position) for position, term in pairs]
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for term, offset in pairs:
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = term
            if positions:
                token.pos = start_pos + offset
            if chars:
                token.startchar = start_char + offset
                token.endchar = start_char + offset + len(term)
            yield token


class ChineseText(whoosh_fields.TEXT):
    """A text field analysed with jieba, storing nothing, with Chinese query parsing."""

    def __init__(self, characters: bool = False):
        super().__init__(
            analyzer=ChineseAnalyzer(), phrase=True, stored=False, spelling=False
        )
        self.characters = characters

    def index(self, value, **kwargs):
        yield from (
            value
            if isinstance(value, PreSegmented)
            else segment(value, self.characters)
        )

    def self_parsing(self):
        # Whoosh then hands every bare word of a query to parse_query below, instead
        # of splitting it on whitespace and stemming it.
        return True

    def parse_query(self, fieldname, qstring, boost=1.0):
        return word_query(fieldname, text.normalize(qstring), boost=boost)

    def parse_range(self, fieldname, start, end, startexcl, endexcl, boost=1.0):
        return query.NullQuery


def whoosh_schema(definition: IndexDefinition) -> whoosh_fields.Schema:
    """The Whoosh schema of the index definition: nothing stored but the ids."""
    schema_fields = {
        ID: whoosh_fields.ID(stored=False, unique=True),
        DJANGO_CT: whoosh_fields.ID(stored=True),
        DJANGO_ID: whoosh_fields.ID(stored=True),
    }
    for name, options in definition.texts.items():
        schema_fields[name] = ChineseText(characters=options.characters)
    for name, multivalued in definition.facets.items():
        # Facets are exact values (a column, a province), never analysed.
        schema_fields[name] = (
            whoosh_fields.KEYWORD(
                stored=False, commas=True, lowercase=False, scorable=False
            )
            if multivalued
            else whoosh_fields.ID(stored=False)
        )
    for name, kind in definition.columns.items():
        schema_fields[name] = (
            whoosh_fields.DATETIME(stored=False, sortable=True)
            if kind in ("date", "datetime")
            else whoosh_fields.NUMERIC(
                stored=False, numtype=int if kind == "integer" else float, sortable=True
            )
        )
    return whoosh_fields.Schema(**schema_fields)


def query_parser(schema, content: str) -> QueryParser:
    """The parser of haystack's query strings, for every embedded engine.

    Bare words and phrases go to the document field, which holds all searched text
    (title, people and garbled forms included); see `queries.with_field_boosts`.
    """
    return QueryParser(content, schema=schema, phraseclass=OffsetPhrase, group=AndGroup)
