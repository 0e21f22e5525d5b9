"""Safe automatic cleaning of Chinese OCR text, and suggestions an editor confirms."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from archive.ingest.text import (
    BULLETS,
    CJK_CHAR,
    HORIZONTAL_SPACE,
    INVISIBLE,
    is_cjk,
    is_dictionary_word,
    segmenter,
    word_runs_across,
)

DATA_DIR = Path(__file__).resolve().parent / "data"

# Full-width punctuation counts as "Chinese" when deciding what a neighbour is.
FULL_WIDTH_PUNCTUATION = frozenset(
    "，。、；：？！“”‘’（）《》〈〉【】「」『』〔〕…—·～"
)
# Punctuation inside or at the end of a sentence: a line holding one is running text.
SENTENCE_PUNCTUATION = frozenset("，。、；：？！")
# What may end a paragraph: after these a paragraph break is a real one.
TERMINAL_PUNCTUATION = frozenset("。！？；：…”’」』）】》!?;:.\"')")
# Chinese numerals never count as doubled characters (二〇二二, 一一对应).
NUMERALS = frozenset("〇零一二三四五六七八九十百千万亿两")
# Particles that may follow a word ending in the same character: 目的|的.
PARTICLES = frozenset("的了地得着过")
# ASCII symbols that can sit between two Chinese words (党建+服务).
JOINING_SYMBOLS = frozenset("+/&=*#%")

# Vertical tab, form feed and the Unicode separators end a line like \n does.
LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\u2028\u2029\x85]")
LEADING_BULLETS = re.compile(f"^[{HORIZONTAL_SPACE}]*[{BULLETS}]+[{HORIZONTAL_SPACE}]*")
# A line opening with a dash is an attribution (——role name): its spaces mean something.
ATTRIBUTION = re.compile(f"^[{HORIZONTAL_SPACE}]*(?:—|―|－|--)")
# URLs and e-mail addresses keep every ASCII character as it is.
URL_OR_EMAIL = re.compile(
    r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+"
    # The lookbehind starts an address only where a run begins: linear on "......".
    r"|(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+\.[A-Za-z0-9.\-]+"
)
HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", ".": "。"}
CONVERTIBLE = frozenset(HALF_TO_FULL) | frozenset("()\"'")
# A heading run into its paragraph is a short phrase (优化政策 完善……。).
MIN_RUN_IN_HEADING, MAX_RUN_IN_HEADING = 4, 8


def _is_chinese(char: str) -> bool:
    return is_cjk(char) or char in FULL_WIDTH_PUNCTUATION


def ends_sentence(text: str) -> bool:
    """True when `text` ends with punctuation that can close a paragraph."""
    stripped = text.rstrip()
    return bool(stripped) and stripped[-1] in TERMINAL_PUNCTUATION


# --- Layout markers ---------------------------------------------------------------


def _is_stray_mark(char: str) -> bool:
    """A Latin letter or a symbol (₩, ■) that layout left on its own."""
    if char.isascii():
        return char.isalpha()
    if "Ａ" <= char <= "Ｚ" or "ａ" <= char <= "ｚ":
        return True
    return unicodedata.category(char).startswith("S") or char in BULLETS


def strip_layout_marker(line: str) -> str:
    """Remove a stray layout letter or bullet at the start of one line.

    OCR reads the coloured tabs before column headers as letters (`G 热点思考`,
    `₩ 观点撷英`), the squares before bylines as bullets (`■王君伟`), and sometimes
    leaves a tab alone on its line (`H`). Only one letter or symbol followed by a
    space and a header or byline goes, so `AI+服务` and `A股` keep their letters.
    """
    while (without := _without_one_marker(line)) is not None:
        line = without  # one marker can hide another: ■ G 热点思考
    return line


def _without_one_marker(line: str) -> str | None:
    body = line.strip(HORIZONTAL_SPACE)
    without_bullets = LEADING_BULLETS.sub("", body)
    if without_bullets != body:
        return without_bullets
    if len(body) == 1 and _is_stray_mark(body):
        return ""
    rest = body[1:].lstrip(HORIZONTAL_SPACE)
    # Only before a header or byline: running text may open with a letter (A 股……，).
    if (
        len(body) > 2
        and _is_stray_mark(body[0])
        and body[1] in HORIZONTAL_SPACE
        and is_cjk(rest[:1])
        and not _is_running_text(rest)
    ):
        return rest
    return None


# --- Punctuation width ------------------------------------------------------------


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


# --- Wrap spaces --------------------------------------------------------------------


def _is_running_text(line: str) -> bool:
    """A line with sentence punctuation is running text; one without is a heading."""
    return any(c in SENTENCE_PUNCTUATION for c in convert_punctuation(line))


def _run_in_heading_space(line: str) -> int | None:
    """Where a short heading printed on the same line as a one-line paragraph ends.

    A few characters without punctuation, a space, then one much longer stretch that
    ends the sentence: 优化政策 完善……机制。 A paragraph that only starts short (a
    snippet cut mid-line) goes on with more wrap spaces and is not matched.
    """
    indent = len(line) - len(line.lstrip(HORIZONTAL_SPACE))
    parts = re.split(f"[{HORIZONTAL_SPACE}]+", line[indent:])
    if len(parts) != 2:
        return None
    heading, paragraph = parts
    if (
        MIN_RUN_IN_HEADING <= len(heading) <= MAX_RUN_IN_HEADING
        and all(is_cjk(c) for c in heading)
        and len(paragraph) >= 2 * len(heading)
        and ends_sentence(paragraph)
    ):
        return indent + len(heading)
    return None


def _remove_wrap_spaces(line: str) -> str:
    # Printing wraps lines at the column edge and OCR turns each wrap into a space
    # (加强 理论学习), or leaves one after punctuation (学习, 提高). In running text a
    # space between two Chinese characters or punctuation marks is such a wrap;
    # so is one between Chinese and a symbol joined to Chinese (党建+ 服务).
    keep_at = _run_in_heading_space(line)

    def replace(match: re.Match[str]) -> str:
        start, end = match.span()
        before = line[start - 1] if start else ""
        after = line[end] if end < len(line) else ""
        if start == keep_at or not before:
            return match.group()
        if _is_chinese(before) and _is_chinese(after):
            return ""
        if (
            _is_chinese(after)
            and before in JOINING_SYMBOLS
            and start >= 2
            and _is_chinese(line[start - 2])
        ):
            return ""
        if (
            _is_chinese(before)
            and after in JOINING_SYMBOLS
            and end + 1 < len(line)
            and _is_chinese(line[end + 1])
        ):
            return ""
        return match.group()

    return re.sub(f"[{HORIZONTAL_SPACE}]+", replace, line)


# --- Words split by a paragraph break -----------------------------------------------


def _break_inside_brackets(left: str, right: str) -> bool:
    """The break falls inside 《…》 or （…）, which never span paragraphs."""
    for openers, closers in (("《", "》"), ("（(", "）)")):
        opened = sum(left.count(c) for c in openers)
        if opened > sum(left.count(c) for c in closers):
            first = re.search(f"[{re.escape(openers + closers)}]", right)
            if first and first.group() in closers:
                return True
    return False


def _cut_mid_word(left: str, right: str) -> bool:
    """Running text `left` and `right` are one paragraph cut inside a word.

    The cut falls between two Chinese characters, `left` is no attribution, and there
    is evidence: a dictionary word across the break, or an open 《 or （.
    """
    if not (left and right and is_cjk(left[-1]) and is_cjk(right[0])):
        return False
    if ATTRIBUTION.match(left):
        return False
    return _break_inside_brackets(left, right) or word_runs_across(left, right)


def _join_split_words(text: str) -> str:
    # A column or page turn cuts a paragraph mid-word (做好维 / 权服务): join the two
    # parts when both are running text, so a heading or byline is never glued to what
    # follows, and the cut is inside a word.
    parts = re.split(r"(\n+)", text)
    joined = [parts[0]]
    left_is_running = _is_running_text(parts[0])
    for separator, line in zip(parts[1::2], parts[2::2], strict=True):
        line_is_running = _is_running_text(line)
        if left_is_running and line_is_running and _cut_mid_word(joined[-1], line):
            joined[-1] += line
        else:
            joined += [separator, line]
            left_is_running = line_is_running
    return "".join(joined)


# --- clean_ocr ----------------------------------------------------------------------


def _clean_line(line: str) -> str:
    line = convert_punctuation(line)
    if _is_running_text(line) and not ATTRIBUTION.match(line):
        line = _remove_wrap_spaces(line)
    return line


def clean_ocr(text: str) -> str:
    """Apply the safe repairs to OCR text; clean text comes back unchanged.

    Removes invisible characters, layout letters and bullets, wrap spaces in running
    text; converts half-width punctuation in Chinese context to full width; joins a
    word cut by a paragraph break. Headings, bylines, numbers, Latin words and URLs
    keep their spaces and ASCII punctuation.
    """
    text = INVISIBLE.sub("", LINE_BREAKS.sub("\n", text))
    lines = [
        strip_layout_marker(line).rstrip(HORIZONTAL_SPACE) for line in text.split("\n")
    ]
    # Removed markers and blank-looking lines leave runs of empty lines: one is enough.
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    text = _join_split_words(text)
    return "\n".join(_clean_line(line) for line in text.split("\n"))


# --- Suggestions --------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """A probable OCR error in `text[start:end]`, for an editor to confirm."""

    start: int
    end: int
    original: str
    replacement: str
    reason: str
    kind: str  # "doubled", "confusion" or "learned"

    def as_dict(self) -> dict[str, int | str]:
        return asdict(self)


@dataclass(frozen=True)
class _ConfusionRule:
    wrong: str
    right: str
    before: re.Pattern[str] | None
    before_wanted: bool
    after: re.Pattern[str] | None
    after_wanted: bool


def _data_lines(name: str) -> Iterator[str]:
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line


def _context(expression: str, macros: dict[str, str], *, at_end: bool):
    wanted = not expression.startswith("!")
    expression = macros.get(expression.lstrip("!"), expression.lstrip("!"))
    if not expression:
        return None, True
    return re.compile(f"(?:{expression})\\Z" if at_end else expression), wanted


@cache
def _confusion_rules() -> tuple[_ConfusionRule, ...]:
    macros: dict[str, str] = {}
    rules = []
    for line in _data_lines("confusions.tsv"):
        columns = (line.split("\t") + [""] * 4)[:4]
        if columns[0].startswith("@"):
            macros[columns[0]] = columns[1]
            continue
        wrong, right, before, after = columns
        rules.append(
            _ConfusionRule(
                wrong,
                right,
                *_context(before, macros, at_end=True),
                *_context(after, macros, at_end=False),
            )
        )
    return tuple(rules)


@cache
def _reduplications() -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    words: set[str] = set()
    patterns = []
    for line in _data_lines("reduplications.txt"):
        for entry in line.split():
            if re.search("[A-Z]", entry):
                patterns.append(_pattern_regex(entry))
            else:
                words.add(entry)
    return frozenset(words), tuple(patterns)


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    # AABB → (?P<A>[一-鿿])(?P=A)(?P<B>[一-鿿])(?P=B)
    seen: set[str] = set()
    parts = []
    for char in pattern:
        if "A" <= char <= "Z":
            parts.append(
                f"(?P={char})" if char in seen else f"(?P<{char}>{CJK_CHAR.pattern})"
            )
            seen.add(char)
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts))


def _already_right(text: str, start: int, wrong: str, right: str) -> bool:
    """The text already reads `right` here (wrong 标准体 inside right 标准体系)."""
    offset = right.find(wrong)
    while offset >= 0:
        if start >= offset and text.startswith(right, start - offset):
            return True
        offset = right.find(wrong, offset + 1)
    return False


def _occurrences(text: str, wrong: str) -> Iterator[int]:
    start = text.find(wrong)
    while start >= 0:
        yield start
        start = text.find(wrong, start + len(wrong))


def _learned_suggestions(
    text: str, learned: Iterable[tuple[str, str]]
) -> Iterator[Suggestion]:
    for wrong, right in learned:
        if not wrong or wrong == right:
            continue
        for start in _occurrences(text, wrong):
            if not _already_right(text, start, wrong, right):
                reason = f"编辑曾将“{wrong}”更正为“{right}”"
                yield Suggestion(
                    start, start + len(wrong), wrong, right, reason, "learned"
                )


def _holds(
    pattern: re.Pattern[str] | None, wanted: bool, text: str, at_end: bool
) -> bool:
    if pattern is None:
        return True
    found = pattern.search(text) if at_end else pattern.match(text)
    return (found is not None) == wanted


def _confusion_suggestions(text: str) -> Iterator[Suggestion]:
    for rule in _confusion_rules():
        for start in _occurrences(text, rule.wrong):
            end = start + len(rule.wrong)
            if _holds(
                rule.before, rule.before_wanted, text[max(0, start - 12) : start], True
            ) and _holds(rule.after, rule.after_wanted, text[end : end + 12], False):
                reason = f"疑似形近字误识：{rule.wrong}→{rule.right}"
                yield Suggestion(
                    start, end, rule.wrong, rule.right, reason, "confusion"
                )


def _tokens_around(
    text: str, start: int, end: int, margin: int = 10
) -> list[tuple[int, int, str]]:
    """jieba's tokens, with their offsets in `text`, of the Chinese around a span."""
    left = start
    while left > max(0, start - margin) and is_cjk(text[left - 1]):
        left -= 1
    right = end
    while right < min(len(text), end + margin) and is_cjk(text[right]):
        right += 1
    tokens, position = [], left
    # HMM joins runs of single characters jieba does not know into one token,
    # so a doubled character next to an unknown word is not blamed on OCR.
    for token in segmenter().lcut(text[left:right], HMM=True):
        tokens.append((position, position + len(token), token))
        position += len(token)
    return tokens


