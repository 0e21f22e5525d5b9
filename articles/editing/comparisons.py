"""What the correction screen compares: the original OCR by field, a conflict, a merge."""

from archive.ingest.cleaning import clean_ocr
from archive.ingest.decoding import remove_control_characters
from articles.editing.diffs import diff_html, original_sections
from articles.editing.revisions import EditConflict, MergeConflict
from articles.models import Revision

FIELD_LABELS = {"byline": "署名"}


def original_diffs(article, *, raw: bool):
    """The original OCR against each field; by default after the cleaner's safe repairs
    (punctuation width, wrap spaces), so only real corrections show as changes."""
    authors = [
        a.author.name
        for a in article.authorships.select_related("author")
        if a.author_id
    ]
    sections = original_sections(
        article.original_ocr,
        {f: getattr(article, f) for f in Revision.TEXT_FIELDS},
        authors,
        normalise=(lambda text: text) if raw else clean_ocr,
    )
    return [
        (
            FIELD_LABELS.get(name) or Revision._meta.get_field(name).verbose_name,
            _section(name, part, current),
        )
        for name, part, current in sections
    ]


def _section(name: str, part: str, current: str):
    if name == "byline":
        return part or "（原文中未找到署名）"
    if not part and name != "body":
        # Not found in the original (often printed elsewhere on the page): no diff.
        return f"（原文中未找到，当前为“{current}”）"
    return diff_html(part, current)


def spot_choices(data) -> dict[str, tuple[str, str]]:
    """The conflict screen's choices: spot key → (theirs | mine | hand, hand text)."""
    choices = {}
    for name, key in data.items():
        if name.startswith("spot-key-"):
            n = name.removeprefix("spot-key-")
            # Typed by hand: cleaned like the text boxes (line breaks, control characters).
            hand = data.get(f"spot-hand-{n}", "").replace("\r\n", "\n")
            choices[key] = (
                data.get(f"spot-choice-{n}", ""),
                remove_control_characters(hand),
            )
    return choices


def spots(conflict, data):
    """Each overlapping spot with its field's label and the choice already made, if any."""
    if not isinstance(conflict, MergeConflict):
        return []
    chosen = spot_choices(data)
    return [
        {
            "n": n,
            "spot": spot,
            "label": Revision._meta.get_field(spot.field).verbose_name,
            "choice": chosen.get(spot.key(), ("", ""))[0],
            "hand": chosen.get(spot.key(), ("", spot.mine))[1] or spot.mine,
        }
        for n, spot in enumerate(conflict.spots, start=1)
    ]


def merged_diffs(article, merged: str):
    """After a merged save: the base the editor started from against the merged text."""
    try:
        base = article.revisions.filter(number=int(merged)).first()
    except ValueError:
        return []
    if base is None:
        return []
    return [
        (
            Revision._meta.get_field(f).verbose_name,
            diff_html(getattr(base, f), getattr(article, f)),
        )
        for f in Revision.TEXT_FIELDS
        if getattr(base, f) != getattr(article, f)
    ]


def conflict_diffs(conflict: EditConflict):
    base = conflict.article.revisions.filter(number=conflict.base_version).first()
    if base is None:
        return []
    return [
        (
            Revision._meta.get_field(f).verbose_name,
            diff_html(getattr(base, f), getattr(conflict.article, f)),
        )
        for f in Revision.TEXT_FIELDS
        if getattr(base, f) != getattr(conflict.article, f)
    ]
