"""Scan reads: what the viewer, the correction screen and the public pages show."""

from dataclasses import dataclass
from pathlib import Path

from django.urls import reverse

from archive.models import ArticleRegion, Issue, Scan
from archive.scans.imaging import DERIVATIVES, fitted_size


def image_url(scan: Scan, kind: str) -> str:
    return reverse("scans:image", args=[scan.pk, kind])


def existing_pages(issue: Issue) -> set[tuple[str, int]]:
    """(original SHA-256, page) of every scan already on the page."""
    return set(issue.scans.values_list("original_sha256", "source_page"))


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
    """The crop's URL, versioned by the region, so no cache shows an old crop."""
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
    """For the public issue page: the first scan's thumbnail, linking to the whole
    page (one query)."""
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
