"""Scan writes: attach with hashes, skip repeats, all or nothing, delete, rebuild,
regions."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from PIL import Image

from archive.files import file_sha256
from archive.models import ArticleRegion, Scan, sha256_hex
from archive.scans import services, storage
from archive.scans.imaging import ScanRefused
from tests.archive.conftest import media_files
from tests.archive.scans.images import jpeg_bytes, pdf_bytes


def test_a_scan_is_stored_with_its_hashes(make_issue, media, attach):
    data = jpeg_bytes(4000, 6000)
    [scan] = attach(make_issue(), data, "第7版.jpg")
    assert (scan.original_sha256, scan.original_size) == (sha256_hex(data), len(data))
    assert scan.media_type == "image/jpeg" and (scan.width, scan.height) == (4000, 6000)
    assert (media / scan.original).read_bytes() == data
    assert scan.original.startswith("scans/originals/")
    for kind in ("web", "zoom", "thumb"):
        path = media / scan.derivative(kind)
        assert file_sha256(path) == getattr(scan, f"{kind}_sha256")
    assert Image.open(media / scan.web).width == 1600


def test_a_pdf_becomes_one_scan_per_page_sharing_the_original(make_issue, attach):
    stored = attach(make_issue(), pdf_bytes(pages=2), "版面.pdf")
    assert [(s.source_page, s.order) for s in stored] == [(1, 1), (2, 2)]
    assert stored[0].original == stored[1].original
    assert stored[0].original.endswith(".pdf") and str(stored[1]) == "版面.pdf第2页"


def test_the_same_page_twice_is_stored_once(make_issue, media, attach):
    issue, other = make_issue(), make_issue()
    data = jpeg_bytes()
    attach(issue, data)
    assert attach(issue, data) == []
    # Another page may carry the same file; the bytes are stored once.
    attach(other, data)
    assert Scan.objects.count() == 2
    originals = [p for p in media_files(media) if "/originals/" in p.as_posix()]
    assert len(originals) == 1


def test_a_failure_while_storing_leaves_no_row_and_no_file(
    make_issue, media, monkeypatch
):
    prepared = services.prepare_scan(pdf_bytes(pages=2), "page.pdf")
    real_write = storage.write_file
    calls = []

    def failing_write(relative, source, **kwargs):
        calls.append(relative)
        if len(calls) == 4:
            raise OSError(28, "No space left on device")
        return real_write(relative, source, **kwargs)

    monkeypatch.setattr(storage, "write_file", failing_write)
    with pytest.raises(OSError):
        services.store_scans(make_issue(), [prepared])
    assert not Scan.objects.exists() and media_files(media) == []


def test_an_original_changed_after_its_check_is_refused(make_issue, media, tmp_path):
    path = tmp_path / "page.jpg"
    path.write_bytes(jpeg_bytes())
    prepared = services.prepare_scan_file(path)
    path.write_bytes(jpeg_bytes(1000, 1500))
    with pytest.raises(ScanRefused, match="被改动"):
        services.store_scans(make_issue(), [prepared])
    assert not Scan.objects.exists() and media_files(media) == []


def test_an_upload_is_read_from_its_temporary_file(make_issue, media, attach):
    """A large upload (on disk) is rendered and stored from disk, never read whole."""
    upload = TemporaryUploadedFile("大图.jpg", "image/jpeg", 0, None)
    upload.write(jpeg_bytes())
    upload.flush()
    prepared = services.prepare_upload(upload)
    assert prepared.path.as_posix() == upload.temporary_file_path()
    [scan] = services.store_scans(make_issue(), [prepared])
    assert scan.original_name == "大图.jpg"
    small = services.prepare_upload(
        SimpleUploadedFile("小图.jpg", jpeg_bytes(300, 400))
    )
    assert small.pages[0].width == 300


def test_deleting_a_scan_keeps_files_another_page_still_uses(
    make_issue, media, attach, django_capture_on_commit_callbacks
):
    data = jpeg_bytes()
    [a] = attach(make_issue(), data)
    [b] = attach(make_issue(), data)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_scans([a])
    assert (media / b.original).exists() and (media / b.web).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_scans([b])
    assert media_files(media) == []


def test_uploading_the_same_file_again_repairs_a_damaged_original(
    scanned, media, attach
):
    (media / scanned.original).write_bytes(b"rot")
    assert attach(scanned.issue, jpeg_bytes()) == []
    assert file_sha256(media / scanned.original) == scanned.original_sha256


def test_rebuilding_derivatives_restores_them_from_the_original(
    scanned, media, django_capture_on_commit_callbacks
):
    (media / scanned.web).unlink()
    (media / scanned.thumb).write_bytes(b"rot")
    with django_capture_on_commit_callbacks(execute=True):
        services.rebuild_derivatives(scanned)
    scanned.refresh_from_db()
    for kind in ("web", "zoom", "thumb"):
        path = media / scanned.derivative(kind)
        assert file_sha256(path) == getattr(scanned, f"{kind}_sha256")


def test_derivatives_are_not_rebuilt_from_a_damaged_original(scanned, media):
    (media / scanned.original).write_bytes(b"rot")
    with pytest.raises(ScanRefused, match="原件"):
        services.rebuild_derivatives(scanned)


def test_a_region_is_saved_with_its_crop_and_hash(
    scanned, scan_article, media, django_capture_on_commit_callbacks
):
    region = services.save_region(scan_article, scanned, (0.1, 0.25, 0.5, 0.4))
    crop = media / region.image
    # 0.5 × 1200 wide, 0.4 × 1800 high (the zoom image is the 1200×1800 original).
    assert (
        Image.open(crop).size == (600, 720) == (region.image_width, region.image_height)
    )
    assert file_sha256(crop) == region.image_sha256
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.save_region(scan_article, scanned, (0.5, 0.5, 0.5, 0.5))
    assert not crop.exists() and (media / moved.image).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.clear_region(scan_article)
    assert (
        not ArticleRegion.objects.exists()
        and media_files(media / "scans/regions") == []
    )


def test_a_damaged_crop_is_cut_again_in_place(scanned, scan_article, media):
    region = services.save_region(scan_article, scanned, (0.1, 0.1, 0.4, 0.4))
    (media / region.image).write_bytes(b"rot")
    services.rebuild_region(region)
    assert file_sha256(media / region.image) == region.image_sha256


def test_a_region_needs_the_article_s_own_page_and_an_intact_zoom_image(
    scanned, scan_article, make_issue, attach, media
):
    [elsewhere] = attach(make_issue(), jpeg_bytes())
    with pytest.raises(ValidationError, match="不属于"):
        services.save_region(scan_article, elsewhere, (0, 0, 0.5, 0.5))
    (media / scanned.zoom).unlink()
    with pytest.raises(ValidationError, match="缺失或损坏"):
        services.save_region(scan_article, scanned, (0, 0, 0.5, 0.5))


@pytest.mark.parametrize(
    ("values", "box"),
    [
        ({"x": "-0.2", "y": "0.9", "w": "0.5", "h": "0.5"}, (0.0, 0.9, 0.3, 0.1)),
        ({"x": "0.1", "y": "0.2", "w": "0.3", "h": "0.4"}, (0.1, 0.2, 0.3, 0.4)),
    ],
)
def test_regions_are_clamped_to_the_page(values, box):
    assert services.parse_region(values) == pytest.approx(box)


@pytest.mark.parametrize(
    "values",
    [
        {"x": "abc", "y": "0", "w": "0.5", "h": "0.5"},
        {"x": "nan", "y": "0", "w": "0.5", "h": "0.5"},
        {"x": "0.1", "y": "0.1", "w": "0.001", "h": "0.5"},
        {"x": "1e309", "y": "0", "w": "0.5", "h": "0.5"},
        {},
    ],
)
def test_bad_regions_are_refused_with_a_message(values):
    with pytest.raises(ValidationError, match="区域|坐标"):
        services.parse_region(values)


def test_the_limits_come_from_settings(settings):
    settings.SCAN_MAX_PIXELS = 1_000_000
    settings.SCAN_MAX_DECODE_MB = 64
    current = services.limits()
    assert current.max_pixels == 1_000_000
    assert current.max_whole_image_bytes == 64 * 1024 * 1024
    with pytest.raises(ScanRefused, match="百万像素"):
        services.prepare_scan(jpeg_bytes(1000, 1200), "big.jpg")
