"""Fixity: re-hash every stored original and report what no longer matches."""

from dataclasses import dataclass, field

from archive.models import Issue, sha256_hex


@dataclass
class FixityReport:
    checked: int = 0
    mismatched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.mismatched or self.missing)


def verify_fixity(progress=None) -> FixityReport:
    """Each raw page's bytes against the SHA-256 taken at import, and each article's
    original OCR against the raw text it was cut from."""
    report = FixityReport()
    issues = Issue.objects.only("pk", "source_name", "raw_bytes", "raw_sha256", "raw_text").order_by("pk")
    for issue in progress(issues.iterator(chunk_size=100)) if progress else issues.iterator(chunk_size=100):
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
            if original and any(p not in issue.raw_text for p in original.split("\n\n")):
                report.mismatched.append(f"{label} 文章 #{article_id} 的原始 OCR")
    return report
