"""Probable OCR errors an editor confirms: learned pairs, known confusions, doublings."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass

from archive.ingest.cleaning.confusions import find_confusions
from archive.ingest.cleaning.reduplication import is_intended_repetition
from archive.ingest.text import is_cjk


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


def _confusion_suggestions(text: str) -> Iterator[Suggestion]:
    for found in find_confusions(text):
        reason = f"疑似形近字误识：{found.wrong}→{found.right}"
        yield Suggestion(
            found.start, found.end, found.wrong, found.right, reason, "confusion"
        )


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
                and not is_intended_repetition(text, index, size)
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
