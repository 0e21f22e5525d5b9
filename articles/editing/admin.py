"""The editing room's admin: articles, revisions, batches, structure changes, reports.

Imported by articles/admin.py, so the admin's autodiscovery registers these. Text is
changed only on the correction screens (every save a version-checked revision); the
article form edits placement and bylines through `structure.edit_article`.
"""

from functools import partial

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html

from articles.editing import (
    correction_views,
    labels,
    learned_admin,  # noqa: F401 - registers the learned pairs
    permissions,
    structure,
    structure_views,
)
from articles.models import (
    Article,
    Authorship,
    ReaderReport,
    ReplaceBatch,
    Revision,
    StructureChange,
)


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    extra = 0
    autocomplete_fields = ["author", "affiliation"]
    fields = ["order", "contribution", "author", "affiliation", "role"]


class FlagFilter(admin.SimpleListFilter):
    title = "待核提示"
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        codes = set()
        for flags in Article.objects.exclude(review_flags=[]).values_list(
            "review_flags", flat=True
        ):
            codes.update(f.get("code", "") for f in flags or [])
        return [("any", "有提示"), ("none", "无提示")] + [
            (c, labels.flag_label(c)) for c in sorted(codes) if c
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "any":
            return queryset.exclude(review_flags=[])
        if value == "none":
            return queryset.filter(review_flags=[])
        if value:
            return queryset.filter(review_flags__icontains=f'"{value}"')
        return queryset


class EditorFilter(admin.SimpleListFilter):
    title = "最后校对者"
    parameter_name = "editor"

    def lookups(self, request, model_admin):
        users = get_user_model().objects.filter(revisions__isnull=False).distinct()
        return [(u.pk, u.get_username()) for u in users]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(last_editor_id=self.value())
        return queryset


def _views(model_admin, routes):
    """Admin URLs for editing views, which take the model admin (for the context)."""
    return [
        path(
            route,
            model_admin.admin_site.admin_view(partial(view, model_admin=model_admin)),
            name=name,
        )
        for route, view, name in routes
    ]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "column",
        "kind",
        "issue",
        "position",
        "status",
        "flag_count",
        "last_editor",
        "correct_link",
    ]
    list_filter = [
        "status",
        FlagFilter,
        "column",
        "kind",
        EditorFilter,
        "published",
        "issue",
    ]
    search_fields = ["title", "kicker", "lede", "body"]
    list_select_related = ["column", "issue"]
    show_facets = admin.ShowFacets.ALWAYS
    readonly_fields = [
        "kicker",
        "title",
        "lede",
        "body",
        "original_ocr",
        "flags_list",
        "status",
        "version",
        "created_at",
        "updated_at",
    ]
    fields = [*structure.PLACEMENT_FIELDS, *readonly_fields]
    raw_id_fields = ["issue"]
    inlines = [AuthorshipInline]

    def get_queryset(self, request):
        last_editor = Revision.objects.filter(
            article=OuterRef("pk"), editor__isnull=False
        ).order_by("-number")
        return (
            super()
            .get_queryset(request)
            .annotate(
                last_editor_id=Subquery(last_editor.values("editor_id")[:1]),
                last_editor_name=Subquery(last_editor.values("editor__username")[:1]),
            )
        )

    @admin.display(description="待核提示")
    def flags_list(self, obj):
        return labels.flags_html(obj.review_flags)

    @admin.display(description="提示")
    def flag_count(self, obj):
        return len(obj.review_flags or [])

    @admin.display(description="最后校对者", ordering="last_editor_name")
    def last_editor(self, obj):
        return obj.last_editor_name or "—"

    @admin.display(description="校对")
    def correct_link(self, obj):
        return format_html(
            '<a href="{}">校对</a>', correction_views.correction_url(obj)
        )

    def get_urls(self):
        c, s = correction_views, structure_views
        routes = [
            ("queue/", c.next_in_queue, "articles_article_queue"),
            ("replace/", s.find_replace, "articles_article_replace"),
            ("<int:pk>/restructure/", s.restructure, "articles_article_restructure"),
            ("<int:pk>/correct/", c.correct, "articles_article_correct"),
            ("<int:pk>/suggestion/", c.suggestion, "articles_article_suggestion"),
            ("<int:pk>/status/", c.set_status, "articles_article_status"),
            (
                "<int:pk>/flags/<int:index>/resolve/",
                c.resolve_flag,
                "articles_article_resolve_flag",
            ),
            ("<int:pk>/revisions/", c.history, "articles_article_revisions"),
            (
                "<int:pk>/revisions/<int:number>/revert/",
                c.revert,
                "articles_article_revert",
            ),
        ]
        return [*_views(self, routes), *super().get_urls()]

    def save_model(self, request, obj, form, change):
        # An edit is written together with its bylines in save_related, as one
        # recorded, undoable change.
        if not change:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if not change:
            return super().save_related(request, form, formsets, change)
        saved, removed = [], []
        for formset in formsets:
            saved += formset.save(commit=False)  # also what the change message reads
            removed += formset.deleted_objects
        structure.edit_article(
            form.instance,
            editor=request.user,
            fields={name: form.cleaned_data[name] for name in form.changed_data},
            authorships=saved,
            removed=removed,
        )

    def history_view(self, request, object_id, extra_context=None):
        return HttpResponseRedirect(
            reverse("admin:articles_article_revisions", args=[object_id])
        )

    def has_add_permission(self, request):
        # Articles come from the importer (with their original OCR) or from a split.
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting would lose an original; unpublish instead.
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that are read here, never added, edited or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReplaceBatch)
class ReplaceBatchAdmin(ReadOnlyAdmin):
    list_display = [
        "pattern",
        "replacement",
        "is_regex",
        "match_count",
        "editor",
        "note",
        "created_at",
        "undone_at",
        "undo_button",
    ]
    list_filter = ["is_regex", "editor", "created_at"]
    list_select_related = ["editor"]

    def get_urls(self):
        routes = [
            ("<int:pk>/undo/", structure_views.undo_batch, "articles_replacebatch_undo")
        ]
        return [*_views(self, routes), *super().get_urls()]

    @admin.display(description="撤销")
    def undo_button(self, obj):
        if obj.undone_at:
            return "已撤销"
        return format_html(
            '<a href="{}">整批撤销</a>',
            reverse("admin:articles_replacebatch_undo", args=[obj.pk]),
        )


