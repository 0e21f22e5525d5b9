"""Structure corrections: split, merge, move, reorder, relink people and places — each undoable.

Every operation snapshots the rows it touches (Django's serializer) before changing
them and records what it created, so `undo` can put back exactly what was there.
"""

import json

from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from articles.editing import corrections
from articles.models import (
    Affiliation,
    Article,
    Author,
    Authorship,
    Revision,
    StructureChange,
)

Op = StructureChange.Operation


def _snapshot(objects) -> list:
    return json.loads(serializers.serialize("json", objects))


def _article_rows(*articles) -> list:
    """Articles with their authorships: what a structure change may alter."""
    ids = [a.pk for a in articles]
    return [
        *Article.objects.filter(pk__in=ids),
        *Authorship.objects.filter(article_id__in=ids),
    ]


def _bump(article: Article, *, editor, note: str) -> None:
    """Text-changing structure edits move the version on and leave a revision."""
    Article.objects.filter(pk=article.pk).update(version=F("version") + 1)
    article.refresh_from_db()
    article.save()  # fires the one signal search listens to
    corrections._snapshot(
        article,
        kind=Revision.Kind.STRUCTURE,
        editor=editor,
        note=note,
        changed=["body"],
    )


def _touch(article_ids) -> None:
    """Queryset updates send no signals; saving the articles tells search about new links."""
    for article in Article.objects.filter(pk__in=set(article_ids)):
        article.save(update_fields=["updated_at"])


def _record(
    operation, *, editor, note, before, created=(), articles=()
) -> StructureChange:
    return StructureChange.objects.create(
        operation=operation,
        editor=editor,
        note=note[:500],
        before=before,
        created_objects=[[obj._meta.label, obj.pk] for obj in created],
        article_versions={
            str(a.pk): Article.objects.values_list("version", flat=True).get(pk=a.pk)
            for a in articles
        },
    )


def _check_version(article: Article, base_version: int | None) -> None:
    if base_version is not None and article.version != base_version:
        raise ValidationError("文章在您打开后已被修改，请刷新后再操作。")


def split_article(
    article: Article,
    *,
    at_paragraph: int,
    title: str,
    editor,
    column=None,
    kind: str | None = None,
    copy_authors: bool = False,
    note: str = "",
) -> Article:
    """The paragraphs from `at_paragraph` on become a new article right after this one."""
    paragraphs = article.body.split("\n\n")
    if not 0 < at_paragraph < len(paragraphs):
        raise ValidationError("拆分位置必须在第一段之后、最后一段之前或之上。")
    if not title.strip():
        raise ValidationError("新文章需要标题。")
    with transaction.atomic():
        before = _snapshot([*article.issue.articles.all(), *article.authorships.all()])
        Article.objects.filter(
            issue=article.issue, position__gt=article.position
        ).update(position=F("position") + 1)
        new = Article.objects.create(
            issue=article.issue,
            column=column if column is not None else article.column,
            kind=kind or article.kind,
            position=article.position + 1,
            title=title.strip(),
            body="\n\n".join(paragraphs[at_paragraph:]),
            original_ocr="",
            published=article.published,
        )
        new.derived_from.add(article)
        corrections._snapshot(
            new,
            kind=Revision.Kind.STRUCTURE,
            editor=editor,
            note=f"由《{article.title}》拆分而来",
            changed=["body"],
        )
        if copy_authors:
            for authorship in article.authorships.all():
                authorship.pk = None
                authorship.article = new
                authorship.save()
        article.body = "\n\n".join(paragraphs[:at_paragraph])
        Article.objects.filter(pk=article.pk).update(body=article.body)
        _bump(
            article,
            editor=editor,
            note=f"拆分：第{at_paragraph + 1}段起成为《{new.title}》",
        )
        _record(
            Op.SPLIT,
            editor=editor,
            note=note or f"拆分《{article.title}》",
            before=before,
            created=[new, *new.authorships.all()],
            articles=[article, new],
        )
    return new


