"""Admin for printed pages: the raw text is shown, never editable; page scans are uploaded inline.

Crosses into articles: a page's 调整顺序 screen is articles.editing.structure_views.reorder,
because reordering writes articles (through the editing services) from the page's admin.
"""

from functools import partial

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.urls import path
from django.utils.html import format_html

from archive.models import Issue, Scan
from archive.scans import selectors, services
from archive.scans import views as scan_views
from articles.editing.structure_views import reorder

MAX_FILES_PER_UPLOAD = 10
UPLOAD_HELP = "JPEG、PNG、TIFF 图像或 PDF，可多选；一个版面的多张图按选择顺序排列。"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={"accept": "image/jpeg,image/png,image/tiff,application/pdf"}
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ScanUploadForm(forms.ModelForm):
    """A new row takes one or more files; validation renders them, so refusals show here."""

    upload = MultipleFileField(
        label="上传扫描",
        required=False,
        help_text=UPLOAD_HELP,
    )

    class Meta:
        model = Scan
        fields = []
        # Column headers of the tabular inline come from here for non-model fields.
        labels = {"upload": "上传扫描"}
        help_texts = {"upload": UPLOAD_HELP}

    def clean(self):
        data = super().clean()
        self.prepared = []
        if self.instance.pk:
            return data
        files = data.get("upload") or []
        if not files:
            raise forms.ValidationError("请选择要上传的扫描文件。")
        if len(files) > MAX_FILES_PER_UPLOAD:
            # Each file is rendered (one at a time) before anything is stored.
            raise forms.ValidationError(
                f"一次最多上传 {MAX_FILES_PER_UPLOAD} 个文件，请分批上传。"
            )
        issue = self.instance.issue if self.instance.issue_id else None
        attached = selectors.existing_pages(issue) if issue else set()
        for upload in files:
            if upload.size > services.max_upload_bytes():
                self.add_error("upload", f"“{upload.name}”太大，超过上传上限。")
                continue
            try:
                prepared = services.prepare_upload(upload)
            except services.ScanRefused as exc:
                self.add_error("upload", str(exc))
                continue
            if all(
                (prepared.sha256, p.source_page) in attached for p in prepared.pages
            ):
                self.add_error("upload", services.duplicate_message(prepared))
                prepared.close()
                continue
            self.prepared.append(prepared)
        return data


class ScanInline(admin.TabularInline):
    model = Scan
    form = ScanUploadForm
    extra = 1
    fields = ["preview", "upload", "details"]
    readonly_fields = ["preview", "details"]
    verbose_name = "原版扫描"
    verbose_name_plural = "原版扫描（版面原图，与 OCR 文字对照）"

    def has_change_permission(self, request, obj=None):
        # A stored scan is an original: it is replaced by deleting and uploading, never edited.
        return False

    @admin.display(description="上传扫描")
    def upload(self, scan):
        # Shown in place of the file input on rows already stored.
        return "已保存"

    @admin.display(description="预览")
    def preview(self, scan):
        if not scan.pk:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">'
            '<img src="{}" alt="{}" class="scan-admin-thumb" width="120"></a>',
            selectors.image_url(scan, "web"),
            selectors.image_url(scan, "thumb"),
            f"{scan.original_name} 缩略图",
        )

    @admin.display(description="原件")
    def details(self, scan):
        if not scan.pk:
            return "—"
        return format_html(
            "{}<br>{} · {}×{} 像素 · {} MB<br><code>SHA-256 {}…</code>",
            scan,
            scan.media_type,
            scan.width,
            scan.height,
            f"{scan.original_size / 1024 / 1024:.1f}",
            scan.original_sha256[:16],
        )


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "publication_date",
        "number",
        "page_label",
        "article_count",
        "imported_at",
    ]
    list_filter = ["publication_date", "imported_at"]
    search_fields = ["source_name", "page_label", "raw_sha256"]
    date_hierarchy = "publication_date"
    readonly_fields = [
        "source_name",
        "raw_encoding",
        "raw_sha256",
        "imported_at",
        "raw_text",
        "import_flags",
    ]
    fields = ["publication_date", "number", "page_label", *readonly_fields]
    inlines = [ScanInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_articles=Count("articles"))

    @admin.display(description="文章数", ordering="n_articles")
    def article_count(self, obj):
        return obj.n_articles

    def get_urls(self):
        def view(func):
            return self.admin_site.admin_view(partial(func, model_admin=self))

        return [
            path("<int:pk>/reorder/", view(reorder), name="archive_issue_reorder"),
            path(
                "<int:pk>/scans/",
                view(scan_views.issue_scans),
                name="archive_issue_scans",
            ),
            path(
                "region/<int:article_pk>/",
                view(scan_views.save_region),
                name="archive_article_region",
            ),
            *super().get_urls(),
        ]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Scan:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        services.delete_scans(formset.deleted_objects)
        created = []
        for scan_form in formset.extra_forms:
            prepared = getattr(scan_form, "prepared", [])
            if scan_form.has_changed() and not scan_form.cleaned_data.get("DELETE"):
                created += services.store_scans(form.instance, prepared, request.user)
            for item in prepared:
                item.close()
        # The change message lists what was really stored.
        formset.new_objects = created
        formset.changed_objects = []

    def has_add_permission(self, request):
        # Pages enter the archive only through the importer, which keeps the raw
        # bytes and their hash together.
        return False

    def has_delete_permission(self, request, obj=None):
        return False
