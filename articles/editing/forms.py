"""The editing forms: corrections, find and replace, structure changes, reader reports.

Every form that leads to a version-checked write carries the version (or the page
order) the editor started from, as a hidden field, so a stale one is refused.
"""

from django import forms
from django.core.exceptions import ValidationError

from archive.ingest.decoding import remove_control_characters
from archive.models import Issue
from articles.editing import replacing
from articles.models import Article, Column, Revision

STALE_FORM = "表单已过期，请刷新页面后再操作。"


class VersionForm(forms.Form):
    """The version an editor's screen showed; every write from that screen names it."""

    base_version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, error_messages={"invalid": STALE_FORM}
    )


class CorrectionForm(VersionForm):
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

    def changes(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in Revision.TEXT_FIELDS}


class StatusForm(VersionForm):
    status = forms.ChoiceField(choices=Article.Status.choices)


class DismissForm(forms.Form):
    reason = forms.CharField(label="驳回理由", max_length=500)


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


class StructureForm(forms.Form):
    """Carries the versions of the page's articles as the editor saw them."""

    versions = forms.CharField(widget=forms.HiddenInput)

    @staticmethod
    def encode(articles) -> str:
        return ",".join(f"{a.pk}:{a.version}" for a in articles)

    def clean_versions(self) -> dict[int, int]:
        try:
            pairs = (
                item.split(":") for item in self.cleaned_data["versions"].split(",")
            )
            return {int(pk): int(version) for pk, version in pairs}
        except ValueError as exc:
            raise ValidationError(STALE_FORM) from exc


class SplitForm(StructureForm):
    at_paragraph = forms.IntegerField(label="从第几段起拆出（1 为第一段）", min_value=1)
    to_paragraph = forms.IntegerField(
        label="拆到第几段为止（含；留空为到末尾）", required=False, min_value=1
    )
    title = forms.CharField(label="新文章标题", max_length=300)
    column = forms.ModelChoiceField(
        label="新文章栏目", queryset=Column.objects.all(), required=False
    )
    kind = forms.ChoiceField(label="新文章体裁", choices=Article.Kind.choices)
    copy_authors = forms.BooleanField(label="复制署名", required=False)
    note = forms.CharField(label="说明", max_length=500, required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("at_paragraph"), data.get("to_paragraph")
        if start and end and end < start:
            raise ValidationError("拆到的段落不能在起始段落之前。")
        if start == 1 and not end:
            raise ValidationError("从第一段拆到末尾就是全文，请指定拆到第几段。")
        return data


class MergeForm(StructureForm):
    other = forms.ModelChoiceField(label="与哪篇合并", queryset=Article.objects.none())
    order = forms.ChoiceField(
        label="顺序",
        choices=[("after", "另一篇接在本文之后"), ("before", "本文接在另一篇之后")],
    )
    note = forms.CharField(label="说明", max_length=500, required=False)


class MoveForm(StructureForm):
    paragraphs = forms.CharField(label="要移动的段落序号（如 3,4）", max_length=200)
    target = forms.ModelChoiceField(label="移到哪篇", queryset=Article.objects.none())
    at = forms.IntegerField(
        label="插在目标的第几段之前（留空为末尾）", required=False, min_value=1
    )
    note = forms.CharField(label="说明", max_length=500, required=False)

    def clean_paragraphs(self) -> list[int]:
        try:
            return [
                int(x) - 1
                for x in self.cleaned_data["paragraphs"].replace("，", ",").split(",")
                if x.strip()
            ]
        except ValueError as exc:
            raise ValidationError("段落序号应为逗号分隔的数字。") from exc


class ReorderForm(forms.Form):
    """A position box per article of the page, and the order the editor started from."""

    base_order = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label="说明", max_length=500, required=False)

    def __init__(self, *args, articles, **kwargs):
        super().__init__(*args, **kwargs)
        self.articles = list(articles)
        if not self.is_bound:
            self.initial["base_order"] = ",".join(str(a.pk) for a in self.articles)
        for article in self.articles:
            self.fields[f"position-{article.pk}"] = forms.IntegerField(
                label=f"《{article.title}》的顺序",
                min_value=1,
                initial=article.position,
                widget=forms.NumberInput(
                    attrs={"aria-label": f"《{article.title}》的顺序"}
                ),
                # An article added since the page was opened is caught as a conflict.
                required=False,
            )

    def clean_base_order(self) -> list[int]:
        try:
            return [int(pk) for pk in self.cleaned_data["base_order"].split(",")]
        except ValueError as exc:
            raise ValidationError(STALE_FORM) from exc

    def order(self) -> list[int]:
        """Article ids by their new position (ties keep the printed order)."""
        positions = {
            a.pk: (self.cleaned_data.get(f"position-{a.pk}") or a.position, i)
            for i, a in enumerate(self.articles)
        }
        return sorted(positions, key=positions.get)
