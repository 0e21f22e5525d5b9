"""Scan writes: prepare uploads under the configured limits, attach, rebuild and delete
scans, save article regions. Rows and files change together or not at all."""

import hashlib
import math
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from archive.files import file_sha256
from archive.models import ArticleRegion, Issue, Scan
from archive.scans import imaging, storage
from archive.scans.imaging import DERIVATIVES, PreparedScan, ScanRefused

# A region narrower or lower than this (a fraction of the page) is a slip of the mouse.
MIN_REGION = 0.01


def limits() -> imaging.Limits:
    """The SCAN_* settings (settings.py), read at each upload so tests can set them."""
    default = imaging.Limits()
    decode_mb = default.max_whole_image_bytes // 2**20
    return imaging.Limits(
        max_bytes=getattr(settings, "SCAN_MAX_BYTES", default.max_bytes),
        max_pdf_bytes=getattr(settings, "SCAN_PDF_MAX_BYTES", default.max_pdf_bytes),
        max_pages=getattr(settings, "SCAN_MAX_PAGES", default.max_pages),
        max_pixels=getattr(settings, "SCAN_MAX_PIXELS", default.max_pixels),
        max_whole_image_bytes=getattr(settings, "SCAN_MAX_DECODE_MB", decode_mb)
        * 2**20,
        pdf_dpi=getattr(settings, "SCAN_PDF_DPI", default.pdf_dpi),
    )


def max_upload_bytes() -> int:
    current = limits()
    return max(current.max_bytes, current.max_pdf_bytes)


def prepare_scan(source: Path | bytes, name: str) -> PreparedScan:
    """Checks one upload and renders its derivatives; raises ScanRefused."""
    return imaging.prepare(source, name, limits())


def prepare_upload(upload) -> PreparedScan:
    """prepare_scan for a Django upload, read from its temporary file when it has one
    (anything over FILE_UPLOAD_MAX_MEMORY_SIZE), so it is never held in memory."""
    if hasattr(upload, "temporary_file_path"):
        return prepare_scan(Path(upload.temporary_file_path()), upload.name)
    return prepare_scan(upload.read(), upload.name)


def prepare_scan_file(path: Path) -> PreparedScan:
    """prepare_scan for a file on disk, refusing an oversized one before reading it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ScanRefused(f"无法读取扫描文件 {path}：{exc.strerror or exc}") from exc
    if size > max_upload_bytes():
        raise ScanRefused(
            f"“{path.name}”超过大小上限 {imaging.megabytes(max_upload_bytes())}。"
        )
    return prepare_scan(path, path.name)


def duplicate_message(prepared: PreparedScan) -> str:
    return f"“{prepared.name}”已经附在这个版面上了。"


def store_scans(issue: Issue, prepared: list[PreparedScan], user=None) -> list[Scan]:
    """Attaches checked scans to a page: rows and files together or not at all.

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
            seen = set(issue.scans.values_list("original_sha256", "source_page"))
            order = (issue.scans.aggregate(m=Max("order"))["m"] or 0) + 1
            for item in prepared:
                original = storage.original_path(item.sha256, item.extension)
                for page in item.pages:
                    if (item.sha256, page.source_page) in seen:
                        continue
                    seen.add((item.sha256, page.source_page))
                    paths = derivative_paths(item.sha256, page)
                    scans.append(
                        Scan.objects.create(
                            issue=issue,
                            order=order,
                            original_name=item.name,
                            original=original,
                            original_sha256=item.sha256,
                            original_size=item.size,
                            media_type=item.media_type,
                            source_page=page.source_page,
                            width=page.width,
                            height=page.height,
                            uploaded_by=user if getattr(user, "pk", None) else None,
                            **paths,
                            **{f"{k}_sha256": v for k, v in page.sha256.items()},
                        )
                    )
                    order += 1
                    created_files += write_derivatives(page, paths)
                # Also for pages already attached: a re-upload repairs a damaged
                # original.
                if storage.write_file(original, item.path, sha256=item.sha256):
                    created_files.append(original)
    except storage.ChangedSource as exc:
        storage.remove_files(created_files)
        raise ScanRefused(f"“{item.name}”在检查之后被改动了，请重新上传。") from exc
    except BaseException:
        storage.remove_files(created_files)
        raise
    return scans


def derivative_paths(sha: str, page: imaging.PreparedPage) -> dict[str, str]:
    return {
        kind: storage.derivative_path(sha, page.source_page, kind, page.sha256[kind])
        for kind in DERIVATIVES
    }


