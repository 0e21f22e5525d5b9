"""Admin for columns, provinces, people and places (editing admin: editing/admin.py)."""

from django.contrib import admin
from django.db.models import Count

from articles.editing import admin as editing_admin  # registers the editing admin
from articles.editing import structure
from articles.models import (
    Affiliation,
    Author,
    Authorship,
    Column,
    Province,
    StructureChange,
)

Op = StructureChange.Operation


class ArticleCountAdmin(admin.ModelAdmin):
    """A changelist column: how many articles each row is linked to (any status)."""

    articles_lookup = "authorships__article"

    def get_queryset(self, request):
        count = Count(self.articles_lookup, distinct=True)
        return super().get_queryset(request).annotate(n_articles=count)

    @admin.display(description="文章数", ordering="n_articles")
    def article_count(self, obj):
        return obj.n_articles


@admin.register(Column)
class ColumnAdmin(ArticleCountAdmin):
    list_display = ["name", "slug", "order", "article_count"]
    prepopulated_fields = {"slug": ["name"]}
    articles_lookup = "articles"


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "code"]
    search_fields = ["name", "short_name", "code"]


@admin.register(Affiliation)
class AffiliationAdmin(ArticleCountAdmin):
    list_display = ["name", "province", "level", "article_count"]
    list_filter = ["level", "province"]
    list_editable = ["province", "level"]
    search_fields = ["name", "aliases"]
    list_select_related = ["province"]
    actions = [editing_admin.merge_action(structure.merge_affiliations, "单位")]

    def has_merge_permission(self, request):
        return editing_admin.may_merge(request, Op.MERGE_AFFILIATIONS)

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        # Written by the service, which records the edit so it can be undone.
        structure.edit_affiliation(
            obj,
            editor=request.user,
            fields={name: getattr(obj, name) for name in form.changed_data},
        )


@admin.register(Author)
class AuthorAdmin(ArticleCountAdmin):
    list_display = ["name", "sort_key", "article_count"]
    search_fields = ["name", "sort_key", "aliases"]
    readonly_fields = ["sort_key"]
    actions = [editing_admin.merge_action(structure.merge_authors, "作者")]

    def has_merge_permission(self, request):
        return editing_admin.may_merge(request, Op.MERGE_AUTHORS)


@admin.register(Authorship)
class AuthorshipAdmin(editing_admin.ReadOnlyAdmin):
    list_display = ["article", "order", "contribution", "author", "affiliation", "role"]
    list_filter = ["contribution", "affiliation__province"]
    search_fields = ["author__name", "affiliation__name", "role", "article__title"]
    autocomplete_fields = ["author", "affiliation"]
    raw_id_fields = ["article"]
    list_select_related = ["article", "author", "affiliation"]

    # Bylines are edited on their article's form, where each edit is recorded and
    # can be undone; this list is for finding them.