@admin.register(StructureChange)
class StructureChangeAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "operation",
        "editor",
        "note",
        "created_at",
        "undone_at",
        "undo_button",
    ]
    list_filter = ["operation", "editor", "created_at"]
    list_select_related = ["editor"]
    fields = ["operation", "editor", "note", "created_at", "undone_at"]
    readonly_fields = fields

    def get_urls(self):
        routes = [
            (
                "<int:pk>/undo/",
                structure_views.undo_change,
                "articles_structurechange_undo",
            )
        ]
        return [*_views(self, routes), *super().get_urls()]

    @admin.display(description="撤销")
    def undo_button(self, obj):
        if obj.undone_at or obj.operation == StructureChange.Operation.UNDO:
            return "—"
        return format_html(
            '<a href="{}">撤销</a>',
            reverse("admin:articles_structurechange_undo", args=[obj.pk]),
        )


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ["article", "revision", "kind", "editor", "note", "created_at"]
    list_filter = ["kind", "editor", "created_at"]
    search_fields = ["article__title", "note"]
    list_select_related = ["article", "editor"]
    date_hierarchy = "created_at"

    @admin.display(description="修订", ordering="number")
    def revision(self, obj):
        return f"修订 {obj.number}"


@admin.register(ReaderReport)
class ReaderReportAdmin(admin.ModelAdmin):
    list_display = [
        "article",
        "selected_text",
        "suggestion",
        "status",
        "created_at",
        "handled_by",
    ]
    list_filter = ["status", "created_at"]
    search_fields = ["selected_text", "suggestion", "comment", "article__title"]
    list_select_related = ["article", "handled_by"]
    show_facets = admin.ShowFacets.ALWAYS

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        routes = [
            (
                "<int:pk>/handle/",
                correction_views.handle_report,
                "articles_readerreport_handle",
            )
        ]
        return [*_views(self, routes), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not str(object_id).isdigit():
            raise Http404("没有这条读者纠错。")
        return correction_views.handle_report(request, model_admin=self, pk=object_id)


def merge_action(merge, label):
    """An admin action that merges the selected rows into the one the editor picks.

    Offered only to whoever the admin's `has_merge_permission` allows.
    """

    @admin.action(description=f"合并所选{label}", permissions=["merge"])
    def action(modeladmin, request, queryset):
        chosen = list(queryset)
        keep = next((o for o in chosen if str(o.pk) == request.POST.get("keep")), None)
        if keep is not None:
            try:
                merge(keep, [o for o in chosen if o.pk != keep.pk], editor=request.user)
            except ValidationError as exc:
                modeladmin.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                modeladmin.message_user(
                    request,
                    f"已合并到“{keep}”，其他写法已记为别名；可在“结构调整”中撤销。",
                )
            return None
        return render(
            request,
            "admin/articles/merge_confirm.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": f"合并{label}",
                "objects": chosen,
                "action": request.POST.get("action"),
                "opts": modeladmin.model._meta,
                "label": label,
            },
        )

    return action


def may_merge(request, operation) -> bool:
    return request.user.has_perms(permissions.OPERATION[operation])
