"""Streaming file helpers (no Django): copy and hash through one fixed buffer, so memory
stays flat however large or many the files (backups, scan originals)."""

import hashlib
from pathlib import Path
from typing import BinaryIO

CHUNK = 1024 * 1024


def copy_hashed(reader: BinaryIO, writer: BinaryIO | None = None) -> str:
    """Reads `reader` to its end, writing it to `writer` if given; returns the SHA-256.

    One buffer is reused for every chunk: a fresh 1 MB bytes object per read leaves
    the C heap fragmented, and the process grows with each file it copies.
    """
    digest = hashlib.sha256()
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    while count := reader.readinto(buffer):
        digest.update(view[:count])
        if writer is not None:
            writer.write(view[:count])
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return copy_hashed(handle)
