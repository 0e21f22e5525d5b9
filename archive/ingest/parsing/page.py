"""The whole page: segment, group, repair, then each draft's fields into a Piece."""

from __future__ import annotations

from dataclasses import asdict

from archive.ingest.parsing.fields import (
    _clean,
    adopt_title,
    clean_body,
    clean_title,
    correct_title,
    drop_duplicates,
    drop_leading_headings,
    piece_column,
    piece_kind,
    repair_title_fragments,
    settle_box,
    settle_lede,
    settle_title,
)
from archive.ingest.parsing.grouping import Draft, group
from archive.ingest.parsing.people import authors_of
from archive.ingest.parsing.records import Flag, ParsedPage, Person, Piece
from archive.ingest.parsing.repair import repair
from archive.ingest.parsing.units import SKIPPED, Unit, segment


def build_piece(draft: Draft, units: list[Unit]) -> Piece:
    settle_box(draft)
    repair_title_fragments(draft)
    adopt_title(draft)
    kicker, title_parts = settle_title(draft)
    drop_duplicates(draft)
    settle_lede(draft)
    drop_leading_headings(draft, title_parts)
    kind = piece_kind(draft)
    if kind == "brief":
        draft.flag("kind_guess", "没有栏目、署名和作者注，按简讯处理，请核对。")
    authors = authors_of(draft, kind)
    quoted = [
        Person(**asdict(p)) for u in draft.items if u.kind == "quote" for p in u.people
    ]
    for person in quoted:
        if person.name is None:
            draft.flag(
                "quoted_name_missing",
                f"引语出处“{person.role}”缺少姓名（版面残缺），请核对。",
            )
    title = clean_title(title_parts)
    if title:
        title = correct_title(title, draft)
    else:
        draft.flag("title_missing", "没有找到标题，请补上。")
    lede = _clean("".join(u.text for u in draft.lede)) if draft.lede else None
    return Piece(
        kind=kind,
        column=piece_column(draft, kind),
        kicker=_clean(kicker) if kicker else None,
        title=title,
        lede=lede or None,
        body=clean_body(draft.items, whole=not draft.graphic),
        authors=authors,
        credits=draft.credits,
        quoted=quoted,
        flags=_unique(draft.flags),
        original="\n\n".join(units[i].raw for i in sorted(draft.indices)),
    )


def _unique(flags: list[Flag]) -> list[Flag]:
    seen, out = set(), []
    for flag in flags:
        if (flag.code, flag.message) not in seen:
            seen.add((flag.code, flag.message))
            out.append(flag)
    return out


def parse_page(text: str) -> ParsedPage:
    """Segment, classify lines, group into pieces, repair layout, people, clean."""
    units = segment(text)
    page_flags: list[Flag] = []
    drafts = repair(group(units), page_flags)
    pieces = [build_piece(d, units) for d in drafts if d.indices]
    used = {i for d in drafts for i in d.indices}
    for unit in (u for u in units if u.kind == "page_staff"):
        page_flags.append(
            Flag("page_staff", f"版面工作人员署名“{unit.text}”，未计入文章。")
        )
    lost = [u for u in units if u.index not in used and u.kind not in SKIPPED]
    if lost:
        sample = "；".join(u.text[:20] for u in lost[:3])
        page_flags.append(
            Flag("unattached_text", f"有 {len(lost)} 段文字未能归入任何文章：{sample}")
        )
    return ParsedPage(pieces=pieces, flags=page_flags)
