"""Half-width punctuation in Chinese context to full width, quotes and brackets paired."""

from __future__ import annotations

import re

from archive.ingest.text import HORIZONTAL_SPACE, is_cjk

# Full-width punctuation counts as "Chinese" when deciding what a neighbour is.
FULL_WIDTH_PUNCTUATION = frozenset(
    "，。、；：？！“”‘’（）《》〈〉【】「」『』〔〕…—·～"
)
# Punctuation inside or at the end of a sentence: a line holding one is running text.
SENTENCE_PUNCTUATION = frozenset("，。、；：？！")
HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", ".": "。"}
CONVERTIBLE = frozenset(HALF_TO_FULL) | frozenset("()\"'")
# URLs and e-mail addresses keep every ASCII character as it is.
URL_OR_EMAIL = re.compile(
    r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+"
    # The lookbehind starts an address only where a run begins: linear on "......".
    r"|(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+\.[A-Za-z0-9.\-]+"
)


def is_chinese(char: str) -> bool:
    """A Chinese character or a full-width punctuation mark."""
    return is_cjk(char) or char in FULL_WIDTH_PUNCTUATION


def is_running_text(line: str) -> bool:
    """A line with sentence punctuation is running text; one without is a heading."""
    return any(c in SENTENCE_PUNCTUATION for c in convert_punctuation(line))


class _Context:
    """Whether the nearest word character before / after each position is Chinese.

    Punctuation and spaces are looked through (学习", 提高 → 习 and 提), so deciding
    one mark never depends on how its neighbouring marks were decided: one pass gives
    the final answer, and cleaning cleaned text changes nothing.
    """

    def __init__(self, chars: list[str]) -> None:
        self.chinese_before = self._scan(chars)
        self.chinese_after = self._scan(chars[::-1])[::-1]
        self._ideographs_before = [0]
        for char in chars:
            self._ideographs_before.append(self._ideographs_before[-1] + is_cjk(char))

    @staticmethod
    def _scan(chars: list[str]) -> list[bool]:
        found, last_is_chinese = [], False
        for char in chars:
            found.append(last_is_chinese)
            if not (
                char in HORIZONTAL_SPACE
                or char in CONVERTIBLE
                or char in FULL_WIDTH_PUNCTUATION
            ):
                last_is_chinese = is_cjk(char)
        return found

    def ideographs_between(self, start: int, end: int) -> bool:
        return self._ideographs_before[end] > self._ideographs_before[start + 1]

    def around(self, start: int, end: int) -> bool:
        """Chinese inside `chars[start:end+1]` or just outside it."""
        return (
            self.ideographs_between(start, end)
            or self.chinese_before[start]
            or self.chinese_after[end]
        )


def _convert_quotes(
    chars: list[str], context: _Context, straight: str, opening: str, closing: str
) -> None:
    # Straight quotes carry no direction: pair them in order within the paragraph,
    # taking the curly ones already there into account. When a paragraph holds an odd
    # number and the first one closes a word (经验",), a break cut the quotation and
    # that first one closes it; an opening quote is never followed by punctuation.
    positions = [i for i, c in enumerate(chars) if c in (straight, opening, closing)]
    open_at: int | None = None
    for number, i in enumerate(positions):
        char = chars[i]
        if char == opening:
            open_at = i
        elif char == closing:
            if open_at is not None:
                chars[open_at] = opening
            open_at = None
        elif open_at is None:
            after = chars[i + 1] if i + 1 < len(chars) else ""
            continues_quotation = (
                number == 0
                and len(positions) % 2 == 1
                and is_cjk(chars[i - 1] if i else "")
                and not (is_cjk(after) or after.isalnum())
            )
            if continues_quotation:
                chars[i] = closing
            else:
                open_at = i
        else:
            if chars[open_at] == opening or context.around(open_at, i):
                chars[open_at], chars[i] = opening, closing
            open_at = None
    if open_at is not None and chars[open_at] == straight:
        if context.chinese_after[open_at]:
            chars[open_at] = opening


def _convert_parentheses(chars: list[str], context: _Context) -> None:
    # Parentheses go full-width as a pair, so `(2024-2026年)` never ends up half
    # converted; a pair around Latin or digits in Latin context stays ASCII: f(x).
    stack: list[int] = []
    for i, char in enumerate(chars):
        if char in "(（":
            stack.append(i)
        elif char in ")）":
            if stack:
                start = stack.pop()
                if chars[start] == "（" or char == "）" or context.around(start, i):
                    chars[start], chars[i] = "（", "）"
            elif char == ")" and context.chinese_before[i]:
                chars[i] = "）"
    for start in stack:
        if chars[start] == "(" and context.chinese_after[start]:
            chars[start] = "（"


def _convert_marks(chars: list[str], context: _Context) -> None:
    # A comma, colon, semicolon, question or exclamation mark with Chinese on either
    # side is Chinese punctuation (学习, 提高); between digits or Latin it stays ASCII
    # (1,000  10:30). A full stop must follow Chinese and not lead into a digit, a
    # letter or another dot, so 49.4%, 2.0 and "..." keep theirs.
    for i, char in enumerate(chars):
        if char not in HALF_TO_FULL:
            continue
        if char == ".":
            previous_char = chars[i - 1] if i else ""
            next_char = chars[i + 1] if i + 1 < len(chars) else ""
            if (
                context.chinese_before[i]
                and previous_char != "."
                and not (
                    next_char == "." or next_char.isascii() and next_char.isalnum()
                )
            ):
                chars[i] = "。"
        elif context.chinese_before[i] or context.chinese_after[i]:
            chars[i] = HALF_TO_FULL[char]


def convert_punctuation(line: str) -> str:
    """Half-width punctuation in Chinese context to full width, quotes paired."""
    # Punctuation right after an address belongs to the sentence (见 www.x.cn，……).
    protected = [
        (m.start(), m.group().rstrip(".,;:!?'\"")) for m in URL_OR_EMAIL.finditer(line)
    ]
    chars = list(line)
    for start, url in protected:
        chars[start : start + len(url)] = ["\0"] * len(url)  # a Latin word, untouched
    context = _Context(chars)
    _convert_quotes(chars, context, '"', "“", "”")
    _convert_quotes(chars, context, "'", "‘", "’")
    _convert_parentheses(chars, context)
    _convert_marks(chars, context)
    for start, url in protected:
        chars[start : start + len(url)] = list(url)
    return "".join(chars)
