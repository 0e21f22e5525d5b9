"""What readers may see, who counts as an author, and in what order: one definition each.

Every public surface (portal, research lists, exports, API, OAI-PMH, feeds, sitemap,
charts, search index) reads through these querysets, so they cannot disagree.

- **Public**: an article is public while it is published; a page, person, institution
  or province is public through its public articles.
- **Responsible people** of an article: its bylines, or for a graphic or a digest with
  no byline the credited compilers (策划/制图, 整理). Experts a digest only quotes are
  shown on that digest as quoted, but are not authors: they get no author page and are
  not counted, listed, filtered or charted as authors unless they also wrote something.
- **Order**: by publication date, newest or oldest first; pages whose date editors have
  not filled in yet come last either way (their date is unknown, neither new nor old).
"""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

# Authorship.Contribution values that make a person responsible for a text.
RESPONSIBLE = ("author", "credit")


def is_public(prefix: str = "") -> Q:
    """The condition for a public article, reached from another model through `prefix`."""
    return Q(**{f"{prefix}published": True})


def newest_first(prefix: str = "") -> tuple:
    """Newest first, undated last; ties in printed order (page, then position)."""
    return (
        F(f"{prefix}issue__publication_date").desc(nulls_last=True),
        f"-{prefix}issue_id",
        f"{prefix}position",
        f"{prefix}id",
    )


def oldest_first(prefix: str = "") -> tuple:
    """Oldest first, undated last; ties in printed order."""
    return (
        F(f"{prefix}issue__publication_date").asc(nulls_last=True),
        f"{prefix}issue_id",
        f"{prefix}position",
        f"{prefix}id",
    )


def reverse_of_oldest_first() -> tuple:
    """The exact reverse of `oldest_first()`, for stepping back through it one by one."""
    return (
        F("issue__publication_date").desc(nulls_first=True),
        "-issue_id",
        "-position",
        "-id",
    )


def bylines_prefetch() -> Prefetch:
    """Every authorship of the listed articles with person, institution and province,
    in printed order, on `article.bylines`: one query for a whole list."""
    from articles.models import Authorship  # the model module imports this one

    return Prefetch(
        "authorships",
        queryset=Authorship.objects.select_related(
            "author", "affiliation__province"
        ).order_by("contribution", "order"),
        to_attr="bylines",
    )


def responsible_people(bylines) -> list:
    """The responsible authorships among an article's `bylines` (see the module's doc)."""
    authors = [b for b in bylines if b.contribution == RESPONSIBLE[0]]
    return authors or [b for b in bylines if b.contribution == RESPONSIBLE[1]]


def bylines_of(article) -> list:
    """An article's authorships in printed order (prefetched as `bylines` in lists)."""
    found = getattr(article, "bylines", None)
    if found is None:
        found = list(
            article.authorships.select_related(
                "author", "affiliation__province"
            ).order_by("contribution", "order")
        )
    return found


class ArticleQuerySet(QuerySet):
    def public(self) -> ArticleQuerySet:
        """What readers may see; every public surface starts here."""
        return self.filter(is_public())

    def newest_first(self) -> ArticleQuerySet:
        return self.order_by(*newest_first())

    def oldest_first(self) -> ArticleQuerySet:
        return self.order_by(*oldest_first())

    def with_bylines(self) -> ArticleQuerySet:
        return self.prefetch_related(bylines_prefetch())

    def for_listing(self) -> ArticleQuerySet:
        """What a list, an export or the API prints per article, in a fixed number of
        queries: page and column joined, bylines prefetched, raw OCR left unread."""
        return (
            self.select_related("issue", "column")
            .defer("issue__raw_bytes", "issue__raw_text", "original_ocr")
            .with_bylines()
        )


class AuthorshipQuerySet(QuerySet):
    def public(self) -> AuthorshipQuerySet:
        return self.filter(is_public("article__"))

    def responsible(self) -> AuthorshipQuerySet:
        """Bylines and credits: the people responsible for the texts (not the quoted)."""
        return self.filter(contribution__in=RESPONSIBLE)


def _public_responsible(model, link: str, **lookups) -> Exists:
    authorships = model._meta.get_field("authorships").related_model.objects
    return Exists(
        authorships.public().responsible().filter(**{link: OuterRef("pk")}, **lookups)
    )


def public_article_count(prefix: str = "authorships__", what: str = "article") -> Count:
    """Distinct public articles (or people, with what="author") reached through the
    responsible authorships at `prefix`."""
    return Count(
        f"{prefix}{what}",
        filter=Q(**{f"{prefix}contribution__in": RESPONSIBLE})
        & is_public(f"{prefix}article__"),
        distinct=True,
    )


class AuthorQuerySet(QuerySet):
    def public(self) -> AuthorQuerySet:
        """People responsible for at least one public article: the ones with a page."""
        return self.filter(_public_responsible(self.model, "author"))

    def with_counts(self) -> AuthorQuerySet:
        """Public, with `article_count`, in pinyin order of the name."""
        return (
            self.public()
            .annotate(article_count=public_article_count())
            .order_by("sort_key", "name", "pk")
        )


class AffiliationQuerySet(QuerySet):
    def public(self) -> AffiliationQuerySet:
        """Institutions of people responsible for at least one public article."""
        return self.filter(_public_responsible(self.model, "affiliation"))

    def with_counts(self) -> AffiliationQuerySet:
        """Public, with `article_count` and `author_count` and the province joined."""
        return (
            self.public()
            .select_related("province")
            .annotate(
                article_count=public_article_count(),
                author_count=public_article_count(what="author"),
            )
        )


class ProvinceQuerySet(QuerySet):
    def public(self) -> ProvinceQuerySet:
        """Provinces of the institutions of people responsible for public articles."""
        affiliations = self.model._meta.get_field("affiliations").related_model
        return self.filter(
            Exists(affiliations.objects.public().filter(province=OuterRef("pk")))
        )

    def with_counts(self) -> ProvinceQuerySet:
        """Every province with `article_count` and `author_count`: public articles whose
        responsible people's institutions are there, and those people."""
        prefix = "affiliations__authorships__"
        return self.annotate(
            article_count=public_article_count(prefix),
            author_count=public_article_count(prefix, what="author"),
        )
