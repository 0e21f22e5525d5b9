"""Backup and restore of the whole archive: database with history, raw pages, media.

A backup is one zip: `data.jsonl` (Django's dumpdata with natural keys, one object a
line, so it loads into an empty database of either engine), every raw page as
`raw/<sha256>.txt`, the media files, and `manifest.json` with the SHA-256 of each
member. Members are streamed in and out in chunks, so memory does not grow with the
archive; the zip is written beside the target and renamed over it only when complete,
so an interrupted backup leaves the last good one in place.

Crosses into articles: archive_digest hashes each articles.Article's text, because two
installations agree only if their articles do.
"""

import hashlib
import json
import os
import tempfile
import zipfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from archive.files import copy_hashed
from archive.models import Issue, sha256_hex
from articles.models import Article

# Rows that migrations recreate or that are only caches.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]
APP_LABELS = ["auth", "archive", "articles"]
# Media already compressed (scans and their JPEGs): deflating them again costs time
# and saves nothing.
STORED = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".pdf"}


class BackupError(Exception):
    """The backup file is unusable or the target database is not empty."""


def write_backup(path: Path) -> dict[str, str]:
    """Writes the archive to `path` (a .zip), replacing it atomically; returns the
    manifest."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp: beside the target (same file system, so the rename is atomic), mode 0600
    # (the backup holds password hashes).
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
                manifest = write_members(archive)
                archive.writestr("manifest.json", json.dumps(manifest, indent=1))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    # The rename itself reaches the disk only with the directory.
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return manifest


def write_members(archive: zipfile.ZipFile) -> dict[str, str]:
    manifest = {}
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / "data.jsonl"
        call_command(
            "dumpdata",
            *APP_LABELS,
            exclude=EXCLUDED,
            natural_foreign=True,
            natural_primary=True,
            format="jsonl",
            output=str(dump),
            verbosity=0,
        )
        manifest["data.jsonl"] = add_file(archive, "data.jsonl", dump)
    raw_pages = Issue.objects.values_list("raw_sha256", "raw_bytes").order_by("pk")
    for sha, raw in raw_pages.iterator(chunk_size=20):
        archive.writestr(f"raw/{sha}.txt", bytes(raw))
        manifest[f"raw/{sha}.txt"] = sha256_hex(bytes(raw))
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists():
        for file in sorted(p for p in media_root.rglob("*") if p.is_file()):
            name = f"media/{file.relative_to(media_root).as_posix()}"
            compress = file.suffix.lower() not in STORED
            manifest[name] = add_file(archive, name, file, compress=compress)
    return manifest


def add_file(
    archive: zipfile.ZipFile, name: str, source: Path, *, compress: bool = True
) -> str:
    """Copies a file into the zip in chunks; returns its SHA-256."""
    info = zipfile.ZipInfo.from_file(source, name)
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with source.open("rb") as reader, archive.open(info, "w", force_zip64=True) as out:
        return copy_hashed(reader, out)


def member_sha256(archive: zipfile.ZipFile, name: str) -> str:
    with archive.open(name) as member:
        return copy_hashed(member)


def verify_backup(path: Path) -> dict[str, str]:
    """Checks every member against the manifest, in chunks; returns the manifest."""
    try:
        with zipfile.ZipFile(path) as archive:
            try:
                manifest = json.loads(archive.read("manifest.json"))
            except (KeyError, ValueError) as exc:
                raise BackupError("备份缺少清单 manifest.json。") from exc
            present = set(archive.namelist())
            for name, digest in manifest.items():
                if name not in present:
                    raise BackupError(f"备份缺少文件：{name}")
                try:
                    intact = member_sha256(archive, name) == digest
                except zipfile.BadZipFile:
                    intact = False  # a CRC error: the zip itself is damaged
                if not intact:
                    raise BackupError(f"备份文件已损坏：{name}")
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(f"无法读取备份文件：{exc}") from exc
    return manifest


def restore_backup(path: Path) -> None:
    """Loads a backup into an empty, migrated database (one transaction), then media."""
    manifest = verify_backup(path)
    if Issue.objects.exists():
        raise BackupError(
            "目标数据库不是空的：恢复只能在新建并迁移过的空数据库中进行。"
        )
    # Backups made before the dump was streamed hold one JSON document.
    dump = "data.jsonl" if "data.jsonl" in manifest else "data.json"
    with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory() as work:
        fixture = Path(work) / dump
        extract(archive, dump, fixture)
        with transaction.atomic():
            call_command("loaddata", str(fixture), verbosity=0)
            pages = Issue.objects.only("source_name", "raw_bytes", "raw_sha256")
            for issue in pages.iterator(chunk_size=20):
                # The raw member passed the manifest: its name and hash must be this
                # page's.
                recorded = manifest.get(f"raw/{issue.raw_sha256}.txt")
                if not (
                    recorded == issue.raw_sha256 == sha256_hex(bytes(issue.raw_bytes))
                ):
                    raise BackupError(
                        f"版面 {issue.source_name} 的原始字节与备份中的原文不符。"
                    )
        media_root = Path(settings.MEDIA_ROOT).resolve()
        for name in manifest:
            if name.startswith("media/"):
                target = (media_root / name.removeprefix("media/")).resolve()
                if media_root not in target.parents:
                    raise BackupError(f"备份中的媒体路径不安全：{name}")
                extract(archive, name, target)


def extract(archive: zipfile.ZipFile, name: str, target: Path) -> None:
    """Copies one member to a file in chunks, under a temporary name until complete."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        with archive.open(name) as member, temporary.open("wb") as out:
            copy_hashed(member, out)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def archive_digest() -> dict:
    """Counts per model and a hash per article, to compare two installations."""
    counts = {
        model._meta.label: model.objects.count()
        for label in ("archive", "articles")
        for model in apps.get_app_config(label).get_models()
    }
    articles = {
        str(pk): hashlib.sha256(f"{title}\x1f{body}\x1f{original}".encode()).hexdigest()
        for pk, title, body, original in Article.objects.values_list(
            "pk", "title", "body", "original_ocr"
        )
    }
    return {"counts": counts, "articles": articles}
