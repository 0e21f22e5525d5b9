"""Writing corrections: every change of an article's text goes through here, as a revision.

Lost updates are prevented with a compare-and-set on `Article.version` (an UPDATE
… WHERE version = the version the editor started from), which behaves the same on
SQLite and PostgreSQL; `select_for_update` is not relied on because SQLite ignores it.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from articles.models import Article, ReaderReport, Revision

VERIFY_PERMISSION = "articles.verify_article"


@dataclass
class EditConflict(Exception):
    """Someone saved the article after `base_version`; nothing was written."""

    article: Article
    base_version: int
    newer: list[Revision]

    def __str__(self):
        who = "、".join(
            sorted(
                {r.editor.get_username() if r.editor else "系统" for r in self.newer}
            )
        )
        return (
            f"保存未成功：在您打开本文（第{self.base_version}版）之后，{who or '其他人'}"
            f"已保存了第{self.article.version}版。您的修改仍在表单中，请对照对方的改动合并后再保存。"
        )


def record_import(article: Article) -> Revision:
    """Revision 1: the text as the importer left it."""
    return _snapshot(
        article, kind=Revision.Kind.IMPORT, editor=None, note="导入", changed=[]
    )


def save_correction(
    article: Article,
    *,
    editor,
    base_version: int,
    changes: dict[str, str],
    note: str,
    kind: str = Revision.Kind.EDIT,
    reverted_to: Revision | None = None,
    batch=None,
) -> Revision:
    """Apply text changes made from `base_version`, or raise EditConflict."""
    note = (note or "").strip()
    if not note:
        raise ValidationError("请填写修改说明。")
    unknown = set(changes) - set(Revision.TEXT_FIELDS)
    if unknown:
        raise ValidationError(f"不能通过校对修改这些字段：{', '.join(sorted(unknown))}")
    if not (changes.get("title", article.title) or "").strip():
        raise ValidationError("标题不能为空。")
    with transaction.atomic():
        claimed = Article.objects.filter(pk=article.pk, version=base_version).update(
            version=F("version") + 1
        )
        fresh = Article.objects.get(pk=article.pk)
        if not claimed:
            raise EditConflict(
                article=fresh,
                base_version=base_version,
                newer=list(
                    fresh.revisions.filter(number__gt=base_version)
                    .select_related("editor")
                    .order_by("number")
                ),
            )
        changed = [
            f
            for f in Revision.TEXT_FIELDS
            if f in changes and changes[f] != getattr(fresh, f)
        ]
        for name in changed:
            setattr(fresh, name, changes[name])
        if fresh.status == Article.Status.RAW and changed:
            fresh.status = Article.Status.IN_REVIEW
        elif fresh.status == Article.Status.VERIFIED and changed:
            # A changed text needs a second pair of eyes again.
            fresh.status = Article.Status.IN_REVIEW
        fresh.save()
        revision = _snapshot(
            fresh,
            kind=kind,
            editor=editor,
            note=note,
            changed=changed,
            reverted_to=reverted_to,
            batch=batch,
        )
    article.__dict__.update(fresh.__dict__)
    return revision


def revert(
    article: Article, *, to: Revision, editor, base_version: int, note: str = ""
) -> Revision:
    """Restore an earlier revision's text as a new revision on top of the history."""
    if to.article_id != article.pk:
        raise ValidationError("该修订不属于这篇文章。")
    return save_correction(
        article,
        editor=editor,
        base_version=base_version,
        changes=to.text(),
        note=note or f"回退到第{to.number}版",
        kind=Revision.Kind.REVERT,
        reverted_to=to,
    )


def apply_suggestions(
    article: Article,
    *,
    suggestions: list[dict],
    editor,
    base_version: int,
    note: str = "",
) -> Revision:
    """Apply accepted suggestions (offsets into the body) from the end, so offsets stay valid."""
    body = article.body
    applied = []
    for s in sorted(suggestions, key=lambda s: s["start"], reverse=True):
        if body[s["start"] : s["end"]] != s["original"]:
            raise ValidationError("建议已过期：正文在建议生成后已改变，请刷新页面。")
        body = body[: s["start"]] + s["replacement"] + body[s["end"] :]
        applied.append(f"{s['original']}→{s['replacement']}")
    revision = save_correction(
        article,
        editor=editor,
        base_version=base_version,
        changes={"body": body},
        note=note or "采纳建议：" + "，".join(reversed(applied)),
        kind=Revision.Kind.SUGGESTION,
    )
    from archive.models import LearnedCorrection

    for s in suggestions:
        if s.get("kind") != "doubled":
            LearnedCorrection.record(s["original"], s["replacement"], user=editor)
    return revision


