"""Fixity: re-hash every stored original (raw pages and scan files) and report what no longer matches."""

from dataclasses import dataclass, field

from archive.models import Issue, Scan, sha256_hex


@dataclass
class FixityReport:
    checked: int = 0
    mismatched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    scans_checked: int = 0

    @property
    def ok(self) -> bool:
        return not (self.mismatched or self.missing)


def verify_fixity(progress=None, scan_progress=None) -> FixityReport:
    """Each raw page's bytes against the SHA-256 taken at import, each article's
    original OCR against the raw text it was cut from, and each scan file on disk
    against the SHA-256 taken at upload."""
    report = FixityReport()
    issues = Issue.objects.only(
        "pk", "source_name", "raw_bytes", "raw_sha256", "raw_text"
    ).order_by("pk")
    for issue in (
        progress(issues.iterator(chunk_size=100))
        if progress
        else issues.iterator(chunk_size=100)
    ):
        report.checked += 1
        label = f"#{issue.pk} {issue.source_name}"
        raw = bytes(issue.raw_bytes or b"")
        if not raw:
            report.missing.append(label)
            continue
        if sha256_hex(raw) != issue.raw_sha256:
            report.mismatched.append(label)
            continue
        for article_id, original in issue.articles.values_list("pk", "original_ocr"):
            # A split-off article has no original of its own (it links to its source).
            if original and any(
                p not in issue.raw_text for p in original.split("\n\n")
            ):
                report.mismatched.append(f"{label} 文章 #{article_id} 的原始 OCR")
    verify_scans(report, scan_progress)
    return report


def verify_scans(report: FixityReport, progress=None) -> None:
    """Each scan's original file, streamed from MEDIA_ROOT; a file shared by several
    scans (the pages of one PDF) is hashed once."""
    from archive.scans import file_sha256, media_path

    results: dict[str, str] = {}
    scans = Scan.objects.only(
        "pk", "issue_id", "original_name", "original", "original_sha256"
    ).order_by("pk")
    rows = scans.iterator(chunk_size=200)
    for scan in progress(rows) if progress else rows:
        report.scans_checked += 1
        label = f"扫描 #{scan.pk} {scan.original_name}（版面 #{scan.issue_id}）"
        key = f"{scan.original}\x1f{scan.original_sha256}"
        if key not in results:
            try:
                path = media_path(scan.original)
                results[key] = (
                    "ok" if file_sha256(path) == scan.original_sha256 else "mismatched"
                )
            except FileNotFoundError:
                results[key] = "missing"
            except (OSError, ValueError):
                # Unreadable or outside MEDIA_ROOT: not the file that was stored.
                results[key] = "mismatched"
        if results[key] == "missing":
            report.missing.append(label)
        elif results[key] == "mismatched":
            report.mismatched.append(label)
