"""Layout repair: text printed in the wrong place goes to the piece it fits best."""

from __future__ import annotations

import re

from archive.ingest.parsing.grouping import Draft
from archive.ingest.parsing.people import parse_note
from archive.ingest.parsing.records import Flag
from archive.ingest.parsing.titles import fill_missing_titles
from archive.ingest.parsing.topics import Topics
from archive.ingest.parsing.units import CJK, MAX_LEDE, Unit
from archive.ingest.text import word_runs_across

RUNNER_UP_MARGIN = 1.0  # score points within which a second candidate is told
TOPIC_WEIGHT = 6  # a perfect topic match weighs as much as a sentence running on

#
# Text that OCR put in the wrong place becomes a headless draft, a "block": a byline
# or lede box inside another article's body with the column that follows it, text
# left over after the last article, debris between a header and its title. Each block
# then goes where the evidence says it belongs: what a piece still lacks (lede,
# byline), the names in its author note, and sentences running on across the gap.


def starts_mid_sentence(unit: Unit) -> bool:
    """力。要持续… : the tail of a sentence that began elsewhere."""
    return bool(
        re.match(f"^[{CJK}]{{1,3}}[。；！？!?;]|^[，,、。；;：:)）”]", unit.key)
    )


def _overlap(unit: Unit, others: list[Unit]) -> float:
    # Share of the unit's 4-grams found in the others: a pull-quote repeats its article.
    bare, pool = unit.bare, "".join(o.bare for o in others)
    grams = [bare[i : i + 4] for i in range(max(len(bare) - 3, 0))]
    return sum(g in pool for g in grams) / len(grams) if grams else 0.0


def _lede_before(items: list[Unit], i: int) -> bool:
    """A lede box printed just before an interleaved byline."""
    candidate = items[i - 1] if i > 0 else None
    if candidate is None or candidate.kind != "text" or candidate.dangling:
        return False
    if len(candidate.key) > MAX_LEDE:
        return False
    follows_break = i >= 2 and items[i - 2].dangling
    following = [u for u in items[i + 1 :] if u.kind == "text"][:3]
    return follows_break or _overlap(candidate, following) >= 0.5


def extract_blocks(draft: Draft) -> list[Draft]:
    """Cut out another piece's text interleaved in this one (a byline mid-body)."""
    blocks = []
    i = 0
    while i < len(draft.items):
        kind = draft.items[i].kind
        if kind not in ("byline", "reporter", "lede_label"):
            i += 1
            continue
        start = i - 1 if kind != "lede_label" and _lede_before(draft.items, i) else i
        block, end = _take_block(draft.items, start, draft)
        blocks.append(block)
        del draft.items[start:end]
        i = start
    return blocks


def _take_block(items: list[Unit], start: int, host: Draft) -> tuple[Draft, int]:
    """The interleaved block from start, and where the host's text resumes."""
    host_tail = items[start - 1] if start > 0 else None
    block = Draft(headless=True, host=host)
    expect_lede = items[start].kind == "text"  # a lede box printed before the byline
    j = start
    while j < len(items):
        unit = items[j]
        if unit.kind == "lede_label":
            if block.items or block.lede:
                break  # another interleaved piece begins
            expect_lede = block.lede_labelled = True
        elif unit.kind in ("byline", "reporter"):
            if block.items:
                break
            block.byline += [n for n in unit.names if n not in block.byline]
            block.reporters += unit.people
        elif expect_lede and unit.kind == "text":
            block.lede.append(unit)
            expect_lede = unit.dangling
        else:
            if block.items and _resumes(host_tail, block.items[-1], unit):
                break
            expect_lede = False
            block.items.append(unit)
        block.indices.add(unit.index)
        j += 1
    return block, j


def _resumes(host_tail: Unit | None, last: Unit, unit: Unit) -> bool:
    """Whether unit goes back to the host rather than continuing the block."""
    if host_tail is not None and host_tail.dangling:
        if word_runs_across(host_tail.key, unit.key) or starts_mid_sentence(unit):
            return True  # the host's interrupted sentence resumes here
    # A block is a column of another article: it ends where its sentence breaks off.
    return (
        unit.kind == "text"
        and last.dangling
        and not word_runs_across(last.key, unit.key)
    )


