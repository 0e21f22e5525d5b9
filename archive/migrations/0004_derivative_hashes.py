"""Record a SHA-256 for every derived scan image and article crop, so verify_fixity can
tell a damaged or deleted derivative (taken from the files as they are now)."""

import hashlib
from pathlib import Path

from django.conf import settings
from django.db import migrations, models

KINDS = ("web", "zoom", "thumb")


def file_hash(relative: str) -> str:
    """The file's SHA-256, or "" when it is missing (verify_fixity then reports it)."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / relative).resolve()
    if not relative or root not in path.parents or not path.is_file():
        return ""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def record(apps, schema_editor):
    Scan = apps.get_model("archive", "Scan")
    ArticleRegion = apps.get_model("archive", "ArticleRegion")
    for scan in Scan.objects.iterator():
        for kind in KINDS:
            setattr(scan, f"{kind}_sha256", file_hash(getattr(scan, kind)))
        scan.save(update_fields=[f"{kind}_sha256" for kind in KINDS])
    for region in ArticleRegion.objects.exclude(image="").iterator():
        region.image_sha256 = file_hash(region.image)
        region.save(update_fields=["image_sha256"])


class Migration(migrations.Migration):
    dependencies = [("archive", "0003_scans")]

    operations = [
        *(
            migrations.AddField(
                model_name="scan",
                name=f"{kind}_sha256",
                field=models.CharField(
                    default="",
                    editable=False,
                    max_length=64,
                    verbose_name=label,
                ),
                preserve_default=False,
            )
            for kind, label in (
                ("web", "网页图 SHA-256"),
                ("zoom", "放大图 SHA-256"),
                ("thumb", "缩略图 SHA-256"),
            )
        ),
        migrations.AddField(
            model_name="articleregion",
            name="image_sha256",
            field=models.CharField(
                blank=True, editable=False, max_length=64, verbose_name="区域图 SHA-256"
            ),
        ),
        migrations.RunPython(record, migrations.RunPython.noop),
    ]
