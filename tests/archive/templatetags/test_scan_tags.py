"""The public scan partials: the 查看原版 link and the page thumbnail, or nothing."""

from django.template.loader import render_to_string
from django.urls import reverse

from archive.scans import services


def test_public_partials_link_the_original_or_render_nothing(
    scanned, scan_article, make_article
):
    plain = make_article(title="无扫描")
    assert render_to_string("archive/_scan_link.html", {"article": plain}).strip() == ""
    assert (
        render_to_string("archive/_page_thumbnail.html", {"issue": plain.issue}).strip()
        == ""
    )
    link = render_to_string("archive/_scan_link.html", {"article": scan_article})
    assert "查看原版" in link
    assert reverse("scans:article", args=[scan_article.pk]) in link
    assert reverse("scans:image", args=[scanned.pk, "thumb"]) in link
    services.save_region(scan_article, scanned, (0.1, 0.1, 0.4, 0.4))
    link = render_to_string("archive/_scan_link.html", {"article": scan_article})
    assert reverse("scans:region_image", args=[scan_article.pk]) in link
    thumb = render_to_string(
        "archive/_page_thumbnail.html", {"issue": scan_article.issue}
    )
    assert reverse("scans:issue", args=[scan_article.issue_id]) in thumb
    assert 'width="320"' in thumb
