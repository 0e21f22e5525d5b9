"""What every engine indexes, read from the haystack fields: one definition, the same terms."""

from __future__ import annotations

from dataclasses import dataclass, field

from articles.search import text


@dataclass(frozen=True)
class TextField:
    boost: float = 1.0
    # Every ideograph a term too (names: 王 finds 王君伟).
    characters: bool = False
    # Also searched as part of the document field, at this field's boost (garbled OCR).
    merged: bool = False


@dataclass(frozen=True)
class IndexDefinition:
    content: str = ""
    texts: dict[str, TextField] = field(default_factory=dict)
    # Exact values for filters and facets; True where a document may have several.
    facets: dict[str, bool] = field(default_factory=dict)
    # Dates and numbers, for sorting.
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def boosts(self) -> dict[str, float]:
        """Searched fields besides the document field, with their boosts."""
        return {n: f.boost for n, f in self.texts.items() if n != self.content}


def index_definition(fields) -> IndexDefinition:
    """The definition from haystack's `all_searchfields()`."""
    content, texts, facets, columns = "", {}, {}, {}
    for f in fields.values():
        name = f.index_fieldname
        if f.document:
            content = name
        if f.is_multivalued:
            facets[name] = True
        elif f.field_type in ("date", "datetime", "integer", "float"):
            columns[name] = f.field_type
        elif f.field_type == "boolean" or hasattr(f, "facet_for") or not f.indexed:
            facets[name] = False
        else:
            texts[name] = TextField(
                boost=float(f.boost or 1.0),
                characters=bool(getattr(f, "index_characters", False)),
                merged=bool(getattr(f, "searched_with_document", False)),
            )
    return IndexDefinition(content, texts, facets, columns)


# Merged fields' positions start this far past the document's last term, so no phrase
# spans the seam.
MERGE_GAP = 1000


def text_postings(
    doc: dict, definition: IndexDefinition
) -> tuple[dict[str, dict[str, list[int]]], dict[str, float]]:
    """Each searched field's terms with their positions (character offsets), and the
    document field's term weights where merged fields add to them.

    Fields marked `merged` (the garbled OCR forms) are also merged into the document
    field at their lower weight, so a query whose words are partly in the corrected text
    and partly garbled (六顶 举措) still matches.
    """
    postings = {}
    for name, options in definition.texts.items():
        value = doc.get(name)
        if isinstance(value, str):
            # The search index prepares every text field normalised (ArticleIndex), so
            # it is not normalised again here (that was a twentieth of a build).
            postings[name] = text.index_postings(value, characters=options.characters)
    weights: dict[str, float] = {}
    content = postings.get(definition.content)
    if content is not None:
        start = 1 + max((p[-1] for p in content.values()), default=0) + MERGE_GAP
        for name, options in definition.texts.items():
            if not options.merged:
                continue
            for term, positions in postings.get(name, {}).items():
                had = content.get(term, [])
                weights[term] = len(had) + options.boost * len(positions)
                content[term] = had + [start + p for p in positions]
    return postings, weights