def can_verify(user, article: Article) -> bool:
    return user.has_perm(VERIFY_PERMISSION) and last_text_editor_id(article) != user.pk


def last_text_editor_id(article: Article) -> int | None:
    revision = (
        article.revisions.exclude(kind=Revision.Kind.STATUS)
        .exclude(editor=None)
        .order_by("-number")
        .values_list("editor_id", flat=True)
        .first()
    )
    return revision


def set_status(
    article: Article, *, status: str, editor, base_version: int, note: str = ""
) -> Revision:
    """Move along raw → in review → verified; nobody verifies their own correction."""
    if status not in Article.Status.values:
        raise ValidationError("未知的校对状态。")
    if status == Article.Status.VERIFIED:
        if not editor.has_perm(VERIFY_PERMISSION):
            raise PermissionDenied("只有审校可以审定文章。")
        if last_text_editor_id(article) == editor.pk:
            raise PermissionDenied("不能审定自己校对的文章，请由另一位审校审定。")
    with transaction.atomic():
        claimed = Article.objects.filter(pk=article.pk, version=base_version).update(
            version=F("version") + 1, status=status, updated_at=timezone.now()
        )
        fresh = Article.objects.get(pk=article.pk)
        if not claimed:
            raise EditConflict(
                article=fresh,
                base_version=base_version,
                newer=list(
                    fresh.revisions.filter(number__gt=base_version).order_by("number")
                ),
            )
        fresh.save(update_fields=["updated_at"])  # one save, so search hears of it
        revision = _snapshot(
            fresh,
            kind=Revision.Kind.STATUS,
            editor=editor,
            note=note or f"状态改为“{fresh.get_status_display()}”",
            changed=["status"],
        )
    article.__dict__.update(fresh.__dict__)
    return revision


def resolve_flag(
    article: Article, *, index: int, editor, base_version: int
) -> Revision:
    """Clear one of the importer's review flags once an editor has dealt with it."""
    flags = list(article.review_flags)
    if not 0 <= index < len(flags):
        raise ValidationError("该提示已不存在。")
    resolved = flags.pop(index)
    with transaction.atomic():
        claimed = Article.objects.filter(pk=article.pk, version=base_version).update(
            version=F("version") + 1, review_flags=flags
        )
        fresh = Article.objects.get(pk=article.pk)
        if not claimed:
            raise EditConflict(article=fresh, base_version=base_version, newer=[])
        revision = _snapshot(
            fresh,
            kind=Revision.Kind.STATUS,
            editor=editor,
            note=f"已处理提示：{resolved.get('message', '')}"[:500],
            changed=["review_flags"],
        )
    article.__dict__.update(fresh.__dict__)
    return revision


def accept_report(
    report: ReaderReport, *, editor, base_version: int, replacement: str | None = None
) -> Revision:
    """Put a reader's correction into the text (first occurrence of the selected text)."""
    article = report.article
    new = report.suggestion if replacement is None else replacement
    for field in ("body", "title", "lede", "kicker"):
        text = getattr(article, field)
        if report.selected_text and report.selected_text in text:
            changes = {field: text.replace(report.selected_text, new, 1)}
            break
    else:
        raise ValidationError("读者选中的文字已不在文中，请手工处理或驳回。")
    revision = save_correction(
        article,
        editor=editor,
        base_version=base_version,
        changes=changes,
        note=f"采纳读者纠错 #{report.pk}：{report.selected_text[:20]}→{new[:20]}",
        kind=Revision.Kind.REPORT,
    )
    ReaderReport.objects.filter(pk=report.pk).update(
        status=ReaderReport.Status.ACCEPTED,
        handled_by=editor,
        handled_at=timezone.now(),
    )
    return revision


def dismiss_report(report: ReaderReport, *, editor, reason: str) -> None:
    if not reason.strip():
        raise ValidationError("驳回时请写明理由。")
    ReaderReport.objects.filter(pk=report.pk).update(
        status=ReaderReport.Status.DISMISSED,
        dismiss_reason=reason.strip()[:500],
        handled_by=editor,
        handled_at=timezone.now(),
    )


def _snapshot(
    article, *, kind, editor, note, changed, reverted_to=None, batch=None
) -> Revision:
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
        **{name: getattr(article, name) for name in Revision.TEXT_FIELDS},
    )
