"""Three-way merge of one text field: an editor's changes (base → mine) onto the current text.

The character diffs come from diff-match-patch; the merge rule is diff3's: changes of
the two editors that touch different characters are both applied, changes that touch
the same characters (or insert different text at the same point) are an overlapping
spot the editor must choose for. Identical changes on both sides count once.
"""

from dataclasses import dataclass

from diff_match_patch import diff_match_patch

# Past this, diff-match-patch returns a coarser (still correct) diff: bigger spots.
DIFF_TIMEOUT = 2.0
CHOICES = ("theirs", "mine", "hand")


@dataclass(frozen=True)
class Change:
    """Base characters [start, end) become `text`; start == end is an insertion."""

    start: int
    end: int
    text: str
    side: str


@dataclass(frozen=True)
class Spot:
    """One overlapping place: the base text there, and what each editor made of it."""

    field: str
    start: int
    end: int
    base: str
    theirs: str
    mine: str
    before: str = ""
    after: str = ""

    def key(self) -> str:
        """Identifies the spot across a re-submitted form (the same merge, the same key)."""
        return (
            f"{self.field}:{self.start}:{self.end}:{len(self.theirs)}:{len(self.mine)}"
        )


def changes(base: str, other: str, side: str) -> list[Change]:
    """The edits that turn `base` into `other`, as ranges of base characters."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = DIFF_TIMEOUT
    found, pos, start, text = [], 0, None, []
    for op, chunk in dmp.diff_main(base, other, False):
        if op == 0:
            if start is not None:
                found.append(Change(start, pos, "".join(text), side))
                start, text = None, []
            pos += len(chunk)
            continue
        if start is None:
            start = pos
        if op == -1:
            pos += len(chunk)
        else:
            text.append(chunk)
    if start is not None:
        found.append(Change(start, pos, "".join(text), side))
    return found


def _overlap(a: Change, b: Change) -> bool:
    """Touching the same characters; an insertion also overlaps a change it touches
    (inside it or at either end: whether it belongs before or after is unknown)."""
    if a.start == a.end:
        return b.start <= a.start <= b.end
    if b.start == b.end:
        return a.start <= b.start <= a.end
    return a.start < b.end and b.start < a.end


def _apply(base: str, edits: list[Change], start: int = 0, end: int | None = None):
    end = len(base) if end is None else end
    out, pos = [], start
    for c in sorted(edits, key=lambda c: (c.start, c.end)):
        out.append(base[pos : c.start])
        out.append(c.text)
        pos = c.end
    out.append(base[pos:end])
    return "".join(out)


@dataclass
class Merge:
    text: str  # the merged text, with the spots as theirs for now
    spots: list[Spot]
    clean: list[Change]  # the changes applied outright
    clusters: list[list[Change]]

    def resolve(self, base: str, choices: dict[str, str]) -> str:
        """The merged text with each spot as chosen: a spot key → the text to put there."""
        edits = list(self.clean)
        for spot in self.spots:
            edits.append(Change(spot.start, spot.end, choices[spot.key()], "chosen"))
        return _apply(base, edits)


def merge(base: str, theirs: str, mine: str, *, field: str = "", context: int = 12):
    """Both editors' changes on `base`; the overlapping ones come back as spots."""
    if mine == base or theirs == mine:
        return Merge(theirs, [], [], [])
    if theirs == base:
        return Merge(mine, [], [], [])
    ours = changes(base, mine, "mine")
    others = changes(base, theirs, "theirs")
    mine_set = {(c.start, c.end, c.text) for c in ours}
    # The same edit by both counts once (both fixed the same typo).
    others = [c for c in others if (c.start, c.end, c.text) not in mine_set]
    everything = sorted(ours + others, key=lambda c: (c.start, c.end))
    # Clusters of changes chained by overlaps between the two sides.
    clusters: list[list[Change]] = []
    for change in everything:
        joined = None
        for cluster in clusters:
            if any(c.side != change.side and _overlap(c, change) for c in cluster):
                if joined is None:
                    cluster.append(change)
                    joined = cluster
                else:
                    joined.extend(cluster)
                    cluster.clear()
        clusters = [c for c in clusters if c]
        if joined is None:
            clusters.append([change])
    clean, spots, conflicted = [], [], []
    for cluster in clusters:
        if len({c.side for c in cluster}) == 1:
            clean.extend(cluster)
            continue
        conflicted.append(cluster)
        start = min(c.start for c in cluster)
        end = max(c.end for c in cluster)
        spots.append(
            Spot(
                field=field,
                start=start,
                end=end,
                base=base[start:end],
                theirs=_apply(
                    base, [c for c in cluster if c.side == "theirs"], start, end
                ),
                mine=_apply(base, [c for c in cluster if c.side == "mine"], start, end),
                before=base[max(0, start - context) : start],
                after=base[end : end + context],
            )
        )
    result = Merge("", spots, clean, conflicted)
    result.text = result.resolve(base, {s.key(): s.theirs for s in spots})
    return result
