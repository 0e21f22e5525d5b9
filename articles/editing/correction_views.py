"""Admin screens for correcting an article: edit beside the original, suggestions, history, review."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from archive.ingest.decoding import remove_control_characters
from archive.scans import scan_panel
from articles.editing import corrections
from articles.editing.corrections import EditConflict
from articles.editing.diffs import diff_html
from articles.editing.suggestions import dismiss, suggestions_for
from articles.models import Article, ReaderReport, Revision


class CorrectionForm(forms.Form):
    base_version = forms.IntegerField(widget=forms.HiddenInput)
    kicker = forms.CharField(label="引题", required=False, max_length=200)
    title = forms.CharField(label="标题", max_length=300)
    lede = forms.CharField(
        label="观点提要", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label="正文",
        required=False,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
    )
    note = forms.CharField(
        label="修改说明",
        max_length=500,
        help_text="简要写明改了什么，如“改正人会→入会”。",
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 60}),
    )

    def clean(self):
        data = super().clean()
        for name in Revision.TEXT_FIELDS:
            if isinstance(data.get(name), str):
                # Browsers send textarea line breaks as CRLF; paragraphs are "\n\n".
                text = data[name].replace("\r\n", "\n").replace("\r", "\n")
                data[name] = remove_control_characters(text)
        return data


def correction_url(article) -> str:
    return reverse("admin:articles_article_correct", args=[article.pk])


def _article(pk) -> Article:
    return get_object_or_404(Article.objects.select_related("issue", "column"), pk=pk)


def _require_change(request):
    if not request.user.has_perm("articles.change_article"):
        raise PermissionDenied("您没有校对文章的权限。")


def correct(request, model_admin, pk):
    """The correction screen: editable text, the original OCR with a character diff, suggestions."""
    _require_change(request)
    article = _article(pk)
    conflict = None
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                corrections.save_correction(
                    article,
                    editor=request.user,
                    base_version=data["base_version"],
                    changes={f: data[f] for f in Revision.TEXT_FIELDS},
                    note=data["note"],
                )
            except EditConflict as exc:
                conflict = exc
                article = exc.article
                # The editor's own text stays in the form; only the base moves on, so
                # saving again after merging is accepted.
                form = CorrectionForm(
                    {**request.POST.dict(), "base_version": article.version}
                )
                messages.error(request, str(exc))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"已保存为第{article.version}版。")
                return HttpResponseRedirect(correction_url(article))
    else:
        form = CorrectionForm(
            initial={
                "base_version": article.version,
                **{f: getattr(article, f) for f in Revision.TEXT_FIELDS},
            }
        )
    suggestions = suggestions_for(article)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "title": f"校对：{article.title}",
        "article": article,
        "form": form,
        "conflict": conflict,
        "conflict_diffs": _conflict_diffs(conflict) if conflict else [],
        "original_diff": diff_html(article.original_ocr, article.body),
        "suggestions": suggestions,
        "suggestion_kinds": _kinds(suggestions),
        "can_verify": corrections.can_verify(request.user, article),
        "revisions": article.revisions.select_related("editor")[:5],
        "reports": article.reader_reports.filter(status=ReaderReport.Status.NEW),
    }
    # Page scan beside the text (archive/scans.py), for _scan_panel.html.
    context["scan_panel"] = scan_panel(article)
    return render(request, "admin/articles/article/correct.html", context)


def _kinds(suggestions):
    kinds = {}
    for s in suggestions:
        kinds[s["kind"]] = kinds.get(s["kind"], 0) + 1
    return sorted(kinds.items())


def _conflict_diffs(conflict: EditConflict):
    base = conflict.article.revisions.filter(number=conflict.base_version).first()
    if base is None:
        return []
    return [
        (
            Revision._meta.get_field(f).verbose_name,
            diff_html(getattr(base, f), getattr(conflict.article, f)),
        )
        for f in Revision.TEXT_FIELDS
        if getattr(base, f) != getattr(conflict.article, f)
    ]


def _base_version(request) -> int:
    try:
        return int(request.POST["base_version"])
    except (KeyError, ValueError) as exc:
        raise ValidationError("表单缺少版本号，请刷新页面。") from exc


def _apply(request, article, action) -> HttpResponseRedirect:
    """Runs one write; conflicts and refusals come back as messages on the correction screen."""
    try:
        action()
    except EditConflict as exc:
        messages.error(request, str(exc))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return HttpResponseRedirect(request.POST.get("next") or correction_url(article))


@require_POST
def suggestion(request, model_admin, pk):
    """Accept one suggestion, accept all of a kind, or reject one."""
    _require_change(request)
    article = _article(pk)
    current = suggestions_for(article)
    action = request.POST.get("action")
    if action == "reject":
        dismiss(article, request.POST.get("key", ""))
        messages.info(request, "已驳回该建议，不再提示。")
        return HttpResponseRedirect(correction_url(article))
    if action == "accept_kind":
        chosen = [s for s in current if s["kind"] == request.POST.get("kind")]
    else:
        chosen = [s for s in current if s["key"] == request.POST.get("key")]
    if not chosen:
        messages.error(request, "建议已过期（正文已改变），请查看最新建议。")
        return HttpResponseRedirect(correction_url(article))

    def accept():
        corrections.apply_suggestions(
            article,
            suggestions=chosen,
            editor=request.user,
            base_version=_base_version(request),
        )
        messages.success(
            request, f"已采纳 {len(chosen)} 条建议，保存为第{article.version}版。"
        )

    return _apply(request, article, accept)


@require_POST
def set_status(request, model_admin, pk):
    _require_change(request)
    article = _article(pk)

    def change():
        corrections.set_status(
            article,
            status=request.POST.get("status", ""),
            editor=request.user,
            base_version=_base_version(request),
        )
        messages.success(request, f"状态已改为“{article.get_status_display()}”。")

    return _apply(request, article, change)


@require_POST
def resolve_flag(request, model_admin, pk, index):
    _require_change(request)
    article = _article(pk)

    def resolve():
        corrections.resolve_flag(
            article,
            index=index,
            editor=request.user,
            base_version=_base_version(request),
        )
        messages.success(request, "已将该提示标为已处理。")

    return _apply(request, article, resolve)


def history(request, model_admin, pk):
    """Every revision, with the diff of any two (?a=&b=)."""
    article = _article(pk)
    if not request.user.has_perm("articles.view_article"):
        raise PermissionDenied
    revisions = list(article.revisions.select_related("editor", "reverted_to"))
    by_number = {r.number: r for r in revisions}
    try:
        a = by_number.get(int(request.GET.get("a", 0)))
        b = by_number.get(int(request.GET.get("b", 0)))
    except ValueError as exc:
        raise Http404("没有这个版本。") from exc
    if a is None and len(revisions) > 1:
        a, b = revisions[1], revisions[0]
    diffs = []
    if a and b:
        diffs = [
            (
                Revision._meta.get_field(f).verbose_name,
                diff_html(getattr(a, f), getattr(b, f)),
            )
            for f in Revision.TEXT_FIELDS
            if getattr(a, f) != getattr(b, f)
        ]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "title": f"修订历史：{article.title}",
        "article": article,
        "revisions": revisions,
        "a": a,
        "b": b,
        "diffs": diffs,
    }
    return render(request, "admin/articles/article/revisions.html", context)


@require_POST
def revert(request, model_admin, pk, number):
    _require_change(request)
    article = _article(pk)
    target = get_object_or_404(Revision, article=article, number=number)

    def restore():
        corrections.revert(
            article,
            to=target,
            editor=request.user,
            base_version=_base_version(request),
            note=request.POST.get("note", ""),
        )
        messages.success(
            request, f"已回退到第{number}版的文字，记为第{article.version}版。"
        )

    return _apply(request, article, restore)


def next_in_queue(request, model_admin):
    """Opens the next article for this editor: to verify (审校) or to correct."""
    _require_change(request)
    user = request.user
    article = None
    if user.has_perm(corrections.VERIFY_PERMISSION):
        waiting = Article.objects.filter(status=Article.Status.IN_REVIEW).order_by(
            "updated_at"
        )
        # Nobody verifies their own correction, so skip what this editor changed last.
        article = next(
            (a for a in waiting[:200] if corrections.can_verify(user, a)), None
        )
    if article is None:
        raw = Article.objects.filter(status=Article.Status.RAW).order_by(
            "-issue__imported_at", "issue", "position"
        )
        # Articles the importer flagged come first: they need an editor most.
        article = (
            raw.exclude(Q(review_flags=[]) | Q(review_flags__isnull=True)).first()
            or raw.first()
        )
    if article is None:
        messages.info(request, "没有待处理的文章了。")
        return redirect("admin:articles_article_changelist")
    return redirect(correction_url(article))
