"""Units walked in page order into drafts: headers, titles and end notes delimit pieces."""

from __future__ import annotations

from dataclasses import dataclass, field

from archive.ingest.parsing.people import parse_note, same_person
from archive.ingest.parsing.records import Flag, Person
from archive.ingest.parsing.units import (
    DIGEST_COLUMN,
    MAX_LEDE,
    NEWS_LEAD,
    SKIPPED,
    Unit,
    derived,
)


@dataclass(eq=False)
class Draft:
    """A piece while it is being assembled: its units by structural role."""

    header: Unit | None = None
    headless: bool = False  # text found where no header or title introduced it
    headings: list[Unit] = field(default_factory=list)
    title_extra: list[str] = field(default_factory=list)
    lede: list[Unit] = field(default_factory=list)
    lede_labelled: bool = False
    expect_lede: bool = False
    byline: list[str] = field(default_factory=list)
    reporters: list[Person] = field(default_factory=list)
    items: list[Unit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    credits: list[Person] = field(default_factory=list)
    graphic: bool = False
    strays: list[Unit] = field(default_factory=list)
    indices: set[int] = field(default_factory=set)
    flags: list[Flag] = field(default_factory=list)
    ended: bool = False
    host: Draft | None = None  # for a block cut out of another piece's body

    @property
    def position(self) -> int:
        return min(self.indices, default=-1)

    @property
    def fragment(self) -> bool:
        """Plain text, with no lede or byline of its own."""
        return not (self.lede or self.byline or self.reporters)

    @property
    def titled(self) -> bool:
        """Ends with a heading: its own title, printed after the text."""
        # With a lede or byline of its own, a closing heading is a subheading.
        ends = bool(self.items) and self.items[-1].kind == "heading"
        return self.headless and self.fragment and ends

    @property
    def opened(self) -> bool:
        return bool(self.items or self.lede or self.byline or self.reporters)

    @property
    def has_title(self) -> bool:
        return bool(self.headings or (self.header and self.header.rest))

    @property
    def digest(self) -> bool:
        column = self.header.column if self.header else None
        return column == DIGEST_COLUMN or any(p.role == "整理" for p in self.credits)

    def flag(self, code: str, message: str) -> None:
        self.flags.append(Flag(code, message))


def _next_unit(units: list[Unit], position: int) -> Unit | None:
    return next((u for u in units[position + 1 :] if u.kind not in SKIPPED), None)


def group(units: list[Unit]) -> list[Draft]:
    """Walk the page in order; headers, titles and end notes delimit the drafts."""
    drafts: list[Draft] = []
    current: Draft | None = None
    waiting_markers: list[int] = []
    for position, unit in enumerate(units):
        if unit.kind == "page_staff":
            continue
        if unit.kind == "marker":
            if current is None:
                waiting_markers.append(unit.index)
            else:
                current.indices.add(unit.index)
            continue
        if unit.kind == "header":
            current = Draft(header=unit)
        elif (
            current is None
            or current.ended
            or _foreign_credit(current, unit)
            or _foreign_note(current, unit)
        ):
            current = Draft(headless=unit.kind != "heading")
        elif unit.kind == "heading" and (
            _starts_piece(current, units, position) or _after_loose_text(current)
        ):
            current = Draft()
        else:
            _add(current, unit)
            continue
        drafts.append(current)
        current.indices.update(waiting_markers)
        waiting_markers.clear()
        if unit.kind == "header":
            current.indices.add(unit.index)
        else:
            _add(current, unit)
    return drafts


def _foreign_credit(draft: Draft, unit: Unit) -> bool:
    # A graphic's credit under an article with a byline belongs to the next graphic.
    is_article = draft.byline or draft.reporters or draft.lede or draft.notes
    return unit.kind == "graphic_credit" and bool(is_article)


def _after_loose_text(draft: Draft) -> bool:
    # Loose text after a finished piece, then a heading: the text is a displaced lede
    # or paragraph, the heading a title printed apart; each finds its piece on its own.
    return draft.headless and draft.fragment and not draft.notes and bool(draft.items)


def _foreign_note(draft: Draft, unit: Unit) -> bool:
    # A note naming people the piece's byline does not is another article's note,
    # printed after the next piece: it becomes a block that finds its article.
    if unit.kind != "note":
        return False
    owners = set(draft.byline) | {p.name for p in draft.reporters if p.name}
    named = {n for clause in parse_note(unit.note) for n in clause.names}
    if not owners or not named:
        return False
    return not any(same_person(a, b) for a in named for b in owners)


def _starts_piece(draft: Draft, units: list[Unit], position: int) -> bool:
    # A heading opens a new piece when a byline or lede box follows it, or when it is a
    # kicker ending in a dash; otherwise it is a subheading of the current piece.
    if not draft.opened:
        return False
    after = _next_unit(units, position)
    if after is None:
        return False
    if after.kind in ("byline", "maybe_byline", "reporter", "lede_label"):
        return True
    if after.kind == "text" and NEWS_LEAD.match(after.key):
        return True
    if _leaves_box(draft, units[position], after):
        return True
    return units[position].key.endswith("——") and after.kind == "heading"


def _leaves_box(draft: Draft, heading: Unit, after: Unit) -> bool:
    # A box (no byline, note or lede; short subheadings over its items) ends where a
    # heading far longer than its subheadings opens running text: the next title.
    if not draft.fragment or draft.notes or draft.header or draft.credits:
        return False
    subheadings = [len(u.key) for u in draft.items if u.kind == "heading"]
    if len(subheadings) < 2 or after.kind != "text" or after.dangling:
        return False
    typical = sorted(subheadings)[len(subheadings) // 2]
    return len(heading.key) >= 2 * typical and len(heading.key) >= 12


def _add(draft: Draft, unit: Unit) -> None:
    draft.indices.add(unit.index)
    if unit.kind == "maybe_byline":
        unit.kind = "heading" if draft.items else "byline"
    if unit.kind == "quote" and draft.has_title and not draft.opened:
        unit.kind = "heading"  # ——记某某: a subtitle under the title, not a quote
    kind = unit.kind
    if kind in ("byline", "reporter") and _lede_above_byline(draft):
        draft.lede, draft.items = draft.items, []
        draft.flag("lede_guess", "署名上方的短段判为提要（未见“观点”标签），请核对。")
    if kind == "heading":
        if not draft.opened and not draft.headless:
            draft.headings.append(unit)
        elif (
            draft.header
            and not draft.has_title
            and draft.fragment
            and _only_fragments(draft)
        ):
            # Text between a column header and its title is debris from elsewhere.
            draft.strays, draft.items = draft.items, []
            draft.headings.append(unit)
        else:
            draft.items.append(unit)
    elif kind == "byline" and not draft.items:
        draft.byline += [n for n in unit.names if n not in draft.byline]
    elif kind == "reporter" and not draft.items:
        draft.reporters += unit.people
    elif kind == "lede_label" and not draft.items and not draft.lede:
        draft.expect_lede = draft.lede_labelled = True
        if unit.rest:
            _add(draft, derived(unit, unit.rest))
    elif kind == "text" and draft.expect_lede:
        draft.lede.append(unit)
        draft.expect_lede = unit.dangling
    elif kind == "note":
        if unit.rest:
            _add(draft, derived(unit, unit.rest))
        draft.notes.append(unit.note)
        draft.ended = True
    elif kind == "credit":
        if unit.rest:
            _add(draft, derived(unit, unit.rest))
        draft.credits += unit.people
        draft.ended = True
    elif kind == "graphic_credit":
        draft.credits += unit.people
        draft.graphic = draft.ended = True
    else:
        draft.expect_lede = False
        draft.items.append(unit)


def _lede_above_byline(draft: Draft) -> bool:
    # Title, one short complete paragraph, byline: the paragraph is the lede box
    # printed above the byline, not the body (a body never precedes its byline).
    # Loose on the page (headless), the two are an article's head printed apart.
    if draft.lede or draft.byline or draft.reporters:
        return False
    if not (draft.has_title or draft.header or draft.headless):
        return False
    if len(draft.items) != 1 or draft.items[0].kind != "text":
        return False
    first = draft.items[0]
    return not first.dangling and len(first.key) <= MAX_LEDE


def _only_fragments(draft: Draft) -> bool:
    return 0 < len(draft.items) <= 2 and all(u.kind == "text" for u in draft.items)
