"""Scan images: check an upload, render its derivatives in bounded memory (no Django).

libvips streams a JPEG, PNG or TIFF through the resize a few hundred rows at a time
(and decodes a JPEG at a fraction of its size where the target allows), so a
50-megapixel page needs about as much memory as a small one. The few layouts that
must be decoded whole (progressive JPEG, interlaced PNG) are refused above a budget.
PDF pages are rendered by PDFium straight at the zoom size.
"""

import math
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pyvips

from archive.files import file_sha256

# libvips can open dozens of formats; only the three we accept are left unblocked, and
# its operation cache is off (it would keep decoded pages and reuse results by name).
pyvips.operation_block_set("VipsForeignLoad", True)
for _loader in ("VipsForeignLoadJpeg", "VipsForeignLoadPng", "VipsForeignLoadTiff"):
    pyvips.operation_block_set(_loader, False)
pyvips.cache_set_max(0)

# Format detected from the first bytes (never from the name) -> extension, media type.
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "TIFF": ("tif", "image/tiff"),
    "PDF": ("pdf", "application/pdf"),
}
SIGNATURES = [
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"II+\x00", "TIFF"),  # BigTIFF
    (b"MM\x00+", "TIFF"),
    (b"%PDF-", "PDF"),
]

# Derivative boxes (width, height), aspect kept, never enlarged. Two zoom levels instead
# of a tile pyramid: at 1600 px a body character of a 300-dpi page is ~15 px, at 3200 px
# ~30 px, enough to tell 决 from 主; the viewer swaps to the zoom image only when the
# editor zooms in, so a page opens with one ~1 MB request and needs no tile server.
DERIVATIVES = {
    "zoom": ((3200, 6400), 80),
    "web": ((1600, 3200), 82),
    "thumb": ((320, 640), 75),
}
REGION_BOX = (1600, 3200)

# One render at a time per process: the peak memory of a request carrying ten files is
# that of one file, and PDFium (not thread-safe) is never entered twice.
_render_lock = threading.Lock()


