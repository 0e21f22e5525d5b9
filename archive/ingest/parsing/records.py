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
