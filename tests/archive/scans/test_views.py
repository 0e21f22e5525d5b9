"""Scan views: images streamed with caching headers, 查看原版 pages, the admin
viewer and the region endpoint, the correction screen's panel."""

import io

import pytest
from django.contrib.auth.models import Group
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image

from archive.models import ArticleRegion
from archive.scans import services
from articles.models import Article
from tests.archive.scans.images import jpeg_bytes


def editor(django_user_model, name="bianji", group="编辑"):
    user = django_user_model.objects.create_user(name, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def region_url(article):
    return reverse("admin:archive_article_region", args=[article.pk])


# -----------------------------------------------------------------------------------
# Public views.


def test_derivatives_are_streamed_with_type_and_caching_headers(client, scanned):
    url = reverse("scans:image", args=[scanned.pk, "web"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"].startswith("public, max-age=") and response["ETag"]
    assert "Last-Modified" in response and "Cookie" not in response.get("Vary", "")
    body = b"".join(response.streaming_content)
    assert Image.open(io.BytesIO(body)).width == 1200
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert client.head(url).status_code == 200
    assert client.get(f"/scans/{scanned.pk}/original.jpg").status_code == 404
    assert client.get("/scans/99999999999999999999999/web.jpg").status_code == 404


def test_scans_of_a_page_with_no_public_article_are_only_for_editors(
    client, django_user_model, scanned, scan_article
):
    Article.objects.filter(pk=scan_article.pk).update(published=False)
    url = reverse("scans:image", args=[scanned.pk, "thumb"])
    assert client.get(url).status_code == 404
    client.force_login(editor(django_user_model))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")


def test_a_missing_derivative_is_a_404_not_a_500(client, scanned, media):
    (media / scanned.web).unlink()
    url = reverse("scans:image", args=[scanned.pk, "web"])
    assert client.get(url).status_code == 404


def test_public_original_shows_the_region_then_the_whole_page(
    client, scanned, scan_article
):
    url = reverse("scans:article", args=[scan_article.pk])
    crop_url = reverse("scans:region_image", args=[scan_article.pk])
    page = client.get(url).content.decode()
    assert "整版" in page and "尚未标出" in page and crop_url not in page
    assert client.get(crop_url).status_code == 404
    services.save_region(scan_article, scanned, (0.5, 0.5, 0.5, 0.5))
    page = client.get(url).content.decode()
    assert crop_url in page
    assert 'data-region="0.500000,0.500000,0.500000,0.500000"' in page
    image = client.get(crop_url)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(b"".join(image.streaming_content))).size == (600, 900)


def test_public_original_hides_unpublished_articles_and_pages_without_scans(
    client, scanned, scan_article, make_article
):
    without = make_article(title="无扫描")
    assert client.get(reverse("scans:article", args=[without.pk])).status_code == 404
    assert (
        client.get(reverse("scans:issue", args=[without.issue_id])).status_code == 404
    )
    services.save_region(scan_article, scanned, (0, 0, 0.5, 0.5))
    Article.objects.filter(pk=scan_article.pk).update(published=False)
    for url in (
        reverse("scans:article", args=[scan_article.pk]),
        reverse("scans:region_image", args=[scan_article.pk]),
        reverse("scans:issue", args=[scan_article.issue_id]),
    ):
        assert client.get(url).status_code == 404, url


def test_public_issue_original_is_the_whole_page(client, scanned, scan_article):
    page = client.get(reverse("scans:issue", args=[scan_article.issue_id]))
    assert page.status_code == 200 and "版面原版" in page.content.decode()
    assert page["Content-Security-Policy"] and "<script src=" in page.content.decode()


def test_titles_are_escaped_on_the_original_page(client, make_article, attach):
    hostile = make_article(title='<img src=x onerror="alert(1)">')
    attach(hostile.issue, jpeg_bytes())
    page = client.get(reverse("scans:article", args=[hostile.pk])).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x" in page


def test_public_pages_work_with_and_without_a_scan(client, scan_article, attach):
    for _ in range(2):
        assert client.get(scan_article.get_absolute_url()).status_code == 200
        assert client.get(scan_article.issue.get_absolute_url()).status_code == 200
        attach(scan_article.issue, jpeg_bytes())


# -----------------------------------------------------------------------------------
# Admin viewer and regions.


def test_the_admin_issue_viewer_lists_articles_and_their_regions(
    client, django_user_model, scanned, scan_article
):
    services.save_region(scan_article, scanned, (0.1, 0.2, 0.5, 0.3))
    client.force_login(editor(django_user_model))
    page = client.get(
        reverse("admin:archive_issue_scans", args=[scan_article.issue_id])
    )
    html = page.content.decode()
    assert page.status_code == 200 and "scan-mark-other" in html and "已标出" in html
    assert 'data-box="0.100000,0.200000,0.500000,0.300000"' in html


def test_an_editor_saves_and_clears_the_article_region(
    client,
    django_user_model,
    scanned,
    scan_article,
    media,
    django_capture_on_commit_callbacks,
):
    client.force_login(editor(django_user_model))
    response = client.post(
        region_url(scan_article),
        {"scan": scanned.pk, "x": "0.1", "y": "0.25", "w": "0.5", "h": "0.4"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:articles_article_correct", args=[scan_article.pk]
    )
    region = ArticleRegion.objects.get(article=scan_article)
    assert (region.x, region.y, region.w, region.h) == pytest.approx(
        (0.1, 0.25, 0.5, 0.4)
    )
    assert region.updated_by.username == "bianji"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(region_url(scan_article), {"action": "clear"})
    assert not ArticleRegion.objects.exists() and not (media / region.image).exists()


def test_region_save_answers_json_for_the_viewer(
    client, django_user_model, scanned, scan_article
):
    client.force_login(editor(django_user_model))
    response = client.post(
        region_url(scan_article),
        {"scan": scanned.pk, "x": "-0.2", "y": "0.9", "w": "0.5", "h": "0.5"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200 and response.json()["ok"]
    assert response.json()["region"] == {
        "scan": scanned.pk,
        "box": "0.000000,0.900000,0.300000,0.100000",
    }
    response = client.post(
        region_url(scan_article),
        {"scan": scanned.pk, "x": "abc"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400 and "坐标" in response.json()["message"]


def test_a_scan_of_another_page_cannot_hold_the_region(
    client, django_user_model, scan_article, make_issue, attach
):
    [elsewhere] = attach(make_issue(), jpeg_bytes())
    client.force_login(editor(django_user_model))
    response = client.post(
        region_url(scan_article),
        {"scan": elsewhere.pk, "x": "0", "y": "0", "w": "0.5", "h": "0.5"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400 and "扫描" in response.json()["message"]


def test_only_editors_save_regions(client, django_user_model, scanned, scan_article):
    nobody = django_user_model.objects.create_user(
        "staff", password="pw", is_staff=True
    )
    client.force_login(nobody)
    response = client.post(
        region_url(scan_article),
        {"scan": scanned.pk, "x": "0", "y": "0", "w": "0.5", "h": "0.5"},
    )
    assert response.status_code == 403 and not ArticleRegion.objects.exists()
    client.logout()
    assert client.get(region_url(scan_article)).status_code == 302  # to the login page


# -----------------------------------------------------------------------------------
# The correction screen's panel.


def render_panel(user, article, panel) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "admin/articles/article/_scan_panel.html",
        {"article": article, "scan_panel": panel},
        request=request,
    )


def test_the_correction_screen_gets_the_scan_panel(
    client, django_user_model, scanned, scan_article
):
    services.save_region(scan_article, scanned, (0.1, 0.2, 0.3, 0.4))
    user = editor(django_user_model)
    client.force_login(user)
    url = reverse("admin:articles_article_correct", args=[scan_article.pk])
    response = client.get(url)
    assert response.status_code == 200
    panel = response.context["scan_panel"]
    assert [p.pk for p in panel["pages"]] == [scanned.pk]
    assert panel["current"] == scanned.pk
    html = render_panel(user, scan_article, panel)
    assert 'data-region="0.100000,0.200000,0.300000,0.400000"' in html
    assert reverse("scans:image", args=[scanned.pk, "web"]) in html
    assert f'action="{region_url(scan_article)}"' in html
    assert "csrfmiddlewaretoken" in html
    assert "<script" in html and "viewer.js" in html
    assert "onclick" not in html and "style=" not in html


def test_the_correction_screen_works_without_a_scan(
    client, django_user_model, scan_article
):
    user = editor(django_user_model)
    client.force_login(user)
    url = reverse("admin:articles_article_correct", args=[scan_article.pk])
    response = client.get(url)
    assert response.status_code == 200 and response.context["scan_panel"]["pages"] == []
    html = render_panel(user, scan_article, response.context["scan_panel"])
    assert "本版面尚无原版扫描" in html and "scan-viewer" not in html
