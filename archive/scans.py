"""Page scans: validate uploads, store them under MEDIA_ROOT with SHA-256, derive images, place articles."""

import hashlib
import io
import logging
import math
import os
import threading
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from PIL import Image, ImageOps, UnidentifiedImageError

from archive.models import ArticleRegion, Issue, Scan, sha256_hex

logger = logging.getLogger(__name__)

# What each accepted upload is stored as; the extension comes from the detected format,
# never from the uploaded name.
IMAGE_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "TIFF": ("tif", "image/tiff"),
}
PDF_TYPE = ("pdf", "application/pdf")

# Derivative boxes (width, height), aspect kept, never enlarged. Two zoom levels instead
# of a tile pyramid: at 1600 px a body character of a 300-dpi page is ~15 px, at 3200 px
# ~30 px, enough to tell 决 from 主; the viewer swaps to the zoom image only when the
# editor zooms in, so a page opens with one ~0.5 MB request and needs no tile server.
DERIVATIVES = {
    "zoom": ((3200, 6400), 80),
    "web": ((1600, 3200), 82),
    "thumb": ((320, 640), 75),
}
REGION_BOX = (1600, 3200)
# A region narrower or lower than this (a fraction of the page) is a slip of the mouse.
MIN_REGION = 0.01
SCAN_DIR = "scans"

# PDFium is not thread-safe; gunicorn threads share one process.
_pdfium_lock = threading.Lock()


class ScanRefused(Exception):
    """An upload that must not be stored; the message says why, in Chinese."""


def setting(name: str, default):
    return getattr(settings, name, default)


def max_bytes() -> int:
    return setting("SCAN_MAX_BYTES", 100 * 1024 * 1024)


def max_pdf_bytes() -> int:
    return setting("SCAN_PDF_MAX_BYTES", 50 * 1024 * 1024)


def max_pages() -> int:
    return setting("SCAN_MAX_PAGES", 4)


def max_pixels() -> int:
    # A 300-dpi broadsheet page is about 30 megapixels.
    return setting("SCAN_MAX_PIXELS", 60_000_000)


def pdf_dpi() -> int:
    return setting("SCAN_PDF_DPI", 300)


def megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


# ---------------------------------------------------------------------------------------
# Validation and derivatives (pure: bytes in, bytes out; nothing is written).


@dataclass
class PreparedPage:
    source_page: int
    width: int
    height: int
    images: dict[str, bytes]  # derivative kind -> JPEG bytes


@dataclass
class PreparedScan:
    name: str
    data: bytes
    sha256: str
    extension: str
    media_type: str
    pages: list[PreparedPage] = field(default_factory=list)


def prepare_scan(data: bytes, name: str) -> PreparedScan:
    """Checks an upload and renders its derivatives in memory; raises ScanRefused."""
    name = os.path.basename(name or "")[:255] or "scan"
    if not data:
        raise ScanRefused(f"“{name}”是空文件。")
    if data[:5] == b"%PDF-":
        if len(data) > max_pdf_bytes():
            raise ScanRefused(
                f"“{name}”超过 PDF 大小上限 {megabytes(max_pdf_bytes())}。"
            )
        extension, media_type = PDF_TYPE
        pages = pdf_pages(data, name)
    else:
        if len(data) > max_bytes():
            raise ScanRefused(f"“{name}”超过图像大小上限 {megabytes(max_bytes())}。")
        image_format, pages = image_pages(data, name)
        # A multi-picture JPEG (MPO) opens under its own name; it is still a JPEG file.
        extension, media_type = IMAGE_FORMATS[
            "JPEG" if image_format == "MPO" else image_format
        ]
    return PreparedScan(
        name=name,
        data=data,
        sha256=sha256_hex(data),
        extension=extension,
        media_type=media_type,
        pages=pages,
    )


