"""Read queries for the public portal: only public articles, a fixed number of queries per page."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.db.models.functions import ExtractMonth, ExtractYear
from django.shortcuts import get_object_or_404
from django.utils import timezone

from archive.models import Issue
from articles.models import (
    Affiliation,
    Article,
    Author,
    Authorship,
    Column,
    Province,
    ReaderReport,
)
from articles.querysets import bylines_prefetch, is_public, reverse_of_oldest_first

PAGE_SIZE = 20
HOME_ISSUES = 6
HOME_COLUMN_ARTICLES = 4
RELATED_LIMIT = 6


def public_articles() -> QuerySet[Article]:
    """Public articles with the issue and column every listing prints."""
    return Article.objects.public().select_related("issue", "column")


def paginate(queryset, number, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(queryset, per_page).get_page(number)


# ---------------------------------------------------------------- home


@dataclass
class ArchiveCounts:
    articles: int
    issues: int
    authors: int
    affiliations: int
    provinces: int


def archive_counts() -> ArchiveCounts:
    return ArchiveCounts(
        articles=Article.objects.public().count(),
        issues=Issue.objects.public().count(),
        authors=Author.objects.public().count(),
        affiliations=Affiliation.objects.public().count(),
        provinces=Province.objects.public().count(),
    )


def latest_issues(limit: int = HOME_ISSUES) -> list[Issue]:
    """Newest public pages, each with its public articles in printed order on `.toc`."""
    return list(
        Issue.objects.public()
        .order_by(F("publication_date").desc(nulls_last=True), "-number", "-id")
        .prefetch_related(
            Prefetch(
                "articles",
                queryset=Article.objects.public().order_by("position", "id"),
                to_attr="toc",
            )
        )[:limit]
    )


def columns_with_recent(limit: int = HOME_COLUMN_ARTICLES) -> list[Column]:
    """Every column with its newest public articles (a sliced prefetch: one query for all)."""
    recent = public_articles().newest_first().with_bylines()[:limit]
    return list(
        column_list().prefetch_related(
            Prefetch("articles", queryset=recent, to_attr="recent")
        )
    )


# ---------------------------------------------------------------- issues


@dataclass
class MonthCell:
    month: int
    count: int


@dataclass
class YearRow:
    year: int
    months: list[MonthCell]

    @property
    def total(self) -> int:
        return sum(m.count for m in self.months)


def issue_calendar(year: int | None = None) -> list[YearRow]:
    """Public pages counted by year and month, newest year first, all twelve months each."""
    dated = Issue.objects.public().filter(publication_date__isnull=False)
    if year is not None:
        dated = dated.filter(publication_date__year=year)
    counts = (
        dated.annotate(
            y=ExtractYear("publication_date"), m=ExtractMonth("publication_date")
        )
        .values("y", "m")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_year: dict[int, dict[int, int]] = {}
    for row in counts:
        by_year.setdefault(row["y"], {})[row["m"]] = row["n"]
    return [
        YearRow(y, [MonthCell(m, by_year[y].get(m, 0)) for m in range(1, 13)])
        for y in sorted(by_year, reverse=True)
    ]


def issues_with_toc(issues: QuerySet[Issue]) -> list[Issue]:
    return list(
        issues.prefetch_related(
            Prefetch(
                "articles",
                queryset=Article.objects.public()
                .select_related("column")
                .order_by("position", "id"),
                to_attr="toc",
            )
        )
    )


def undated_issues() -> list[Issue]:
    """Pages whose date editors have not filled in yet: still reachable, in import order."""
    return issues_with_toc(
        Issue.objects.public().filter(publication_date__isnull=True).order_by("id")
    )


def dated_issues(year: int, month: int | None = None) -> list[Issue]:
    issues = Issue.objects.public().filter(publication_date__year=year)
    if month is not None:
        issues = issues.filter(publication_date__month=month)
    return issues_with_toc(issues.order_by("publication_date", "number", "id"))


@dataclass
class TocGroup:
    label: str
    column: Column | None
    articles: list[Article] = field(default_factory=list)


def public_issue(pk: int) -> Issue:
    return get_object_or_404(Issue.objects.public(), pk=pk)


def issue_toc(issue: Issue) -> list[TocGroup]:
    """The page's public articles grouped by column, groups and entries in printed order."""
    articles = (
        public_articles().filter(issue=issue).order_by("position", "id").with_bylines()
    )
    groups: dict[object, TocGroup] = {}
    for article in articles:
        # Pieces outside any column (graphics, reports) stand on their own, under no heading.
        key = article.column_id or f"{article.kind}-{article.pk}"
        if key not in groups:
            label = article.column.name if article.column else ""
            groups[key] = TocGroup(label=label, column=article.column)
        groups[key].articles.append(article)
    return list(groups.values())


