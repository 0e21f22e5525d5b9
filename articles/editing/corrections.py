"""Writing corrections: every change of an article's text goes through here, as a revision.

Each write is version-checked by `revisions.write` (the compare-and-set on
`Article.version`); a save that changes nothing records nothing and returns None.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from archive.models import LearnedCorrection
from articles.editing import revisions
from articles.models import Article, ReaderReport, Revision

VERIFY_PERMISSION = "articles.verify_article"


def record_import(article: Article) -> Revision:
    """Revision 1: the text as the importer left it."""
    return revisions.record(
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
    resolutions: dict[str, tuple[str, str]] | None = None,
) -> Revision | None:
    """Apply text changes made from `base_version`; None if they change nothing.

    If someone saved after `base_version`, the changes are merged onto theirs; where
    both changed the same characters, MergeConflict lists the spots (see revisions.write).
    """
    note = (note or "").strip()
    if not note:
        raise ValidationError("请填写修改说明。")
    unknown = set(changes) - set(Revision.TEXT_FIELDS)
    if unknown:
        raise ValidationError(f"不能通过校对修改这些字段：{', '.join(sorted(unknown))}")
    if not (changes.get("title", article.title) or "").strip():
        raise ValidationError("标题不能为空。")
    return revisions.write(
        article,
        base_version=base_version,
        changes=changes,
        editor=editor,
        kind=kind,
        note=note,
        reverted_to=reverted_to,
        batch=batch,
        resolutions=resolutions,
    )


def revert(
    article: Article, *, to: Revision, editor, base_version: int, note: str = ""
) -> Revision | None:
    """Undo the changes since an earlier revision, as a new revision on top of the history.

    From a stale base, what others saved since is kept where it does not overlap.
    """
    if to.article_id != article.pk:
        raise ValidationError("该修订不属于这篇文章。")
    if not (note or "").strip():
        raise ValidationError("回退时请写明理由。")
    return save_correction(
        article,
        editor=editor,
        base_version=base_version,
        changes=to.text(),
        note=f"回退到修订 {to.number}：{note.strip()}",
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
) -> Revision | None:
    """Apply accepted suggestions (offsets into the body at `base_version`) from the end.

    Offsets stay valid from the end; what others saved since is merged in.
    """
    body = revisions.text_at(article, base_version)["body"]
    applied = []
    for s in sorted(suggestions, key=lambda s: s["start"], reverse=True):
        if body[s["start"] : s["end"]] != s["original"]:
            raise ValidationError("建议已过期：正文在建议生成后已改变，请刷新页面。")
        body = body[: s["start"]] + s["replacement"] + body[s["end"] :]
        applied.append(f"{s['original']}→{s['replacement']}")
    with transaction.atomic():
        revision = save_correction(
            article,
            editor=editor,
            base_version=base_version,
            changes={"body": body},
            note=note or "采纳建议：" + "，".join(reversed(applied)),
            kind=Revision.Kind.SUGGESTION,
        )
        for s in suggestions:
            if s.get("kind") != "doubled":
                LearnedCorrection.record(
                    s["original"],
                    s["replacement"],
                    user=editor,
                    context=s.get("key", ""),
                )
    return revision


def can_verify(user, article: Article) -> bool:
    """Reviewers verify, but never text they changed since the last verification."""
    return user.has_perm(
        VERIFY_PERMISSION
    ) and user.pk not in revisions.text_editors_since_verification(article)


def set_status(
    article: Article, *, status: str, editor, base_version: int, note: str = ""
) -> Revision | None:
    """Move along raw → in review → verified; nobody verifies their own correction."""
    if status not in Article.Status.values:
        raise ValidationError("未知的校对状态。")
    if status == Article.Status.VERIFIED:
        if not editor.has_perm(VERIFY_PERMISSION):
            raise PermissionDenied("只有审校可以审定文章。")
        if not can_verify(editor, article):
            raise PermissionDenied(
                "不能审定自己校对过的文章（上次审定以来您改过文字），请由另一位审校审定。"
            )
    return revisions.write(
        article,
        base_version=base_version,
        changes={"status": status},
        editor=editor,
        kind=Revision.Kind.STATUS,
        note=note or f"状态改为“{Article.Status(status).label}”",
    )


def resolve_flag(
    article: Article, *, index: int, editor, base_version: int
) -> Revision | None:
    """Clear one of the importer's review flags once an editor has dealt with it."""
    flags = list(article.review_flags)
    if not 0 <= index < len(flags):
        raise ValidationError("该提示已不存在。")
    resolved = flags.pop(index)
    return revisions.write(
        article,
        base_version=base_version,
        changes={"review_flags": flags},
        editor=editor,
        kind=Revision.Kind.STATUS,
        note=f"已处理提示：{resolved.get('message', '')}",
    )


def accept_report(
    report: ReaderReport, *, editor, base_version: int, replacement: str | None = None
) -> Revision:
    """Put a reader's correction into the text (first occurrence of the selected text)."""
    article = report.article
    new = report.suggestion if replacement is None else replacement
    seen = revisions.text_at(article, base_version)
    for field in ("body", "title", "lede", "kicker"):
        text = seen[field]
        if report.selected_text and report.selected_text in text:
            changes = {field: text.replace(report.selected_text, new, 1)}
            break
    else:
        raise ValidationError("读者选中的文字已不在文中，请手工处理或驳回。")
    with transaction.atomic():
        revision = save_correction(
            article,
            editor=editor,
            base_version=base_version,
            changes=changes,
            note=f"采纳读者纠错 #{report.pk}：{report.selected_text[:20]}→{new[:20]}",
            kind=Revision.Kind.REPORT,
        )
        if revision is None:
            raise ValidationError(
                "写入的文字与原文相同，正文没有改动；如无需修改请驳回。"
            )
        _handle(report, editor=editor, status=ReaderReport.Status.ACCEPTED)
    return revision


def dismiss_report(report: ReaderReport, *, editor, reason: str) -> None:
    if not reason.strip():
        raise ValidationError("驳回时请写明理由。")
    _handle(
        report,
        editor=editor,
        status=ReaderReport.Status.DISMISSED,
        dismiss_reason=reason.strip()[:500],
    )


def _handle(report: ReaderReport, *, editor, status: str, **fields) -> None:
    """Closes a waiting report; one already handled by someone else stays as it is."""
    handled = ReaderReport.objects.filter(
        pk=report.pk, status=ReaderReport.Status.NEW
    ).update(status=status, handled_by=editor, handled_at=timezone.now(), **fields)
    if not handled:
        raise ValidationError("这条读者纠错已由他人处理。")
