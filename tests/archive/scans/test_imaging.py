"""Scan imaging: formats, refusals with a reason, derivative sizes, bounded decoding."""

from pathlib import Path

import pytest
import pyvips
from PIL import Image

from archive.files import file_sha256
from archive.scans import imaging
from archive.scans.imaging import Limits, ScanRefused
from tests.archive.scans.images import (
    encoded,
    jpeg_bytes,
    page_image,
    pdf_bytes,
    png_claiming,
)


def prepare(data: bytes, name="page.jpg", **limits) -> imaging.PreparedScan:
    return imaging.prepare(data, name, Limits(**limits))


def sizes(page: imaging.PreparedPage) -> dict[str, tuple[int, int]]:
    return {kind: Image.open(path).size for kind, path in page.images.items()}


def test_a_jpeg_gets_three_derivatives_each_with_its_hash():
    prepared = prepare(jpeg_bytes(4000, 6000), "第7版.jpg")
    [page] = prepared.pages
    assert (prepared.extension, prepared.media_type) == ("jpg", "image/jpeg")
    assert (page.width, page.height) == (4000, 6000)
    widths = {kind: size[0] for kind, size in sizes(page).items()}
    assert widths == {"zoom": 3200, "web": 1600, "thumb": 320}
    assert all(abs(w / h - 4000 / 6000) < 0.01 for w, h in sizes(page).values())
    assert page.sha256 == {
        kind: file_sha256(path) for kind, path in page.images.items()
    }
    assert prepared.sha256 == file_sha256(prepared.path)


def test_the_zoom_image_is_baseline_and_the_smaller_two_progressive():
    """The zoom JPEG is written as the page streams; web and thumb are progressive."""
    prepared = prepare(jpeg_bytes(4000, 6000))
    [page] = prepared.pages
    progressive = {
        kind: "progressive" in Image.open(path).info
        for kind, path in page.images.items()
    }
    assert progressive == {"zoom": False, "web": True, "thumb": True}


def test_a_small_scan_is_never_enlarged():
    prepared = prepare(jpeg_bytes(800, 1100))
    [page] = prepared.pages
    assert sizes(page)["web"] == sizes(page)["zoom"] == (800, 1100)


def test_a_pdf_page_is_rendered_once():
    prepared = prepare(pdf_bytes(pages=2), "版面.pdf")
    assert [p.source_page for p in prepared.pages] == [1, 2]
    assert prepared.media_type == "application/pdf" and prepared.extension == "pdf"
    web = sizes(prepared.pages[0])["web"]
    assert web[0] == 1600 and abs(web[1] / web[0] - 1200 / 850) < 0.01


def test_tiff_frames_png_transparency_and_16_bit_grey_are_accepted():
    frames = [page_image(600, 900), page_image(600, 900)]
    tiff = encoded(
        frames[0],
        "TIFF",
        save_all=True,
        append_images=frames[1:],
        compression="tiff_lzw",
    )
    assert len(prepare(tiff, "scan.tif").pages) == 2
    rgba = prepare(encoded(page_image(600, 900, "RGBA"), "PNG"), "alpha.png")
    assert rgba.media_type == "image/png"
    # Transparent paper becomes white, not black.
    clear = Image.new("RGBA", (300, 400), (0, 0, 0, 0))
    transparent = prepare(encoded(clear, "PNG"), "clear.png")
    [page] = transparent.pages
    assert Image.open(page.images["web"]).convert("L").getextrema() == (255, 255)
    grey16 = prepare(encoded(Image.new("I;16", (300, 400), 40000), "PNG"), "g.png")
    assert grey16.pages[0].width == 300
    assert Image.open(grey16.pages[0].images["web"]).mode == "L"


def test_a_bilevel_tiff_and_a_cmyk_jpeg_become_viewable_jpegs():
    bilevel = encoded(page_image(600, 900).convert("1"), "TIFF", compression="group4")
    fax = prepare(bilevel, "fax.tif")
    assert Image.open(fax.pages[0].images["web"]).mode == "L"
    cmyk = prepare(encoded(page_image(600, 900, "CMYK"), "JPEG"), "cmyk.jpg")
    assert Image.open(cmyk.pages[0].images["web"]).mode == "RGB"