def issue_neighbours(issue: Issue) -> tuple[Issue | None, Issue | None]:
    """The previous and next dated public pages, for paging through the archive."""
    if issue.publication_date is None:
        return None, None
    issues = Issue.objects.public().exclude(pk=issue.pk)
    d = issue.publication_date
    previous = (
        issues.filter(
            Q(publication_date__lt=d) | Q(publication_date=d, pk__lt=issue.pk)
        )
        .order_by("-publication_date", "-pk")
        .first()
    )
    following = (
        issues.filter(
            Q(publication_date__gt=d) | Q(publication_date=d, pk__gt=issue.pk)
        )
        .order_by("publication_date", "pk")
        .first()
    )
    return previous, following


# ---------------------------------------------------------------- columns


def column_list() -> QuerySet[Column]:
    # Aggregating queries drop Meta.ordering, so the printed column order is restated here.
    return Column.objects.annotate(
        article_count=Count("articles", filter=is_public("articles__"))
    ).order_by("order", "name")


def column_articles(column: Column) -> QuerySet[Article]:
    return public_articles().filter(column=column).newest_first().with_bylines()


# ---------------------------------------------------------------- articles


def public_article(pk: int) -> Article:
    return get_object_or_404(public_articles(), pk=pk)


@dataclass
class PagesOf:
    authors: set[int]
    affiliations: set[int]


def people_with_pages(authorships: list[Authorship]) -> PagesOf:
    """Which of these people and institutions have a public page of their own.

    An expert a digest only quotes has none (see articles.querysets), so the article
    page names them without a link.
    """
    author_ids = {a.author_id for a in authorships if a.author_id}
    place_ids = {a.affiliation_id for a in authorships if a.affiliation_id}
    return PagesOf(
        authors=set(
            Author.objects.public()
            .filter(pk__in=author_ids)
            .values_list("pk", flat=True)
        )
        if author_ids
        else set(),
        affiliations=set(
            Affiliation.objects.public()
            .filter(pk__in=place_ids)
            .values_list("pk", flat=True)
        )
        if place_ids
        else set(),
    )


def _before(article: Article) -> Q:
    """Articles that come before `article` in oldest-first order (undated last)."""
    d, i, p, pk = (
        article.issue.publication_date,
        article.issue_id,
        article.position,
        article.pk,
    )
    tie = (
        Q(issue_id__lt=i)
        | Q(issue_id=i, position__lt=p)
        | Q(issue_id=i, position=p, pk__lt=pk)
    )
    if d is None:
        return Q(issue__publication_date__isnull=False) | (
            Q(issue__publication_date__isnull=True) & tie
        )
    return Q(issue__publication_date__lt=d) | (Q(issue__publication_date=d) & tie)


def column_neighbours(article: Article) -> tuple[Article | None, Article | None]:
    """The earlier and the later public article in the same column."""
    if article.column_id is None:
        return None, None
    same = public_articles().filter(column_id=article.column_id).exclude(pk=article.pk)
    before = _before(article)
    earlier = same.filter(before).order_by(*reverse_of_oldest_first()).first()
    later = same.exclude(before).oldest_first().first()
    return earlier, later


def key_terms(article: Article, limit: int = 6) -> list[tuple[str, float]]:
    """Weighted key terms of the title, kicker and lede (jieba TF-IDF), two characters or more."""
    import jieba.analyse

    text = " ".join(filter(None, [article.kicker, article.title, article.lede]))
    terms = jieba.analyse.extract_tags(text, topK=limit * 2, withWeight=True)
    return [(t, w) for t, w in terms if len(t) >= 2 and not t.isdigit()][:limit]


def related_articles(
    article: Article, authorships: list[Authorship], limit: int = RELATED_LIMIT
) -> list[Article]:
    """Other public articles by the same authors first, then those sharing key terms."""
    author_ids = [
        a.author_id for a in authorships if a.author_id and a.contribution == "author"
    ]
    related: list[Article] = []
    if author_ids:
        related = list(
            public_articles()
            .filter(
                Exists(
                    Authorship.objects.filter(
                        article=OuterRef("pk"),
                        author_id__in=author_ids,
                        contribution="author",
                    )
                )
            )
            .exclude(pk=article.pk)
            .newest_first()[:limit]
        )
    terms = key_terms(article)
    if len(related) < limit and terms:
        matches = Q()
        for term, _weight in terms:
            matches |= Q(title__contains=term) | Q(kicker__contains=term)
        candidates = (
            public_articles()
            .filter(matches)
            .exclude(pk__in=[article.pk, *(r.pk for r in related)])
            .newest_first()[:100]
        )

        def score(candidate: Article) -> float:
            text = candidate.kicker + candidate.title + candidate.lede
            return sum(weight for term, weight in terms if term in text)

        ranked = sorted(candidates, key=score, reverse=True)
        related.extend(ranked[: limit - len(related)])
    prefetch_related_objects(related, bylines_prefetch())
    return related


# ---------------------------------------------------------------- reader reports


def recent_report_count(client_hash: str, hours: int = 1) -> int:
    """Reports from one client in the last hours; counted in the database, so the limit
    holds across every server process."""
    since = timezone.now() - timedelta(hours=hours)
    return ReaderReport.objects.filter(
        client_hash=client_hash, created_at__gte=since
    ).count()
