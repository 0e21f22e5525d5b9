"""One raw OCR theory page to pieces: articles, digests, graphics, reports, briefs."""

from archive.ingest.parsing.page import parse_page
from archive.ingest.parsing.people import NoteClause, parse_note
from archive.ingest.parsing.records import Flag, ParsedPage, Person, Piece
from archive.ingest.parsing.units import is_name

__all__ = [
    "Flag",
    "NoteClause",
    "ParsedPage",
    "Person",
    "Piece",
    "is_name",
    "parse_note",
    "parse_page",
]
