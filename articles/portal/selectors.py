"""Read queries for the public portal: only public articles, a fixed number of queries per page."""

from dataclasses import dataclass, field
from datetime import date, timedelta

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
from django.db.models.functions import ExtractMonth, ExtractYear, Substr, Upper
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
from articles.pinyin import text_sort_key

PAGE_SIZE = 20
AUTHORS_PAGE_SIZE = 150
HOME_ISSUES = 6
HOME_COLUMN_ARTICLES = 4
RELATED_LIMIT = 6


def newest_first(prefix: str = "") -> tuple:
    """Listing order; undated pages sort as the oldest: their date is unknown, never "new"."""
    return (
        F(f"{prefix}issue__publication_date").desc(nulls_last=True),
        f"-{prefix}issue_id",
        f"{prefix}position",
        f"{prefix}id",
    )


NEWEST_FIRST = newest_first()
# Earlier/later in a column walk one strict total order and its exact reverse.
OLDEST_FIRST = (
    F("issue__publication_date").asc(nulls_first=True),
    "issue_id",
    "position",
    "id",
)
NEWEST_FIRST_STRICT = (
    F("issue__publication_date").desc(nulls_last=True),
    "-issue_id",
    "-position",
    "-id",
)


# ---------------------------------------------------------------- building blocks


def public_articles() -> QuerySet[Article]:
    """Public articles with the issue and column every listing prints."""
    return Article.objects.public().select_related("issue", "column")


def public_authorships() -> QuerySet[Authorship]:
    return Authorship.objects.filter(article__in=Article.objects.public())


def public_authors() -> QuerySet[Author]:
    """Authors with at least one public article; nobody else has a public page."""
    return Author.objects.filter(
        Exists(public_authorships().filter(author=OuterRef("pk")))
    )


def public_affiliations() -> QuerySet[Affiliation]:
    return Affiliation.objects.filter(
        Exists(public_authorships().filter(affiliation=OuterRef("pk")))
    )


def with_bylines(articles: QuerySet[Article]) -> QuerySet[Article]:
    """One extra query puts every article's authorships (with people) on `article.bylines`."""
    return articles.prefetch_related(bylines_prefetch())


def bylines_prefetch() -> Prefetch:
    return Prefetch(
        "authorships",
        queryset=Authorship.objects.select_related("author", "affiliation").order_by(
            "contribution", "order"
        ),
        to_attr="bylines",
    )


def paginate(queryset, number, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(queryset, per_page).get_page(number)


def public_article_count(lookup: str) -> Count:
    """Count of distinct public articles reached through `lookup` (a path to Article)."""
    return Count(
        lookup, filter=Q(**{f"{lookup}__in": Article.objects.public()}), distinct=True
    )


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
        authors=public_authors().count(),
        affiliations=public_affiliations().count(),
        provinces=Province.objects.filter(
            Exists(public_affiliations().filter(province=OuterRef("pk")))
        ).count(),
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
    recent = with_bylines(public_articles().order_by(*NEWEST_FIRST))[:limit]
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
    articles = with_bylines(
        public_articles().filter(issue=issue).order_by("position", "id")
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
        article_count=public_article_count("articles")
    ).order_by("order", "name")


def column_articles(column: Column) -> QuerySet[Article]:
    return with_bylines(public_articles().filter(column=column).order_by(*NEWEST_FIRST))


# ---------------------------------------------------------------- articles


def public_article(pk: int) -> Article:
    return get_object_or_404(public_articles(), pk=pk)


def article_authorships(article: Article) -> list[Authorship]:
    return list(
        article.authorships.select_related("author", "affiliation__province").order_by(
            "contribution", "order"
        )
    )


def _before(article: Article) -> Q:
    """Articles that come before `article` in OLDEST_FIRST order."""
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
        return Q(issue__publication_date__isnull=True) & tie
    return (
        Q(issue__publication_date__isnull=True)
        | Q(issue__publication_date__lt=d)
        | (Q(issue__publication_date=d) & tie)
    )


def column_neighbours(article: Article) -> tuple[Article | None, Article | None]:
    """The earlier and the later public article in the same column."""
    if article.column_id is None:
        return None, None
    same = public_articles().filter(column_id=article.column_id).exclude(pk=article.pk)
    before = _before(article)
    earlier = same.filter(before).order_by(*NEWEST_FIRST_STRICT).first()
    later = same.exclude(before).order_by(*OLDEST_FIRST).first()
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
            .order_by(*NEWEST_FIRST)[:limit]
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
            .order_by(*NEWEST_FIRST)[:100]
        )

        def score(candidate: Article) -> float:
            text = candidate.kicker + candidate.title + candidate.lede
            return sum(weight for term, weight in terms if term in text)

        ranked = sorted(candidates, key=score, reverse=True)
        related.extend(ranked[: limit - len(related)])
    prefetch_related_objects(related, bylines_prefetch())
    return related


# ---------------------------------------------------------------- authors


def author_index(initial: str | None = None) -> QuerySet[Author]:
    """Authors with public articles in pinyin order, with their public article count."""
    authors = public_authors().annotate(
        article_count=public_article_count("authorships__article"),
        initial=Upper(Substr("sort_key", 1, 1)),
    )
    if initial:
        authors = authors.filter(sort_key__istartswith=initial)
    return authors.order_by("sort_key", "name", "pk")


def author_initials() -> list[str]:
    return list(
        public_authors()
        .annotate(initial=Upper(Substr("sort_key", 1, 1)))
        .values_list("initial", flat=True)
        .distinct()
        .order_by("initial")
    )


@dataclass
class AuthorArticle:
    article: Article
    roles: list[str]


@dataclass
class AffiliationSpan:
    affiliation: Affiliation
    first: date | None
    last: date | None
    roles: list[str]
    count: int = 0


