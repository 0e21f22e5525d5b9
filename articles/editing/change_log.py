"""Structure changes on record: the rows before and after each one, and its exact undo.

A change keeps the rows it touched as they were (`before`) and as it left them
(`after`, with the rows it created). Undo first checks that every field the change
touched still holds what the change left, then puts back those fields and nothing
else: a withdrawal is undone with the rest, later work on other fields stays.
"""

import json

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.editing import revisions
from articles.models import Article, Revision, StructureChange

# Bookkeeping, not what a change is about: saving touches the first, dismissing a
# suggestion the second; neither makes an undo unsafe.
IGNORED = {"updated_at", "dismissed_suggestions"}
# Put back by a new version of the article (revisions.write), which decides the status.
VERSIONED = {"version", "status"}


def snapshot(objects) -> list[dict]:
    """Rows as Django's serializer writes them (what backups hold too)."""
    return json.loads(serializers.serialize("json", objects))


def record(
    operation, *, editor, note: str, before: list[dict], created=()
) -> StructureChange:
    """Records a change made in this transaction, from its rows as they were before."""
    created_keys = [(obj._meta.label_lower, obj.pk) for obj in created]
    return StructureChange.objects.create(
        operation=operation,
        editor=editor,
        note=note[:500],
        before=before,
        after=snapshot(_fetch([*_rows(before), *created_keys])),
        created_objects=[[obj._meta.label, obj.pk] for obj in created],
    )


def undo(change: StructureChange, *, editor) -> StructureChange:
    """Put back what the change touched; refused if any of it changed since."""
    if change.undone_at:
        raise ValidationError("这项调整已经撤销过了。")
    if change.operation == StructureChange.Operation.UNDO:
        raise ValidationError("撤销记录本身不能再撤销。")
    before, after = _rows(change.before), _rows(change.after)
    created = {(label.lower(), pk) for label, pk in change.created_objects}
    stale = _changed_since(before, after, created)
    if stale:
        raise ValidationError(
            f"{'、'.join(stale)}在这项调整之后又被修改过，无法自动撤销；"
            "请先回退那些修改。"
        )
    try:
        with transaction.atomic():
            _restore(change, before, after, editor=editor)
            StructureChange.objects.filter(pk=change.pk).update(
                undone_at=timezone.now()
            )
            return StructureChange.objects.create(
                operation=StructureChange.Operation.UNDO,
                editor=editor,
                note=f"撤销 #{change.pk} {change.get_operation_display()}",
            )
    except IntegrityError as exc:
        # E.g. someone has since given an article a byline in the restored place.
        raise ValidationError(
            "相关署名或文章在这项调整之后又有变动，无法自动撤销。"
        ) from exc


def _changed_since(before: dict, after: dict, created: set) -> list[str]:
    """What no longer holds what the change left, named for the editor."""
    now = _rows(snapshot(_fetch(after)))
    stale = []
    for key, left in after.items():
        current = now.get(key)
        if current is None:
            if key not in created:
                stale.append(_describe(key, left))
            continue
        if any(current.get(f) != left.get(f) for f in _touched(before.get(key), left)):
            stale.append(_describe(key, current))
    return sorted(set(stale))


def _restore(change: StructureChange, before: dict, after: dict, *, editor) -> None:
    for label, pk in reversed(change.created_objects):
        # Revisions and bylines of a created article go with it (CASCADE).
        apps.get_model(label).objects.filter(pk=pk).delete()
    for key, old in before.items():
        model = apps.get_model(key[0])
        left = after.get(key)
        if left is None:  # the change deleted it: put it back whole
            _save_whole(model, key[1], old)
            continue
        touched = _touched(old, left)
        plain = {}
        many = {}
        for name in touched:
            if name in VERSIONED:
                continue
            field = model._meta.get_field(name)
            if field.many_to_many:
                many[name] = old[name]
            else:
                plain[field.attname] = field.to_python(old[name])
        instance = model.objects.get(pk=key[1])
        if model is Article and "version" in touched:
            revisions.write(
                instance,
                base_version=left["version"],
                changes=plain,
                editor=editor,
                kind=Revision.Kind.STRUCTURE,
                note=f"撤销：{change.get_operation_display()}",
            )
        elif plain:
            for attname, value in plain.items():
                setattr(instance, attname, value)
            update = [*plain, *(["updated_at"] if model is Article else [])]
            instance.save(update_fields=update)  # signals tell search
        for name, pks in many.items():
            getattr(instance, name).set(pks)


def _save_whole(model, pk, fields: dict) -> None:
    data = [{"model": model._meta.label_lower, "pk": pk, "fields": fields}]
    for obj in serializers.deserialize("json", json.dumps(data)):
        obj.save()


def _touched(old: dict | None, new: dict) -> list[str]:
    """Fields the change altered (all of them for a row it created)."""
    return [
        name
        for name, value in new.items()
        if name not in IGNORED and (old is None or old.get(name) != value)
    ]


def _rows(rows: list[dict]) -> dict[tuple[str, int], dict]:
    """(model label, pk) → fields, with many-to-many lists in a stable order."""
    return {
        (row["model"], row["pk"]): {
            name: sorted(value) if _is_many(row["model"], name) else value
            for name, value in row["fields"].items()
        }
        for row in rows
    }


def _is_many(label: str, name: str) -> bool:
    return apps.get_model(label)._meta.get_field(name).many_to_many


def _fetch(keys) -> list:
    """The rows for these (model label, pk) keys as they are now, if still there."""
    by_model: dict[str, list[int]] = {}
    for label, pk in keys:
        by_model.setdefault(label, []).append(pk)
    found = []
    for label, pks in by_model.items():
        found += apps.get_model(label).objects.filter(pk__in=pks).order_by("pk")
    return found


def _describe(key: tuple[str, int], fields: dict) -> str:
    label, pk = key
    if label == "articles.article":
        return f"《{fields.get('title', pk)}》"
    if label == "articles.authorship":
        title = Article.objects.filter(pk=fields.get("article")).values_list(
            "title", flat=True
        )
        return f"《{title.first() or pk}》的署名"
    return f"“{fields.get('name', pk)}”"
