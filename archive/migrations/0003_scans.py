"""Page scans and article regions; editors may add scans, reviewers may also delete them."""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

EDITOR = [("archive", "view_scan"), ("archive", "add_scan")]
REVIEWER = [*EDITOR, ("archive", "delete_scan")]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, pairs in (("编辑", EDITOR), ("审校", REVIEWER)):
        group, _ = Group.objects.get_or_create(name=name)
        for app, codename in pairs:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0002_learned_corrections"),
        ("articles", "0007_structure_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Scan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "order",
                    models.PositiveSmallIntegerField(default=1, verbose_name="顺序"),
                ),
                (
                    "original_name",
                    models.CharField(
                        help_text="上传或导入时的文件名，仅供追溯。",
                        max_length=255,
                        verbose_name="上传文件名",
                    ),
                ),
                (
                    "original",
                    models.CharField(
                        editable=False, max_length=255, verbose_name="原件路径"
                    ),
                ),
                (
                    "original_sha256",
                    models.CharField(
                        editable=False, max_length=64, verbose_name="原件 SHA-256"
                    ),
                ),
                (
                    "original_size",
                    models.PositiveBigIntegerField(
                        editable=False, verbose_name="原件字节数"
                    ),
                ),
                (
                    "media_type",
                    models.CharField(
                        editable=False, max_length=40, verbose_name="原件类型"
                    ),
                ),
                (
                    "source_page",
                    models.PositiveSmallIntegerField(
                        default=1,
                        editable=False,
                        help_text="PDF 的第几页或 TIFF 的第几帧。",
                        verbose_name="原件页码",
                    ),
                ),
                (
                    "width",
                    models.PositiveIntegerField(
                        editable=False, verbose_name="宽（像素）"
                    ),
                ),
                (
                    "height",
                    models.PositiveIntegerField(
                        editable=False, verbose_name="高（像素）"
                    ),
                ),
                (
                    "web",
                    models.CharField(
                        editable=False, max_length=255, verbose_name="网页图路径"
                    ),
                ),
                (
                    "zoom",
                    models.CharField(
                        editable=False, max_length=255, verbose_name="放大图路径"
                    ),
                ),
                (
                    "thumb",
                    models.CharField(
                        editable=False, max_length=255, verbose_name="缩略图路径"
                    ),
                ),
                (
                    "uploaded_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="上传时间"),
                ),
                (
                    "issue",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="scans",
                        to="archive.issue",
                        verbose_name="版面",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="上传者",
                    ),
                ),
            ],
            options={
                "verbose_name": "原版扫描",
                "verbose_name_plural": "原版扫描",
                "ordering": ["issue", "order", "id"],
            },
        ),
        migrations.CreateModel(
            name="ArticleRegion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("x", models.FloatField(verbose_name="左")),
                ("y", models.FloatField(verbose_name="上")),
                ("w", models.FloatField(verbose_name="宽")),
                ("h", models.FloatField(verbose_name="高")),
                (
                    "image",
                    models.CharField(
                        blank=True,
                        editable=False,
                        max_length=255,
                        verbose_name="区域图路径",
                    ),
                ),
                (
                    "image_width",
                    models.PositiveIntegerField(
                        default=0, editable=False, verbose_name="区域图宽"
                    ),
                ),
                (
                    "image_height",
                    models.PositiveIntegerField(
                        default=0, editable=False, verbose_name="区域图高"
                    ),
                ),
                (
                    "updated_at",
                    models.DateTimeField(auto_now=True, verbose_name="标记时间"),
                ),
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="scan_region",
                        to="articles.article",
                        verbose_name="文章",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="标记者",
                    ),
                ),
                (
                    "scan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="regions",
                        to="archive.scan",
                        verbose_name="扫描页",
                    ),
                ),
            ],
            options={
                "verbose_name": "文章版面位置",
                "verbose_name_plural": "文章版面位置",
            },
        ),
        migrations.AddConstraint(
            model_name="scan",
            constraint=models.UniqueConstraint(
                fields=("issue", "order"), name="scan_order_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="scan",
            constraint=models.UniqueConstraint(
                fields=("issue", "original_sha256", "source_page"),
                name="scan_once_per_issue",
            ),
        ),
        migrations.AddConstraint(
            model_name="scan",
            constraint=models.CheckConstraint(
                condition=models.Q(("original_sha256__regex", "^[0-9a-f]{64}$")),
                name="scan_sha256_is_hex",
            ),
        ),
        migrations.AddConstraint(
            model_name="articleregion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("h__gt", 0),
                    ("h__lte", 1),
                    ("w__gt", 0),
                    ("w__lte", 1),
                    ("x__gte", 0),
                    ("x__lte", 1),
                    ("y__gte", 0),
                    ("y__lte", 1),
                ),
                name="region_within_page",
            ),
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
