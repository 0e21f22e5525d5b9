"""The reader's error report: selected text that must occur in the article, and a suggestion."""

from django import forms

from articles.models import Article, ReaderReport

REPORTABLE_FIELDS = ("title", "kicker", "lede", "body")


class ReaderReportForm(forms.ModelForm):
    class Meta:
        model = ReaderReport
        fields = ["selected_text", "suggestion", "comment"]
        labels = {
            "selected_text": "有误的文字",
            "suggestion": "应改为",
            "comment": "补充说明（选填）",
        }
        help_texts = {
            "selected_text": (
                "在正文中选中有误的文字会自动填入；也可以直接从文中复制一小段（不要跨段）。"
            ),
            "suggestion": "写出正确的文字；如果是多字、漏字，写出改正后的整段即可。",
            "comment": "例如依据、出处，或无法用“应改为”说清的问题。",
        }
        widgets = {
            "selected_text": forms.Textarea(attrs={"rows": 2}),
            "suggestion": forms.Textarea(attrs={"rows": 2}),
            "comment": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, article: Article, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        self.instance.article = article

    def clean_selected_text(self):
        text = self.cleaned_data["selected_text"].strip()
        # Editors accept a report by replacing this exact text, so it must be there verbatim.
        if not any(text in (getattr(self.article, f) or "") for f in REPORTABLE_FIELDS):
            raise forms.ValidationError(
                "所选文字没有在本文中找到。请直接从正文中选取或复制一小段（不要跨段落）。"
            )
        return text

    def clean(self):
        cleaned = super().clean()
        suggestion = (cleaned.get("suggestion") or "").strip()
        comment = (cleaned.get("comment") or "").strip()
        if not suggestion and not comment:
            raise forms.ValidationError("请填写“应改为”或补充说明中的至少一项。")
        if suggestion and suggestion == cleaned.get("selected_text"):
            self.add_error("suggestion", "“应改为”与原文相同。")
        cleaned["suggestion"], cleaned["comment"] = suggestion, comment
        return cleaned