def prepare_scan_file(path: Path) -> PreparedScan:
    """prepare_scan for a file on disk, refusing an oversized one before reading it."""
    try:
        size = path.stat().st_size
        if size > max(max_bytes(), max_pdf_bytes()):
            raise ScanRefused(
                f"“{path.name}”超过大小上限 {megabytes(max(max_bytes(), max_pdf_bytes()))}。"
            )
        return prepare_scan(path.read_bytes(), path.name)
    except OSError as exc:
        raise ScanRefused(f"无法读取扫描文件 {path}：{exc.strerror or exc}") from exc


def _too_many_pixels(name: str, width: int, height: int) -> ScanRefused:
    return ScanRefused(
        f"“{name}”的尺寸 {width}×{height} 超过 {max_pixels() / 1_000_000:.0f} 百万像素的上限，"
        "疑似“解压炸弹”或分辨率过高，已拒绝。"
    )


def image_pages(data: bytes, name: str) -> tuple[str, list[PreparedPage]]:
    """Decodes every frame of a JPEG, PNG or TIFF fully, so corrupt data fails here."""
    limit = max_pixels()
    Image.MAX_IMAGE_PIXELS = limit
    try:
        with warnings.catch_warnings():
            # Pillow warns between one and two times the limit and raises above it;
            # both are refusals here. (Warning filters are process-wide; the explicit
            # size check below refuses the same images whatever another thread set.)
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS)) as probe:
                probe.verify()
            with Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS)) as image:
                image_format = image.format
                frames = getattr(image, "n_frames", 1)
                if frames > max_pages():
                    raise ScanRefused(
                        f"“{name}”有 {frames} 帧，超过每个文件 {max_pages()} 页的上限。"
                    )
                pages = []
                for index in range(frames):
                    image.seek(index)
                    if image.width * image.height > limit:
                        raise _too_many_pixels(name, image.width, image.height)
                    image.load()
                    page = normalized(image)
                    pages.append(
                        PreparedPage(
                            index + 1, page.width, page.height, derivatives(page)
                        )
                    )
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ScanRefused(
            f"“{name}”的像素数超过 {limit / 1_000_000:.0f} 百万像素的上限，疑似“解压炸弹”，已拒绝。"
        ) from exc
    except UnidentifiedImageError as exc:
        raise ScanRefused(
            f"“{name}”不是可识别的图像：只接受 JPEG、PNG、TIFF 图像或 PDF。"
        ) from exc
    except ScanRefused:
        raise
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError) as exc:
        # Pillow reports truncated or corrupt data with any of these.
        raise ScanRefused(f"“{name}”图像数据已损坏或不完整，无法解码。") from exc
    return image_format, pages


