"""Admin for printed pages: the raw text is shown, never editable."""

from django.contrib import admin

from archive.models import Issue


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["__str__", "publication_date", "number", "page_label", "article_count", "imported_at"]
    list_filter = ["publication_date", "imported_at"]
    search_fields = ["source_name", "page_label", "raw_sha256"]
    date_hierarchy = "publication_date"
    readonly_fields = ["source_name", "raw_encoding", "raw_sha256", "imported_at", "raw_text", "import_flags"]
    fields = ["publication_date", "number", "page_label", *readonly_fields]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(n_articles=Count("articles"))

    @admin.display(description="文章数", ordering="n_articles")
    def article_count(self, obj):
        return obj.n_articles

    def get_urls(self):
        from functools import partial

        from django.urls import path

        from articles.structure_views import reorder

        view = self.admin_site.admin_view(partial(reorder, model_admin=self))
        return [path("<int:pk>/reorder/", view, name="archive_issue_reorder"), *super().get_urls()]

    def has_add_permission(self, request):
        # Pages enter the archive only through the importer, which keeps the raw
        # bytes and their hash together.
        return False

    def has_delete_permission(self, request, obj=None):
        return False
