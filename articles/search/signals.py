"""The one path that keeps the search index fresh: saves queue articles, a commit reindexes them."""

from __future__ import annotations

import logging
import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from haystack import connections
from haystack.signals import BaseSignalProcessor

log = logging.getLogger(__name__)

_pending = threading.local()


def affected_article_ids(sender, instance) -> set[int]:
    """Articles whose search document shows something of this saved or deleted row."""
    from archive.models import Issue
    from articles.models import (
        Affiliation,
        Article,
        Author,
        Authorship,
        Column,
        Province,
    )

    if sender is Article:
        return {instance.pk}
    if sender is Authorship:
        return {instance.article_id}
    if sender is Author:
        rows = Authorship.objects.filter(author_id=instance.pk)
    elif sender is Affiliation:
        rows = Authorship.objects.filter(affiliation_id=instance.pk)
    elif sender is Province:
        rows = Authorship.objects.filter(affiliation__province_id=instance.pk)
    elif sender is Issue:
        return set(
            Article.objects.filter(issue_id=instance.pk).values_list("pk", flat=True)
        )
    elif sender is Column:
        return set(
            Article.objects.filter(column_id=instance.pk).values_list("pk", flat=True)
        )
    else:
        return set()
    return set(rows.values_list("article_id", flat=True))


def queue_reindex(article_ids) -> None:
    """Reindex these articles once the current transaction commits (at once outside one).

    Every save in a transaction adds to one set, so an import of a page with fifteen
    articles and their authorships is one index write, not fifty. Code that changes rows
    without signals (queryset.update, bulk_create) calls this with the articles it touched.
    """
    ids = {int(pk) for pk in article_ids if pk is not None}
    if not ids:
        return
    pending = getattr(_pending, "ids", None)
    if pending is None:
        pending = _pending.ids = set()
    pending.update(ids)
    # Each call registers a flush; the first to run after commit takes the whole set and
    # the others find it empty. A rolled-back transaction drops its callbacks, and its
    # ids wait for the next commit (reindexing reads the database, so that is harmless).
    transaction.on_commit(_flush)


def _flush() -> None:
    pending = getattr(_pending, "ids", None)
    if not pending:
        return
    ids = set(pending)
    pending.clear()
    try:
        reindex_articles(ids)
    except Exception:
        # The database change is committed; a failed index write must not turn it into
        # an error page. `update_index --age 1` repairs whatever was missed.
        log.exception("Search index update failed for articles %s", sorted(ids))


def reindex_articles(article_ids, using: str = "default") -> None:
    """Bring these articles' documents in line with the database: update public, drop the rest."""
    from articles.models import Article

    ids = {int(pk) for pk in article_ids}
    if not ids:
        return
    unified = connections[using].get_unified_index()
    index = unified.get_index(Article)
    backend = connections[using].get_backend()
    public = list(index.index_queryset(using=using).filter(pk__in=ids))
    if public:
        backend.update(index, public)
    gone = ids - {a.pk for a in public}
    if gone:
        identifiers = [f"articles.article.{pk}" for pk in sorted(gone)]
        if hasattr(backend, "remove_identifiers"):
            backend.remove_identifiers(identifiers)
        else:
            for identifier in identifiers:
                backend.remove(identifier)


class SearchSignalProcessor(BaseSignalProcessor):
    """Haystack's signal processor for the archive (HAYSTACK_SIGNAL_PROCESSOR)."""

    def watched_models(self):
        from archive.models import Issue
        from articles.models import (
            Affiliation,
            Article,
            Author,
            Authorship,
            Column,
            Province,
        )

        return (Article, Authorship, Author, Affiliation, Province, Issue, Column)

    def setup(self):
        for model in self.watched_models():
            post_save.connect(
                self.handle_save,
                sender=model,
                dispatch_uid=f"search-save-{model.__name__}",
            )
            post_delete.connect(
                self.handle_delete,
                sender=model,
                dispatch_uid=f"search-delete-{model.__name__}",
            )

    def teardown(self):
        for model in self.watched_models():
            post_save.disconnect(
                sender=model, dispatch_uid=f"search-save-{model.__name__}"
            )
            post_delete.disconnect(
                sender=model, dispatch_uid=f"search-delete-{model.__name__}"
            )

    def handle_save(self, sender, instance, raw=False, **kwargs):
        if raw:  # loaddata: fixtures are indexed by rebuild_index
            return
        queue_reindex(affected_article_ids(sender, instance))

    def handle_delete(self, sender, instance, **kwargs):
        queue_reindex(affected_article_ids(sender, instance))
