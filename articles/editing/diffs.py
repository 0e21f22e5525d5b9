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
