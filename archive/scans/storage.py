"""Scan files under MEDIA_ROOT: content-addressed paths, atomic streamed writes."""

import hashlib
import logging
import os
import uuid
from pathlib import Path

from django.conf import settings

from archive.files import copy_hashed, file_sha256

logger = logging.getLogger(__name__)

SCAN_DIR = "scans"


class ChangedSource(OSError):
    """A file to be stored no longer has the bytes that were checked."""


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def media_path(relative: str) -> Path:
    """The absolute path of a stored relative path; refuses anything outside
    MEDIA_ROOT."""
    root = media_root().resolve()
    path = (root / relative).resolve()
    if not relative or root not in path.parents:
        raise ValueError(f"unsafe media path: {relative!r}")
    return path


def original_path(sha: str, extension: str) -> str:
    return f"{SCAN_DIR}/originals/{sha[:2]}/{sha}.{extension}"


def derivative_path(sha: str, source_page: int, kind: str, digest: str) -> str:
    """Named by the original and by its own hash: scans of the same original share
    the file only while it has the same bytes (a re-render makes a new name)."""
    return f"{SCAN_DIR}/derived/{sha[:2]}/{sha}-p{source_page}-{kind}-{digest[:16]}.jpg"


def region_path(article_id: int, digest: str) -> str:
    return f"{SCAN_DIR}/regions/{article_id}-{digest[:16]}.jpg"


def write_file(
    relative: str, source: Path | bytes, *, sha256: str | None = None
) -> bool:
    """Writes atomically (temporary name, fsync, rename); True if the file is new.

    A file is copied in chunks, so memory does not grow with its size; with `sha256`
    the copy is refused unless it has those bytes. Files are named by content, so an
    existing file is kept, unless `sha256` is given and the file no longer matches it:
    then the write repairs it.
    """
    path = media_path(relative)
    if path.exists() and (sha256 is None or file_sha256(path) == sha256):
        return False
    existed = path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with temporary.open("wb") as handle:
            if isinstance(source, bytes):
                digest = hashlib.sha256(source).hexdigest()
                handle.write(source)
            else:
                with source.open("rb") as reader:
                    digest = copy_hashed(reader, handle)
            handle.flush()
            os.fsync(handle.fileno())
        if sha256 is not None and digest != sha256:
            raise ChangedSource(f"{source} changed after it was checked")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return not existed


def remove_files(relatives) -> None:
    for relative in relatives:
        try:
            media_path(relative).unlink(missing_ok=True)
        except (OSError, ValueError):
            logger.warning("could not remove scan file %s", relative, exc_info=True)