def test_exif_orientation_is_applied_and_the_page_size_is_upright():
    image = page_image(400, 200, "RGB")
    exif = image.getexif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    prepared = prepare(encoded(image, "JPEG", exif=exif), "phone.jpg")
    [page] = prepared.pages
    assert (page.width, page.height) == (200, 400) == sizes(page)["web"]


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"", "empty.jpg", "空文件"),
        (b"this is not an image at all", "notes.jpg", "不是可识别的图像"),
        (encoded(page_image(50, 50, "RGB"), "GIF"), "anim.gif", "不是可识别的图像"),
        (encoded(page_image(50, 50, "RGB"), "WEBP"), "web.webp", "不是可识别的图像"),
        (jpeg_bytes()[:3000], "cut.jpg", "已损坏"),
        (png_claiming(100_000, 100_000), "bomb.png", "解压炸弹"),
        (b"%PDF-1.4\n1 0 obj garbage", "broken.pdf", "不是可读的 PDF"),
    ],
    ids=["empty", "text", "gif", "webp", "truncated", "bomb", "broken-pdf"],
)
def test_bad_uploads_are_refused_with_a_reason(data, name, reason):
    with pytest.raises(ScanRefused) as refused:
        prepare(data, name)
    assert reason in str(refused.value) and name in str(refused.value)


def test_the_pixel_limit_is_checked_before_decoding():
    with pytest.raises(ScanRefused, match="百万像素"):
        prepare(jpeg_bytes(1000, 1200), "big.jpg", max_pixels=1_000_000)
    assert prepare(jpeg_bytes(800, 1000), "fine.jpg", max_pixels=1_000_000).pages


def test_page_and_byte_limits():
    with pytest.raises(ScanRefused, match="3 页"):
        prepare(pdf_bytes(pages=3, width=200, height=300), "long.pdf", max_pages=2)
    frames = [page_image(60, 90)] * 3
    tiff = encoded(frames[0], "TIFF", save_all=True, append_images=frames[1:])
    with pytest.raises(ScanRefused, match="3 帧"):
        prepare(tiff, "long.tif", max_pages=2)
    with pytest.raises(ScanRefused, match="PDF 大小上限"):
        prepare(pdf_bytes(), "heavy.pdf", max_pdf_bytes=1000)
    with pytest.raises(ScanRefused, match="图像大小上限"):
        prepare(jpeg_bytes(), "heavy.jpg", max_bytes=1000)


def test_a_layout_that_must_be_decoded_whole_is_refused_above_the_budget():
    """A progressive JPEG or interlaced PNG is decoded whole: above the budget it is
    refused with what to save it as, while the same picture laid out plainly is taken."""
    budget = {"max_whole_image_bytes": 2 * 1024 * 1024}
    progressive = jpeg_bytes(1200, 1800, progressive=True)
    with pytest.raises(ScanRefused, match="渐进式 JPEG") as refused:
        prepare(progressive, "prog.jpg", **budget)
    assert "基线" in str(refused.value)
    plain = encoded(page_image(1200, 1800), "PNG")
    interlaced = pyvips.Image.new_from_buffer(plain, "").pngsave_buffer(interlace=True)
    with pytest.raises(ScanRefused, match="隔行 PNG"):
        prepare(interlaced, "interlaced.png", **budget)
    assert prepare(plain, "plain.png", **budget).pages
    assert prepare(jpeg_bytes(1200, 1800), "baseline.jpg", **budget).pages
    assert prepare(progressive, "prog.jpg").pages  # within the default budget


def test_the_work_directory_goes_with_close_and_with_a_refusal(tmp_path):
    prepared = prepare(jpeg_bytes())
    workdir = Path(prepared.workdir.name)
    assert workdir.is_dir()
    prepared.close()
    assert not workdir.exists()
    before = set(Path(prepared.workdir.name).parent.glob("scan-*"))
    with pytest.raises(ScanRefused):
        prepare(jpeg_bytes()[:3000])
    assert set(Path(prepared.workdir.name).parent.glob("scan-*")) == before


def test_a_region_crop_is_cut_from_the_zoom_image(tmp_path):
    zoom = tmp_path / "zoom.jpg"
    page_image(1200, 1800).save(zoom)
    data, width, height = imaging.region_crop(zoom, (0.5, 0.5, 0.5, 0.5))
    assert (width, height) == (600, 900)
    assert data.startswith(b"\xff\xd8\xff")