@dataclass
class AuthorPage:
    author: Author
    articles: list[AuthorArticle]
    affiliations: list[AffiliationSpan]
    coauthors: list[Author]


def author_page(pk: int) -> AuthorPage:
    author = get_object_or_404(public_authors(), pk=pk)
    authorships = list(
        public_authorships()
        .filter(author=author)
        .select_related("article__issue", "article__column", "affiliation__province")
        .order_by(*newest_first("article__"))
    )
    articles: dict[int, AuthorArticle] = {}
    spans: dict[int, AffiliationSpan] = {}
    for authorship in authorships:
        article = authorship.article
        entry = articles.setdefault(article.pk, AuthorArticle(article, []))
        if authorship.contribution == Authorship.Contribution.QUOTED:
            entry.roles.append("文中引述")
        elif authorship.contribution == Authorship.Contribution.CREDIT:
            entry.roles.append(authorship.role or "署名")
        if authorship.affiliation_id:
            span = spans.setdefault(
                authorship.affiliation_id,
                AffiliationSpan(authorship.affiliation, None, None, []),
            )
            span.count += 1
            d = article.issue.publication_date
            if d is not None:
                span.first = min(filter(None, [span.first, d]))
                span.last = max(filter(None, [span.last, d]))
            if authorship.role and authorship.role not in span.roles:
                span.roles.append(authorship.role)
    article_list = [entry.article for entry in articles.values()]
    prefetch_related_objects(article_list, bylines_prefetch())
    coauthors = list(
        public_authors()
        .filter(
            authorships__contribution=Authorship.Contribution.AUTHOR,
            authorships__article__in=public_authorships()
            .filter(author=author, contribution=Authorship.Contribution.AUTHOR)
            .values("article_id"),
        )
        .exclude(pk=author.pk)
        .annotate(shared=Count("authorships__article", distinct=True))
        .order_by("-shared", "sort_key", "pk")
    )
    # Newest affiliation first: that is where a reader expects to find the author now.
    ordered_spans = sorted(
        spans.values(), key=lambda s: (s.last or date.min, s.count), reverse=True
    )
    return AuthorPage(author, list(articles.values()), ordered_spans, coauthors)


# ---------------------------------------------------------------- affiliations


def affiliation_index() -> list[Affiliation]:
    """Affiliations with public articles, with counts, grouped by province then by pinyin."""
    affiliations = list(
        public_affiliations()
        .select_related("province")
        .annotate(
            article_count=public_article_count("authorships__article"),
            author_count=Count(
                "authorships__author",
                filter=Q(authorships__article__in=Article.objects.public()),
                distinct=True,
            ),
        )
    )
    affiliations.sort(
        key=lambda a: (
            a.province is None,
            a.province.code if a.province else "",
            text_sort_key(a.name),
        )
    )
    return affiliations


def public_affiliation(pk: int) -> Affiliation:
    return get_object_or_404(public_affiliations().select_related("province"), pk=pk)


def affiliation_authors(affiliation: Affiliation) -> list[Author]:
    return list(
        Author.objects.filter(
            authorships__affiliation=affiliation,
            authorships__article__in=Article.objects.public(),
        )
        .annotate(article_count=Count("authorships__article", distinct=True))
        .order_by("sort_key", "pk")
    )


def affiliation_articles(affiliation: Affiliation) -> QuerySet[Article]:
    return with_bylines(
        public_articles()
        .filter(
            Exists(
                Authorship.objects.filter(
                    article=OuterRef("pk"), affiliation=affiliation
                )
            )
        )
        .order_by(*NEWEST_FIRST)
    )


# ---------------------------------------------------------------- provinces


def province_index() -> list[Province]:
    """Every province with its public article and author counts, most articles first."""
    public = Q(affiliations__authorships__article__in=Article.objects.public())
    provinces = Province.objects.annotate(
        article_count=Count(
            "affiliations__authorships__article", filter=public, distinct=True
        ),
        author_count=Count(
            "affiliations__authorships__author", filter=public, distinct=True
        ),
    )
    return sorted(
        provinces,
        key=lambda p: (-p.article_count, -p.author_count, text_sort_key(p.short_name)),
    )


def articles_without_province() -> int:
    """Public articles none of whose affiliations has a known province."""
    return (
        Article.objects.public()
        .exclude(
            Exists(
                Authorship.objects.filter(
                    article=OuterRef("pk"), affiliation__province__isnull=False
                )
            )
        )
        .count()
    )


def province_affiliations(province: Province) -> list[Affiliation]:
    affiliations = list(
        public_affiliations()
        .filter(province=province)
        .annotate(article_count=public_article_count("authorships__article"))
    )
    affiliations.sort(key=lambda a: text_sort_key(a.name))
    return affiliations


def province_authors(province: Province) -> list[Author]:
    return list(
        Author.objects.filter(
            authorships__affiliation__province=province,
            authorships__article__in=Article.objects.public(),
        )
        .annotate(article_count=Count("authorships__article", distinct=True))
        .order_by("sort_key", "pk")
    )


def province_articles(province: Province) -> QuerySet[Article]:
    return with_bylines(
        public_articles()
        .filter(
            Exists(
                Authorship.objects.filter(
                    article=OuterRef("pk"), affiliation__province=province
                )
            )
        )
        .order_by(*NEWEST_FIRST)
    )


# ---------------------------------------------------------------- reader reports


def recent_report_count(client_hash: str, hours: int = 1) -> int:
    """Reports from one client in the last hours; counted in the database, so the limit
    holds across every server process."""
    since = timezone.now() - timedelta(hours=hours)
    return ReaderReport.objects.filter(
        client_hash=client_hash, created_at__gte=since
    ).count()
