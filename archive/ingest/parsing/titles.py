"""Titles printed apart from their text go to the untitled piece they are about."""

from __future__ import annotations

from archive.ingest.parsing.grouping import Draft
from archive.ingest.parsing.records import Flag
from archive.ingest.parsing.topics import Topics


def fill_missing_titles(
    drafts: list[Draft], page_flags: list[Flag], bare_only: bool = False
) -> list[Draft]:
    """A title printed away from its text goes to the untitled piece it is about."""
    untitled = [d for d in drafts if not d.has_title and d.opened]
    topics = Topics(drafts, body_only=True)
    for draft in drafts:
        if untitled and len(draft.headings) >= 2 and draft.opened and not bare_only:
            _split_foreign_title(draft, untitled, topics)
    title_only = [d for d in drafts if d.has_title and not d.opened and not d.notes]
    if bare_only:
        title_only = [d for d in title_only if d.header is None]
    for lone in title_only:
        if not untitled:
            break
        text = "".join(h.bare for h in lone.headings)
        target = max(untitled, key=lambda d: topics.text_similarity(text, d))
        untitled.remove(target)
        target.headings, target.headless = lone.headings, False
        target.indices |= lone.indices
        target.flag("moved_text", "标题印在版面别处，已按内容配给本文，请核对。")
        lone.indices = set()
    for draft in drafts:
        if not draft.indices and draft.headings:
            title = draft.headings[0].text
            page_flags.append(Flag("unattached_text", f"无法归属的标题：“{title}”。"))
    return [d for d in drafts if d.indices]


def _split_foreign_title(draft: Draft, untitled: list[Draft], topics: Topics) -> None:
    """Of two title lines, one about an untitled piece's text is that piece's title."""
    best = None
    for heading in draft.headings:
        if heading.key.endswith("—"):
            continue  # a kicker leading into this piece's own title
        own = topics.text_similarity(heading.bare, draft)
        for other in untitled:
            margin = topics.text_similarity(heading.bare, other) - own
            if margin > 0 and (best is None or margin > best[0]):
                best = (margin, heading, other)
    if best is None:
        return
    _, heading, other = best
    draft.headings.remove(heading)
    draft.indices.discard(heading.index)
    other.headings, other.headless = [heading], False
    other.indices.add(heading.index)
    untitled.remove(other)
    message = f"标题行“{heading.text}”印在别篇标题旁，已按内容配给本文，请核对。"
    other.flag("moved_text", message)
    draft.flag("title_guess", f"“{heading.text}”已判为别篇的标题，请核对本文标题。")