def normalized(image: Image.Image) -> Image.Image:
    """Upright, and in a mode JPEG can hold: grey pages stay grey (smaller files)."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("L", "RGB"):
        return image
    if image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    ):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if image.mode.startswith("I;16") or image.mode == "I":
        return image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if image.mode in ("1", "F"):
        return image.convert("L")
    return image.convert("RGB")


def fit(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    copy = image.copy()
    copy.thumbnail(box, Image.Resampling.LANCZOS, reducing_gap=3.0)
    return copy


def jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def derivatives(page: Image.Image) -> dict[str, bytes]:
    """Zoom, web and thumbnail JPEGs, each scaled from the one before (faster, same look)."""
    images = {}
    source = page
    for kind, (box, quality) in DERIVATIVES.items():
        source = fit(source, box)
        images[kind] = jpeg(source, quality)
    return images


def pdf_pages(data: bytes, name: str) -> list[PreparedPage]:
    """Renders each PDF page once, at most at SCAN_PDF_DPI and the zoom size."""
    import pypdfium2 as pdfium

    with _pdfium_lock:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise ScanRefused(f"“{name}”不是可读的 PDF（已损坏或加了密码）。") from exc
        try:
            count = len(document)
            if count == 0:
                raise ScanRefused(f"“{name}”这个 PDF 没有页面。")
            if count > max_pages():
                raise ScanRefused(
                    f"“{name}”有 {count} 页，超过每个 PDF {max_pages()} 页的上限。"
                )
            pages = []
            zoom_w, zoom_h = DERIVATIVES["zoom"][0]
            for index in range(count):
                page = document[index]
                try:
                    width_pt, height_pt = page.get_size()
                    if not (width_pt > 0 and height_pt > 0):
                        raise ScanRefused(f"“{name}”第 {index + 1} 页尺寸无效。")
                    scale = min(pdf_dpi() / 72, zoom_w / width_pt, zoom_h / height_pt)
                    width, height = (
                        math.ceil(width_pt * scale),
                        math.ceil(height_pt * scale),
                    )
                    if width * height > max_pixels():
                        raise _too_many_pixels(name, width, height)
                    bitmap = page.render(scale=scale)
                    # to_pil() shares the bitmap's memory; copy before the page closes.
                    image = normalized(bitmap.to_pil().copy())
                finally:
                    page.close()
                pages.append(
                    PreparedPage(
                        index + 1, image.width, image.height, derivatives(image)
                    )
                )
            return pages
        except pdfium.PdfiumError as exc:
            raise ScanRefused(f"“{name}”的 PDF 页面无法渲染：文件可能已损坏。") from exc
        finally:
            document.close()


# ---------------------------------------------------------------------------------------
# Files under MEDIA_ROOT.


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def media_path(relative: str) -> Path:
    """An absolute path for a stored relative path; refuses anything outside MEDIA_ROOT."""
    root = media_root().resolve()
    path = (root / relative).resolve()
    if not relative or root not in path.parents:
        raise ValueError(f"unsafe media path: {relative!r}")
    return path


def original_path(sha: str, extension: str) -> str:
    return f"{SCAN_DIR}/originals/{sha[:2]}/{sha}.{extension}"


def derivative_path(sha: str, source_page: int, kind: str) -> str:
    return f"{SCAN_DIR}/derived/{sha[:2]}/{sha}-p{source_page}-{kind}.jpg"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_file(relative: str, data: bytes, *, sha256: str | None = None) -> bool:
    """Writes atomically (temporary name, fsync, rename); True if the file is new.

    Files are named by content, so an existing file is kept, unless it is an original
    whose bytes no longer match its hash: then the upload repairs it.
    """
    path = media_path(relative)
    if path.exists() and (sha256 is None or file_sha256(path) == sha256):
        return False
    existed = path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
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


# ---------------------------------------------------------------------------------------
# Storing and removing scans.


def existing_pages(issue: Issue) -> set[tuple[str, int]]:
    return set(issue.scans.values_list("original_sha256", "source_page"))


def duplicate_message(prepared: PreparedScan) -> str:
    return f"“{prepared.name}”已经附在这个版面上了。"


def store_scans(issue: Issue, prepared: list[PreparedScan], user=None) -> list[Scan]:
    """Attaches validated scans to a page: rows and files together or not at all.

    Pages already attached (same bytes, same page) are skipped, so a repeated import is
    a no-op. Files are written inside the transaction, after the rows; if anything
    fails, the files this call created are removed and the rows roll back.
    """
    created_files: list[str] = []
    scans: list[Scan] = []
    try:
        with transaction.atomic():
            # Lock the page row so two uploads to one page get distinct orders.
            Issue.objects.select_for_update().filter(pk=issue.pk).first()
            seen = existing_pages(issue)
            order = (issue.scans.aggregate(m=Max("order"))["m"] or 0) + 1
            for item in prepared:
                original = original_path(item.sha256, item.extension)
                for page in item.pages:
                    if (item.sha256, page.source_page) in seen:
                        continue
                    seen.add((item.sha256, page.source_page))
                    paths = {
                        kind: derivative_path(item.sha256, page.source_page, kind)
                        for kind in DERIVATIVES
                    }
                    scans.append(
                        Scan.objects.create(
                            issue=issue,
                            order=order,
                            original_name=item.name,
                            original=original,
                            original_sha256=item.sha256,
                            original_size=len(item.data),
                            media_type=item.media_type,
                            source_page=page.source_page,
                            width=page.width,
                            height=page.height,
                            uploaded_by=user if getattr(user, "pk", None) else None,
                            **paths,
                        )
                    )
                    order += 1
                    for kind, relative in paths.items():
                        if write_file(relative, page.images[kind]):
                            created_files.append(relative)
                # Also for pages already attached: a re-upload repairs a damaged original.
                if write_file(original, item.data, sha256=item.sha256):
                    created_files.append(original)
    except BaseException:
        remove_files(created_files)
        raise
    return scans


def files_of(scan: Scan) -> list[str]:
    return [scan.original, scan.web, scan.zoom, scan.thumb]


def delete_scans(scans) -> None:
    """Deletes scan rows (and their regions); files go after commit unless still used."""
    scans = list(scans)
    if not scans:
        return
    regions = list(
        ArticleRegion.objects.filter(scan__in=scans).values_list("image", flat=True)
    )
    candidates = {path for scan in scans for path in files_of(scan)} | {
        r for r in regions if r
    }
    with transaction.atomic():
        Scan.objects.filter(pk__in=[s.pk for s in scans]).delete()

        def cleanup():
            # The same file may back scans of other pages (content-addressed names).
            used = set()
            for row in Scan.objects.values_list("original", "web", "zoom", "thumb"):
                used.update(row)
            used.update(
                ArticleRegion.objects.exclude(image="").values_list("image", flat=True)
            )
            remove_files(sorted(candidates - used))

        transaction.on_commit(cleanup)


# ---------------------------------------------------------------------------------------
# Article regions.


def parse_region(values) -> tuple[float, float, float, float]:
    """x, y, w, h from form values, as fractions of the page; raises ValidationError."""
    try:
        box = tuple(float(values.get(k, "")) for k in ("x", "y", "w", "h"))
    except (TypeError, ValueError) as exc:
        raise ValidationError("文章位置的坐标无效。") from exc
    if not all(math.isfinite(v) for v in box):
        raise ValidationError("文章位置的坐标无效。")
    x, y, w, h = box
    # Clamp to the page: a rectangle dragged past the edge means "to the edge".
    x0, y0 = min(max(x, 0.0), 1.0), min(max(y, 0.0), 1.0)
    x1, y1 = min(max(x + w, 0.0), 1.0), min(max(y + h, 0.0), 1.0)
    if x1 - x0 < MIN_REGION or y1 - y0 < MIN_REGION:
        raise ValidationError("框选的区域太小，请在版面图上拖出文章所在的矩形。")
    return (x0, y0, x1 - x0, y1 - y0)


def region_image(
    scan: Scan, box: tuple[float, float, float, float]
) -> tuple[bytes, int, int]:
    """The article's crop, cut from the zoom derivative (the sharpest image kept for PDFs)."""
    x, y, w, h = box
    try:
        with Image.open(media_path(scan.zoom)) as page:
            page.load()
            width, height = page.size
            left, top = round(x * width), round(y * height)
            right = max(left + 1, min(width, round((x + w) * width)))
            bottom = max(top + 1, min(height, round((y + h) * height)))
            crop = fit(page.crop((left, top, right, bottom)), REGION_BOX)
    except (OSError, ValueError) as exc:
        raise ValidationError(
            "版面图像文件缺失或损坏，无法截取文章区域；请重新上传扫描。"
        ) from exc
    return jpeg(crop, 85), crop.width, crop.height


