"""Archive-wide find and replace: preview every match in context, apply a chosen subset, undo a
batch."""

from dataclasses import dataclass, field
from datetime import date

import regex
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from archive.models import LearnedCorrection
from articles.editing import corrections
from articles.editing.revisions import EditConflict
from articles.models import Article, ReplaceBatch, Revision

# A pathological pattern must not hold a worker: each article's search gets this long.
REGEX_TIMEOUT_SECONDS = 0.25
CONTEXT_CHARS = 12
MAX_MATCHES = 2000
FIELDS = ("title", "kicker", "lede", "body")


@dataclass
class Scope:
    issue: int | None = None
    column: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    status: str | None = None

    def articles(self):
        queryset = Article.objects.select_related("issue", "column").order_by(
            "issue", "position", "pk"
        )
        if self.issue:
            queryset = queryset.filter(issue_id=self.issue)
        if self.column:
            queryset = queryset.filter(column_id=self.column)
        if self.date_from:
            queryset = queryset.filter(issue__publication_date__gte=self.date_from)
        if self.date_to:
            queryset = queryset.filter(issue__publication_date__lte=self.date_to)
        if self.status:
            queryset = queryset.filter(status=self.status)
        return queryset

    def as_dict(self) -> dict:
        return {
            k: (v.isoformat() if isinstance(v, date) else v)
            for k, v in self.__dict__.items()
            if v
        }


@dataclass
class Match:
    article: Article
    field: str
    start: int
    end: int
    before: str
    matched: str
    after: str
    replacement: str

    @property
    def field_label(self) -> str:
        """The field as editors call it (标题, 正文)."""
        return str(Article._meta.get_field(self.field).verbose_name)

    @property
    def key(self) -> str:
        """Stable while the article is unchanged: the version is part of it."""
        return f"{self.article.pk}:{self.article.version}:{self.field}:{self.start}:{self.end}"


@dataclass
class ApplyResult:
    batch: ReplaceBatch | None
    replaced: int = 0
    articles: int = 0
    stale: list[int] = field(default_factory=list)


def compile_pattern(pattern: str, *, is_regex: bool):
    if not pattern:
        raise ValidationError("请输入要查找的文字。")
    if len(pattern) > 200:
        raise ValidationError("查找内容过长（最多 200 个字符）。")
    try:
        return regex.compile(pattern if is_regex else regex.escape(pattern), regex.V0)
    except regex.error as exc:
        raise ValidationError(f"正则表达式有误：{exc}") from exc


def find_matches(
    pattern: str, replacement: str, *, is_regex: bool, scope: Scope
) -> list[Match]:
    compiled = compile_pattern(pattern, is_regex=is_regex)
    matches = []
    for article in scope.articles():
        for name in FIELDS:
            text = getattr(article, name)
            if not text:
                continue
            try:
                found = list(compiled.finditer(text, timeout=REGEX_TIMEOUT_SECONDS))
            except TimeoutError as exc:
                raise ValidationError(
                    "正则表达式太复杂，查找超时；请写得更具体些。"
                ) from exc
            for m in found:
                if m.start() == m.end():
                    continue  # empty matches would insert text everywhere
                matches.append(
                    Match(
                        article=article,
                        field=name,
                        start=m.start(),
                        end=m.end(),
                        before=text[max(0, m.start() - CONTEXT_CHARS) : m.start()],
                        matched=m.group(),
                        after=text[m.end() : m.end() + CONTEXT_CHARS],
                        replacement=_expand(m, replacement, is_regex),
                    )
                )
                if len(matches) > MAX_MATCHES:
                    raise ValidationError(f"匹配超过 {MAX_MATCHES} 处，请缩小范围。")
    return matches


def _expand(match, replacement: str, is_regex: bool) -> str:
    if not is_regex:
        return replacement
    try:
        return match.expand(replacement)
    except (regex.error, IndexError) as exc:
        raise ValidationError(f"替换文字中的分组引用有误：{exc}") from exc


def apply_replacement(
    pattern: str,
    replacement: str,
    *,
    is_regex: bool,
    scope: Scope,
    selected: set[str],
    editor,
    note: str,
) -> ApplyResult:
    """Replace the ticked matches: one revision per article, attributed to the batch."""
    if not note.strip():
        raise ValidationError("请填写本批替换的说明。")
    chosen = [
        m
        for m in find_matches(pattern, replacement, is_regex=is_regex, scope=scope)
        if m.key in selected
    ]
    stale_ids = {int(key.split(":")[0]) for key in selected} - {
        m.article.pk for m in chosen
    }
    result = ApplyResult(batch=None, stale=sorted(stale_ids))
    if not chosen:
        return result
    by_article: dict[int, list[Match]] = {}
    for m in chosen:
        by_article.setdefault(m.article.pk, []).append(m)
    with transaction.atomic():
        batch = ReplaceBatch.objects.create(
            pattern=pattern,
            replacement=replacement,
            is_regex=is_regex,
            scope=scope.as_dict(),
            note=note.strip(),
            editor=editor,
        )
        for article_matches in by_article.values():
            article = article_matches[0].article
            changes = {}
            for name in FIELDS:
                text = getattr(article, name)
                for m in sorted(
                    (m for m in article_matches if m.field == name),
                    key=lambda m: -m.start,
                ):
                    text = text[: m.start] + m.replacement + text[m.end :]
                if text != getattr(article, name):
                    changes[name] = text
            try:
                revision = corrections.save_correction(
                    article,
                    editor=editor,
                    base_version=article.version,
                    changes=changes,
                    note=f"批量替换：{note.strip()}",
                    kind=Revision.Kind.REPLACE,
                    batch=batch,
                )
            except EditConflict:
                result.stale.append(article.pk)
                continue
            if revision is None:  # the replacement equals what it replaces
                continue
            result.replaced += len(article_matches)
            result.articles += 1
        batch.match_count = result.replaced
        batch.save(update_fields=["match_count"])
    if not is_regex and replacement:
        # The editor confirmed this correction; offer it wherever it appears later.
        LearnedCorrection.record(
            pattern, replacement, user=editor, context=f"批量替换 #{batch.pk}"
        )
    result.batch = batch
    return result


def undo_batch(batch: ReplaceBatch, *, editor) -> list[int]:
    """Revert every article of the batch to its text before the batch, as new revisions.

    All or nothing: if any article was edited after the batch, nothing is undone and
    the ids of those articles are returned so the editor can look at them first.
    """
    batch.refresh_from_db()
    if batch.undone_at:
        raise ValidationError("这一批已经撤销过了。")
    revisions = list(batch.revisions.select_related("article"))
    blocked = [r.article_id for r in revisions if r.article.version != r.number]
    if blocked:
        return blocked
    try:
        with transaction.atomic():
            for revision in revisions:
                previous = (
                    revision.article.revisions.filter(number__lt=revision.number)
                    .order_by("-number")
                    .first()
                )
                corrections.revert(
                    revision.article,
                    to=previous,
                    editor=editor,
                    base_version=revision.number,
                    note=f"撤销批量替换 #{batch.pk}：{batch}",
                )
            ReplaceBatch.objects.filter(pk=batch.pk).update(
                undone_at=timezone.now(), undone_by=editor
            )
            if not batch.is_regex and batch.replacement:
                # The batch taught this pair; unless editors accepted it elsewhere
                # too, an undone batch teaches nothing.
                LearnedCorrection.withdraw(batch.pattern, batch.replacement)
    except EditConflict as exc:  # edited between the check above and the write
        return [exc.article.pk]
    return []
