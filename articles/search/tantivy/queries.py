"""A parsed query (the Whoosh parser's tree, shared by the embedded engines) as a tantivy query."""

from __future__ import annotations

import tantivy
from whoosh import query

from articles.search import text
from articles.search.whoosh.queries import ContainsCharacter, OffsetPhrase, WordTerm

Occur = tantivy.Occur
# Side fields of each text field (documents.side_terms): the ideographs of its words,
# and the pieces of its out-of-dictionary words.
CHARACTERS, INSIDE = "__chars", "__inside"
# Documents matched only through a longer word containing the searched one.
CONTAINED_SCORE = 0.01


def translate(q, schema) -> tantivy.Query | None:
    """The tantivy query of a parsed query; None for one that matches nothing."""
    if isinstance(q, query.Every):
        return tantivy.Query.all_query()
    if isinstance(q, query.Not):
        inner = translate(q.query, schema)
        if inner is None:
            return tantivy.Query.all_query()
        return tantivy.Query.boolean_query(
            [(Occur.Must, tantivy.Query.all_query()), (Occur.MustNot, inner)]
        )
    if isinstance(q, query.AndMaybe):
        required = translate(q.a, schema)
        optional = translate(q.b, schema)
        if required is None or optional is None:
            return required
        return tantivy.Query.boolean_query(
            [(Occur.Must, required), (Occur.Should, optional)]
        )
    if isinstance(q, query.And):
        clauses = []
        for child in q.children():
            if isinstance(child, query.Not):
                inner = translate(child.query, schema)
                if inner is not None:
                    clauses.append((Occur.MustNot, inner))
                continue
            found = translate(child, schema)
            if found is None:
                return None
            clauses.append((Occur.Must, found))
        if not any(occur == Occur.Must for occur, _ in clauses):
            clauses.append((Occur.Must, tantivy.Query.all_query()))
        return boosted(tantivy.Query.boolean_query(clauses), q)
    if isinstance(q, query.Or):
        found = [translate(child, schema) for child in q.children()]
        found = [f for f in found if f is not None]
        if not found:
            return None
        return boosted(
            tantivy.Query.boolean_query([(Occur.Should, f) for f in found]), q
        )
    if isinstance(q, OffsetPhrase):
        pairs = [
            (offset - q.offsets[0], word)
            for word, offset in zip(q.words, q.offsets, strict=True)
        ]
        found = tantivy.Query.phrase_query(schema, q.fieldname, pairs)
    elif isinstance(q, WordTerm):
        found = word(schema, q.fieldname, q.text)
    elif isinstance(q, ContainsCharacter):
        exact = tantivy.Query.term_query(schema, q.fieldname, q.text)
        found = either(exact, CHARACTERS, schema, q.fieldname, q.text)
    elif isinstance(q, query.Term):
        found = tantivy.Query.term_query(schema, q.fieldname, q.text)
    else:  # NullQuery, and anything the parser never makes for the archive
        return None
    return boosted(found, q)


def boosted(found: tantivy.Query, q) -> tantivy.Query:
    boost = getattr(q, "boost", 1.0)
    return tantivy.Query.boost_query(found, boost) if boost != 1.0 else found


def word(schema, fieldname: str, chunk: str) -> tantivy.Query:
    """The word, scored; for two or more ideographs also the longer words jieba made up
    that contain it (names, OCR misreadings run together), at a token score."""
    exact = tantivy.Query.term_query(schema, fieldname, chunk)
    if len(chunk) < 2 or not text.CJK_CHAR.match(chunk):
        return exact
    return either(exact, INSIDE, schema, fieldname, chunk)


def either(exact, side: str, schema, fieldname: str, chunk: str) -> tantivy.Query:
    inside = tantivy.Query.term_query(schema, f"{fieldname}{side}", chunk)
    return tantivy.Query.boolean_query(
        [
            (Occur.Should, exact),
            (Occur.Should, tantivy.Query.const_score_query(inside, CONTAINED_SCORE)),
        ]
    )
