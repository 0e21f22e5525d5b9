"""Admin for articles, columns, people and places."""

from django.contrib import admin
from django.db.models import Count

from articles.models import Affiliation, Article, Author, Authorship, Column, Province


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    extra = 0
    autocomplete_fields = ["author", "affiliation"]
    fields = ["order", "contribution", "author", "affiliation", "role"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "column", "kind", "issue", "position", "status", "published", "updated_at"]
    list_filter = ["status", "kind", "column", "published", "issue__publication_date"]
    search_fields = ["title", "kicker", "lede", "body"]
    list_select_related = ["column", "issue"]
    readonly_fields = ["original_ocr", "review_flags", "version", "created_at", "updated_at"]
    fields = [
        "issue", "column", "kind", "position", "published", "status",
        "kicker", "title", "lede", "body",
        "original_ocr", "review_flags", "version", "created_at", "updated_at",
    ]
    raw_id_fields = ["issue"]
    inlines = [AuthorshipInline]


@admin.register(Column)
class ColumnAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "article_count"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_articles=Count("articles"))

    @admin.display(description="文章数", ordering="n_articles")
    def article_count(self, obj):
        return obj.n_articles


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "code"]
    search_fields = ["name", "short_name", "code"]


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ["name", "province", "level"]
    list_filter = ["level", "province"]
    search_fields = ["name", "aliases"]
    list_select_related = ["province"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_key", "article_count"]
    search_fields = ["name", "sort_key", "aliases"]
    readonly_fields = ["sort_key"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_articles=Count("authorships__article", distinct=True))

    @admin.display(description="文章数", ordering="n_articles")
    def article_count(self, obj):
        return obj.n_articles


@admin.register(Authorship)
class AuthorshipAdmin(admin.ModelAdmin):
    list_display = ["article", "order", "contribution", "author", "affiliation", "role"]
    list_filter = ["contribution", "affiliation__province"]
    search_fields = ["author__name", "affiliation__name", "role", "article__title"]
    autocomplete_fields = ["author", "affiliation"]
    raw_id_fields = ["article"]
    list_select_related = ["article", "author", "affiliation"]