def merge_articles(
    first: Article, second: Article, *, editor, note: str = ""
) -> Article:
    """`second`'s text follows `first`'s; `second` is unpublished and points to the result."""
    if first.pk == second.pk:
        raise ValidationError("不能把文章与自己合并。")
    with transaction.atomic():
        before = _snapshot(_article_rows(first, second))
        body = "\n\n".join(p for p in (first.body, second.body) if p)
        Article.objects.filter(pk=first.pk).update(body=body)
        next_order = (first.authorships.aggregate(m=Max("order"))["m"] or 0) + 1
        known = set(first.authorships.values_list("author_id", "contribution"))
        for authorship in second.authorships.all():
            if (
                authorship.author_id
                and (authorship.author_id, authorship.contribution) in known
            ):
                continue
            Authorship.objects.create(
                article=first,
                author_id=authorship.author_id,
                affiliation_id=authorship.affiliation_id,
                role=authorship.role,
                contribution=authorship.contribution,
                order=next_order,
            )
            next_order += 1
        first.derived_from.add(second)
        _bump(first, editor=editor, note=f"合并：其后接《{second.title}》的正文")
        Article.objects.filter(pk=second.pk).update(published=False)
        _bump(second, editor=editor, note=f"并入《{first.title}》，不再单独公开")
        created = list(
            first.authorships.exclude(
                pk__in=[o["pk"] for o in before if o["model"] == "articles.authorship"]
            )
        )
        _record(
            Op.MERGE,
            editor=editor,
            note=note or f"合并《{first.title}》与《{second.title}》",
            before=before,
            created=created,
            articles=[first, second],
        )
    first.refresh_from_db()
    return first


def move_paragraphs(
    source: Article,
    target: Article,
    *,
    paragraphs: list[int],
    at: int | None = None,
    editor,
    note: str = "",
) -> None:
    """Move some paragraphs of `source` into `target` (at a paragraph index, default the end)."""
    source_paras = source.body.split("\n\n")
    if not paragraphs or any(not 0 <= i < len(source_paras) for i in paragraphs):
        raise ValidationError("所选段落不存在。")
    if source.pk == target.pk:
        raise ValidationError("源文章与目标文章相同。")
    moving = [source_paras[i] for i in sorted(set(paragraphs))]
    keep = [p for i, p in enumerate(source_paras) if i not in set(paragraphs)]
    target_paras = [p for p in target.body.split("\n\n") if p] if target.body else []
    at = len(target_paras) if at is None else max(0, min(at, len(target_paras)))
    with transaction.atomic():
        before = _snapshot(_article_rows(source, target))
        Article.objects.filter(pk=source.pk).update(body="\n\n".join(keep))
        Article.objects.filter(pk=target.pk).update(
            body="\n\n".join(target_paras[:at] + moving + target_paras[at:])
        )
        target.derived_from.add(source)
        _bump(source, editor=editor, note=f"移出 {len(moving)} 段到《{target.title}》")
        _bump(target, editor=editor, note=f"从《{source.title}》移入 {len(moving)} 段")
        _record(
            Op.MOVE,
            editor=editor,
            note=note or "移动段落",
            before=before,
            articles=[source, target],
        )


def reorder_articles(issue, *, order: list[int], editor, note: str = "") -> None:
    """Set the printed order of an issue's articles (ids in their new order)."""
    articles = {a.pk: a for a in issue.articles.all()}
    if sorted(order) != sorted(articles):
        raise ValidationError("新顺序必须恰好包含本版面的全部文章。")
    with transaction.atomic():
        before = _snapshot(articles.values())
        for position, pk in enumerate(order, start=1):
            Article.objects.filter(pk=pk).update(position=position)
        _record(Op.REORDER, editor=editor, note=note or "调整版面顺序", before=before)


def record_admin_edit(
    operation, *, objects_before, editor, note: str, created=()
) -> StructureChange:
    """For edits made through ordinary admin forms (placement, authorships, affiliations)."""
    return _record(
        operation,
        editor=editor,
        note=note,
        before=_snapshot(objects_before),
        created=created,
    )


def merge_authors(
    keep: Author, duplicates: list[Author], *, editor, note: str = ""
) -> Author:
    """Every link moves to `keep`; the other spellings become its aliases for future imports."""
    return _merge(
        keep,
        duplicates,
        link="author",
        operation=Op.MERGE_AUTHORS,
        label="作者",
        editor=editor,
        note=note,
    )