def _note_names(draft: Draft) -> set[str]:
    return {n for note in draft.notes for c in parse_note(note) for n in c.names}


def _first_text(draft: Draft) -> Unit | None:
    return next((u for u in draft.items if u.kind == "text"), None)


def _chained(block: Draft, target: Draft) -> list[int]:
    """Where in target an unfinished sentence goes on in the block's first line."""
    if not block.items:
        return []
    head = block.items[0].key
    return [
        i
        for i, u in enumerate(target.items)
        if u.dangling and word_runs_across(u.key, head)
    ]


def _opens(block: Draft, target: Draft) -> bool:
    """Whether the block reads as the start of target's body."""
    first = _first_text(target)
    if first is None or not block.items:
        return False
    last = block.items[-1]
    return starts_mid_sentence(first) or (
        last.dangling and word_runs_across(last.key, first.key)
    )


def _score(
    block: Draft,
    target: Draft,
    previous: Draft | None,
    topics: Topics | None = None,
    previous_noteless: Draft | None = None,
    next_after: Draft | None = None,
) -> float | None:
    """How well a block fits a piece; None when it cannot belong there."""
    if target.headless or block.titled or (target is block.host and not block.fragment):
        return None
    score = 0.0
    if topics is not None:
        # Text about what the piece is about: a lede repeats its title's words.
        score += TOPIC_WEIGHT * topics.similarity(block, target)
    if block.lede:
        if target.lede or target.graphic or target.digest:
            return None
        score += 1
    if block.byline or block.reporters:
        if target.byline or target.reporters or target.graphic or target.digest:
            return None
        if block.host is None and target is next_after:
            score += 1.5  # a head printed just above its column header and title
        named = _note_names(target)
        if named and block.byline:
            if not named & set(block.byline):
                return None
            score += 5  # the author note names the byline
        score += 1
    first = _first_text(target)
    if first is not None:
        last = block.items[-1] if block.items else None
        if last is not None and last.dangling and word_runs_across(last.key, first.key):
            score += 3
        if starts_mid_sentence(first) and not block.fragment:
            score += 2
    elif not target.items:
        score += 1
    if block.notes:
        if target.notes:
            return None  # an article has one author note
        score += 1  # an author note printed away from its article
        named = _note_names(block)
        if named and (target.byline or target.reporters):
            owners = set(target.byline) | {p.name for p in target.reporters}
            if not named & owners:
                return None
            score += 5  # the note names the byline
        if not block.items and target is previous_noteless:
            score += 0.5  # printed after the next piece: the nearest before it
    if block.graphic:
        if target.byline or target.notes or target.reporters or target.lede:
            return None  # a graphic's credit never goes to an article
        score += 1 if target.position > block.position else 0
    if block.fragment:
        score += 3 if _chained(block, target) else 0
        score += 0.5 if target is previous else 0
    return score


def _lede_printed_after(block: Draft, target: Draft) -> bool:
    # One short complete paragraph printed after an article that ended (its note
    # printed) and has no lede: the lede box, printed out of place.
    if not block.fragment or len(block.items) != 1 or target.lede:
        return False
    unit = block.items[0]
    if unit.kind != "text" or unit.dangling or len(unit.key) > MAX_LEDE:
        return False
    if target.graphic or target.digest or not (target.byline or target.notes):
        return False
    last = max(target.indices, default=-1)
    return bool(target.notes) and block.position > last and not _chained(block, target)


def _insert(block: Draft, target: Draft) -> None:
    as_lede = _lede_printed_after(block, target)
    target.indices |= block.indices
    if block.lede:
        target.lede, target.lede_labelled = block.lede, block.lede_labelled
    target.byline += block.byline
    target.reporters += block.reporters
    target.notes += block.notes
    target.credits += block.credits
    target.graphic = target.graphic or block.graphic
    if as_lede:
        target.lede, block.items = block.items, []
        target.flag("lede_guess", "印在文末之后的短段判为本文提要，请核对。")
    at = 0
    if block.fragment:
        chained = _chained(block, target)
        opens = _opens(block, target)
        at = chained[0] + 1 if chained else (0 if opens else len(target.items))
    target.items[at:at] = block.items
    parts = (
        ("提要", block.lede),
        ("署名", block.byline or block.reporters),
        ("正文", block.items),
        ("作者注", block.notes),
        ("制作署名", block.credits),
    )
    what = "、".join(name for name, present in parts if present)
    shown = block.items or block.lede
    sample = f"，开头“{shown[0].text[:12]}”" if shown else ""
    target.flag(
        "moved_text",
        f"版面上错位的文字（{what}{sample}）已按上下文移入本文，请核对位置。",
    )
    if block.host is not None and block.host is not target:
        block.host.flag(
            "moved_text", f"本文中间夹入的另一篇文字（{what}{sample}）已移出，请核对。"
        )