def write_derivatives(page: imaging.PreparedPage, paths: dict[str, str]) -> list[str]:
    """Writes a page's derivatives; returns the paths of files that are new."""
    return [
        relative
        for kind, relative in paths.items()
        if storage.write_file(relative, page.images[kind], sha256=page.sha256[kind])
    ]


def rebuild_derivatives(scan: Scan) -> None:
    """Renders a scan's derivatives again from its original, once that is checked."""
    path = storage.media_path(scan.original)
    if file_sha256(path) != scan.original_sha256:
        raise ScanRefused(f"扫描 #{scan.pk} 的原件与其 SHA-256 不符，无法据以重建。")
    prepared = prepare_scan(path, scan.original_name)
    try:
        page = next(p for p in prepared.pages if p.source_page == scan.source_page)
        paths = derivative_paths(scan.original_sha256, page)
        previous = files_of(scan)
        created = write_derivatives(page, paths)
        try:
            with transaction.atomic():
                for kind, relative in paths.items():
                    setattr(scan, kind, relative)
                    setattr(scan, f"{kind}_sha256", page.sha256[kind])
                scan.save(update_fields=[*paths, *(f"{k}_sha256" for k in paths)])
                transaction.on_commit(lambda: remove_unused(previous))
        except BaseException:
            storage.remove_files(created)
            raise
    finally:
        prepared.close()


def files_of(scan: Scan) -> list[str]:
    return [scan.original, scan.web, scan.zoom, scan.thumb]


def remove_unused(candidates) -> None:
    """Removes files no scan or region uses (content-addressed names are shared)."""
    used = set()
    for row in Scan.objects.values_list("original", "web", "zoom", "thumb"):
        used.update(row)
    used.update(ArticleRegion.objects.exclude(image="").values_list("image", flat=True))
    storage.remove_files(sorted(set(candidates) - used))


def delete_scans(scans) -> None:
    """Deletes scan rows (and regions); files go after commit unless still used."""
    scans = list(scans)
    if not scans:
        return
    regions = ArticleRegion.objects.filter(scan__in=scans).values_list(
        "image", flat=True
    )
    candidates = {path for scan in scans for path in files_of(scan)}
    candidates |= {r for r in regions if r}
    with transaction.atomic():
        Scan.objects.filter(pk__in=[s.pk for s in scans]).delete()
        transaction.on_commit(lambda: remove_unused(candidates))


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


def region_image(scan: Scan, box) -> tuple[bytes, int, int]:
    """The article's crop, cut from the zoom derivative (the sharpest image kept)."""
    try:
        return imaging.region_crop(storage.media_path(scan.zoom), box)
    except (OSError, ValueError, imaging.pyvips.Error) as exc:
        raise ValidationError(
            "版面图像文件缺失或损坏，无法截取文章区域；请重新上传扫描。"
        ) from exc


def save_region(article, scan: Scan, box, user=None) -> ArticleRegion:
    """Saves where the article sits on the page and cuts its crop for readers."""
    if scan.issue_id != article.issue_id:
        raise ValidationError("这张扫描不属于本文所在的版面。")
    data, width, height = region_image(scan, box)
    digest = hashlib.sha256(data).hexdigest()
    key = f"{scan.original_sha256}:{scan.source_page}:{box}".encode()
    relative = storage.region_path(article.pk, hashlib.sha256(key).hexdigest())
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
                    "image_sha256": digest,
                    "image_width": width,
                    "image_height": height,
                    "updated_by": user if getattr(user, "pk", None) else None,
                },
            )
            if storage.write_file(relative, data, sha256=digest):
                created.append(relative)
            if previous and previous != relative:
                transaction.on_commit(lambda: storage.remove_files([previous]))
    except BaseException:
        storage.remove_files(created)
        raise
    return region


def rebuild_region(region: ArticleRegion) -> None:
    """Cuts a region's crop again from its scan's zoom image, in the same place."""
    data, width, height = region_image(
        region.scan, (region.x, region.y, region.w, region.h)
    )
    digest = hashlib.sha256(data).hexdigest()
    storage.write_file(region.image, data, sha256=digest)
    ArticleRegion.objects.filter(pk=region.pk).update(
        image_sha256=digest, image_width=width, image_height=height
    )


def clear_region(article) -> bool:
    region = ArticleRegion.objects.filter(article=article).first()
    if region is None:
        return False
    with transaction.atomic():
        region.delete()
        if region.image:
            transaction.on_commit(lambda: storage.remove_files([region.image]))
    return True
