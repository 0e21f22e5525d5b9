"""New versions of an article: the one compare-and-set on `version`, and its revision.

Every write that must not overwrite someone else's work goes through `write`: an
UPDATE … WHERE version = the version the editor started from, which behaves the same
on SQLite and PostgreSQL (`select_for_update` is not relied on: SQLite ignores it).
Each new version leaves a revision (the full text after it), so revision N is the
state an editor saw when the article was at version N.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from articles.editing import merging
from articles.models import Article, ReplaceBatch, Revision

TEXT_FIELDS = Revision.TEXT_FIELDS
# Identity and bookkeeping: never set by a write (the version is the write's own).
NOT_WRITABLE = {"id", "version", "original_ocr", "created_at", "updated_at"}
# Saves that lose the compare-and-set to a concurrent one merge again this often.
RACE_RETRIES = 3


class Conflict(Exception):
    """Someone changed what the editor started from; nothing was written."""


@dataclass
class EditConflict(Conflict):
    """Someone saved the article after `base_version`; `article` is as it is now."""

    article: Article
    base_version: int
    newer: list[Revision]

    def who(self) -> str:
        names = {r.editor.get_username() if r.editor else "系统" for r in self.newer}
        return "、".join(sorted(names)) or "其他人"

    def __str__(self):
        who = self.who()
        return (
            f"保存未成功：在您打开本文（修订 {self.base_version}）之后，"
            f"{who}已保存了修订 {self.article.version}。"
            "您的修改仍在表单中，请对照对方的改动后再保存。"
        )


@dataclass
class MergeConflict(EditConflict):
    """Both editors changed the same characters: nothing was written until each spot is chosen."""

    spots: list[merging.Spot]

    def __str__(self):
        return (
            f"保存未成功：您与{self.who()}（修订 {self.article.version}）改动了同一处文字，"
            f"共 {len(self.spots)} 处。请逐处选择保留对方的、您的，或手工改写，再保存；"
            "其余不重叠的改动会自动合并。"
        )


class OrderConflict(Conflict):
    """The page's order changed after the editor opened it."""

    def __str__(self):
        return (
            "调整未成功：在您打开本版面之后，其他人已调整了文章顺序或拆分、合并了文章。"
            "请刷新页面，按最新顺序重新调整。"
        )


def write(
    article: Article,
    *,
    base_version: int,
    changes: Mapping[str, object],
    editor,
    kind: str,
    note: str,
    reverted_to: Revision | None = None,
    batch: ReplaceBatch | None = None,
    resolutions: Mapping[str, tuple[str, str]] | None = None,
) -> Revision | None:
    """Apply `changes` to the article as it was at `base_version`, as the next version.

    If someone saved since, the text changes (base → changes) are merged onto the
    current text, field by field; the revision's note says with which revision.
    Overlapping spots need a choice in `resolutions` (spot key → ("theirs" | "mine" |
    "hand", hand text)), else MergeConflict lists them and nothing is written. Other
    fields (status, flags) from a stale base raise EditConflict: they judged a text
    the editor did not see.
    A save that changes nothing writes nothing and returns None (after the check, so
    it still proves the editor's base was current).
    A changed text goes back under review: no verification covers text nobody checked.
    """
    forbidden = NOT_WRITABLE.intersection(changes)
    if forbidden:
        names = sorted(str(Article._meta.get_field(n).verbose_name) for n in forbidden)
        raise ValidationError(f"不能这样修改：{'、'.join(names)}")
    with transaction.atomic():
        for _ in range(RACE_RETRIES):
            current = Article.objects.get(pk=article.pk)
            merged_with, claim, writing = None, base_version, changes
            if current.version != base_version:
                writing = _merged(current, base_version, changes, resolutions or {})
                merged_with = claim = current.version
            changed = [
                name
                for name, value in writing.items()
                if getattr(current, name) != value
            ]
            if not changed:
                return None
            if Article.objects.filter(pk=article.pk, version=claim).update(
                version=F("version") + 1
            ):
                break
            # Another save won the race since the read above: merge onto it instead.
        else:
            raise _conflict(Article.objects.get(pk=article.pk), base_version)
        changes, base_version = writing, claim
        if merged_with:
            note = f"{note}（与修订 {merged_with} 合并）"
        current.version = base_version + 1
        for name in changed:
            setattr(current, name, changes[name])
        if (
            "status" not in changes
            and set(changed) & set(TEXT_FIELDS)
            and current.status != Article.Status.IN_REVIEW
        ):
            current.status = Article.Status.IN_REVIEW
        # One save, so search hears of it; only these fields, so a concurrent write
        # of another (a dismissed suggestion) is not overwritten.
        current.save(update_fields=[*changed, "status", "version", "updated_at"])
        revision = record(
            current,
            kind=kind,
            editor=editor,
            note=note,
            changed=changed,
            reverted_to=reverted_to,
            batch=batch,
        )
    article.__dict__.update(current.__dict__)
    revision.merged_with = merged_with
    return revision