def merge_affiliations(
    keep: Affiliation, duplicates: list[Affiliation], *, editor, note: str = ""
) -> Affiliation:
    """As for authors; `keep` also takes a province from a duplicate if it has none."""
    return _merge(
        keep,
        duplicates,
        link="affiliation",
        operation=Op.MERGE_AFFILIATIONS,
        label="单位",
        editor=editor,
        note=note,
    )


def _merge(keep, duplicates, *, link: str, operation, label: str, editor, note: str):
    duplicates = [d for d in duplicates if d.pk != keep.pk]
    if not duplicates:
        raise ValidationError(f"请至少选择一个要并入的{label}。")
    with transaction.atomic():
        links = list(Authorship.objects.filter(**{f"{link}__in": duplicates}))
        before = _snapshot([keep, *duplicates, *links])
        Authorship.objects.filter(**{f"{link}__in": duplicates}).update(**{link: keep})
        _touch(a.article_id for a in links)
        aliases = list(keep.aliases)
        for d in duplicates:
            for name in [d.name, *d.aliases]:
                if name != keep.name and name not in aliases:
                    aliases.append(name)
        keep.aliases = aliases
        fields = ["aliases"]
        if isinstance(keep, Affiliation) and keep.province_id is None:
            keep.province_id = next(
                (d.province_id for d in duplicates if d.province_id), None
            )
            fields.append("province")
        keep.save(update_fields=fields)
        type(keep).objects.filter(pk__in=[d.pk for d in duplicates]).delete()
        _record(
            operation,
            editor=editor,
            note=note or f"合并{label}到“{keep.name}”",
            before=before,
        )
    return keep


def undo(change: StructureChange, *, editor) -> StructureChange:
    """Put back the rows as they were; refused if an affected article changed since."""
    if change.undone_at:
        raise ValidationError("这项调整已经撤销过了。")
    for pk, version in change.article_versions.items():
        current = (
            Article.objects.filter(pk=pk).values_list("version", flat=True).first()
        )
        if current is not None and current != version:
            raise ValidationError(
                "之后已有人修改了相关文章，无法自动撤销；请先回退那些修改。"
            )
    with transaction.atomic():
        for label, pk in reversed(change.created_objects):
            model = {"articles.Article": Article, "articles.Authorship": Authorship}[
                label
            ]
            if model is Article:
                Revision.objects.filter(article_id=pk).delete()
                Article.derived_from.through.objects.filter(from_article_id=pk).delete()
            model.objects.filter(pk=pk).delete()
        restored_articles = []
        for obj in serializers.deserialize("json", json.dumps(change.before)):
            instance = obj.object
            if (
                isinstance(instance, Article)
                and str(instance.pk) not in change.article_versions
            ):
                # Only its place on the page moved: put that back and leave its text alone.
                Article.objects.filter(pk=instance.pk).update(
                    position=instance.position
                )
                continue
            if isinstance(instance, Article):
                # Keep optimistic locking monotonic: the restored text is a new version.
                instance.version = (
                    Article.objects.values_list("version", flat=True).get(
                        pk=instance.pk
                    )
                    + 1
                )
                restored_articles.append(instance)
            if isinstance(instance, Authorship):
                Authorship.objects.filter(
                    article_id=instance.article_id,
                    contribution=instance.contribution,
                    order=instance.order,
                ).exclude(pk=instance.pk).delete()
            obj.save()
        for article in restored_articles:
            article.refresh_from_db()
            article.save()
            corrections._snapshot(
                article,
                kind=Revision.Kind.STRUCTURE,
                editor=editor,
                note=f"撤销：{change.get_operation_display()}",
                changed=["body"],
            )
        _touch(
            o["fields"]["article"]
            for o in change.before
            if o["model"] == "articles.authorship"
        )
        StructureChange.objects.filter(pk=change.pk).update(undone_at=timezone.now())
        return StructureChange.objects.create(
            operation=Op.UNDO,
            editor=editor,
            note=f"撤销 #{change.pk} {change.get_operation_display()}",
        )
