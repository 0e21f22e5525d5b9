"""A draft's fields: kicker and title, lede, body paragraphs, kind and column."""

from __future__ import annotations

import re

from archive.ingest.cleaning import clean_ocr, suggest_corrections
from archive.ingest.parsing.grouping import Draft
from archive.ingest.parsing.repair import _overlap
from archive.ingest.parsing.units import (
    BULLET,
    CJK,
    CJK_CHAR,
    DEFAULT_COLUMN,
    DIGEST_COLUMN,
    KICKER_HINT,
    MAX_LEDE,
    NEW_POINT,
    Unit,
)
from archive.ingest.text import word_runs_across


def settle_title(draft: Draft) -> tuple[str | None, list[str]]:
    """Kicker and title lines from the headings above the text."""
    headings = list(draft.headings)
    kicker = None
    parts = [draft.header.rest] if draft.header and draft.header.rest else []
    if not parts and len(headings) >= 2:
        first, second = headings[0], headings[1]
        if first.key.endswith("—"):
            kicker, headings = first.text, headings[1:]
        elif len(first.key) <= 0.7 * len(second.key) or (
            KICKER_HINT.search(first.key) and not KICKER_HINT.search(second.key)
        ):
            kicker, headings = first.text, headings[1:]
            draft.flag("kicker_guess", f"“{first.text}”判为引题（肩题），请核对。")
        else:
            draft.flag(
                "title_guess", "两行标题已合并为一个标题，请核对是否其一为引题。"
            )
    elif parts and headings:
        draft.flag("title_split", "栏目行上的标题与下一行已合并为一个标题，请核对。")
    parts += [h.text for h in headings] + draft.title_extra
    return kicker, parts


def adopt_title(draft: Draft) -> None:
    """A piece without a title above its text takes a heading printed further on."""
    if draft.has_title or draft.title_extra or draft.graphic:
        return
    headings = [u for u in draft.items if u.kind == "heading"]
    if not headings:
        return
    trailing = draft.items[-1].kind == "heading"
    chosen = draft.items[-1] if trailing else headings[0]
    draft.items.remove(chosen)
    draft.title_extra.append(chosen.text)
    where = "印在正文之后" if trailing else "印在正文中间"
    draft.flag(
        "title_guess", f"本文标题上方缺标题，取{where}的“{chosen.text}”为标题，请核对。"
    )


def repair_title_fragments(draft: Draft) -> None:
    """A heading that breaks a sentence is a displaced title line, not a subheading."""
    if draft.graphic or draft.digest:
        return
    kept: list[Unit] = []
    for i, unit in enumerate(draft.items):
        previous = kept[-1] if kept else None
        following = draft.items[i + 1] if i + 1 < len(draft.items) else None
        if (
            unit.kind == "heading"
            and following is not None
            and following.kind == "text"
            and word_runs_across(unit.key, following.key)
        ):
            unit.kind = "text"  # 加强维 / 权工作: a cut paragraph, not a subheading
        if unit.kind == "heading" and previous is not None and previous.dangling:
            if word_runs_across(previous.key, unit.key):
                unit.kind = "text"
            else:
                draft.title_extra.append(unit.text)
                draft.flag(
                    "title_split",
                    f"“{unit.text}”打断了正文句子，判为本文标题的后半部分，已并入标题，请核对。",
                )
                continue
        kept.append(unit)
    draft.items = kept


def _lede_candidate(draft: Draft) -> Unit | None:
    """A short complete first paragraph of an article without a lede yet."""
    if draft.lede or draft.graphic or draft.digest or draft.reporters:
        return None
    texts = [u for u in draft.items if u.kind == "text"]
    if len(texts) < 2 or draft.items[0] is not texts[0]:
        return None
    first = texts[0]
    return None if first.dangling or len(first.key) > MAX_LEDE else first


def _repeats(unit: Unit, other: Unit) -> bool:
    return (
        bool(unit.bare)
        and unit.bare in other.bare
        and (len(other.bare) > len(unit.bare) or other.index < unit.index)
    )


def _quotes_sentences(unit: Unit, other: Unit) -> bool:
    """unit repeats whole sentences of other (a pull-quote), not a cut-off fragment."""
    mine, theirs = _sentences(unit), _sentences(other)
    at = theirs.find(mine)
    return len(mine) < len(theirs) and (at == 0 or (at > 0 and theirs[at - 1] == "|"))


def _sentences(unit: Unit) -> str:
    return re.sub(r"[^\w|]|_", "", re.sub(r"[。！？!?；;]", "|", unit.key)).strip("|")


def settle_lede(draft: Draft) -> None:
    """An unlabelled lede: a short first paragraph that the article then repeats."""
    first = _lede_candidate(draft)
    if first is None:
        return
    following = [u for u in draft.items[1:] if u.kind == "text"]
    if any(_quotes_sentences(first, o) for o in following) or (
        _overlap(first, following[:3]) >= 0.5
        and not any(_repeats(first, o) for o in following)
    ):
        draft.lede = [first]
        draft.items.remove(first)
        draft.flag("lede_guess", "提要按版面推断（未见“观点”标签），请核对。")


