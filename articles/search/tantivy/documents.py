"""The tantivy schema and documents of the index definition: the same terms as Whoosh's."""

from __future__ import annotations

import datetime
from functools import lru_cache

import tantivy
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.exceptions import SkipDocument

from articles.search import text
from articles.search.definition import IndexDefinition, text_postings
from articles.search.tantivy.queries import CHARACTERS, INSIDE


def build_schema(definition: IndexDefinition) -> tantivy.Schema:
    """Text fields take pre-segmented terms at character offsets (positions indexed);
    facets are exact fast values (counted by aggregation); columns sort."""
    builder = tantivy.SchemaBuilder()
    builder.add_text_field(ID, tokenizer_name="raw", index_option="basic")
    builder.add_text_field(DJANGO_CT, tokenizer_name="raw", stored=True)
    builder.add_text_field(DJANGO_ID, tokenizer_name="raw", stored=True)
    for name in definition.texts:
        builder.add_text_field(name, tokenizer_name="raw", index_option="position")
        # Side terms arrive as one space-separated string per field (they never
        # contain a space): one call per field instead of one per term.
        for side in (CHARACTERS, INSIDE):
            builder.add_text_field(
                f"{name}{side}", tokenizer_name="whitespace", index_option="basic"
            )
    for name in definition.facets:
        builder.add_text_field(
            name, tokenizer_name="raw", fast=True, index_option="basic"
        )
    for name, kind in definition.columns.items():
        if kind == "float":
            builder.add_float_field(name, fast=True, indexed=False)
        else:
            builder.add_integer_field(name, fast=True, indexed=False)
    return builder.build()


def column_value(value) -> int | float | None:
    """A sortable number: dates as day numbers, times as seconds."""
    if isinstance(value, datetime.datetime):
        return int(value.timestamp())
    if isinstance(value, datetime.date):
        return value.toordinal()
    return value


def side_terms(terms) -> dict[str, list[str]]:
    """What the Whoosh engine finds by walking the term list, as terms of their own:
    every ideograph of the words (王 → 王君伟, 国王), and each piece of two or more
    ideographs of an out-of-dictionary word (君伟 → 王君伟)."""
    # One scan of all the terms, not one per term (this was a fifth of a build).
    chars = set(text.CJK_CHAR.findall("".join(terms)))
    inside = set()
    for term in terms:
        if len(term) >= 3:
            inside.update(inside_pieces(term))
    return {CHARACTERS: sorted(chars), INSIDE: sorted(inside)}


@lru_cache(maxsize=100_000)
def inside_pieces(term: str) -> tuple[str, ...]:
    """The pieces of two or more ideographs of an out-of-dictionary word of three or more."""
    if len(term) < 3 or len(text.CJK_CHAR.findall(term)) != len(term):
        return ()
    if text.is_word(term):
        return ()
    return tuple(
        term[i : i + width]
        for width in range(2, len(term))
        for i in range(len(term) - width + 1)
    )


def prepare(index, obj, definition: IndexDefinition) -> dict | None:
    """One object as plain data (picklable, made in worker processes): ids, the terms
    of each text field with their positions, facet values, column numbers."""
    try:
        doc = index.full_prepare(obj)
    except SkipDocument:
        return None
    postings, _weights = text_postings(doc, definition)
    return {
        "ids": {k: str(doc[k]) for k in (ID, DJANGO_CT, DJANGO_ID)},
        # Each term with its positions in order: all tantivy needs (the order of
        # the terms does not matter), without sorting every posting of the article.
        "texts": postings,
        "sides": {
            name: side_terms(field_postings)
            for name, field_postings in postings.items()
        },
        "facets": {
            name: [str(v) for v in value]
            if isinstance(value, (list, tuple))
            else [str(value)]
            for name in definition.facets
            if (value := doc.get(name)) not in (None, "", [])
        },
        "columns": {
            name: column_value(doc[name])
            for name in definition.columns
            if doc.get(name) is not None
        },
    }


def document(data: dict, definition: IndexDefinition) -> tantivy.Document:
    doc = tantivy.Document()
    for name, value in data["ids"].items():
        doc.add_text(name, value)
    Token = tantivy.Token
    for name, field_postings in data["texts"].items():
        tokens = [
            Token(term, position, position, position + size)
            for term, positions in field_postings.items()
            for size in (len(term),)
            for position in positions
        ]
        doc.add_pre_tokenized_text(name, tantivy.PreTokenizedString("", tokens))
    for name, sides in data["sides"].items():
        for side, terms in sides.items():
            if terms:
                doc.add_text(f"{name}{side}", " ".join(terms))
    for name, values in data["facets"].items():
        for value in values:
            doc.add_text(name, value)
    for name, value in data["columns"].items():
        if definition.columns[name] == "float":
            doc.add_float(name, float(value))
        else:
            doc.add_integer(name, int(value))
    return doc
