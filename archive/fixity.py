"""Fixity: re-hash every stored original and derived file, re-derive what can be
derived, and report (or, asked to, rebuild) what no longer matches."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from archive.files import file_sha256
from archive.ingest.decoding import RefusedInput, decode_page
from archive.models import ArticleRegion, Issue, Scan, sha256_hex
from archive.scans import services
from archive.scans.imaging import ScanRefused
from archive.scans.storage import media_path

DERIVED = {"web": "网页图", "zoom": "放大图", "thumb": "缩略图"}

Progress = Callable[[Iterable], Iterable]


@dataclass
class FixityReport:
    checked: int = 0
    mismatched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    rebuilt: list[str] = field(default_factory=list)
    scans_checked: int = 0

    @property
    def ok(self) -> bool:
        return not (self.mismatched or self.missing)


def verify_fixity(
    progress: Progress | None = None,
    scan_progress: Progress | None = None,
    *,
    repair: bool = False,
) -> FixityReport:
    """Each raw page's bytes against the SHA-256 taken at import and its decoded text
    against a fresh decoding of those bytes; each article's original OCR against the
    raw text it was cut from; then every scan file (see verify_scans)."""
    report = FixityReport()
    issues = Issue.objects.only(
        "pk", "source_name", "raw_bytes", "raw_sha256", "raw_text"
    ).order_by("pk")
    rows = issues.iterator(chunk_size=100)
    for issue in progress(rows) if progress else rows:
        report.checked += 1
        label = f"#{issue.pk} {issue.source_name}"
        raw = bytes(issue.raw_bytes or b"")
        if not raw:
            report.missing.append(label)
            continue
        if sha256_hex(raw) != issue.raw_sha256:
            report.mismatched.append(label)
            continue
        if decoded_text(raw) != issue.raw_text:
            report.mismatched.append(
                f"{label} 的解码文本（与原始字节重新解码的结果不同）"
            )
            continue
        for article_id, original in issue.articles.values_list("pk", "original_ocr"):
            # A split-off article has no original of its own (it links to its source).
            if original and any(
                p not in issue.raw_text for p in original.split("\n\n")
            ):
                report.mismatched.append(f"{label} 文章 #{article_id} 的原始 OCR")
    verify_scans(report, scan_progress, repair=repair)
    return report


def decoded_text(raw: bytes) -> str | None:
    """The text the importer would store for these bytes today."""
    try:
        return decode_page(raw).text
    except RefusedInput:
        return None


def verify_scans(
    report: FixityReport, progress: Progress | None = None, *, repair: bool = False
) -> None:
    """Each scan's original and derived images, and each article crop, against the
    hashes recorded when they were written. A file shared by several scans (the pages
    of one PDF, one file on two pages) is hashed once. With `repair`, a missing or
    damaged derivative is rendered again from its (intact) original."""
    files = FileCheck()
    scans = Scan.objects.order_by("pk")
    rows = scans.iterator(chunk_size=200)
    for scan in progress(rows) if progress else rows:
        report.scans_checked += 1
        label = f"扫描 #{scan.pk} {scan.original_name}（版面 #{scan.issue_id}）"
        original = files.state(scan.original, scan.original_sha256)
        if original != "ok":
            getattr(report, original).append(label)
            continue
        damaged = {
            kind: state
            for kind in DERIVED
            if (state := files.state(getattr(scan, kind), scan.derivative_sha256(kind)))
            != "ok"
        }
        if damaged and repair:
            try:
                services.rebuild_derivatives(scan)
            except (ScanRefused, OSError) as exc:
                report.mismatched.append(f"{label}（无法重建派生图像：{exc}）")
                continue
            report.rebuilt += [f"{label}的{DERIVED[kind]}" for kind in damaged]
            files.results.clear()  # the rebuilt files may have the old names
        else:
            for kind, state in damaged.items():
                getattr(report, state).append(f"{label}的{DERIVED[kind]}")
    regions = ArticleRegion.objects.exclude(image="").select_related("scan")
    for region in regions.order_by("pk"):
        state = files.state(region.image, region.image_sha256)
        label = f"文章 #{region.article_id} 在扫描 #{region.scan_id} 上的区域图"
        if (
            state != "ok"
            and repair
            and files.state(region.scan.zoom, region.scan.zoom_sha256) == "ok"
        ):
            services.rebuild_region(region)
            report.rebuilt.append(label)
        elif state != "ok":
            getattr(report, state).append(label)


class FileCheck:
    """Hashes stored files once each: "ok", "mismatched" or "missing"."""

    def __init__(self):
        self.results: dict[tuple[str, str], str] = {}

    def state(self, relative: str, sha256: str) -> str:
        key = (relative, sha256)
        if key not in self.results:
            try:
                matches = file_sha256(media_path(relative)) == sha256
                self.results[key] = "ok" if matches else "mismatched"
            except FileNotFoundError:
                self.results[key] = "missing"
            except (OSError, ValueError):
                # Unreadable or outside MEDIA_ROOT: not the file that was stored.
                self.results[key] = "mismatched"
        return self.results[key]