def drop_duplicates(draft: Draft) -> None:
    """A passage printed twice: keep the fuller copy (a pull-quote is no repeat)."""
    candidate = _lede_candidate(draft)
    kept = []
    for unit in draft.items:
        others = [o for o in draft.items if o is not unit and o.kind == "text"]
        repeated = unit.kind == "text" and len(unit.bare) >= 12
        repeated = repeated and any(_repeats(unit, o) for o in others)
        if repeated and unit is candidate:
            repeated = not any(_quotes_sentences(unit, o) for o in others)
        if repeated:
            draft.flag(
                "duplicate_passage",
                f"重复印出的一段文字（开头“{unit.text[:12]}”）已删除，"
                "原文保留在 OCR 原文中。",
            )
            continue
        kept.append(unit)
    draft.items = kept


def drop_leading_headings(draft: Draft, title_parts: list[str]) -> None:
    """Body text starts after any subheading printed right under the lede."""
    if draft.graphic or draft.digest:
        return
    while draft.items and draft.items[0].kind == "heading":
        unit = draft.items.pop(0)
        if draft.header and draft.header.rest and not draft.headings:
            title_parts.append(unit.text)
            draft.flag(
                "title_split", f"“{unit.text}”判为标题的第二行，已并入标题，请核对。"
            )
        else:
            draft.flag(
                "leading_heading",
                f"正文开头的小标题“{unit.text}”未计入正文（见 OCR 原文），请核对。",
            )


BOX_LINE = 60  # an explainer box is headings and short lines (a list of answers)


def settle_box(draft: Draft) -> None:
    """A titled piece with no column, byline or note, laid out as a list, is a box."""
    if draft.graphic or draft.digest or not draft.has_title:
        return
    if draft.header or draft.byline or draft.reporters or draft.notes or draft.lede:
        return
    texts = [u for u in draft.items if u.kind == "text"]
    headings = [u for u in draft.items if u.kind == "heading"]
    bullets = [u for u in texts if BULLET.match(u.text)]
    short = [u for u in texts if len(u.key) <= BOX_LINE]
    if len(headings) + len(bullets) >= 3 and len(short) * 2 >= len(texts):
        draft.graphic = True
        draft.flag(
            "kind_guess",
            "没有署名和制作署名，按版式（小标题和短条目）判为图表框，请核对。",
        )


def piece_kind(draft: Draft) -> str:
    if draft.graphic:
        return "graphic"
    if draft.digest:
        return "digest"
    if any("记者" in (p.role or "") for p in draft.reporters):
        return "report"
    if draft.header or draft.byline or draft.notes or draft.reporters:
        return "article"
    return "brief"


def piece_column(draft: Draft, kind: str) -> str | None:
    column = draft.header.column if draft.header else None
    if kind == "article":
        return column or DEFAULT_COLUMN
    if kind == "digest":
        return DIGEST_COLUMN
    return column


def _clean(text: str) -> str:
    return clean_ocr(text).strip()


def clean_title(parts: list[str]) -> str:
    """Title lines cleaned, keeping the spaces printed between title phrases."""
    chunks: list[str] = []
    for part in parts:
        for chunk in part.split():
            # Spaces around a short chunk are where a narrow title wrapped.
            if chunks and (_cjk_len(chunk) < 4 or _cjk_len(chunks[-1]) < 4):
                chunks[-1] += chunk
            else:
                chunks.append(chunk)
    return " ".join(_clean(c) for c in chunks)


def _cjk_len(text: str) -> int:
    return len(CJK_CHAR.findall(text))


def correct_title(title: str, draft: Draft) -> str:
    """The cleaner's known-confusion suggestions, applied to a short title."""
    corrected = title
    for s in sorted(suggest_corrections(title), key=lambda s: -s.start):
        if s.kind == "confusion":
            corrected = corrected[: s.start] + s.replacement + corrected[s.end :]
    if corrected != title:
        draft.flag(
            "title_corrected",
            f"标题按常见识别错误由“{title}”改为“{corrected}”，请核对。",
        )
    return corrected


def clean_body(items: list[Unit], whole: bool = True) -> list[str]:
    """Cleaned paragraphs; with whole, paragraphs cut by a column turn are rejoined."""
    paragraphs: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            paragraphs.extend(p.strip() for p in _clean("\n\n".join(run)).split("\n\n"))
            run.clear()

    previous = None
    for unit in items:
        if unit.kind == "heading":
            flush()
            paragraphs.append(_clean(unit.text))
            previous = None
            continue
        if whole and previous is not None and _continues(previous, unit):
            run[-1] = run[-1].rstrip() + unit.text.lstrip()
        else:
            run.append(unit.text)
        previous = unit
    flush()
    return [p for p in paragraphs if p]


def _continues(previous: Unit, unit: Unit) -> bool:
    # A paragraph without final punctuation goes on in the next one, unless that one
    # opens a new point (第二，/ 三是 / 此外): then words were lost, not cut.
    return (
        previous.dangling
        and unit.kind == "text"
        and not NEW_POINT.match(unit.key)
        and bool(re.match(f"[{CJK}\\d“《（(]", unit.key))
    )
