"""Backup and restore of the whole archive: database content with history, raw pages, media.

A backup is one zip: `data.json` (Django's dumpdata with natural keys, so it loads
into an empty database of either engine), every raw page as `raw/<sha256>.txt`,
the media files, and `manifest.json` with the SHA-256 of each member.
"""

import hashlib
import io
import json
import zipfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

# Rows that migrations recreate or that are only caches.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]
APP_LABELS = ["auth", "archive", "articles"]


class BackupError(Exception):
    """The backup file is unusable or the target database is not empty."""


def dump_database() -> bytes:
    out = io.StringIO()
    call_command(
        "dumpdata",
        *APP_LABELS,
        exclude=EXCLUDED,
        natural_foreign=True,
        natural_primary=True,
        indent=None,
        stdout=out,
    )
    return out.getvalue().encode("utf-8")


def write_backup(path: Path) -> dict:
    """Write the archive to `path` (a .zip); returns the manifest."""
    from archive.models import Issue

    members: dict[str, bytes] = {"data.json": dump_database()}
    for sha, raw in Issue.objects.values_list("raw_sha256", "raw_bytes"):
        members[f"raw/{sha}.txt"] = bytes(raw)
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists():
        for file in sorted(p for p in media_root.rglob("*") if p.is_file()):
            members[f"media/{file.relative_to(media_root).as_posix()}"] = (
                file.read_bytes()
            )
    manifest = {
        name: hashlib.sha256(data).hexdigest() for name, data in members.items()
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        archive.writestr("manifest.json", json.dumps(manifest, indent=1))
    return manifest


def read_backup(path: Path) -> dict[str, bytes]:
    """Every member of a backup, checked against its manifest."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = {name: archive.read(name) for name in archive.namelist()}
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(f"无法读取备份文件：{exc}") from exc
    try:
        manifest = json.loads(members.pop("manifest.json"))
    except (KeyError, ValueError) as exc:
        raise BackupError("备份缺少清单 manifest.json。") from exc
    for name, digest in manifest.items():
        if name not in members:
            raise BackupError(f"备份缺少文件：{name}")
        if hashlib.sha256(members[name]).hexdigest() != digest:
            raise BackupError(f"备份文件已损坏：{name}")
    return members


def restore_backup(path: Path) -> None:
    """Load a backup into an empty, migrated database (one transaction) and its media."""
    from archive.models import Issue

    members = read_backup(path)
    if Issue.objects.exists():
        raise BackupError(
            "目标数据库不是空的：恢复只能在新建并迁移过的空数据库中进行。"
        )
    fixture = Path(settings.VAR_DIR) / "restore-data.json"
    fixture.write_bytes(members["data.json"])
    try:
        with transaction.atomic():
            call_command("loaddata", str(fixture), verbosity=0)
            for issue in Issue.objects.all():
                raw = members.get(f"raw/{issue.raw_sha256}.txt")
                if raw is None or bytes(issue.raw_bytes) != raw:
                    raise BackupError(
                        f"版面 {issue.source_name} 的原始字节与备份中的原文不符。"
                    )
    finally:
        fixture.unlink(missing_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    for name, data in members.items():
        if name.startswith("media/"):
            target = (media_root / name.removeprefix("media/")).resolve()
            if media_root.resolve() not in target.parents:
                raise BackupError(f"备份中的媒体路径不安全：{name}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)


def archive_digest() -> dict:
    """Counts per model and a hash per article, to compare two installations."""
    counts = {
        model._meta.label: model.objects.count()
        for label in ("archive", "articles")
        for model in apps.get_app_config(label).get_models()
    }
    from articles.models import Article

    articles = {
        str(pk): hashlib.sha256(f"{title}\x1f{body}\x1f{original}".encode()).hexdigest()
        for pk, title, body, original in Article.objects.values_list(
            "pk", "title", "body", "original_ocr"
        )
    }
    return {"counts": counts, "articles": articles}
