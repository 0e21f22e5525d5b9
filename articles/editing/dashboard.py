"""Figures for the admin dashboard: how much of the archive is corrected, and by whom."""

from datetime import timedelta

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone

from articles.models import Article, Revision

STATUSES = Article.Status


def status_counts(queryset) -> dict:
    return queryset.aggregate(
        total=Count("pk"),
        raw=Count("pk", filter=Q(status=STATUSES.RAW)),
        in_review=Count("pk", filter=Q(status=STATUSES.IN_REVIEW)),
        verified=Count("pk", filter=Q(status=STATUSES.VERIFIED)),
    )


def by_column() -> list[dict]:
    rows = (
        Article.objects.values("column__name")
        .annotate(
            total=Count("pk"),
            raw=Count("pk", filter=Q(status=STATUSES.RAW)),
            in_review=Count("pk", filter=Q(status=STATUSES.IN_REVIEW)),
            verified=Count("pk", filter=Q(status=STATUSES.VERIFIED)),
        )
        .order_by("column__order", "column__name")
    )
    return [{**row, "label": row["column__name"] or "无栏目"} for row in rows]


def by_year() -> list[dict]:
    rows = (
        Article.objects.annotate(year=ExtractYear("issue__publication_date"))
        .values("year")
        .annotate(
            total=Count("pk"),
            raw=Count("pk", filter=Q(status=STATUSES.RAW)),
            in_review=Count("pk", filter=Q(status=STATUSES.IN_REVIEW)),
            verified=Count("pk", filter=Q(status=STATUSES.VERIFIED)),
        )
        .order_by("-year")
    )
    return [
        {**row, "label": f"{row['year']}年" if row["year"] else "日期待定"}
        for row in rows
    ]


def week_by_editor(now=None) -> list[dict]:
    since = (now or timezone.now()) - timedelta(days=7)
    return list(
        Revision.objects.filter(created_at__gte=since, editor__isnull=False)
        .exclude(kind=Revision.Kind.IMPORT)
        .values("editor__username")
        .annotate(
            revisions=Count("pk"),
            articles=Count("article", distinct=True),
            verified=Count(
                "pk", filter=Q(kind=Revision.Kind.STATUS, status=STATUSES.VERIFIED)
            ),
        )
        .order_by("-revisions")
    )


def dashboard() -> dict:
    return {
        "totals": status_counts(Article.objects.all()),
        "by_column": by_column(),
        "by_year": by_year(),
        "week_by_editor": week_by_editor(),
    }