def save_region(article, scan: Scan, box, user=None) -> ArticleRegion:
    """Saves where the article sits on the page and cuts its crop for readers."""
    if scan.issue_id != article.issue_id:
        raise ValidationError("这张扫描不属于本文所在的版面。")
    data, width, height = region_image(scan, box)
    digest = hashlib.sha256(
        f"{scan.original_sha256}:{scan.source_page}:{box}".encode()
    ).hexdigest()
    relative = f"{SCAN_DIR}/regions/{article.pk}-{digest[:16]}.jpg"
    previous = (
        ArticleRegion.objects.filter(article=article)
        .values_list("image", flat=True)
        .first()
    )
    created = []
    try:
        with transaction.atomic():
            region, _ = ArticleRegion.objects.update_or_create(
                article=article,
                defaults={
                    "scan": scan,
                    "x": box[0],
                    "y": box[1],
                    "w": box[2],
                    "h": box[3],
                    "image": relative,
                    "image_width": width,
                    "image_height": height,
                    "updated_by": user if getattr(user, "pk", None) else None,
                },
            )
            if write_file(relative, data):
                created.append(relative)
            if previous and previous != relative:
                transaction.on_commit(lambda: remove_files([previous]))
    except BaseException:
        remove_files(created)
        raise
    return region


