"""The editing room's records: revisions, find-and-replace batches, structure changes,
reader reports.

Models of the `articles` app (app_label), kept here beside the code that writes them;
articles/models.py imports them so Django finds them. Importing `Article` is safe:
articles/models.py imports this module only after defining it.
"""

from django.db import models
from django.utils import timezone

from articles.models import Article


class Revision(models.Model):
    """One saved state of an article's text: who, when, why, and the full text after it.

    A snapshot per save (not a delta) keeps diffs of any two revisions and reverts
    trivial; theory-page articles are a few thousand characters.
    """

    class Kind(models.TextChoices):
        IMPORT = "import", "导入"
        EDIT = "edit", "校对修改"
        SUGGESTION = "suggestion", "采纳建议"
        REVERT = "revert", "回退"
        REPORT = "report", "采纳读者纠错"
        STATUS = "status", "状态变更"
        REPLACE = "replace", "批量替换"
        STRUCTURE = "structure", "结构调整"

    TEXT_FIELDS = ("kicker", "title", "lede", "body")

    article = models.ForeignKey(
        Article, verbose_name="文章", on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField("版本号", help_text="保存后文章的版本号。")
    kind = models.CharField(
        "类型", max_length=12, choices=Kind.choices, default=Kind.EDIT
    )
    editor = models.ForeignKey(
        "auth.User",
        verbose_name="编辑",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
    )
    note = models.CharField("修改说明", max_length=500)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    changed_fields = models.JSONField("改动字段", default=list)
    kicker = models.CharField("引题", max_length=200, blank=True)
    title = models.CharField("标题", max_length=300)
    lede = models.TextField("观点提要", blank=True)
    body = models.TextField("正文", blank=True)
    status = models.CharField("校对状态", max_length=10, choices=Article.Status.choices)
    batch = models.ForeignKey(
        "ReplaceBatch",
        verbose_name="批量替换",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
    )
    reverted_to = models.ForeignKey(
        "self",
        verbose_name="回退到",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        app_label = "articles"
        verbose_name = "修订"
        verbose_name_plural = "修订"
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="revision_number_unique"
            ),
        ]

    def __str__(self):
        return f"{self.article} 修订 {self.number}"

    def text(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.TEXT_FIELDS}

    @property
    def changed_labels(self) -> list[str]:
        """The changed fields as editors call them (标题, 正文), never the code names."""
        labels = []
        for name in self.changed_fields or []:
            try:
                labels.append(str(Article._meta.get_field(name).verbose_name))
            except Exception:  # a field since removed: still not shown as a code
                labels.append("其他")
        return labels


class ReplaceBatch(models.Model):
    """One archive-wide find-and-replace: what was replaced where, so it can be undone whole."""

    pattern = models.CharField("查找", max_length=200)
    replacement = models.CharField("替换为", max_length=200, blank=True)
    is_regex = models.BooleanField("正则表达式", default=False)
    scope = models.JSONField("范围", default=dict, blank=True)
    note = models.CharField("说明", max_length=500)
    editor = models.ForeignKey(
        "auth.User",
        verbose_name="编辑",
        on_delete=models.PROTECT,
        related_name="replace_batches",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)
    match_count = models.PositiveIntegerField("替换处数", default=0)
    undone_at = models.DateTimeField("撤销时间", null=True, blank=True)
    undone_by = models.ForeignKey(
        "auth.User",
        verbose_name="撤销人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        app_label = "articles"
        verbose_name = "批量替换"
        verbose_name_plural = "批量替换"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.pattern} → {self.replacement}"


class StructureChange(models.Model):
    """A split, merge, move or relinking, with its rows before and after, to undo it."""

    class Operation(models.TextChoices):
        SPLIT = "split", "拆分文章"
        MERGE = "merge", "合并文章"
        MOVE = "move", "移动段落"
        REORDER = "reorder", "调整版面顺序"
        PLACEMENT = "placement", "修改栏目/体裁等"
        AUTHORSHIPS = "authorships", "修改署名"
        AFFILIATION = "affiliation", "修改单位"
        MERGE_AUTHORS = "merge_authors", "合并作者"
        MERGE_AFFILIATIONS = "merge_affiliations", "合并单位"
        UNDO = "undo", "撤销"

    operation = models.CharField("操作", max_length=20, choices=Operation.choices)
    editor = models.ForeignKey(
        "auth.User",
        verbose_name="编辑",
        on_delete=models.PROTECT,
        related_name="structure_changes",
    )
    note = models.CharField("说明", max_length=500, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    before = models.JSONField("操作前的数据", default=list)
    created_objects = models.JSONField("新建的对象", default=list)
    after = models.JSONField(
        "操作后的数据",
        default=list,
        help_text="操作留下的数据（含新建的对象）；撤销前核对其后没有人再改过。",
    )
    undone_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        app_label = "articles"
        verbose_name = "结构调整"
        verbose_name_plural = "结构调整"
        ordering = ["-created_at"]

    def __str__(self):
        when = timezone.localtime(self.created_at) if self.created_at else None
        stamp = f"（{when:%Y年%m月%d日 %H:%M}）" if when else ""
        return f"{self.note or self.get_operation_display()}{stamp}"


class ReaderReport(models.Model):
    """A reader's suggested correction, waiting in the editors' queue."""

    class Status(models.TextChoices):
        NEW = "new", "待处理"
        ACCEPTED = "accepted", "已采纳"
        DISMISSED = "dismissed", "已驳回"

    article = models.ForeignKey(
        Article,
        verbose_name="文章",
        on_delete=models.CASCADE,
        related_name="reader_reports",
    )
    selected_text = models.CharField("读者选中的文字", max_length=500)
    suggestion = models.CharField("建议改为", max_length=500, blank=True)
    comment = models.TextField("说明", max_length=2000, blank=True)
    status = models.CharField(
        "处理状态",
        max_length=10,
        choices=Status.choices,
        default=Status.NEW,
        db_index=True,
    )
    dismiss_reason = models.CharField("驳回理由", max_length=500, blank=True)
    handled_by = models.ForeignKey(
        "auth.User",
        verbose_name="处理人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    client_hash = models.CharField(
        "来源摘要",
        max_length=64,
        blank=True,
        editable=False,
        help_text="读者 IP 的加盐摘要，仅用于限流。",
    )

    class Meta:
        verbose_name = "读者纠错"
        verbose_name_plural = "读者纠错"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.article}：{self.selected_text[:20]}"
