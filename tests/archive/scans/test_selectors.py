"""Scan reads: the correction screen's panel, the public link and thumbnail."""

from django.urls import reverse

from archive.models import ArticleRegion
from archive.scans import selectors, services
from tests.archive.scans.images import jpeg_bytes


def test_scan_pages_label_several_scans_by_number(make_issue, attach):
    issue = make_issue()
    attach(issue, jpeg_bytes(), "a.jpg")
    assert [p.label for p in selectors.scan_pages(issue.scans.all())] == ["版面"]
    attach(issue, jpeg_bytes(600, 900), "b.jpg")
    pages = selectors.scan_pages(issue.scans.all())
    assert [p.label for p in pages] == ["第1张", "第2张"]
    assert pages[0].web_url == reverse("scans:image", args=[pages[0].pk, "web"])


def test_the_scan_panel_opens_on_the_marked_scan(scanned, scan_article, attach):
    [second] = attach(scan_article.issue, jpeg_bytes(600, 900), "b.jpg")
    assert selectors.scan_panel(scan_article)["current"] == scanned.pk
    services.save_region(scan_article, second, (0.1, 0.2, 0.3, 0.4))
    panel = selectors.scan_panel(scan_article)
    assert panel["current"] == second.pk and panel["region"].scan_id == second.pk


def test_a_region_on_another_page_s_scan_is_ignored(scan_article, make_issue, attach):
    """As after the article was moved to another page by a structure change."""
    [elsewhere] = attach(make_issue(), jpeg_bytes())
    ArticleRegion.objects.create(
        article=scan_article, scan=elsewhere, x=0, y=0, w=0.5, h=0.5, image="x.jpg"
    )
    assert selectors.region_for(scan_article) is None
    assert selectors.article_original(scan_article) is None


def test_the_public_link_prefers_the_region_crop(scanned, scan_article):
    original = selectors.article_original(scan_article)
    assert original["preview"] == reverse("scans:image", args=[scanned.pk, "thumb"])
    region = services.save_region(scan_article, scanned, (0.1, 0.1, 0.4, 0.4))
    original = selectors.article_original(scan_article)
    assert original["region"] == region
    assert original["preview"].startswith(
        reverse("scans:region_image", args=[scan_article.pk]) + "?v="
    )


def test_the_issue_thumbnail_has_the_derivative_s_size(scanned, scan_article):
    thumb = selectors.issue_thumbnail(scan_article.issue)
    assert (thumb["width"], thumb["height"], thumb["count"]) == (320, 480, 1)