def _token_at(tokens: list[tuple[int, int, str]], index: int) -> tuple[int, int, str]:
    return next(t for t in tokens if t[0] <= index < t[1])


def _is_intended_repetition(text: str, start: int, size: int) -> bool:
    """Whether text[start:start+size] said twice is Chinese, not an OCR slip."""
    unit, doubled = text[start : start + size], text[start : start + 2 * size]
    words, patterns = _reduplications()
    if (
        doubled in words
        or is_dictionary_word(doubled)
        or all(c in NUMERALS for c in unit)
    ):
        return True
    for pattern in patterns:
        for match in pattern.finditer(text, max(0, start - 4), start + 2 * size + 4):
            if match.start() <= start and match.end() >= start + 2 * size:
                return True
    if size > 1 and not is_dictionary_word(unit):
        return True  # only whole words are reported doubled (交流交流, not 的人的人)
    middle = start + size
    tokens = _tokens_around(text, start, start + 2 * size)
    first, second = _token_at(tokens, middle - 1), _token_at(tokens, middle)
    if first == second:  # one token across the middle: 处处长, 生生不息
        return is_dictionary_word(first[2])
    if size > 1:
        return False
    # 工作部|部长, 崇敬|敬重: the doubled character ends one word and starts the next.
    if len(first[2]) > 1 and len(second[2]) > 1:
        return True
    return len(first[2]) > 1 and second[2] in PARTICLES  # 目的|的


