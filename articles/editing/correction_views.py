"""Admin screens for correcting: text, suggestions, history, review, reader reports."""

from copy import copy

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from archive.scans.selectors import scan_panel
from articles.editing import comparisons, corrections, labels, permissions, revisions
from articles.editing.diffs import diff_html
from articles.editing.forms import (
    STALE_FORM,
    CorrectionForm,
    DismissForm,
    StatusForm,
    VersionForm,
)
from articles.editing.permissions import requires
from articles.editing.revisions import Conflict, EditConflict
from articles.editing.suggestions import dismiss, suggestions_for
from articles.models import Article, ReaderReport, Revision

UNCHANGED = "没有改动，未记录新的修订。"


def correction_url(article) -> str:
    return reverse("admin:articles_article_correct", args=[article.pk])


def _article(pk) -> Article:
    return get_object_or_404(Article.objects.select_related("issue", "column"), pk=pk)


@requires(permissions.CORRECT)
def correct(request, model_admin, pk):
    """The correction screen: editable text, the original OCR with a character diff, suggestions."""
    article = _article(pk)
    conflict = None
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        if form.is_valid():
            try:
                revision = corrections.save_correction(
                    article,
                    editor=request.user,
                    base_version=form.cleaned_data["base_version"],
                    changes=form.changes(),
                    note=form.cleaned_data["note"],
                    resolutions=comparisons.spot_choices(request.POST),
                )
            except EditConflict as exc:
                # The form keeps the editor's text and the base it was made from, so
                # saving again merges again: never the editor's text over theirs.
                conflict = exc
                article = exc.article
                messages.error(request, str(exc))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if revision is None:
                    messages.info(request, UNCHANGED)
                    return HttpResponseRedirect(correction_url(article))
                if revision.merged_with:
                    messages.success(
                        request,
                        f"已与修订 {revision.merged_with} 合并，保存为修订 {article.version}。"
                        "下方标出了双方的改动。",
                    )
                    base = form.cleaned_data["base_version"]
                    return HttpResponseRedirect(
                        f"{correction_url(article)}?merged={base}"
                    )
                messages.success(request, f"已保存为修订 {article.version}。")
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
        "conflict_diffs": comparisons.conflict_diffs(conflict) if conflict else [],
        "spots": comparisons.spots(conflict, request.POST),
        "merged_diffs": comparisons.merged_diffs(
            article, request.GET.get("merged", "")
        ),
        "raw_diff": request.GET.get("raw") == "1",
        "original_diffs": comparisons.original_diffs(
            article, raw=request.GET.get("raw") == "1"
        ),
        "suggestions": [
            {**s, "kind_label": labels.suggestion_kind(s["kind"])} for s in suggestions
        ],
        "suggestion_kinds": _kinds(suggestions),
        "flags": labels.flags(article.review_flags),
        "can_verify": corrections.can_verify(request.user, article),
        "revisions": article.revisions.select_related("editor")[:5],
        "reports": article.reader_reports.filter(status=ReaderReport.Status.NEW),
        # Page scan beside the text (archive/scans.py), for _scan_panel.html.
        "scan_panel": scan_panel(article),
    }
    return render(request, "admin/articles/article/correct.html", context)


def _kinds(suggestions):
    """(kind, its Chinese name, how many) for the accept-all buttons."""
    kinds = {}
    for s in suggestions:
        kinds[s["kind"]] = kinds.get(s["kind"], 0) + 1
    return [(k, labels.suggestion_kind(k), n) for k, n in sorted(kinds.items())]


def _valid(form):
    """The posted form's data; a form without its version is a broken request (400)."""
    if not form.is_valid():
        raise BadRequest(STALE_FORM)
    return form.cleaned_data


def _apply(request, article, action, done: str) -> HttpResponseRedirect:
    """Runs one write; conflicts and refusals come back as messages on the correction screen."""
    try:
        revision = action()
    except Conflict as exc:
        messages.error(request, str(exc))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        if revision is None:
            messages.info(request, UNCHANGED)
        else:
            messages.success(request, done.format(version=article.version))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = correction_url(article)
    return HttpResponseRedirect(back)


@requires(permissions.CORRECT, methods=("POST",))
def suggestion(request, model_admin, pk):
    """Accept one suggestion, accept all of a kind, or reject one."""
    article = _article(pk)
    action = request.POST.get("action")
    if action == "reject":
        dismiss(article, request.POST.get("key", ""))
        messages.info(request, "已驳回该建议，不再提示。")
        return HttpResponseRedirect(correction_url(article))
    base_version = _valid(VersionForm(request.POST))["base_version"]
    # The suggestions the editor saw: on the text at their version; what others
    # saved since is merged in by the write.
    try:
        seen = copy(article)
        seen.body = revisions.text_at(article, base_version)["body"]
    except Conflict as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(correction_url(article))
    current = suggestions_for(seen)
    if action == "accept_kind":
        chosen = [s for s in current if s["kind"] == request.POST.get("kind")]
    else:
        chosen = [s for s in current if s["key"] == request.POST.get("key")]
    if not chosen:
        messages.error(request, "建议已过期（正文已改变），请查看最新建议。")
        return HttpResponseRedirect(correction_url(article))
    return _apply(
        request,
        article,
        lambda: corrections.apply_suggestions(
            article, suggestions=chosen, editor=request.user, base_version=base_version
        ),
        f"已采纳 {len(chosen)} 条建议，保存为修订 {{version}}。",
    )