def text_at(article: Article, version: int) -> dict[str, str]:
    """The article's text fields as they were at `version` (its revision)."""
    if article.version == version:
        return {name: getattr(article, name) for name in TEXT_FIELDS}
    base = article.revisions.filter(number=version).first()
    if base is None:
        raise _conflict(Article.objects.get(pk=article.pk), version)
    return base.text()


def _merged(current: Article, base_version: int, changes, resolutions) -> dict:
    """`changes` made from `base_version`, merged onto the current text; or a conflict."""
    if set(changes) - set(TEXT_FIELDS):
        raise _conflict(current, base_version)
    base = current.revisions.filter(number=base_version).first()
    if base is None:
        raise _conflict(current, base_version)
    merged, spots, unresolved = {}, [], False
    for name, mine in changes.items():
        result = merging.merge(
            getattr(base, name), getattr(current, name), mine, field=name
        )
        spots += result.spots
        choices = {}
        for spot in result.spots:
            choice, hand = resolutions.get(spot.key(), ("", ""))
            if choice in ("theirs", "mine", "hand"):
                choices[spot.key()] = {"theirs": spot.theirs, "mine": spot.mine}.get(
                    choice, hand
                )
            else:
                unresolved = True
        merged[name] = (
            result.resolve(getattr(base, name), choices)
            if result.spots and len(choices) == len(result.spots)
            else result.text
        )
    if unresolved:
        conflict = _conflict(current, base_version)
        raise MergeConflict(
            article=conflict.article,
            base_version=base_version,
            newer=conflict.newer,
            spots=spots,
        )
    return merged


def _conflict(current: Article, base_version: int) -> EditConflict:
    return EditConflict(
        article=current,
        base_version=base_version,
        newer=list(
            current.revisions.filter(number__gt=base_version)
            .select_related("editor")
            .order_by("number")
        ),
    )


def record(
    article: Article,
    *,
    kind: str,
    editor,
    note: str,
    changed: list[str],
    reverted_to: Revision | None = None,
    batch: ReplaceBatch | None = None,
) -> Revision:
    """The revision of the article's current version: who, why, the text after it."""
    return Revision.objects.create(
        batch=batch,
        article=article,
        number=article.version,
        kind=kind,
        editor=editor,
        note=note[:500],
        changed_fields=changed,
        reverted_to=reverted_to,
        status=article.status,
        **{name: getattr(article, name) for name in TEXT_FIELDS},
    )


def text_editors_since_verification(article: Article) -> set[int]:
    """Who changed the text since it was last verified (since import if never).

    A revision whose status is 已审定 holds verified text; any text change after it
    sent the article back under review. Saves that changed nothing left no revision.
    """
    editors = set()
    for status, editor_id, changed in article.revisions.order_by("-number").values_list(
        "status", "editor_id", "changed_fields"
    ):
        if status == Article.Status.VERIFIED:
            break
        if editor_id and set(changed or []) & set(TEXT_FIELDS):
            editors.add(editor_id)
    return editors
