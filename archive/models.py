"""Issue: one printed page as received, kept verbatim with its hash; learned corrections,
scans, regions.

Crosses into articles: ArticleRegion points at articles.Article (by label) and
Issue.objects.public() asks the articles on a page, because a page is public through its
articles (articles/querysets.py decides which are).
"""

import hashlib

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class IssueQuerySet(models.QuerySet):
    def public(self):
        """Pages readers may see: those with at least one public article."""
        # Through the reverse relation, so archive's models import nothing of articles.
        articles = self.model._meta.get_field("articles").related_model
        return self.filter(pk__in=articles.objects.public().values("issue_id"))


class Issue(models.Model):
    publication_date = models.DateField(
        "出版日期",
        null=True,
        blank=True,
        db_index=True,
        help_text="OCR 文本中没有日期；导入时未提供则留空，由编辑补全。",
    )
    number = models.PositiveIntegerField(
        "期号", null=True, blank=True, help_text="报纸的总期号；未知时留空。"
    )
    page_label = models.CharField(
        "版次", max_length=40, blank=True, help_text="如“第7版”或“理论版”，用于引文。"
    )
    source_name = models.CharField(
        "来源文件名", max_length=255, help_text="导入时的文件名，仅供追溯。"
    )
    raw_bytes = models.BinaryField(
        "原始字节", editable=False, help_text="收到的原始文件内容，逐字节保存。"
    )
    raw_encoding = models.CharField("原始编码", max_length=40, editable=False)
    raw_text = models.TextField(
        "原始 OCR 文本", editable=False, help_text="解码后的原始 OCR 文本，永不修改。"
    )
    raw_sha256 = models.CharField(
        "SHA-256",
        max_length=64,
        unique=True,
        editable=False,
        help_text="原始字节的 SHA-256；同一文件不会被导入两次。",
    )
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    import_flags = models.JSONField(
        "导入提示", default=list, blank=True, help_text="导入时无法归属到文章的提示。"
    )

    objects = IssueQuerySet.as_manager()

    class Meta:
        verbose_name = "版面"
        verbose_name_plural = "版面"
        ordering = ["-publication_date", "-number", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(raw_sha256__regex=r"^[0-9a-f]{64}$"),
                name="issue_sha256_is_hex",
            ),
        ]

    def __str__(self):
        parts = []
        if self.publication_date:
            d = self.publication_date
            parts.append(f"{d.year}年{d.month}月{d.day}日")
        else:
            parts.append("日期待定")
        if self.number:
            parts.append(f"第{self.number}期")
        if self.page_label:
            parts.append(self.page_label)
        if not self.publication_date and self.pk:
            # Without a date, the first article's title tells editors which page it is
            # (the file name means nothing to them).
            first = self.articles.order_by("position").values_list("title", flat=True)
            if first[:1]:
                parts.append(f"《{first[0]}》")
        return " ".join(parts)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = (
                Issue.objects.filter(pk=self.pk)
                .values("raw_sha256", "raw_text")
                .first()
            )
            if stored and (stored["raw_sha256"], stored["raw_text"]) != (
                self.raw_sha256,
                self.raw_text,
            ):
                raise ValidationError("原始版面不可修改。")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:issue_detail", args=[self.pk])

    def clean(self):
        if (
            self.raw_sha256
            and bytes(self.raw_bytes or b"")
            and (sha256_hex(bytes(self.raw_bytes)) != self.raw_sha256)
        ):
            raise ValidationError("原始字节与其 SHA-256 不符。")

    @property
    def title(self) -> str:
        """Human label used on public pages."""
        if self.publication_date:
            d = self.publication_date
            label = f"{d.year}年{d.month}月{d.day}日"
        else:
            label = "出版日期待定"
        if self.page_label:
            label += f" {self.page_label}"
        return label


