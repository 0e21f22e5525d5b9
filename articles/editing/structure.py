"""Structure corrections: split, merge, move, reorder, relink people and places — each undoable.

Every operation snapshots the rows it touches before changing them and is recorded
by `change_log`, which can put back exactly what it changed. Operations that change
an article's text take the version the editor started from and write through
`revisions.write`, and work on the text as it was at that version: a stale one is
merged with what others saved since like a correction, or refused where they overlap.
"""

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max

from articles.editing import change_log, revisions
from articles.editing.revisions import OrderConflict
from articles.models import (
    Affiliation,
    Article,
    Author,
    Authorship,
    Revision,
    StructureChange,
)

Op = StructureChange.Operation
# What the admin change form may set on an article; its text has its own screen.
PLACEMENT_FIELDS = ("issue", "column", "kind", "position", "published")


def _article_rows(*articles) -> list:
    """Articles with their authorships: what a structure change may alter."""
    ids = [a.pk for a in articles]
    return [
        *Article.objects.filter(pk__in=ids),
        *Authorship.objects.filter(article_id__in=ids),
    ]


def _write(article: Article, base_versions: Mapping[int, int], *, editor, **change):
    """A structure edit of one article, checked against the version the editor saw."""
    if article.pk not in base_versions:
        raise ValidationError("表单已过期（缺少文章版本号），请刷新页面后再操作。")
    return revisions.write(
        article,
        base_version=base_versions[article.pk],
        editor=editor,
        kind=Revision.Kind.STRUCTURE,
        **change,
    )


def _named(what: str, note: str) -> str:
    """A structure change is listed by the articles it touched, then the editor's note."""
    note = (note or "").strip()
    return f"{what}：{note}" if note else what


def _seen_body(article: Article, base_versions: Mapping[int, int]) -> str:
    """The body the editor saw: at the version they started from."""
    if article.pk not in base_versions:
        raise ValidationError("表单已过期（缺少文章版本号），请刷新页面后再操作。")
    return revisions.text_at(article, base_versions[article.pk])["body"]


def split_article(
    article: Article,
    *,
    base_version: int,
    at_paragraph: int,
    title: str,
    editor,
    column=None,
    kind: str | None = None,
    copy_authors: bool = False,
    note: str = "",
    until_paragraph: int | None = None,
) -> Article:
    """Paragraphs `at_paragraph` up to (not including) `until_paragraph`, by default to
    the end, become a new article right after this one (an excerpt from the middle of a
    digest leaves the paragraphs before and after it in place)."""
    paragraphs = revisions.text_at(article, base_version)["body"].split("\n\n")
    until = len(paragraphs) if until_paragraph is None else until_paragraph
    if not 0 <= at_paragraph < until <= len(paragraphs):
        raise ValidationError("拆出的段落范围不在本文之内。")
    if until - at_paragraph == len(paragraphs):
        raise ValidationError("不能把全文拆出，至少留下一段。")
    if not title.strip():
        raise ValidationError("新文章需要标题。")
    with transaction.atomic():
        before = change_log.snapshot(
            [*article.issue.articles.all(), *article.authorships.all()]
        )
        _write(
            article,
            {article.pk: base_version},
            editor=editor,
            changes={
                "body": "\n\n".join(paragraphs[:at_paragraph] + paragraphs[until:])
            },
            note=f"拆分：第{at_paragraph + 1}至{until}段成为《{title.strip()}》",
        )
        Article.objects.filter(
            issue=article.issue, position__gt=article.position
        ).update(position=F("position") + 1)
        new = Article.objects.create(
            issue=article.issue,
            column=column if column is not None else article.column,
            kind=kind or article.kind,
            position=article.position + 1,
            title=title.strip(),
            body="\n\n".join(paragraphs[at_paragraph:until]),
            original_ocr="",
            published=article.published,
            # Text an editor has seen is not raw; nor is it verified as a new whole.
            status=Article.Status.RAW
            if article.status == Article.Status.RAW
            else Article.Status.IN_REVIEW,
        )
        new.derived_from.add(article)
        revisions.record(
            new,
            kind=Revision.Kind.STRUCTURE,
            editor=editor,
            note=f"由《{article.title}》拆分而来",
            changed=["title", "body"],
        )
        if copy_authors:
            for authorship in article.authorships.all():
                authorship.pk = None
                authorship.article = new
                authorship.save()
        change_log.record(
            Op.SPLIT,
            editor=editor,
            note=_named(f"拆分《{article.title}》", note),
            before=before,
            created=[new, *new.authorships.all()],
        )
    return new


def merge_articles(
    first: Article,
    second: Article,
    *,
    base_versions: Mapping[int, int],
    editor,
    note: str = "",
) -> Article:
    """`second`'s text follows `first`'s; `second` is withdrawn, pointing to the result.

    `base_versions` maps each article's id to the version the editor started from.
    """
    if first.pk == second.pk:
        raise ValidationError("不能把文章与自己合并。")
    first_body = _seen_body(first, base_versions)
    second_body = _seen_body(second, base_versions)
    with transaction.atomic():
        before = change_log.snapshot(_article_rows(first, second))
        existing = set(first.authorships.values_list("pk", flat=True))
        _write(
            first,
            base_versions,
            editor=editor,
            changes={"body": "\n\n".join(p for p in (first_body, second_body) if p)},
            note=f"合并：其后接《{second.title}》的正文",
        )
        _write(
            second,
            base_versions,
            editor=editor,
            changes={"published": False},
            note=f"并入《{first.title}》，不再单独公开",
        )
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
        change_log.record(
            Op.MERGE,
            editor=editor,
            note=_named(f"合并《{first.title}》与《{second.title}》", note),
            before=before,
            created=list(first.authorships.exclude(pk__in=existing)),
        )
    first.refresh_from_db()
    return first