def clear_region(article) -> bool:
    region = ArticleRegion.objects.filter(article=article).first()
    if region is None:
        return False
    with transaction.atomic():
        region.delete()
        if region.image:
            transaction.on_commit(lambda: remove_files([region.image]))
    return True


# ---------------------------------------------------------------------------------------
# What templates show.


def image_url(scan: Scan, kind: str) -> str:
    return reverse("scans:image", args=[scan.pk, kind])


@dataclass
class ScanPage:
    """One scan as the viewer needs it."""

    scan: Scan
    web_url: str
    zoom_url: str
    thumb_url: str
    label: str

    @property
    def pk(self):
        return self.scan.pk


def scan_pages(scans) -> list[ScanPage]:
    scans = list(scans)
    many = len(scans) > 1
    return [
        ScanPage(
            scan=scan,
            web_url=image_url(scan, "web"),
            zoom_url=image_url(scan, "zoom"),
            thumb_url=image_url(scan, "thumb"),
            label=f"第{index}张" if many else "版面",
        )
        for index, scan in enumerate(scans, start=1)
    ]


def region_image_url(region: ArticleRegion) -> str:
    """The crop's URL; the version changes with the region, so caches never show an old crop."""
    version = Path(region.image).stem.rsplit("-", 1)[-1]
    return f"{reverse('scans:region_image', args=[region.article_id])}?v={version}"


def region_for(article) -> ArticleRegion | None:
    """The article's region, if it is on a scan of the article's own page."""
    return (
        ArticleRegion.objects.select_related("scan")
        .filter(article=article, scan__issue_id=article.issue_id)
        .first()
    )


def scan_panel(article) -> dict:
    """Context for the correction screen's scan panel (_scan_panel.html)."""
    pages = scan_pages(article.issue.scans.all())
    region = region_for(article) if pages else None
    current = region.scan_id if region else (pages[0].pk if pages else None)
    return {
        "pages": pages,
        "region": region,
        "current": current,
        "save_url": reverse("admin:archive_article_region", args=[article.pk]),
        "upload_url": reverse("admin:archive_issue_change", args=[article.issue_id]),
    }


def article_original(article) -> dict | None:
    """For the public article page: the link to its original, with a preview image."""
    region = region_for(article)
    if region is not None and region.image:
        return {
            "url": reverse("scans:article", args=[article.pk]),
            "preview": region_image_url(region),
            "region": region,
        }
    first = article.issue.scans.order_by("order", "pk").first()
    if first is None:
        return None
    return {
        "url": reverse("scans:article", args=[article.pk]),
        "preview": image_url(first, "thumb"),
        "region": None,
    }


def issue_thumbnail(issue) -> dict | None:
    """For the public issue page: the first scan's thumbnail, linking to the whole page (one query)."""
    pages = list(issue.scans.order_by("order", "pk").only("pk", "width", "height"))
    if not pages:
        return None
    first = pages[0]
    width, height = fitted_size(first.width, first.height, DERIVATIVES["thumb"][0])
    return {
        "url": reverse("scans:issue", args=[issue.pk]),
        "thumb": image_url(first, "thumb"),
        "width": width,
        "height": height,
        "count": len(pages),
    }


def fitted_size(width: int, height: int, box: tuple[int, int]) -> tuple[int, int]:
    """The size a derivative has (give or take a pixel), for <img width height>."""
    ratio = min(1.0, box[0] / max(width, 1), box[1] / max(height, 1))
    return max(1, round(width * ratio)), max(1, round(height * ratio))
