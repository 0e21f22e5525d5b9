"""Scan files: paths stay under MEDIA_ROOT, writes are atomic, streamed and checked."""

import hashlib

import pytest

from archive.scans import storage


def test_media_paths_never_leave_media_root(media):
    for bad in ("", "../secret", "/etc/passwd", "scans/../../x"):
        with pytest.raises(ValueError):
            storage.media_path(bad)


def test_a_file_is_copied_in_and_an_existing_one_kept(media, tmp_path):
    source = tmp_path / "upload.jpg"
    source.write_bytes(b"scan bytes")
    digest = hashlib.sha256(b"scan bytes").hexdigest()
    assert storage.write_file("scans/a.jpg", source, sha256=digest) is True
    assert (media / "scans/a.jpg").read_bytes() == b"scan bytes"
    assert storage.write_file("scans/a.jpg", source, sha256=digest) is False
    assert [p.name for p in (media / "scans").iterdir()] == ["a.jpg"]


def test_a_damaged_file_is_repaired_by_writing_it_again(media):
    digest = hashlib.sha256(b"good").hexdigest()
    storage.write_file("scans/a.jpg", b"good", sha256=digest)
    (media / "scans/a.jpg").write_bytes(b"rot")
    storage.write_file("scans/a.jpg", b"good", sha256=digest)
    assert (media / "scans/a.jpg").read_bytes() == b"good"


def test_a_source_changed_since_it_was_checked_is_not_stored(media, tmp_path):
    source = tmp_path / "upload.jpg"
    source.write_bytes(b"changed")
    with pytest.raises(storage.ChangedSource):
        storage.write_file(
            "scans/a.jpg", source, sha256=hashlib.sha256(b"checked").hexdigest()
        )
    assert not (media / "scans").exists() or not any((media / "scans").iterdir())


def test_derivative_names_carry_their_own_hash():
    sha = "ab" * 32
    first = storage.derivative_path(sha, 1, "web", "1" * 64)
    again = storage.derivative_path(sha, 1, "web", "2" * 64)
    assert first.startswith("scans/derived/ab/") and first != again
