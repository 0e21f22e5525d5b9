"""Streaming copy and hash: hashlib's digest for any size, with or without a copy."""

import hashlib
import io

import pytest

from archive.files import CHUNK, copy_hashed, file_sha256


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, 3 * CHUNK + 7])
def test_copy_hashed_copies_every_byte_and_hashes_them(size):
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    out = io.BytesIO()
    assert copy_hashed(io.BytesIO(data), out) == hashlib.sha256(data).hexdigest()
    assert out.getvalue() == data


def test_file_sha256_reads_a_file(tmp_path):
    path = tmp_path / "scan.jpg"
    path.write_bytes(b"\xff\xd8\xff" * 1000)
    assert file_sha256(path) == hashlib.sha256(b"\xff\xd8\xff" * 1000).hexdigest()
