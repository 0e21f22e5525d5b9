"""Characters OCR confuses (投人 for 投入): the rules of confusions.tsv, checked by jieba."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from archive.ingest.tables import rows
from archive.ingest.text import tokens_around

# "@name" in a rule stands for the expression a line "@name<TAB>expression" defines.
MACRO = re.compile(r"@[a-z_]+")
# How much text before and after a match its context expressions look at.
CONTEXT_WIDTH = 12


@dataclass(frozen=True)
class Confusion:
    """`text[start:end]` reads `wrong`, which is probably a misread `right`."""

    start: int
    end: int
    wrong: str
    right: str


@dataclass(frozen=True)
class _Context:
    pattern: re.Pattern[str]
    wanted: bool

    def holds(self, text: str, *, at_end: bool) -> bool:
        found = self.pattern.search(text) if at_end else self.pattern.match(text)
        return (found is not None) == self.wanted


@dataclass(frozen=True)
class _Rule:
    wrong: re.Pattern[str]
    right: str  # "@name" copies what that macro matched in `wrong`
    before: _Context | None
    after: _Context | None

    def right_for(self, match: re.Match[str]) -> str:
        return MACRO.sub(lambda m: match.group(m.group()[1:]), self.right)

    def holds(self, text: str, start: int, end: int) -> bool:
        before = text[max(0, start - CONTEXT_WIDTH) : start]
        after = text[end : end + CONTEXT_WIDTH]
        return (self.before is None or self.before.holds(before, at_end=True)) and (
            self.after is None or self.after.holds(after, at_end=False)
        )


def _expand(expression: str, macros: dict[str, str], *, named: bool = False) -> str:
    def replace(match: re.Match[str]) -> str:
        group = f"?P<{match.group()[1:]}>" if named else "?:"
        return f"({group}{macros[match.group()]})"

    return MACRO.sub(replace, expression)


def _context(
    expression: str, macros: dict[str, str], *, at_end: bool
) -> _Context | None:
    if not expression:
        return None
    wanted = not expression.startswith("!")
    expanded = _expand(expression.removeprefix("!"), macros)
    return _Context(re.compile(f"(?:{expanded})\\Z" if at_end else expanded), wanted)


@cache
def rules() -> tuple[_Rule, ...]:
    """The rules of confusions.tsv, macros expanded."""
    macros: dict[str, str] = {}
    found = []
    for row in rows("confusions.tsv"):
        columns = (list(row) + [""] * 4)[:4]
        if MACRO.fullmatch(columns[0]):
            macros[columns[0]] = _expand(columns[1], macros)
            continue
        wrong, right, before, after = columns
        found.append(
            _Rule(
                re.compile(_expand(wrong, macros, named=True)),
                right,
                _context(before, macros, at_end=True),
                _context(after, macros, at_end=False),
            )
        )
    return tuple(found)


def _read_positions(match: re.Match[str], right: str) -> set[int]:
    """Where the rule reads the text: its characters up to the last one it changes
    (the 引 of 引人, the verb of 投人), and those a class matched (the numeral of 六顶)."""
    changed = [
        i for i, (a, b) in enumerate(zip(match.group(), right, strict=True)) if a != b
    ]
    positions = set(range(match.start(), match.start() + changed[-1] + 1))
    for name in match.re.groupindex:
        positions.update(range(*match.span(name)))
    return positions


def _fits_the_words(text: str, start: int, end: int, read: set[int]) -> bool:
    """No dictionary word runs from a position in `read` to outside `text[start:end]`.

    Such a word says the characters are right where they stand: 吸收|人才 holds 收人,
    促进|人 and 吸引|人 hold 进人 and 引人, 自己|经常 holds 己经, 屋顶|目前 holds 顶目,
    引人深思 holds 引人. A word that only takes a character after the change (人会
    in 建会人|会上) is no such evidence: the misread character before it is what
    made jieba group it with what follows.
    """
    for token_start, token_end, _ in tokens_around(text, start, end, hmm=False):
        reaches_out = token_start < start or token_end > end
        if reaches_out and token_end - token_start > 1:
            if read.intersection(range(token_start, token_end)):
                return False
    return True


def find_confusions(text: str) -> Iterator[Confusion]:
    """Each place where a rule's wrong form occurs in its context and fits the words."""
    for rule in rules():
        for match in rule.wrong.finditer(text):
            start, end = match.span()
            right = rule.right_for(match)
            if rule.holds(text, start, end) and _fits_the_words(
                text, start, end, _read_positions(match, right)
            ):
                yield Confusion(start, end, match.group(), right)