@requires(permissions.CORRECT, methods=("POST",))
def set_status(request, model_admin, pk):
    article = _article(pk)
    data = _valid(StatusForm(request.POST))
    if data["status"] == Article.Status.VERIFIED:
        permissions.require(request.user, permissions.VERIFY, "只有审校可以审定文章。")
    return _apply(
        request,
        article,
        lambda: corrections.set_status(
            article,
            status=data["status"],
            editor=request.user,
            base_version=data["base_version"],
        ),
        f"状态已改为“{Article.Status(data['status']).label}”。",
    )


@requires(permissions.CORRECT, methods=("POST",))
def resolve_flag(request, model_admin, pk, index):
    article = _article(pk)
    base_version = _valid(VersionForm(request.POST))["base_version"]
    return _apply(
        request,
        article,
        lambda: corrections.resolve_flag(
            article, index=index, editor=request.user, base_version=base_version
        ),
        "已将该提示标为已处理。",
    )


@requires(permissions.VIEW_ARTICLE, methods=("GET",))
def history(request, model_admin, pk):
    """Every revision, with the diff of any two (?a=&b=)."""
    article = _article(pk)
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


@requires(permissions.CORRECT)
def revert(request, model_admin, pk, number):
    """Asks first: what the revert would change, and a note saying why; then reverts."""
    article = _article(pk)
    target = get_object_or_404(Revision, article=article, number=number)
    if request.method == "POST" and request.POST.get("note", "").strip():
        base_version = _valid(VersionForm(request.POST))["base_version"]
        return _apply(
            request,
            article,
            lambda: corrections.revert(
                article,
                to=target,
                editor=request.user,
                base_version=base_version,
                note=request.POST.get("note", ""),
            ),
            f"已回退到修订 {number} 的文字，记为修订 {{version}}。",
        )
    if request.method == "POST":
        messages.error(request, "回退时请写明理由。")
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "title": f"确认回退：《{article.title}》回到修订 {number}",
        "article": article,
        "target": target,
        "base_version": request.POST.get("base_version", article.version),
        "diffs": [
            (
                Revision._meta.get_field(f).verbose_name,
                diff_html(getattr(article, f), getattr(target, f)),
            )
            for f in Revision.TEXT_FIELDS
            if getattr(article, f) != getattr(target, f)
        ],
    }
    return render(request, "admin/articles/article/revert.html", context)


@requires(permissions.CORRECT, methods=("GET",))
def next_in_queue(request, model_admin):
    """Opens the next article for this editor: to verify (审校) or to correct."""
    user = request.user
    article = None
    if user.has_perm(corrections.VERIFY_PERMISSION):
        waiting = Article.objects.filter(status=Article.Status.IN_REVIEW).order_by(
            "updated_at"
        )
        # Nobody verifies their own correction, so skip what this editor changed.
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


@requires(permissions.VIEW_REPORT)
def handle_report(request, model_admin, pk):
    """Accept the reader's correction into the text, or dismiss it with a reason."""
    report = get_object_or_404(ReaderReport.objects.select_related("article"), pk=pk)
    dismiss_form = DismissForm()
    if request.method == "POST":
        accepting = request.POST.get("action") == "accept"
        permissions.require(
            request.user,
            permissions.ACCEPT_REPORT if accepting else permissions.DISMISS_REPORT,
        )
        done = reverse("admin:articles_readerreport_changelist")
        try:
            if accepting:
                data = _valid(VersionForm(request.POST))
                corrections.accept_report(
                    report,
                    editor=request.user,
                    base_version=data["base_version"],
                    replacement=request.POST.get("replacement", report.suggestion),
                )
                messages.success(request, "已采纳并写入正文，记为新的修订。")
                return HttpResponseRedirect(done)
            dismiss_form = DismissForm(request.POST)
            if dismiss_form.is_valid():
                corrections.dismiss_report(
                    report,
                    editor=request.user,
                    reason=dismiss_form.cleaned_data["reason"],
                )
                messages.success(request, "已驳回。")
                return HttpResponseRedirect(done)
        except Conflict as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        report.refresh_from_db()
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": ReaderReport._meta,
        "title": f"处理读者纠错 #{report.pk}",
        "report": report,
        "article": report.article,
        "dismiss_form": dismiss_form,
    }
    return render(request, "admin/articles/readerreport/handle.html", context)
