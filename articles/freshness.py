"""What moves an article's modified time, and the tombstone it leaves when it stops being public.

Harvesters (OAI-PMH `from=`, the API's Last-Modified, sitemap `lastmod`, feed `updated`)
all read `Article.updated_at`. A record shows more than the article's own row: its
page's date, number and label, its column, its bylines and their people, institutions
and provinces. A change to any of these moves `updated_at` of every article that shows
it, here and only here. Code that changes such rows without signals
(`queryset.update`, `bulk_create`) calls `touch()` with the articles it changed.

An article that was public and is no longer (withdrawn, merged into another, deleted)
leaves a `Tombstone`, so OAI-PMH can answer `<header status="deleted">` for it for good
(`deletedRecord=persistent`); becoming public again removes it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

# What a record shows of each related model (model label: fields).
SHOWN = {
    "archive.Issue": ("publication_date", "number", "page_label"),
    "articles.Column": ("name", "slug"),
    "articles.Author": ("name",),
    "articles.Affiliation": ("name", "province_id"),
    "articles.Province": ("name", "short_name"),
}
# The set of an article without a column; a dot keeps it apart from every column slug.
NO_COLUMN_SET = "column.none"


def set_spec(column_slug: str | None) -> str:
    """The OAI-PMH set an article is in: its column's, or the set of those without one."""
    return column_slug or NO_COLUMN_SET


def touch(article_ids: Iterable[int]) -> int:
    """Moves the modified time of these articles to now; the number moved."""
    from articles.models import Article

    ids = {int(pk) for pk in article_ids if pk is not None}
    if not ids:
        return 0
    return Article.objects.filter(pk__in=ids).update(updated_at=timezone.now())


def _shown(instance) -> tuple:
    return tuple(getattr(instance, f) for f in SHOWN[instance._meta.label])


def _remember_shown(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._freshness_before = _shown(old) if old is not None else None


def _touch_if_shown_changed(sender, instance, created=False, raw=False, **kwargs):
    if raw or created:
        return  # a new page, column or person is shown by no article yet
    before = getattr(instance, "_freshness_before", None)
    if before is not None and before == _shown(instance):
        return
    from articles.search.signals import affected_article_ids

    touch(affected_article_ids(sender, instance))
    if (
        sender._meta.label == "articles.Column"
        and before
        and before[1] != instance.slug
    ):
        _move_set(before[1], instance.slug)


def _move_set(old: str, new: str) -> None:
    """Deleted records of a renamed column's set: in the new set, stamped now."""
    from articles.models import Tombstone

    Tombstone.objects.filter(set_spec=old).update(
        set_spec=new, deleted_at=timezone.now()
    )


def _remember_authorship(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    instance._freshness_article = (
        sender.objects.filter(pk=instance.pk)
        .values_list("article_id", flat=True)
        .first()
    )


def _touch_authorship(sender, instance, **kwargs) -> None:
    # Raw saves too: undo puts a deleted byline back whole (change_log._save_whole).
    # A byline moved to another article changes both.
    touch([instance.article_id, getattr(instance, "_freshness_article", None)])


def _remember_public(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    was = (
        instance.pk is not None
        and sender.objects.filter(pk=instance.pk, published=True).exists()
    )
    instance._freshness_was_public = was
    if instance.published and not was:
        instance.public_since = timezone.now()


def _follow_publication(
    sender, instance, created=False, raw=False, update_fields=None, **kwargs
) -> None:
    if raw:
        return
    from articles.models import Tombstone

    was = getattr(instance, "_freshness_was_public", False)
    if instance.published and not was:
        if update_fields is not None and "public_since" not in update_fields:
            sender.objects.filter(pk=instance.pk).update(
                public_since=instance.public_since
            )
        if not created:
            Tombstone.objects.filter(article_pk=instance.pk).delete()
    elif was and not instance.published:
        _bury(instance, Tombstone.Reason.WITHDRAWN)


def _article_deleted(sender, instance, **kwargs) -> None:
    from articles.models import Tombstone

    if instance.published:
        _bury(instance, Tombstone.Reason.DELETED)


def _bury(article, reason: str) -> None:
    from articles.models import Column, Tombstone

    slug = (
        Column.objects.filter(pk=article.column_id)
        .values_list("slug", flat=True)
        .first()
    )
    Tombstone.objects.update_or_create(
        article_pk=article.pk,
        defaults={
            "set_spec": set_spec(slug),
            "reason": reason,
            "deleted_at": timezone.now(),
        },
    )


def _merged(sender, instance, action, pk_set=None, reverse=False, **kwargs) -> None:
    """An article built from withdrawn ones: their tombstones say where they went."""
    from articles.models import Tombstone

    if action != "post_add" or reverse or not pk_set:
        return
    Tombstone.objects.filter(
        article_pk__in=pk_set, reason=Tombstone.Reason.WITHDRAWN
    ).update(reason=Tombstone.Reason.MERGED, merged_into=instance.pk)


def connect() -> None:
    """Called once from the app's ready()."""
    from django.apps import apps

    from articles.models import Article, Authorship

    for label in SHOWN:
        model = apps.get_model(label)
        pre_save.connect(_remember_shown, sender=model, dispatch_uid=f"fresh-{label}")
        post_save.connect(
            _touch_if_shown_changed, sender=model, dispatch_uid=f"fresh-{label}"
        )
    pre_save.connect(_remember_authorship, sender=Authorship, dispatch_uid="fresh-by")
    post_save.connect(_touch_authorship, sender=Authorship, dispatch_uid="fresh-by")
    post_delete.connect(_touch_authorship, sender=Authorship, dispatch_uid="fresh-by")
    pre_save.connect(_remember_public, sender=Article, dispatch_uid="fresh-article")
    post_save.connect(_follow_publication, sender=Article, dispatch_uid="fresh-art")
    post_delete.connect(_article_deleted, sender=Article, dispatch_uid="fresh-art")
    m2m_changed.connect(
        _merged, sender=Article.derived_from.through, dispatch_uid="fresh-merge"
    )