class ScanRefused(Exception):
    """An upload that must not be stored; the message says why, in Chinese."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 100 * 1024 * 1024
    max_pdf_bytes: int = 50 * 1024 * 1024
    max_pages: int = 4  # PDF pages or TIFF frames per file
    max_pixels: int = 60_000_000  # a 300-dpi broadsheet page is about 50 megapixels
    # What a decoder may hold at once for a layout that cannot be streamed.
    max_whole_image_bytes: int = 256 * 1024 * 1024
    pdf_dpi: int = 300


@dataclass
class PreparedPage:
    source_page: int
    width: int
    height: int
    images: dict[str, Path]  # derivative kind -> JPEG file in the work directory
    sha256: dict[str, str]  # derivative kind -> its SHA-256


@dataclass
class PreparedScan:
    """A checked upload: the original's path and hash, its pages rendered to files.

    The derivatives live in a temporary directory removed by close() (or when the
    object is collected); the original is read again, and re-hashed, when stored.
    """

    name: str
    path: Path
    size: int
    sha256: str
    extension: str
    media_type: str
    pages: list[PreparedPage] = field(default_factory=list)
    workdir: tempfile.TemporaryDirectory | None = field(default=None, repr=False)

    def close(self) -> None:
        if self.workdir is not None:
            self.workdir.cleanup()


def megabytes(n: float) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def sniff(head: bytes) -> str | None:
    return next((fmt for magic, fmt in SIGNATURES if head.startswith(magic)), None)


def prepare(source: Path | bytes, name: str, limits: Limits) -> PreparedScan:
    """Checks an upload (a file, or bytes) and renders its derivatives; raises
    ScanRefused with the reason."""
    name = os.path.basename(name or "")[:255] or "scan"
    workdir = tempfile.TemporaryDirectory(prefix="scan-")
    try:
        if isinstance(source, bytes):
            path = Path(workdir.name) / "upload"
            path.write_bytes(source)
        else:
            path = source
        try:
            size = path.stat().st_size
            with path.open("rb") as handle:
                fmt = sniff(handle.read(8))
        except OSError as exc:
            raise ScanRefused(f"无法读取“{name}”：{exc.strerror or exc}") from exc
        if size == 0:
            raise ScanRefused(f"“{name}”是空文件。")
        if fmt is None:
            raise ScanRefused(
                f"“{name}”不是可识别的图像：只接受 JPEG、PNG、TIFF 图像或 PDF。"
            )
        if fmt == "PDF" and size > limits.max_pdf_bytes:
            raise ScanRefused(
                f"“{name}”超过 PDF 大小上限 {megabytes(limits.max_pdf_bytes)}。"
            )
        if fmt != "PDF" and size > limits.max_bytes:
            raise ScanRefused(
                f"“{name}”超过图像大小上限 {megabytes(limits.max_bytes)}。"
            )
        extension, media_type = FORMATS[fmt]
        # Hashed before rendering: if the file changes after this, the copy stored
        # later no longer matches and is refused.
        sha256 = file_sha256(path)
        out = Path(workdir.name)
        with _render_lock:
            if fmt == "PDF":
                pages = pdf_pages(path, name, limits, out)
            else:
                pages = image_pages(path, name, limits, out)
        return PreparedScan(
            name=name,
            path=path,
            size=size,
            sha256=sha256,
            extension=extension,
            media_type=media_type,
            pages=pages,
            workdir=workdir,
        )
    except BaseException:
        workdir.cleanup()
        raise


def too_many_pixels(name: str, width: int, height: int, limits: Limits) -> ScanRefused:
    return ScanRefused(
        f"“{name}”的尺寸 {width}×{height} 超过 {limits.max_pixels / 1_000_000:.0f} "
        "百万像素的上限，疑似“解压炸弹”或分辨率过高，已拒绝。"
    )


def whole_image_bytes(header: pyvips.Image) -> int:
    """What the decoder must hold at once: the whole picture for a progressive JPEG
    (its coefficients, two bytes a sample) or an interlaced PNG; nothing otherwise."""
    if header.get_typeof("interlaced") == 0 or not header.get("interlaced"):
        return 0
    if header.get("vips-loader").startswith("jpegload"):
        per_sample = 2
    else:
        bits = (
            header.get("bits-per-sample") if header.get_typeof("bits-per-sample") else 8
        )
        per_sample = max(1, bits // 8)
    return header.width * header.height * header.bands * per_sample


def image_pages(path: Path, name: str, limits: Limits, out: Path) -> list[PreparedPage]:
    """Every frame of a JPEG, PNG or TIFF: headers checked first, then each streamed."""
    try:
        header = load(path, 0)
        frames = header.get("n-pages") if header.get_typeof("n-pages") else 1
        if frames > limits.max_pages:
            raise ScanRefused(
                f"“{name}”有 {frames} 帧，超过每个文件 {limits.max_pages} 页的上限。"
            )
        pages = []
        for index in range(frames):
            if index:
                header = load(path, index)
            width, height = header.width, header.height
            if width * height > limits.max_pixels:
                raise too_many_pixels(name, width, height, limits)
            whole = whole_image_bytes(header)
            if whole > limits.max_whole_image_bytes:
                raise ScanRefused(
                    f"“{name}”是渐进式 JPEG 或隔行 PNG，"
                    f"必须整幅解码（约 {megabytes(whole)}），"
                    f"超过 {megabytes(limits.max_whole_image_bytes)} 的处理上限；"
                    "请另存为普通（基线）JPEG、非隔行 PNG 或 TIFF 后再上传。"
                )
            options = f"page={index},fail_on=error" if frames > 1 else "fail_on=error"
            zoom = pyvips.Image.thumbnail_source(
                pyvips.Source.new_from_file(str(path)),
                DERIVATIVES["zoom"][0][0],
                height=DERIVATIVES["zoom"][0][1],
                size="down",
                option_string=options,
            )
            # The page's size upright: thumbnail turns it by its EXIF orientation.
            if header.get_typeof("orientation") and header.get("orientation") > 4:
                width, height = height, width
            images, hashes = derivatives(zoom, out / f"p{index + 1}")
            pages.append(PreparedPage(index + 1, width, height, images, hashes))
        return pages
    except pyvips.Error as exc:
        # libvips reports truncated or corrupt data, and unknown layouts, this way.
        raise ScanRefused(f"“{name}”图像数据已损坏或不完整，无法解码。") from exc


def load(path: Path, page: int) -> pyvips.Image:
    """The header of one frame (pixels are decoded later, as they stream)."""
    source = pyvips.Source.new_from_file(str(path))
    options = {"page": page} if page else {}
    return pyvips.Image.new_from_source(
        source, "", access="sequential", fail_on="error", **options
    )


def flat(image: pyvips.Image) -> pyvips.Image:
    """Eight-bit sRGB or grey on white paper: what a JPEG can hold; grey stays grey."""
    grey = image.interpretation in ("b-w", "grey16") or image.bands <= 2
    image = image.colourspace("b-w" if grey else "srgb")
    if image.hasalpha():
        top = 65535 if image.format == "ushort" else 255
        image = image.flatten(background=top, max_alpha=top)
    return image.cast("uchar") if image.format != "uchar" else image


def derivatives(
    zoom: pyvips.Image, stem: Path
) -> tuple[dict[str, Path], dict[str, str]]:
    """Zoom, web and thumbnail JPEGs, each scaled from the one before.

    The zoom image is a baseline JPEG so it is encoded as the page streams through
    (a progressive or optimised one would be buffered whole); the smaller two are
    progressive, so a page shows at once while it loads.
    """
    images: dict[str, Path] = {}
    previous = None
    for kind, ((width, height), quality) in DERIVATIVES.items():
        target = stem.with_name(f"{stem.name}-{kind}.jpg")
        if previous is None:
            flat(zoom).jpegsave(str(target), Q=quality, keep="none")
        else:
            image = pyvips.Image.thumbnail_source(
                pyvips.Source.new_from_file(str(previous)),
                width,
                height=height,
                size="down",
            )
            image.jpegsave(
                str(target),
                Q=quality,
                keep="none",
                optimize_coding=True,
                interlace=True,
            )
        images[kind] = previous = target
    return images, {kind: file_sha256(p) for kind, p in images.items()}


def pdf_pages(path: Path, name: str, limits: Limits, out: Path) -> list[PreparedPage]:
    """Renders each PDF page once, at most at the PDF resolution and the zoom size."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise ScanRefused(f"“{name}”不是可读的 PDF（已损坏或加了密码）。") from exc
    try:
        count = len(document)
        if count == 0:
            raise ScanRefused(f"“{name}”这个 PDF 没有页面。")
        if count > limits.max_pages:
            raise ScanRefused(
                f"“{name}”有 {count} 页，超过每个 PDF {limits.max_pages} 页的上限。"
            )
        pages = []
        zoom_w, zoom_h = DERIVATIVES["zoom"][0]
        for index in range(count):
            page = document[index]
            try:
                width_pt, height_pt = page.get_size()
                if not (width_pt > 0 and height_pt > 0):
                    raise ScanRefused(f"“{name}”第 {index + 1} 页尺寸无效。")
                scale = min(limits.pdf_dpi / 72, zoom_w / width_pt, zoom_h / height_pt)
                width = math.ceil(width_pt * scale)
                height = math.ceil(height_pt * scale)
                if width * height > limits.max_pixels:
                    raise too_many_pixels(name, width, height, limits)
                bitmap = page.render(scale=scale, rev_byteorder=True)
                # to_pil() shares the bitmap's memory; tobytes() copies it out.
                rendered = bitmap.to_pil().convert("RGB")
                image = pyvips.Image.new_from_memory(
                    rendered.tobytes(), rendered.width, rendered.height, 3, "uchar"
                )
            finally:
                page.close()
            images, hashes = derivatives(image, out / f"p{index + 1}")
            pages.append(
                PreparedPage(index + 1, image.width, image.height, images, hashes)
            )
        return pages
    except pdfium.PdfiumError as exc:
        raise ScanRefused(f"“{name}”的 PDF 页面无法渲染：文件可能已损坏。") from exc
    finally:
        document.close()


def region_crop(
    zoom: Path, box: tuple[float, float, float, float]
) -> tuple[bytes, int, int]:
    """An article's crop (x, y, w, h as fractions) of a zoom image, as JPEG bytes."""
    x, y, w, h = box
    page = pyvips.Image.new_from_file(str(zoom), fail_on="error")
    left, top = round(x * page.width), round(y * page.height)
    right = max(left + 1, min(page.width, round((x + w) * page.width)))
    bottom = max(top + 1, min(page.height, round((y + h) * page.height)))
    crop = page.crop(left, top, right - left, bottom - top).thumbnail_image(
        REGION_BOX[0], height=REGION_BOX[1], size="down"
    )
    data = crop.jpegsave_buffer(Q=85, keep="none", optimize_coding=True, interlace=True)
    return data, crop.width, crop.height


def fitted_size(width: int, height: int, box: tuple[int, int]) -> tuple[int, int]:
    """The size a derivative has (give or take a pixel), for <img width height>."""
    ratio = min(1.0, box[0] / max(width, 1), box[1] / max(height, 1))
    return max(1, round(width * ratio)), max(1, round(height * ratio))
