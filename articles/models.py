"""Articles, their columns, authors, affiliations and provinces, and the authorships linking
them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from articles.pinyin import name_sort_key
from articles.querysets import (
    AffiliationQuerySet,
    ArticleQuerySet,
    AuthorQuerySet,
    AuthorshipQuerySet,
    ProvinceQuerySet,
)


class Column(models.Model):
    name = models.CharField("栏目名称", max_length=20, unique=True)
    slug = models.SlugField("网址名", max_length=40, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    description = models.TextField("栏目简介", blank=True)

    class Meta:
        verbose_name = "栏目"
        verbose_name_plural = "栏目"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:column_detail", args=[self.slug])


class Province(models.Model):
    code = models.CharField(
        "行政区划代码", max_length=6, unique=True, help_text="国家统计局六位代码。"
    )
    name = models.CharField("全称", max_length=20, unique=True)
    short_name = models.CharField("简称", max_length=10, unique=True)

    objects = ProvinceQuerySet.as_manager()

    class Meta:
        verbose_name = "省级行政区"
        verbose_name_plural = "省级行政区"
        ordering = ["code"]

    def __str__(self):
        return self.short_name

    def get_absolute_url(self):
        return reverse("articles:province_detail", args=[self.short_name])


class Affiliation(models.Model):
    class Level(models.TextChoices):
        CENTRAL = "central", "中央/全国"
        PROVINCIAL = "provincial", "省级"
        MUNICIPAL = "municipal", "地市级"
        COUNTY = "county", "县级"
        OTHER = "other", "其他"

    name = models.CharField("规范名称", max_length=120, unique=True)
    aliases = models.JSONField(
        "别名",
        default=list,
        blank=True,
        help_text="同一机构在版面上出现过的其他写法；以后导入时自动归并到本机构。",
    )
    province = models.ForeignKey(
        Province,
        verbose_name="所在省份",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="affiliations",
    )
    level = models.CharField(
        "级别", max_length=12, choices=Level.choices, default=Level.OTHER
    )

    objects = AffiliationQuerySet.as_manager()

    class Meta:
        verbose_name = "作者单位"
        verbose_name_plural = "作者单位"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:affiliation_detail", args=[self.pk])


class Author(models.Model):
    name = models.CharField("姓名", max_length=40, db_index=True)
    sort_key = models.CharField(
        "拼音排序键",
        max_length=200,
        db_index=True,
        editable=False,
        help_text="按姓氏读音生成（曾 zēng、单 shàn），保存时自动更新。",
    )
    aliases = models.JSONField(
        "别名", default=list, blank=True, help_text="合并作者时保留的其他写法。"
    )

    objects = AuthorQuerySet.as_manager()

    class Meta:
        verbose_name = "作者"
        verbose_name_plural = "作者"
        ordering = ["sort_key", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.sort_key = name_sort_key(self.name)
        if (
            kwargs.get("update_fields") is not None
            and "name" in kwargs["update_fields"]
        ):
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:author_detail", args=[self.pk])


class Article(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", "文章"
        DIGEST = "digest", "观点撷英"
        GRAPHIC = "graphic", "图解"
        REPORT = "report", "报道"
        BRIEF = "brief", "简讯"

    class Status(models.TextChoices):
        RAW = "raw", "未校对"
        IN_REVIEW = "in_review", "校对中"
        VERIFIED = "verified", "已审定"

    issue = models.ForeignKey(
        "archive.Issue",
        verbose_name="版面",
        on_delete=models.PROTECT,
        related_name="articles",
    )
    column = models.ForeignKey(
        Column,
        verbose_name="栏目",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    kind = models.CharField(
        "体裁", max_length=10, choices=Kind.choices, default=Kind.ARTICLE
    )
    position = models.PositiveSmallIntegerField(
        "版面顺序", default=0, help_text="文章在版面上的先后次序，从 1 开始。"
    )
    kicker = models.CharField("引题", max_length=200, blank=True)
    title = models.CharField("标题", max_length=300)
    lede = models.TextField(
        "观点提要", blank=True, help_text="版面上标有“观点”的提要框。"
    )
    body = models.TextField(
        "正文", blank=True, help_text="校对后的正文，段落之间空一行。"
    )
    original_ocr = models.TextField(
        "原始 OCR",
        editable=False,
        help_text="导入时本文对应的原始 OCR 文本，逐字保存，永不修改。",
    )
    status = models.CharField(
        "校对状态",
        max_length=10,
        choices=Status.choices,
        default=Status.RAW,
        db_index=True,
    )
    review_flags = models.JSONField(
        "待核提示",
        default=list,
        blank=True,
        help_text="导入程序拿不准的地方，每条含 code 与 message；处理后清除。",
    )
    dismissed_suggestions = models.JSONField(
        "已驳回建议",
        default=list,
        blank=True,
        editable=False,
        help_text="编辑驳回过的更正建议（原文→建议@上下文），不再重复提示。",
    )
    version = models.PositiveIntegerField(
        "版本号",
        default=1,
        editable=False,
        help_text="每次保存加一，用于防止覆盖他人修改。",
    )
    published = models.BooleanField(
        "公开",
        default=True,
        help_text="取消勾选后，读者页面、检索和接口都不再显示本文。",
    )
    derived_from = models.ManyToManyField(
        "self",
        verbose_name="来源文章",
        symmetrical=False,
        blank=True,
        related_name="derivatives",
        help_text="拆分或合并产生的文章指向其文字所出自的文章（其原始 OCR 保持不变）。",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField(
        "修改时间",
        auto_now=True,
        help_text="本文或其显示的任何内容（版面日期、栏目、署名、单位等）最后一次改动的时间。",
    )
    public_since = models.DateTimeField(
        "公开时间",
        null=True,
        blank=True,
        editable=False,
        help_text="本文最近一次变为公开的时间；刊期未详的文章在订阅源中以此为日期。",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "文章"
        verbose_name_plural = "文章"
        ordering = ["issue", "position", "id"]
        permissions = [
            ("verify_article", "可以审定文章（审校）"),
            ("replace_across_archive", "可以全库查找替换（审校）"),
        ]
        indexes = [models.Index(fields=["issue", "position"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = (
                Article.objects.filter(pk=self.pk)
                .values_list("original_ocr", flat=True)
                .first()
            )
            if stored is not None and stored != self.original_ocr:
                raise ValidationError("原始 OCR 文本不可修改。")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:article_detail", args=[self.pk])

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p.strip()]


class Authorship(models.Model):
    class Contribution(models.TextChoices):
        AUTHOR = "author", "作者"
        CREDIT = "credit", "署名（策划、制图、整理）"
        QUOTED = "quoted", "引述专家"

    article = models.ForeignKey(
        Article,
        verbose_name="文章",
        on_delete=models.CASCADE,
        related_name="authorships",
    )
    author = models.ForeignKey(
        Author,
        verbose_name="作者",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="authorships",
        help_text="版面只给出职务、没有署名时留空。",
    )
    affiliation = models.ForeignKey(
        Affiliation,
        verbose_name="当时单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="authorships",
    )
    role = models.CharField(
        "职务或角色",
        max_length=200,
        blank=True,
        help_text="如“党组书记、常务副主席”“本报记者”“策划/制图”。",
    )
    contribution = models.CharField(
        "署名类型",
        max_length=10,
        choices=Contribution.choices,
        default=Contribution.AUTHOR,
    )
    order = models.PositiveSmallIntegerField("署名顺序", default=1)

    objects = AuthorshipQuerySet.as_manager()

    class Meta:
        verbose_name = "署名"
        verbose_name_plural = "署名"
        ordering = ["article", "contribution", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "contribution", "order"],
                name="authorship_order_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(
                    author__isnull=True, affiliation__isnull=True, role=""
                ),
                name="authorship_says_something",
            ),
        ]

    def __str__(self):
        who = self.author.name if self.author_id else "（未署名）"
        return f"{who} {self.role}".strip()


class Tombstone(models.Model):
    """An article harvesters may have copied that is public no longer (OAI-PMH deleted record)."""

    class Reason(models.TextChoices):
        WITHDRAWN = "withdrawn", "撤回"
        MERGED = "merged", "并入其他文章"
        DELETED = "deleted", "删除"

    # Not a foreign key: the tombstone of a deleted article outlives it.
    article_pk = models.PositiveIntegerField("文章编号", unique=True)
    set_spec = models.CharField(
        "所在集合", max_length=60, blank=True, help_text="撤下时所属的 OAI 集合。"
    )
    reason = models.CharField("原因", max_length=10, choices=Reason.choices)
    merged_into = models.PositiveIntegerField("并入文章编号", null=True, blank=True)
    deleted_at = models.DateTimeField("撤下时间", db_index=True)

    class Meta:
        verbose_name = "已撤下记录"
        verbose_name_plural = "已撤下记录"
        ordering = ["article_pk"]

    def __str__(self):
        return f"{self.article_pk}（{self.get_reason_display()}）"


# The editing room's records (revisions, find-and-replace batches, structure changes,
# reader reports) live in articles/editing/models.py, under this app; imported here so
# Django finds them.
from articles.editing.models import (  # noqa: E402
    ReaderReport,
    ReplaceBatch,
    Revision,
    StructureChange,
)

__all__ = [
    "Affiliation",
    "Article",
    "Author",
    "Authorship",
    "Column",
    "Province",
    "ReaderReport",
    "ReplaceBatch",
    "Revision",
    "StructureChange",
]
