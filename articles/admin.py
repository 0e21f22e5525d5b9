"""Admin for articles, columns, people and places; text corrections go through correction_views."""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html

from articles.editing import correction_views, corrections, structure, structure_views
from articles.editing.corrections import EditConflict
from articles.models import (
    Affiliation,
    Article,
    Author,
    Authorship,
    Column,
    Province,
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
            (c, c) for c in sorted(codes) if c
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
        from django.contrib.auth import get_user_model

        users = get_user_model().objects.filter(revisions__isnull=False).distinct()
        return [(u.pk, u.get_username()) for u in users]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(last_editor_id=self.value())
        return queryset


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
    # Text is changed only on the correction screen, where every save is a revision
    # checked against concurrent edits; this form edits placement and metadata.
    readonly_fields = [
        "kicker",
        "title",
        "lede",
        "body",
        "original_ocr",
        "review_flags",
        "status",
        "version",
        "created_at",
        "updated_at",
    ]
    fields = [
        "issue",
        "column",
        "kind",
        "position",
        "published",
        "status",
        "kicker",
        "title",
        "lede",
        "body",
        "original_ocr",
        "review_flags",
        "version",
        "created_at",
        "updated_at",
    ]
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
        def view(func):
            return self.admin_site.admin_view(partial(func, model_admin=self))

        return [
            path(
                "queue/",
                view(correction_views.next_in_queue),
                name="articles_article_queue",
            ),
            path(
                "replace/",
                view(structure_views.find_replace),
                name="articles_article_replace",
            ),
            path(
                "<int:pk>/restructure/",
                view(structure_views.restructure),
                name="articles_article_restructure",
            ),
            path(
                "<int:pk>/correct/",
                view(correction_views.correct),
                name="articles_article_correct",
            ),
            path(
                "<int:pk>/suggestion/",
                view(correction_views.suggestion),
                name="articles_article_suggestion",
            ),
            path(
                "<int:pk>/status/",
                view(correction_views.set_status),
                name="articles_article_status",
            ),
            path(
                "<int:pk>/flags/<int:index>/resolve/",
                view(correction_views.resolve_flag),
                name="articles_article_resolve_flag",
            ),
            path(
                "<int:pk>/revisions/",
                view(correction_views.history),
                name="articles_article_revisions",
            ),
            path(
                "<int:pk>/revisions/<int:number>/revert/",
                view(correction_views.revert),
                name="articles_article_revert",
            ),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        if change:
            # Snapshot placement and authorships before the form writes, so the edit
            # is undoable like every other structure change.
            request._structure_before = [
                Article.objects.get(pk=obj.pk),
                *Authorship.objects.filter(article_id=obj.pk),
            ]
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        existing = set(
            Authorship.objects.filter(article=form.instance).values_list(
                "pk", flat=True
            )
        )
        super().save_related(request, form, formsets, change)
        before = getattr(request, "_structure_before", None)
        changed_authorships = any(fs.has_changed() for fs in formsets)
        if before is not None and (form.changed_data or changed_authorships):
            operation = (
                StructureChange.Operation.AUTHORSHIPS
                if changed_authorships
                else StructureChange.Operation.PLACEMENT
            )
            structure.record_admin_edit(
                operation,
                objects_before=before,
                editor=request.user,
                note=f"《{form.instance.title}》："
                + "、".join(
                    form.changed_data + (["署名"] if changed_authorships else [])
                ),
                created=list(
                    Authorship.objects.filter(article=form.instance).exclude(
                        pk__in=existing
                    )
                ),
            )

    def history_view(self, request, object_id, extra_context=None):
        return HttpResponseRedirect(
            reverse("admin:articles_article_revisions", args=[object_id])
        )

    def has_delete_permission(self, request, obj=None):
        # Deleting would lose an original; unpublish instead.
        return False


@admin.register(ReplaceBatch)
class ReplaceBatchAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        undo = self.admin_site.admin_view(
            partial(structure_views.undo_batch, model_admin=self)
        )
        return [
            path("<int:pk>/undo/", undo, name="articles_replacebatch_undo"),
            *super().get_urls(),
        ]

    @admin.display(description="撤销")
    def undo_button(self, obj):
        if obj.undone_at:
            return "已撤销"
        return format_html(
            '<a href="{}">整批撤销</a>',
            reverse("admin:articles_replacebatch_undo", args=[obj.pk]),
        )


@admin.register(StructureChange)
class StructureChangeAdmin(admin.ModelAdmin):
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
    fields = [
        "operation",
        "editor",
        "note",
        "created_at",
        "undone_at",
        "created_objects",
        "article_versions",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        undo = self.admin_site.admin_view(
            partial(structure_views.undo_change, model_admin=self)
        )
        return [
            path("<int:pk>/undo/", undo, name="articles_structurechange_undo"),
            *super().get_urls(),
        ]

    @admin.display(description="撤销")
    def undo_button(self, obj):
        if obj.undone_at or obj.operation == StructureChange.Operation.UNDO:
            return "—"
        return format_html(
            '<a href="{}">撤销</a>',
            reverse("admin:articles_structurechange_undo", args=[obj.pk]),
        )


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["article", "number", "kind", "editor", "note", "created_at"]
    list_filter = ["kind", "editor", "created_at"]
    search_fields = ["article__title", "note"]
    list_select_related = ["article", "editor"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DismissForm(forms.Form):
    reason = forms.CharField(label="驳回理由", max_length=500)


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
    readonly_fields = [
        "article",
        "selected_text",
        "suggestion",
        "comment",
        "status",
        "dismiss_reason",
        "handled_by",
        "handled_at",
        "created_at",
    ]
    show_facets = admin.ShowFacets.ALWAYS

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/handle/",
                self.admin_site.admin_view(self.handle_view),
                name="articles_readerreport_handle",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self.handle_view(request, object_id)

    def handle_view(self, request, pk):
        """Accept the reader's correction into the text, or dismiss it with a reason."""
        report = get_object_or_404(
            ReaderReport.objects.select_related("article"), pk=pk
        )
        if not request.user.has_perm("articles.change_readerreport"):
            return HttpResponseRedirect(reverse("admin:index"))
        dismiss_form = DismissForm()
        if request.method == "POST" and report.status == ReaderReport.Status.NEW:
            try:
                if request.POST.get("action") == "accept":
                    corrections.accept_report(
                        report,
                        editor=request.user,
                        base_version=int(request.POST.get("base_version", "0")),
                        replacement=request.POST.get("replacement", report.suggestion),
                    )
                    messages.success(request, "已采纳并写入正文，记为新的修订。")
                    return HttpResponseRedirect(
                        reverse("admin:articles_readerreport_changelist")
                    )
                dismiss_form = DismissForm(request.POST)
                if dismiss_form.is_valid():
                    corrections.dismiss_report(
                        report,
                        editor=request.user,
                        reason=dismiss_form.cleaned_data["reason"],
                    )
                    messages.success(request, "已驳回。")
                    return HttpResponseRedirect(
                        reverse("admin:articles_readerreport_changelist")
                    )
            except EditConflict as exc:
                messages.error(request, str(exc))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        article = report.article
        context = {
            **self.admin_site.each_context(request),
            "opts": ReaderReport._meta,
            "title": f"处理读者纠错 #{report.pk}",
            "report": report,
            "article": article,
            "dismiss_form": dismiss_form,
        }
        return render(request, "admin/articles/readerreport/handle.html", context)


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


def merge_action(merge, label):
    """An admin action that merges the selected rows into the one the editor picks."""

    @admin.action(description=f"合并所选{label}")
    def action(modeladmin, request, queryset):
        chosen = list(queryset)
        if request.POST.get("keep"):
            keep = next((o for o in chosen if str(o.pk) == request.POST["keep"]), None)
            if keep is not None:
                try:
                    merge(
                        keep,
                        [o for o in chosen if o.pk != keep.pk],
                        editor=request.user,
                    )
                except ValidationError as exc:
                    modeladmin.message_user(
                        request, " ".join(exc.messages), messages.ERROR
                    )
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


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ["name", "province", "level", "article_count"]
    list_filter = ["level", "province"]
    list_editable = ["province", "level"]
    search_fields = ["name", "aliases"]
    list_select_related = ["province"]
    actions = [merge_action(structure.merge_affiliations, "单位")]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_articles=Count("authorships__article", distinct=True))
        )

    @admin.display(description="文章数", ordering="n_articles")
    def article_count(self, obj):
        return obj.n_articles

    def save_model(self, request, obj, form, change):
        if change and form.changed_data:
            structure.record_admin_edit(
                StructureChange.Operation.AFFILIATION,
                objects_before=[Affiliation.objects.get(pk=obj.pk)],
                editor=request.user,
                note=f"单位“{obj.name}”：" + "、".join(form.changed_data),
            )
        super().save_model(request, obj, form, change)


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_key", "article_count"]
    search_fields = ["name", "sort_key", "aliases"]
    readonly_fields = ["sort_key"]
    actions = [merge_action(structure.merge_authors, "作者")]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_articles=Count("authorships__article", distinct=True))
        )

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
