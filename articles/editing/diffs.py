"""Character-level diffs of Chinese text, as escaped HTML for the correction screens."""

from difflib import SequenceMatcher

from django.utils.html import format_html_join
from django.utils.safestring import SafeString


def char_opcodes(old: str, new: str) -> list[tuple[str, str, str]]:
    """(op, old_text, new_text) runs; Chinese has no word boundaries, so characters are the unit.

    autojunk is off: it would treat frequent characters such as 的 and 。 as junk and
    produce whole-paragraph replacements on long texts.
    """
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    return [
        (op, old[i1:i2], new[j1:j2]) for op, i1, i2, j1, j2 in matcher.get_opcodes()
    ]


def diff_html(old: str, new: str) -> SafeString:
    """One inline view: deletions struck through, insertions marked, everything escaped."""
    parts = []
    for op, a, b in char_opcodes(old, new):
        if op == "equal":
            parts.append(("{}", a))
            continue
        if a:
            parts.append(('<del class="diff-del">{}</del>', a))
        if b:
            parts.append(('<ins class="diff-ins">{}</ins>', b))
    return format_html_join(
        "", "{}", ((_lines(template, text),) for template, text in parts)
    )


def _lines(template: str, text: str) -> SafeString:
    """Escapes a run and keeps its line breaks visible."""
    return format_html_join(
        SafeString("<br>"), template, ((line,) for line in text.split("\n"))
    )


def changed_characters(old: str, new: str) -> int:
    return sum(
        max(len(a), len(b)) for op, a, b in char_opcodes(old, new) if op != "equal"
    )


# How far into the original its headings, lede and byline are looked for (paragraphs).
HEAD_PARAGRAPHS = 6
# A byline is a short paragraph naming one of the article's authors.
BYLINE_LENGTH = 80
SIMILAR = 0.6


def _similarity(a: str, b: str) -> float:
    a, b = "".join(a.split()), "".join(b.split())
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def original_sections(
    original: str, fields: dict[str, str], authors: list[str], *, normalise
) -> list[tuple[str, str, str]]:
    """The original OCR cut into the article's fields: (field, original part, current text).

    `normalise` is the cleaner's safe repair (or identity for the raw comparison). The
    original's kicker, title and lede are the paragraphs near its top most like those
    fields; short paragraphs naming an author are the byline; the rest is the body.
    """
    paragraphs = [p.strip() for p in normalise(original).split("\n\n") if p.strip()]
    taken: dict[int, str] = {}
    for name in ("title", "kicker", "lede"):
        value = fields.get(name) or ""
        if not value:
            continue
        scored = [
            (_similarity(p, value), i)
            for i, p in enumerate(paragraphs[:HEAD_PARAGRAPHS])
            if i not in taken
        ]
        best = max(scored, default=(0.0, -1))
        if best[0] >= SIMILAR:
            taken[best[1]] = name
    for i, p in enumerate(paragraphs):
        if i not in taken and len(p) <= BYLINE_LENGTH and any(a in p for a in authors):
            taken[i] = "byline"
    sections = []
    for name in ("kicker", "title", "lede", "byline"):
        part = "\n\n".join(p for i, p in enumerate(paragraphs) if taken.get(i) == name)
        current = fields.get(name, "") if name != "byline" else "、".join(authors)
        if part or current:
            sections.append((name, part, current))
    body = "\n\n".join(p for i, p in enumerate(paragraphs) if i not in taken)
    sections.append(("body", body, fields.get("body", "")))
    return sections