def _doubled_suggestions(text: str) -> Iterator[Suggestion]:
    # A line join can print a character or a word twice (我我国, 交流交流).
    index = 0
    while index < len(text):
        for size in (4, 3, 2, 1):
            unit = text[index : index + size]
            if (
                len(unit) == size
                and all(is_cjk(c) for c in unit)
                and text.startswith(unit, index + size)
                and not _is_intended_repetition(text, index, size)
            ):
                label = "字" if size == 1 else "词"
                yield Suggestion(
                    index,
                    index + 2 * size,
                    unit * 2,
                    unit,
                    f"疑似重复{label}：{unit * 2}",
                    "doubled",
                )
                index += 2 * size
                break
        else:
            index += 1


def suggest_corrections(
    text: str, learned: Iterable[tuple[str, str]] = ()
) -> list[Suggestion]:
    """Probable OCR errors in `text` for an editor to confirm, sorted, not overlapping.

    `learned` holds (wrong, right) pairs editors accepted before; the caller reads them
    from the database. Where suggestions overlap, a learned one wins over a known
    confusion, which wins over a doubled character.
    """
    chosen: list[Suggestion] = []  # kept sorted by start
    starts: list[int] = []
    for candidate in (
        *_learned_suggestions(text, learned),
        *_confusion_suggestions(text),
        *_doubled_suggestions(text),
    ):
        at = bisect_right(starts, candidate.start)
        if (at == 0 or chosen[at - 1].end <= candidate.start) and (
            at == len(chosen) or candidate.end <= chosen[at].start
        ):
            chosen.insert(at, candidate)
            starts.insert(at, candidate.start)
    return chosen