def _flag_runner_up(
    block: Draft, chosen: Draft, best: float, scored: list[tuple[float, Draft]]
) -> None:
    # A close second candidate may be the real owner: it is told, so an editor
    # checks both pieces rather than trusting the one that lost.
    for score, other in scored:
        if other is not chosen and best - score < RUNNER_UP_MARGIN:
            shown = block.items or block.lede
            sample = f"（开头“{shown[0].text[:12]}”）" if shown else ""
            other.flag(
                "moved_text",
                f"版面上错位的一段文字{sample}已配给别篇，但也可能属于本文，请核对。",
            )


def assign_blocks(drafts: list[Draft], blocks: list[Draft]) -> list[Draft]:
    """Give each block to the piece it fits best; returns the blocks that fit none."""
    pending = sorted(blocks, key=lambda b: b.position)
    topics = Topics(drafts)
    while pending:
        best = None
        scores: dict[int, list[tuple[float, Draft]]] = {}
        for block in pending:
            before = [
                d for d in drafts if d is not block.host and d.position < block.position
            ]
            previous = max(before, key=lambda d: d.position, default=None)
            noteless = max(
                (d for d in before if not d.notes),
                key=lambda d: d.position,
                default=None,
            )
            after = [d for d in drafts if d.position > block.position]
            following = min(after, key=lambda d: d.position, default=None)
            for target in drafts:
                score = _score(block, target, previous, topics, noteless, following)
                if score is not None:
                    scores.setdefault(id(block), []).append((score, target))
                if score is not None and (best is None or score > best[0]):
                    best = (score, block, target)
        if best is None:
            break
        score, block, target = best
        _flag_runner_up(block, target, score, scores[id(block)])
        _insert(block, target)
        pending.remove(block)
    return pending


def repair(drafts: list[Draft], page_flags: list[Flag]) -> list[Draft]:
    """Move misplaced text to its piece; returns the pieces in page order."""
    blocks: list[Draft] = []
    for draft in drafts:
        blocks += extract_blocks(draft)
        if draft.strays:
            indices = {u.index for u in draft.strays}
            blocks.append(
                Draft(headless=True, host=draft, items=draft.strays, indices=indices)
            )
            draft.strays = []
    titled = [d for d in drafts if not d.headless]
    blocks += [d for d in drafts if d.headless]
    # A bare title printed apart (no column header over it) names a piece already
    # on the page: it goes to its piece first, so text blocks do not fill it.
    titled = fill_missing_titles(titled, page_flags, bare_only=True)
    for block in assign_blocks(titled, blocks):
        if block.host is not None and not block.host.headless:
            _put_back(block)  # nowhere better: leave it where it was printed
        else:
            block.flag(
                "orphan_text",
                "这段文字找不到所属文章，已单独成篇，请核对或合并到相应文章。",
            )
            titled.append(block)
    titled = fill_missing_titles(titled, page_flags)
    return sorted(titled, key=lambda d: d.position)


def _put_back(block: Draft) -> None:
    host = block.host
    host.indices |= block.indices
    back = block.lede + block.items if host.lede else block.items
    host.lede = host.lede or block.lede
    host.byline += [n for n in block.byline if n not in host.byline]
    host.reporters += block.reporters
    later = (i for i, u in enumerate(host.items) if u.index > block.position)
    at = next(later, len(host.items))
    host.items[at:at] = back
    host.flag(
        "layout_unclear", "正文中间出现署名或提要，无法判断归属，已保留原位，请核对。"
    )
