"""What the parser returns: pieces, people and flags, as plain dataclasses."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class Person:
    name: str | None
    role: str | None = None
    affiliation: str | None = None
    province: str | None = None


@dataclass
class Flag:
    code: str
    message: str


@dataclass
class Piece:
    kind: str
    column: str | None
    kicker: str | None
    title: str
    lede: str | None
    body: list[str]
    authors: list[Person]
    credits: list[Person]
    quoted: list[Person]
    flags: list[Flag]
    original: str


@dataclass
class ParsedPage:
    pieces: list[Piece]
    flags: list[Flag]

    def as_dict(self) -> dict:
        people = ("authors", "credits", "quoted")
        return {
            "pieces": [
                {
                    "kind": p.kind,
                    "column": p.column,
                    "kicker": p.kicker,
                    "title": p.title,
                    "lede": p.lede,
                    # One string: the reviewer's scorer reads body as text, not a list.
                    "body": "\n\n".join(p.body),
                    **{k: [asdict(x) for x in getattr(p, k)] for k in people},
                    "flags": [asdict(f) for f in p.flags],
                }
                for p in self.pieces
            ],
            "flags": [asdict(f) for f in self.flags],
        }


# Which label fields each flag puts in doubt, so an editor (and the generated-layout
# test) knows what a flag covers; "piece" means the piece's boundaries themselves.
_AUTHORS = ("author names", "affiliation", "province")
FLAG_FIELDS: dict[str, tuple[str, ...]] = {
    "moved_text": ("lede", "opening", "title", "kicker", *_AUTHORS),
    "layout_unclear": ("lede", "opening", *_AUTHORS),
    "orphan_text": ("piece", "title", "kind", "column"),
    "unattached_text": ("piece",),
    "kind_guess": ("kind", "column", "piece"),
    "title_guess": ("title", "kicker"),
    "kicker_guess": ("title", "kicker"),
    "title_split": ("title", "kicker", "opening"),
    "title_missing": ("title",),
    "title_corrected": ("title",),
    "lede_guess": ("lede", "opening"),
    "duplicate_passage": ("opening",),
    "leading_heading": ("opening",),
    "name_mismatch": ("author names",),
    "author_name_missing": ("author names",),
    "note_unmatched": _AUTHORS,
    "note_ambiguous": ("affiliation", "province"),
    "affiliation_choice": ("affiliation", "province"),
    "affiliation_missing": ("affiliation", "province"),
    "province_unknown": ("province",),
    "province_ambiguous": ("province",),
    "province_guess": ("province",),
    "column_guess": ("column",),
    "quoted_name_missing": ("quoted",),
    "page_staff": (),  # page staff noted, not a doubt about any piece
}
