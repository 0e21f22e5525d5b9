"""clean_ocr: the repairs safe to make without an editor; Chinese characters never change."""

from __future__ import annotations

import re
from functools import cache

from archive.ingest.cleaning.punctuation import (
    convert_punctuation,
    is_chinese,
    is_running_text,
)
from archive.ingest.tables import rows
from archive.ingest.text import (
    HORIZONTAL_SPACE,
    INVISIBLE,
    is_cjk,
    is_dictionary_word,
    strip_layout_marker,
    word_runs_across,
    words_across,
)

# What may end a paragraph: after these a paragraph break is a real one.
TERMINAL_PUNCTUATION = frozenset("。！？；：…”’」』）】》!?;:.\"')")
# What ends a clause, at either width (not 、, which also follows list numbers).
CLAUSE_ENDS = frozenset("，。；：？！,.;:?!")
# ASCII symbols that can sit between two Chinese words (党建+服务).
JOINING_SYMBOLS = frozenset("+/&=*#%")
# Vertical tab, form feed and the Unicode separators end a line like \n does.
LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\u2028\u2029\x85]")
# A line opening with a dash is an attribution (——role name): its spaces mean something.
ATTRIBUTION = re.compile(f"^[{HORIZONTAL_SPACE}]*(?:—|―|－|--)")
# A heading run into its paragraph is a short phrase (优化政策 完善……。).
MIN_RUN_IN_HEADING, MAX_RUN_IN_HEADING = 4, 8


def ends_sentence(text: str) -> bool:
    """True when `text` ends with punctuation that can close a paragraph."""
    stripped = text.rstrip()
    return bool(stripped) and stripped[-1] in TERMINAL_PUNCTUATION


@cache
def column_headers() -> tuple[str, ...]:
    """The paper's column headers, which layout letters get glued to (G热点思考)."""
    return tuple(row[0] for row in rows("columns.tsv"))


# --- Wrap spaces --------------------------------------------------------------------


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
        if is_chinese(before) and is_chinese(after):
            return ""
        if (
            is_chinese(after)
            and before in JOINING_SYMBOLS
            and start >= 2
            and is_chinese(line[start - 2])
        ):
            return ""
        if (
            is_chinese(before)
            and after in JOINING_SYMBOLS
            and end + 1 < len(line)
            and is_chinese(line[end + 1])
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


def _cut_apart(left: str, right: str, halves: tuple[str, str]) -> bool:
    """No heading, byline or paragraph ends or starts with one of these halves.

    A half of two or more characters that is no word (系统工|程, 现|代化), or a
    single character that a comma or full stop parts from the rest of its paragraph
    (新特|点，推动), cannot stand at a real paragraph end or start: written Chinese
    opens no paragraph with a one-character clause. A heading may well end with a
    single character that a dictionary word could share with the next line
    (…的实践与思考|入企业), and 、 follows the numbers of a list (和而不同|一、).
    """
    head, tail = halves
    after = right.removeprefix(tail).lstrip(HORIZONTAL_SPACE)
    return any(len(half) > 1 and not is_dictionary_word(half) for half in halves) or (
        len(tail) == 1
        and right.startswith(tail)
        and after[:1] in CLAUSE_ENDS
        and len(left.strip(HORIZONTAL_SPACE)) > len(head)
    )


def _continues(left: str, right: str, *, both_running: bool) -> bool:
    """`right` goes on with the paragraph `left`, cut mid-word by a column or page turn.

    Never after a sentence end or across an attribution line (——role name). Between
    two stretches of running text the word jieba reads across the break is evidence
    enough (标|准体系). A part without sentence punctuation may be a heading or a
    byline, so there some dictionary word across the break must be cut apart (see
    `_cut_apart`), or the break must fall inside an open 《 or （.
    """
    if not (left and right and is_cjk(left[-1]) and is_cjk(right[0])):
        return False
    if ATTRIBUTION.match(left) or ATTRIBUTION.match(right):
        return False
    if _break_inside_brackets(left, right):
        return True
    if both_running and word_runs_across(left, right):
        return True
    return any(_cut_apart(left, right, halves) for halves in words_across(left, right))


def _join_split_words(text: str) -> str:
    # A column or page turn cuts a paragraph mid-word (做好维 / 权服务): join the two
    # parts where the evidence says the paragraph goes on.
    parts = re.split(r"(\n+)", text)
    joined = [parts[0]]
    left_is_running = is_running_text(parts[0])
    for separator, line in zip(parts[1::2], parts[2::2], strict=True):
        line_is_running = is_running_text(line)
        both_running = left_is_running and line_is_running
        if _continues(joined[-1], line, both_running=both_running):
            joined[-1] += line
            left_is_running = is_running_text(joined[-1])
        else:
            joined += [separator, line]
            left_is_running = line_is_running
    return "".join(joined)


# --- clean_ocr ----------------------------------------------------------------------


def _clean_line(line: str) -> str:
    line = convert_punctuation(line)
    if is_running_text(line) and not ATTRIBUTION.match(line):
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
        strip_layout_marker(line, column_headers()).rstrip(HORIZONTAL_SPACE)
        for line in text.split("\n")
    ]
    # Removed markers and blank-looking lines leave runs of empty lines: one is enough.
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    text = _join_split_words(text)
    return "\n".join(_clean_line(line) for line in text.split("\n"))
