"""Admin screens for archive-wide find and replace and for structure corrections."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from archive.models import Issue
from articles.editing import change_log, permissions, replacing, structure
from articles.editing.forms import (
    STALE_FORM,
    MergeForm,
    MoveForm,
    ReorderForm,
    ReplaceForm,
    SplitForm,
    StructureForm,
)
from articles.editing.permissions import requires
from articles.editing.revisions import Conflict
from articles.models import Article, ReplaceBatch, StructureChange


def highlighted(match) -> str:
    return format_html(
        "{}<mark>{}</mark>{}",
        match.before.replace("\n", " ⏎ "),
        match.matched,
        match.after.replace("\n", " ⏎ "),
    )


@requires(permissions.REPLACE)
def find_replace(request, model_admin):
    """Preview with a tick box per match (GET), apply the ticked ones (POST)."""
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = ReplaceForm(data)
    matches = []
    if form.is_valid():
        params = form.cleaned_data
        try:
            if request.method == "POST":
                result = replacing.apply_replacement(
                    params["pattern"],
                    params["replacement"],
                    is_regex=params["is_regex"],
                    scope=form.scope(),
                    selected=set(request.POST.getlist("match")),
                    editor=request.user,
                    note=request.POST.get("note", ""),
                )
                _report_replacement(request, result)
                return HttpResponseRedirect(
                    reverse("admin:articles_replacebatch_changelist")
                )
            matches = replacing.find_matches(
                params["pattern"],
                params["replacement"],
                is_regex=params["is_regex"],
                scope=form.scope(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "title": "全库查找替换",
        "form": form,
        "matches": [(m, highlighted(m)) for m in matches],
        "article_count": len({m.article.pk for m in matches}),
        "query_string": request.GET.urlencode(),
    }
    return render(request, "admin/articles/article/find_replace.html", context)


def _report_replacement(request, result) -> None:
    if result.replaced:
        messages.success(
            request,
            f"已在 {result.articles} 篇文章中替换 {result.replaced} 处"
            f"（批次 #{result.batch.pk}，可整批撤销）。",
        )
    if result.stale:
        messages.warning(
            request,
            f"{len(result.stale)} 篇文章在预览后被修改，未替换，请重新预览。",
        )
    if not result.replaced and not result.stale:
        messages.info(request, "没有勾选任何匹配。")


@requires(permissions.RESTRUCTURE)
def restructure(request, model_admin, pk):
    """Split, merge or move paragraphs of one article."""
    article = get_object_or_404(Article.objects.select_related("issue"), pk=pk)
    neighbours = Article.objects.filter(issue=article.issue).exclude(pk=article.pk)
    action = request.POST.get("action")
    initial = {"versions": StructureForm.encode([article, *neighbours])}
    split_form = SplitForm(
        request.POST if action == "split" else None,
        initial={**initial, "kind": article.kind, "column": article.column},
    )
    merge_form = MergeForm(request.POST if action == "merge" else None, initial=initial)
    move_form = MoveForm(request.POST if action == "move" else None, initial=initial)
    merge_form.fields["other"].queryset = neighbours
    move_form.fields["target"].queryset = neighbours
    if request.method == "POST":
        try:
            done = _restructure(
                request, article, action, split_form, merge_form, move_form
            )
        except Conflict as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if done is not None:
                return done
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "title": f"结构调整：{article.title}",
        "article": article,
        "paragraphs": article.paragraphs,
        "split_form": split_form,
        "merge_form": merge_form,
        "move_form": move_form,
    }
    return render(request, "admin/articles/article/restructure.html", context)


def _restructure(request, article, action, split_form, merge_form, move_form):
    """Runs the posted operation; a redirect when done, None to show the forms again."""
    if action == "split" and split_form.is_valid():
        d = split_form.cleaned_data
        if article.pk not in d["versions"]:
            raise ValidationError(STALE_FORM)
        new = structure.split_article(
            article,
            base_version=d["versions"][article.pk],
            at_paragraph=d["at_paragraph"] - 1,
            until_paragraph=d["to_paragraph"],
            title=d["title"],
            column=d["column"],
            kind=d["kind"],
            copy_authors=d["copy_authors"],
            editor=request.user,
            note=d["note"],
        )
        messages.success(request, f"已拆分，新文章《{new.title}》。")
        return _to_article(new)
    if action == "merge" and merge_form.is_valid():
        d = merge_form.cleaned_data
        first, second = (
            (article, d["other"]) if d["order"] == "after" else (d["other"], article)
        )
        structure.merge_articles(
            first,
            second,
            base_versions=d["versions"],
            editor=request.user,
            note=d["note"],
        )
        messages.success(request, f"已合并到《{first.title}》。")
        return _to_article(first)
    if action == "move" and move_form.is_valid():
        d = move_form.cleaned_data
        structure.move_paragraphs(
            article,
            d["target"],
            base_versions=d["versions"],
            paragraphs=d["paragraphs"],
            at=d["at"] - 1 if d["at"] else None,
            editor=request.user,
            note=d["note"],
        )
        messages.success(request, f"已移动到《{d['target'].title}》。")
        return _to_article(article)
    return None


def _to_article(article) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        reverse("admin:articles_article_change", args=[article.pk])
    )


@requires(permissions.OPERATION[StructureChange.Operation.REORDER])
def reorder(request, model_admin, pk):
    """Set the printed order of a page's articles."""
    issue = get_object_or_404(Issue, pk=pk)
    articles = issue.articles.order_by("position", "pk")
    form = ReorderForm(
        request.POST if request.method == "POST" else None, articles=articles
    )
    if form.is_valid():
        try:
            structure.reorder_articles(
                issue,
                order=form.order(),
                base_order=form.cleaned_data["base_order"],
                editor=request.user,
                note=form.cleaned_data["note"],
            )
        except (Conflict, ValidationError) as exc:
            messages.error(request, f"无法调整顺序：{_text(exc)}")
        else:
            messages.success(request, "已调整版面顺序。")
            return HttpResponseRedirect(
                reverse("admin:archive_issue_change", args=[issue.pk])
            )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Issue._meta,
        "title": f"调整顺序：{issue}",
        "issue": issue,
        "form": form,
        "rows": [(a, form[f"position-{a.pk}"]) for a in form.articles],
    }
    return render(request, "admin/archive/issue/reorder.html", context)