def move_paragraphs(
    source: Article,
    target: Article,
    *,
    base_versions: Mapping[int, int],
    paragraphs: list[int],
    at: int | None = None,
    editor,
    note: str = "",
) -> None:
    """Move some paragraphs of `source` into `target` (at a paragraph index, default the end)."""
    source_paras = _seen_body(source, base_versions).split("\n\n")
    if not paragraphs or any(not 0 <= i < len(source_paras) for i in paragraphs):
        raise ValidationError("所选段落不存在。")
    if source.pk == target.pk:
        raise ValidationError("源文章与目标文章相同。")
    moving = [source_paras[i] for i in sorted(set(paragraphs))]
    keep = [p for i, p in enumerate(source_paras) if i not in set(paragraphs)]
    target_body = _seen_body(target, base_versions)
    target_paras = [p for p in target_body.split("\n\n") if p] if target_body else []
    at = len(target_paras) if at is None else max(0, min(at, len(target_paras)))
    with transaction.atomic():
        before = change_log.snapshot(_article_rows(source, target))
        _write(
            source,
            base_versions,
            editor=editor,
            changes={"body": "\n\n".join(keep)},
            note=f"移出 {len(moving)} 段到《{target.title}》",
        )
        _write(
            target,
            base_versions,
            editor=editor,
            changes={
                "body": "\n\n".join(target_paras[:at] + moving + target_paras[at:])
            },
            note=f"从《{source.title}》移入 {len(moving)} 段",
        )
        target.derived_from.add(source)
        change_log.record(
            Op.MOVE,
            editor=editor,
            note=_named(f"从《{source.title}》移动段落到《{target.title}》", note),
            before=before,
        )


def page_order(issue) -> list[int]:
    """The ids of a page's articles in printed order: what a reorder starts from."""
    return list(issue.articles.order_by("position", "pk").values_list("pk", flat=True))


def reorder_articles(
    issue, *, order: list[int], base_order: list[int], editor, note: str = ""
) -> None:
    """Set the printed order of a page's articles (ids in their new order).

    `base_order` is the order the editor started from; a page reordered, split or
    merged since is refused with OrderConflict.
    """
    with transaction.atomic():
        if page_order(issue) != list(base_order):
            raise OrderConflict()
        if sorted(order) != sorted(base_order):
            raise ValidationError("新顺序必须恰好包含本版面的全部文章。")
        before = change_log.snapshot(issue.articles.all())
        for position, pk in enumerate(order, start=1):
            Article.objects.filter(pk=pk).update(position=position)
        change_log.record(
            Op.REORDER,
            editor=editor,
            note=_named(f"调整{issue}的文章顺序", note),
            before=before,
        )


def edit_article(
    article: Article,
    *,
    editor,
    fields: Mapping[str, object],
    authorships: Sequence[Authorship] = (),
    removed: Sequence[Authorship] = (),
) -> StructureChange | None:
    """Placement, publication and bylines edited in the admin: one undoable change.

    `fields` holds the new values of PLACEMENT_FIELDS; `authorships` are new or changed
    bylines (unsaved), `removed` the bylines to delete. None if nothing changed.
    """
    unknown = set(fields) - set(PLACEMENT_FIELDS)
    if unknown:
        raise ValidationError(f"此处不能修改：{'、'.join(sorted(unknown))}")
    if not (fields or authorships or removed):
        return None
    with transaction.atomic():
        before = change_log.snapshot(_article_rows(article))
        existing = set(article.authorships.values_list("pk", flat=True))
        stored = Article.objects.get(pk=article.pk)
        for name, value in fields.items():
            setattr(stored, name, value)
        if fields:
            stored.save(update_fields=[*fields, "updated_at"])
        for authorship in removed:
            authorship.delete()
        for authorship in authorships:
            authorship.article = stored
            authorship.save()
        labels = [str(Article._meta.get_field(name).verbose_name) for name in fields]
        if authorships or removed:
            labels.append("署名")
        return change_log.record(
            Op.AUTHORSHIPS if authorships or removed else Op.PLACEMENT,
            editor=editor,
            note=f"《{stored.title}》：" + "、".join(labels),
            before=before,
            created=[a for a in authorships if a.pk not in existing],
        )


def edit_affiliation(
    affiliation: Affiliation, *, editor, fields: Mapping[str, object]
) -> StructureChange | None:
    """An affiliation's name, province or level as edited in the admin, undoably."""
    if not fields:
        return None
    with transaction.atomic():
        stored = Affiliation.objects.get(pk=affiliation.pk)
        before = change_log.snapshot([stored])
        for name, value in fields.items():
            setattr(stored, name, value)
        stored.save(update_fields=list(fields))
        labels = [
            str(Affiliation._meta.get_field(name).verbose_name) for name in fields
        ]
        return change_log.record(
            Op.AFFILIATION,
            editor=editor,
            note=f"单位“{stored.name}”：" + "、".join(labels),
            before=before,
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
        before = change_log.snapshot([keep, *duplicates, *links])
        for authorship in links:
            setattr(authorship, link, keep)
            authorship.save(update_fields=[link])  # signals tell search
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
        change_log.record(
            operation,
            editor=editor,
            note=note or f"合并{label}到“{keep.name}”",
            before=before,
        )
    return keep
