"""Byte ranges for large downloads (RFC 9110 §14): one range is 206, an impossible one 416.

Django's FileResponse always sends the whole file; a resumed or segmented download of a
corpus zip asks for the rest of it. Several ranges in one request (multipart answers)
are rare in practice and get the whole file, which the RFC allows.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.http import FileResponse, HttpResponse
from django.utils.http import http_date, parse_http_date_safe

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
BLOCK = 64 * 1024


class Window:
    """A file object limited to `length` bytes from `start` (what FileResponse streams)."""

    def __init__(self, handle, start: int, length: int):
        handle.seek(start)
        self.handle = handle
        self.left = length

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        size = self.left if size is None or size < 0 else min(size, self.left)
        data = self.handle.read(size)
        self.left -= len(data)
        return data

    def close(self) -> None:
        self.handle.close()


def byte_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """(first, last) byte of a single range; None for none or several (send all);
    False when it cannot be satisfied."""
    match = RANGE.match(header.replace(" ", ""))
    if not match or not any(match.groups()):
        return None
    first, last = match.groups()
    if not first:  # the last N bytes
        length = int(last)
        return (max(size - length, 0), size - 1) if length and size else False
    first = int(first)
    last = min(int(last), size - 1) if last else size - 1
    if first >= size or first > last:
        return False
    return first, last


def ranged_file_response(
    request, path: Path, *, content_type: str, filename: str
) -> HttpResponse:
    """The file at `path` as an attachment, or the part of it the request's Range asks for."""
    stat = path.stat()
    size = stat.st_size
    modified = http_date(stat.st_mtime)
    wanted = byte_range(request.headers.get("Range", ""), size)
    if_range = request.headers.get("If-Range")
    if wanted and if_range and not _still(if_range, stat.st_mtime, modified):
        wanted = None  # the file changed since the client's copy: send it whole
    if wanted is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif wanted is None:
        response = FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=filename,
            content_type=content_type,
        )
    else:
        first, last = wanted
        response = FileResponse(
            Window(path.open("rb"), first, last - first + 1),
            as_attachment=True,
            filename=filename,
            content_type=content_type,
            status=206,
        )
        response["Content-Length"] = str(last - first + 1)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["Last-Modified"] = modified
    return response


def _still(if_range: str, mtime: float, modified: str) -> bool:
    when = parse_http_date_safe(if_range)
    return if_range == modified or (when is not None and when >= int(mtime))