class LearnedCorrection(models.Model):
    """A correction editors applied (wrong → right), offered again wherever it recurs."""

    wrong = models.CharField("误识", max_length=100)
    right = models.CharField("更正为", max_length=100)
    times_applied = models.PositiveIntegerField("采用次数", default=1)
    times_rejected = models.PositiveIntegerField(
        "驳回次数", default=0, help_text="编辑驳回由它提出的建议的次数。"
    )
    context = models.CharField(
        "出处",
        max_length=200,
        blank=True,
        help_text="首次更正时的上下文，或教会它的批量替换。",
    )
    created_by = models.ForeignKey(
        "auth.User",
        verbose_name="首次更正者",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    active = models.BooleanField(
        "启用", default=True, help_text="停用后不再作为建议提出。"
    )

    class Meta:
        verbose_name = "已学更正"
        verbose_name_plural = "已学更正"
        ordering = ["-times_applied", "wrong"]
        constraints = [
            models.UniqueConstraint(
                fields=["wrong", "right"], name="learned_correction_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(wrong=models.F("right")),
                name="learned_correction_changes",
            ),
        ]

    def __str__(self):
        return f"{self.wrong} → {self.right}"

    @classmethod
    def pairs(cls) -> list[tuple[str, str]]:
        return list(cls.objects.filter(active=True).values_list("wrong", "right"))

    @classmethod
    def record(
        cls, wrong: str, right: str, user=None, context: str = ""
    ) -> "LearnedCorrection":
        """Remember an accepted correction; a repeat only raises its count."""
        learned, created = cls.objects.get_or_create(
            wrong=wrong,
            right=right,
            defaults={"created_by": user, "context": context[:200]},
        )
        if not created:
            cls.objects.filter(pk=learned.pk).update(
                times_applied=models.F("times_applied") + 1
            )
        return learned

    @classmethod
    def withdraw(cls, wrong: str, right: str) -> None:
        """Take back one acceptance (an undone batch); a pair nobody else accepted goes."""
        cls.objects.filter(wrong=wrong, right=right, times_applied__lte=1).delete()
        cls.objects.filter(wrong=wrong, right=right).update(
            times_applied=models.F("times_applied") - 1
        )

    @classmethod
    def rejected(cls, wrong: str, right: str) -> None:
        """An editor dismissed a suggestion this pair made."""
        cls.objects.filter(wrong=wrong, right=right).update(
            times_rejected=models.F("times_rejected") + 1
        )


# ---------------------------------------------------------------------------------------
# PAGE SCANS (archive/scans/): the printed page's image beside its OCR text.


class Scan(models.Model):
    """One image of a printed page: an uploaded JPEG/PNG/TIFF, or one page of a PDF.

    The uploaded file is kept byte for byte under MEDIA_ROOT with its SHA-256 (checked
    by verify_fixity); the web, zoom and thumbnail JPEGs are derived from it once, at
    upload. Paths are relative to MEDIA_ROOT and built from the hash, never from input.
    """

    issue = models.ForeignKey(
        Issue, verbose_name="版面", on_delete=models.PROTECT, related_name="scans"
    )
    order = models.PositiveSmallIntegerField("顺序", default=1)
    original_name = models.CharField(
        "上传文件名", max_length=255, help_text="上传或导入时的文件名，仅供追溯。"
    )
    original = models.CharField("原件路径", max_length=255, editable=False)
    original_sha256 = models.CharField("原件 SHA-256", max_length=64, editable=False)
    original_size = models.PositiveBigIntegerField("原件字节数", editable=False)
    media_type = models.CharField("原件类型", max_length=40, editable=False)
    source_page = models.PositiveSmallIntegerField(
        "原件页码",
        default=1,
        editable=False,
        help_text="PDF 的第几页或 TIFF 的第几帧。",
    )
    width = models.PositiveIntegerField("宽（像素）", editable=False)
    height = models.PositiveIntegerField("高（像素）", editable=False)
    web = models.CharField("网页图路径", max_length=255, editable=False)
    zoom = models.CharField("放大图路径", max_length=255, editable=False)
    thumb = models.CharField("缩略图路径", max_length=255, editable=False)
    # Hashes of the derived images, taken when they were rendered (checked by
    # verify_fixity, which can render them again from the original).
    web_sha256 = models.CharField("网页图 SHA-256", max_length=64, editable=False)
    zoom_sha256 = models.CharField("放大图 SHA-256", max_length=64, editable=False)
    thumb_sha256 = models.CharField("缩略图 SHA-256", max_length=64, editable=False)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = models.ForeignKey(
        "auth.User",
        verbose_name="上传者",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "原版扫描"
        verbose_name_plural = "原版扫描"
        ordering = ["issue", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "order"], name="scan_order_unique"
            ),
            models.UniqueConstraint(
                fields=["issue", "original_sha256", "source_page"],
                name="scan_once_per_issue",
            ),
            models.CheckConstraint(
                condition=models.Q(original_sha256__regex=r"^[0-9a-f]{64}$"),
                name="scan_sha256_is_hex",
            ),
        ]

    def __str__(self):
        page = f"第{self.source_page}页" if self.media_type == "application/pdf" else ""
        return f"{self.original_name}{page}".strip() or f"扫描 #{self.pk}"

    def derivative(self, kind: str) -> str:
        """The MEDIA_ROOT-relative path of a derivative ("web", "zoom" or "thumb")."""
        if kind not in ("web", "zoom", "thumb"):
            raise ValueError(kind)
        return getattr(self, kind)

    def derivative_sha256(self, kind: str) -> str:
        """The SHA-256 recorded when that derivative was rendered."""
        if kind not in ("web", "zoom", "thumb"):
            raise ValueError(kind)
        return getattr(self, f"{kind}_sha256")


class ArticleRegion(models.Model):
    """Where an article sits on its page scan, as fractions (0..1) of the page's size.

    Kept beside Article (not on it) so the page-scan feature owns its own table. The
    crop readers see is cut once, when an editor saves the region.
    """

    article = models.OneToOneField(
        "articles.Article",
        verbose_name="文章",
        on_delete=models.CASCADE,
        related_name="scan_region",
    )
    scan = models.ForeignKey(
        Scan, verbose_name="扫描页", on_delete=models.CASCADE, related_name="regions"
    )
    x = models.FloatField("左")
    y = models.FloatField("上")
    w = models.FloatField("宽")
    h = models.FloatField("高")
    image = models.CharField("区域图路径", max_length=255, blank=True, editable=False)
    image_sha256 = models.CharField(
        "区域图 SHA-256", max_length=64, blank=True, editable=False
    )
    image_width = models.PositiveIntegerField("区域图宽", default=0, editable=False)
    image_height = models.PositiveIntegerField("区域图高", default=0, editable=False)
    updated_at = models.DateTimeField("标记时间", auto_now=True)
    updated_by = models.ForeignKey(
        "auth.User",
        verbose_name="标记者",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "文章版面位置"
        verbose_name_plural = "文章版面位置"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    x__gte=0,
                    y__gte=0,
                    w__gt=0,
                    h__gt=0,
                    x__lte=1,
                    y__lte=1,
                    w__lte=1,
                    h__lte=1,
                ),
                name="region_within_page",
            ),
        ]

    def __str__(self):
        return f"{self.article_id} @ {self.scan_id}"

    @property
    def box(self) -> str:
        """The region as "x,y,w,h" for the viewer's data attribute, never localized."""
        return ",".join(f"{v:.6f}" for v in (self.x, self.y, self.w, self.h))