def _text(exc) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


def _confirm_undo(request, model_admin, subject):
    return render(
        request,
        "admin/articles/confirm_undo.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": f"撤销：{subject}",
            "subject": subject,
            "opts": model_admin.model._meta,
        },
    )


@requires(("articles.view_structurechange",))
def undo_change(request, model_admin, pk):
    """Undo a structure change: allowed to whoever may make that kind of change."""
    change = get_object_or_404(StructureChange, pk=pk)
    permissions.require(request.user, permissions.OPERATION[change.operation])
    if request.method != "POST":
        return _confirm_undo(request, model_admin, change)
    try:
        change_log.undo(change, editor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"已撤销：{change}")
    return HttpResponseRedirect(reverse("admin:articles_structurechange_changelist"))


@requires(permissions.REPLACE)
def undo_batch(request, model_admin, pk):
    batch = get_object_or_404(ReplaceBatch, pk=pk)
    if request.method != "POST":
        return _confirm_undo(request, model_admin, f"批量替换 #{batch.pk}：{batch}")
    try:
        blocked = replacing.undo_batch(batch, editor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        blocked = None
    if blocked:
        links = format_html_join(
            ", ",
            '<a href="{}">#{}</a>',
            (
                (reverse("admin:articles_article_revisions", args=[a]), a)
                for a in blocked
            ),
        )
        messages.error(
            request, format_html("这些文章在批量替换后又被修改，整批未撤销：{}", links)
        )
    elif blocked == []:
        messages.success(request, f"已整批撤销 #{batch.pk}。")
    return HttpResponseRedirect(reverse("admin:articles_replacebatch_changelist"))
