"""Admin screens for archive-wide find and replace and for structure corrections."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from archive.models import Issue
from articles.editing import replacing, structure
from articles.models import Article, Column, ReplaceBatch, StructureChange

REPLACE_PERMISSION = "articles.replace_across_archive"


class ReplaceForm(forms.Form):
    pattern = forms.CharField(label="查找", max_length=200)
    replacement = forms.CharField(
        label="替换为", max_length=200, required=False, strip=False
    )
    is_regex = forms.BooleanField(label="正则表达式", required=False)
    issue = forms.ModelChoiceField(
        label="版面", queryset=Issue.objects.all(), required=False
    )
    column = forms.ModelChoiceField(
        label="栏目", queryset=Column.objects.all(), required=False
    )
    date_from = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label="校对状态",
        choices=[("", "全部"), *Article.Status.choices],
        required=False,
    )

    def scope(self) -> replacing.Scope:
        data = self.cleaned_data
        return replacing.Scope(
            issue=data["issue"].pk if data["issue"] else None,
            column=data["column"].pk if data["column"] else None,
            date_from=data["date_from"],
            date_to=data["date_to"],
            status=data["status"] or None,
        )


def highlighted(match) -> str:
    return format_html(
        "{}<mark>{}</mark>{}",
        match.before.replace("\n", " ⏎ "),
        match.matched,
        match.after.replace("\n", " ⏎ "),
    )


def find_replace(request, model_admin):
    """Preview with a tick box per match (GET), apply the ticked ones (POST)."""
    if not request.user.has_perm(REPLACE_PERMISSION):
        raise PermissionDenied("只有审校可以全库查找替换。")
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
                if result.replaced:
                    messages.success(
                        request,
                        f"已在 {result.articles} 篇文章中替换 {result.replaced} 处（批次 #{result.batch.pk}，可整批撤销）。",
                    )
                if result.stale:
                    messages.warning(
                        request,
                        f"{len(result.stale)} 篇文章在预览后被修改，未替换，请重新预览。",
                    )
                if not result.replaced and not result.stale:
                    messages.info(request, "没有勾选任何匹配。")
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


class SplitForm(forms.Form):
    at_paragraph = forms.IntegerField(label="从第几段起拆出（1 为第一段）", min_value=2)
    title = forms.CharField(label="新文章标题", max_length=300)
    column = forms.ModelChoiceField(
        label="新文章栏目", queryset=Column.objects.all(), required=False
    )
    kind = forms.ChoiceField(label="新文章体裁", choices=Article.Kind.choices)
    copy_authors = forms.BooleanField(label="复制署名", required=False)
    note = forms.CharField(label="说明", max_length=500, required=False)


class MergeForm(forms.Form):
    other = forms.ModelChoiceField(label="与哪篇合并", queryset=Article.objects.none())
    order = forms.ChoiceField(
        label="顺序",
        choices=[("after", "另一篇接在本文之后"), ("before", "本文接在另一篇之后")],
    )
    note = forms.CharField(label="说明", max_length=500, required=False)


class MoveForm(forms.Form):
    paragraphs = forms.CharField(label="要移动的段落序号（如 3,4）", max_length=200)
    target = forms.ModelChoiceField(label="移到哪篇", queryset=Article.objects.none())
    at = forms.IntegerField(
        label="插在目标的第几段之前（留空为末尾）", required=False, min_value=1
    )
    note = forms.CharField(label="说明", max_length=500, required=False)

    def paragraph_indexes(self) -> list[int]:
        try:
            return [
                int(x) - 1
                for x in self.cleaned_data["paragraphs"].replace("，", ",").split(",")
                if x.strip()
            ]
        except ValueError as exc:
            raise ValidationError("段落序号应为逗号分隔的数字。") from exc


def restructure(request, model_admin, pk):
    """Split, merge or move paragraphs of one article."""
    if not request.user.has_perm("articles.change_article"):
        raise PermissionDenied
    article = get_object_or_404(Article.objects.select_related("issue"), pk=pk)
    neighbours = Article.objects.filter(issue=article.issue).exclude(pk=article.pk)
    action = request.POST.get("action")
    split_form = SplitForm(
        request.POST if action == "split" else None,
        initial={"kind": article.kind, "column": article.column},
    )
    merge_form = MergeForm(request.POST if action == "merge" else None)
    move_form = MoveForm(request.POST if action == "move" else None)
    merge_form.fields["other"].queryset = neighbours
    move_form.fields["target"].queryset = neighbours
    if request.method == "POST":
        try:
            if action == "split" and split_form.is_valid():
                d = split_form.cleaned_data
                new = structure.split_article(
                    article,
                    at_paragraph=d["at_paragraph"] - 1,
                    title=d["title"],
                    column=d["column"],
                    kind=d["kind"],
                    copy_authors=d["copy_authors"],
                    editor=request.user,
                    note=d["note"],
                )
                messages.success(request, f"已拆分，新文章《{new.title}》。")
                return HttpResponseRedirect(
                    reverse("admin:articles_article_change", args=[new.pk])
                )
            if action == "merge" and merge_form.is_valid():
                d = merge_form.cleaned_data
                first, second = (
                    (article, d["other"])
                    if d["order"] == "after"
                    else (d["other"], article)
                )
                structure.merge_articles(
                    first, second, editor=request.user, note=d["note"]
                )
                messages.success(request, f"已合并到《{first.title}》。")
                return HttpResponseRedirect(
                    reverse("admin:articles_article_change", args=[first.pk])
                )
            if action == "move" and move_form.is_valid():
                d = move_form.cleaned_data
                structure.move_paragraphs(
                    article,
                    d["target"],
                    paragraphs=move_form.paragraph_indexes(),
                    at=d["at"] - 1 if d["at"] else None,
                    editor=request.user,
                    note=d["note"],
                )
                messages.success(request, f"已移动到《{d['target'].title}》。")
                return HttpResponseRedirect(
                    reverse("admin:articles_article_change", args=[article.pk])
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
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


def reorder(request, model_admin, pk):
    """Set the printed order of a page's articles."""
    if not request.user.has_perm("articles.change_article"):
        raise PermissionDenied
    issue = get_object_or_404(Issue, pk=pk)
    articles = list(issue.articles.order_by("position", "pk"))
    if request.method == "POST":
        try:
            positions = {
                a.pk: int(request.POST.get(f"position-{a.pk}", a.position))
                for a in articles
            }
            order = sorted(positions, key=lambda pk: (positions[pk], pk))
            structure.reorder_articles(
                issue,
                order=order,
                editor=request.user,
                note=request.POST.get("note", ""),
            )
        except (ValueError, ValidationError) as exc:
            messages.error(request, f"无法调整顺序：{exc}")
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
        "articles": articles,
    }
    return render(request, "admin/archive/issue/reorder.html", context)


def confirm_undo(request, model_admin, subject):
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


def undo_change(request, model_admin, pk):
    change = get_object_or_404(StructureChange, pk=pk)
    if request.method != "POST":
        return confirm_undo(request, model_admin, change)
    try:
        structure.undo(change, editor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"已撤销：{change}")
    return HttpResponseRedirect(reverse("admin:articles_structurechange_changelist"))


def undo_batch(request, model_admin, pk):
    if not request.user.has_perm(REPLACE_PERMISSION):
        raise PermissionDenied
    batch = get_object_or_404(ReplaceBatch, pk=pk)
    if request.method != "POST":
        return confirm_undo(request, model_admin, f"批量替换 #{batch.pk}：{batch}")
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
