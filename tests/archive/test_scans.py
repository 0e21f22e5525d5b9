"""Page scans: upload and import, derivatives, refusals, fixity, article regions, public views."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import include, path, reverse
from PIL import Image, ImageDraw

from archive import scans
from archive import urls as project_urls
from archive.backup import write_backup
from archive.fixity import verify_fixity
from archive.models import ArticleRegion, Issue, Scan
from articles.models import Article
from tests.conftest import SEED_PAGES

# The project's URLs with the public scan URLs mounted (a no-op once archive/urls.py has
# `path("scans/", include("archive.scan_urls"))`).
urlpatterns = list(project_urls.urlpatterns)
if not any(getattr(p, "namespace", None) == "scans" for p in urlpatterns):
    urlpatterns.insert(
        len(urlpatterns) - 1, path("scans/", include("archive.scan_urls"))
    )
pytestmark = pytest.mark.urls(__name__)

# ---------------------------------------------------------------------------------------
# Generated pages.


def page_image(width=1200, height=1800, mode="L") -> Image.Image:
    """A page-like picture: columns of dark "lines" on paper, a heading block on top."""
    image = Image.new(mode, (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle(
        (width // 10, height // 30, width * 9 // 10, height // 12), fill="black"
    )
    for top in range(height // 8, height - 40, max(12, height // 60)):
        draw.rectangle(
            (width // 20, top, width // 2 - 20, top + max(4, height // 200)),
            fill="gray",
        )
        draw.rectangle(
            (width // 2 + 20, top, width * 19 // 20, top + max(4, height // 200)),
            fill="gray",
        )
    return image


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def jpeg_bytes(width=1200, height=1800) -> bytes:
    return encoded(page_image(width, height), "JPEG", quality=85)


def pdf_bytes(pages=1, width=850, height=1200) -> bytes:
    images = [page_image(width, height, "RGB") for _ in range(pages)]
    return encoded(
        images[0], "PDF", resolution=100, save_all=True, append_images=images[1:]
    )


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size: a decompression bomb's signature."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def media_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def attach(issue, data: bytes, name="page.jpg", user=None) -> list[Scan]:
    return scans.store_scans(issue, [scans.prepare_scan(data, name)], user)


def editor(django_user_model, name="bianji", group="编辑"):
    user = django_user_model.objects.create_user(name, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def article(make_issue, make_article):
    issue = make_issue(
        "决心骨还是主心骨\n\n工会是职工的主心骨。".encode(), source_name="第7版.txt"
    )
    return make_article(issue, title="决心骨还是主心骨", body="工会是职工的主心骨。")


@pytest.fixture
def scanned(article):
    """The article's page with one 1200×1800 JPEG scan."""
    return attach(article.issue, jpeg_bytes())[0]


# ---------------------------------------------------------------------------------------
# Storage and derivatives.


def test_a_jpeg_scan_is_stored_with_its_hash_and_derivatives(make_issue, media):
    issue = make_issue()
    data = jpeg_bytes(4000, 6000)
    [scan] = attach(issue, data, "第7版.jpg")
    assert scan.original_sha256 == scans.sha256_hex(data) and scan.original_size == len(
        data
    )
    assert scan.media_type == "image/jpeg" and (scan.width, scan.height) == (4000, 6000)
    stored = media / scan.original
    assert stored.read_bytes() == data and scan.original.startswith("scans/originals/")
    sizes = {
        kind: Image.open(media / scan.derivative(kind)).size
        for kind in ("web", "zoom", "thumb")
    }
    assert (
        sizes["web"][0] == 1600
        and sizes["zoom"][0] == 3200
        and sizes["thumb"][0] == 320
    )
    assert all(abs(w / h - 4000 / 6000) < 0.01 for w, h in sizes.values())


def test_a_small_scan_is_never_enlarged(make_issue, media):
    [scan] = attach(make_issue(), jpeg_bytes(800, 1100))
    assert Image.open(media / scan.web).size == (800, 1100)


def test_a_pdf_page_is_rendered_once_at_upload(make_issue, media):
    issue = make_issue()
    data = pdf_bytes(pages=2)
    stored = attach(issue, data, "版面.pdf")
    assert [s.source_page for s in stored] == [1, 2] and [s.order for s in stored] == [
        1,
        2,
    ]
    assert {s.original for s in stored} == {stored[0].original} and stored[
        0
    ].original.endswith(".pdf")
    assert stored[0].media_type == "application/pdf"
    web = Image.open(media / stored[0].web)
    assert web.width == 1600 and abs(web.height / web.width - 1200 / 850) < 0.01
    assert str(stored[1]) == "版面.pdf第2页"


def test_tiff_frames_png_transparency_and_16_bit_grey_are_accepted(make_issue):
    issue = make_issue()
    frames = [page_image(600, 900), page_image(600, 900)]
    tiff = encoded(
        frames[0],
        "TIFF",
        save_all=True,
        append_images=frames[1:],
        compression="tiff_lzw",
    )
    assert len(attach(issue, tiff, "scan.tif")) == 2
    rgba = page_image(600, 900, "RGBA")
    assert attach(issue, encoded(rgba, "PNG"), "alpha.png")[0].media_type == "image/png"
    grey16 = Image.new("I;16", (300, 400), 40000)
    assert attach(issue, encoded(grey16, "PNG"), "grey16.png")[0].width == 300
    assert Scan.objects.filter(issue=issue).count() == 4


def test_the_same_page_twice_is_stored_once(make_issue, media):
    issue, other = make_issue(), make_issue()
    data = jpeg_bytes()
    attach(issue, data)
    assert attach(issue, data) == []
    # Another page may carry the same file; the bytes are stored once.
    attach(other, data)
    assert Scan.objects.count() == 2
    assert len([p for p in media_files(media) if "/originals/" in p.as_posix()]) == 1


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"", "empty.jpg", "空文件"),
        (b"this is not an image at all", "notes.jpg", "不是可识别的图像"),
        (encoded(page_image(50, 50, "RGB"), "GIF"), "anim.gif", "不是可识别的图像"),
        (jpeg_bytes()[:3000], "cut.jpg", "已损坏"),
        (png_claiming(100_000, 100_000), "bomb.png", "解压炸弹"),
        (b"%PDF-1.4\n1 0 obj garbage", "broken.pdf", "不是可读的 PDF"),
    ],
    ids=["empty", "text", "gif", "truncated", "bomb", "broken-pdf"],
)
def test_bad_uploads_are_refused_with_a_reason(data, name, reason):
    with pytest.raises(scans.ScanRefused) as refused:
        scans.prepare_scan(data, name)
    assert reason in str(refused.value) and name in str(refused.value)


def test_pixel_limit_is_a_setting_and_the_warning_range_is_refused_too(settings):
    settings.SCAN_MAX_PIXELS = 1_000_000
    # 1.2 MP: over the limit but under twice it, where Pillow only warns.
    with pytest.raises(scans.ScanRefused, match="百万像素"):
        scans.prepare_scan(jpeg_bytes(1000, 1200), "big.jpg")
    with pytest.raises(scans.ScanRefused, match="解压炸弹"):
        scans.prepare_scan(jpeg_bytes(1500, 1500), "bigger.jpg")
    assert scans.prepare_scan(jpeg_bytes(800, 1000), "fine.jpg").pages


def test_pdf_byte_and_page_limits_are_settings(settings):
    settings.SCAN_MAX_PAGES = 2
    with pytest.raises(scans.ScanRefused, match="3 页"):
        scans.prepare_scan(pdf_bytes(pages=3, width=200, height=300), "long.pdf")
    settings.SCAN_PDF_MAX_BYTES = 1000
    with pytest.raises(scans.ScanRefused, match="PDF 大小上限"):
        scans.prepare_scan(pdf_bytes(), "heavy.pdf")
    settings.SCAN_MAX_BYTES = 1000
    with pytest.raises(scans.ScanRefused, match="图像大小上限"):
        scans.prepare_scan(jpeg_bytes(), "heavy.jpg")


def test_a_failure_while_storing_leaves_no_row_and_no_file(
    make_issue, media, monkeypatch
):
    issue = make_issue()
    prepared = scans.prepare_scan(pdf_bytes(pages=2), "page.pdf")
    real_write = scans.write_file
    calls = []

    def failing_write(relative, data, **kwargs):
        calls.append(relative)
        if len(calls) == 4:
            raise OSError(28, "No space left on device")
        return real_write(relative, data, **kwargs)

    monkeypatch.setattr(scans, "write_file", failing_write)
    with pytest.raises(OSError):
        scans.store_scans(issue, [prepared])
    assert not Scan.objects.exists()
    assert media_files(media) == []


def test_deleting_a_scan_keeps_files_another_page_still_uses(
    make_issue, media, django_capture_on_commit_callbacks
):
    first, second = make_issue(), make_issue()
    data = jpeg_bytes()
    [a] = attach(first, data)
    [b] = attach(second, data)
    with django_capture_on_commit_callbacks(execute=True):
        scans.delete_scans([a])
    assert (media / b.original).exists() and (media / b.web).exists()
    with django_capture_on_commit_callbacks(execute=True):
        scans.delete_scans([b])
    assert media_files(media) == []


def test_scans_live_under_media_root_so_backups_include_them(scanned, tmp_path):
    from archive.backup import read_backup

    path = tmp_path / "backup.zip"
    write_backup(path)
    members = read_backup(path)
    assert (
        members[f"media/{scanned.original}"]
        == (Path(scans.media_root()) / scanned.original).read_bytes()
    )
    assert f"media/{scanned.web}" in members


def test_media_paths_never_leave_media_root():
    for bad in ("", "../secret", "/etc/passwd", "scans/../../x"):
        with pytest.raises(ValueError):
            scans.media_path(bad)


# ---------------------------------------------------------------------------------------
# Fixity.


def test_fixity_rehashes_scan_files_and_reports_a_corrupted_one(scanned, media, capsys):
    call_command("verify_fixity")
    assert "mismatched 0 / missing 0 / scans 1" in capsys.readouterr().out
    original = media / scanned.original
    damaged = bytearray(original.read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    original.write_bytes(bytes(damaged))
    with pytest.raises(CommandError):
        call_command("verify_fixity")
    out = capsys.readouterr().out
    assert "不符：扫描" in out and "page.jpg" in out and "mismatched 1" in out


def test_fixity_reports_a_missing_scan_file(scanned, media):
    (media / scanned.original).unlink()
    report = verify_fixity()
    assert (
        not report.ok and report.scans_checked == 1 and "page.jpg" in report.missing[0]
    )


def test_uploading_the_same_file_again_repairs_a_damaged_original(scanned, media):
    data = jpeg_bytes()
    (media / scanned.original).write_bytes(b"rot")
    assert attach(scanned.issue, data) == []
    assert verify_fixity().ok


# ---------------------------------------------------------------------------------------
# Admin upload.


def change_form_data(issue, files, **extra):
    return {
        "publication_date": "",
        "number": "",
        "page_label": issue.page_label,
        "scans-TOTAL_FORMS": "1",
        "scans-INITIAL_FORMS": "0",
        "scans-MIN_NUM_FORMS": "0",
        "scans-MAX_NUM_FORMS": "1000",
        "scans-0-issue": str(issue.pk),
        "scans-0-id": "",
        "scans-0-upload": files,
        **extra,
    }


def test_an_editor_uploads_scans_in_the_issue_admin(
    client, django_user_model, article, media
):
    client.force_login(editor(django_user_model))
    url = reverse("admin:archive_issue_change", args=[article.issue_id])
    page = client.get(url)
    assert (
        page.status_code == 200
        and 'enctype="multipart/form-data"' in page.content.decode()
    )
    files = [
        SimpleUploadedFile("a.jpg", jpeg_bytes(), "image/jpeg"),
        SimpleUploadedFile("b.pdf", pdf_bytes(), "application/pdf"),
    ]
    response = client.post(url, change_form_data(article.issue, files))
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = list(article.issue.scans.order_by("order"))
    assert [s.original_name for s in stored] == ["a.jpg", "b.pdf"]
    assert stored[0].uploaded_by.username == "bianji"
    page = client.get(url).content.decode()
    assert reverse("scans:image", args=[stored[0].pk, "thumb"]) in page


def test_a_refused_upload_shows_the_reason_and_stores_nothing(
    client, django_user_model, article, media
):
    client.force_login(editor(django_user_model))
    url = reverse("admin:archive_issue_change", args=[article.issue_id])
    bad = SimpleUploadedFile("坏图.jpg", jpeg_bytes()[:2000], "image/jpeg")
    response = client.post(url, change_form_data(article.issue, [bad]))
    assert response.status_code == 200
    assert "“坏图.jpg”图像数据已损坏或不完整" in response.content.decode()
    assert not Scan.objects.exists() and media_files(media) == []


def test_one_upload_takes_at_most_ten_files(client, django_user_model, article):
    client.force_login(editor(django_user_model))
    files = [SimpleUploadedFile(f"{n}.jpg", b"x", "image/jpeg") for n in range(11)]
    response = client.post(
        reverse("admin:archive_issue_change", args=[article.issue_id]),
        change_form_data(article.issue, files),
    )
    assert (
        response.status_code == 200
        and "一次最多上传 10 个文件" in response.content.decode()
    )
    assert not Scan.objects.exists()


def test_uploaded_file_names_are_escaped_in_the_admin(
    client, django_user_model, make_issue
):
    issue = make_issue()
    attach(issue, jpeg_bytes(), '<img src=x onerror="alert(1)">.jpg')
    client.force_login(editor(django_user_model))
    page = client.get(
        reverse("admin:archive_issue_change", args=[issue.pk])
    ).content.decode()
    assert (
        "<img src=x" not in page
        and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;.jpg<br>image/jpeg" in page
    )


def test_the_admin_issue_viewer_lists_articles_and_their_regions(
    client, django_user_model, scanned, article
):
    scans.save_region(article, scanned, (0.1, 0.2, 0.5, 0.3))
    client.force_login(editor(django_user_model))
    page = client.get(reverse("admin:archive_issue_scans", args=[article.issue_id]))
    html = page.content.decode()
    assert page.status_code == 200 and "scan-mark-other" in html and "已标出" in html
    assert 'data-box="0.100000,0.200000,0.500000,0.300000"' in html


# ---------------------------------------------------------------------------------------
# Regions.


def region_url(article):
    return reverse("admin:archive_article_region", args=[article.pk])


def test_an_editor_saves_and_clears_the_article_region(
    client,
    django_user_model,
    scanned,
    article,
    media,
    django_capture_on_commit_callbacks,
):
    client.force_login(editor(django_user_model))
    response = client.post(
        region_url(article),
        {"scan": scanned.pk, "x": "0.1", "y": "0.25", "w": "0.5", "h": "0.4"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:articles_article_correct", args=[article.pk]
    )
    region = ArticleRegion.objects.get(article=article)
    assert (region.x, region.y, region.w, region.h) == pytest.approx(
        (0.1, 0.25, 0.5, 0.4)
    )
    crop = Image.open(media / region.image)
    # 0.5 × 1200 wide, 0.4 × 1800 high (the zoom image is the 1200×1800 original).
    assert crop.size == (600, 720) == (region.image_width, region.image_height)
    assert region.updated_by.username == "bianji"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(region_url(article), {"action": "clear"})
    assert not ArticleRegion.objects.exists() and not (media / region.image).exists()


def test_region_save_answers_json_for_the_viewer_and_clamps_to_the_page(
    client, django_user_model, scanned, article
):
    client.force_login(editor(django_user_model))
    response = client.post(
        region_url(article),
        {"scan": scanned.pk, "x": "-0.2", "y": "0.9", "w": "0.5", "h": "0.5"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200 and response.json()["ok"]
    assert response.json()["region"] == {
        "scan": scanned.pk,
        "box": "0.000000,0.900000,0.300000,0.100000",
    }


@pytest.mark.parametrize(
    "values",
    [
        {"x": "abc", "y": "0", "w": "0.5", "h": "0.5"},
        {"x": "nan", "y": "0", "w": "0.5", "h": "0.5"},
        {"x": "0.1", "y": "0.1", "w": "0.001", "h": "0.5"},
        {"x": "1e309", "y": "0", "w": "0.5", "h": "0.5"},
        {},
    ],
)
def test_bad_regions_are_refused_with_a_message(
    client, django_user_model, scanned, article, values
):
    client.force_login(editor(django_user_model))
    response = client.post(
        region_url(article),
        {"scan": scanned.pk, **values},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400 and not response.json()["ok"]
    assert "区域" in response.json()["message"] or "坐标" in response.json()["message"]
    assert not ArticleRegion.objects.exists()


def test_a_scan_of_another_page_cannot_hold_the_region(
    client, django_user_model, article, make_issue
):
    [elsewhere] = attach(make_issue(), jpeg_bytes())
    client.force_login(editor(django_user_model))
    response = client.post(
        region_url(article),
        {"scan": elsewhere.pk, "x": "0", "y": "0", "w": "0.5", "h": "0.5"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400 and "扫描" in response.json()["message"]


def test_only_editors_save_regions(client, django_user_model, scanned, article):
    nobody = django_user_model.objects.create_user(
        "staff", password="pw", is_staff=True
    )
    client.force_login(nobody)
    response = client.post(
        region_url(article),
        {"scan": scanned.pk, "x": "0", "y": "0", "w": "0.5", "h": "0.5"},
    )
    assert response.status_code == 403 and not ArticleRegion.objects.exists()
    client.logout()
    assert client.get(region_url(article)).status_code == 302  # to the login page


# ---------------------------------------------------------------------------------------
# Correction screen.


def test_the_correction_screen_gets_the_scan_panel(
    client, django_user_model, scanned, article
):
    scans.save_region(article, scanned, (0.1, 0.2, 0.3, 0.4))
    user = editor(django_user_model)
    client.force_login(user)
    response = client.get(reverse("admin:articles_article_correct", args=[article.pk]))
    assert response.status_code == 200
    panel = response.context["scan_panel"]
    assert [p.pk for p in panel["pages"]] == [scanned.pk] and panel[
        "current"
    ] == scanned.pk
    html = render_panel(user, article, panel)
    assert 'data-region="0.100000,0.200000,0.300000,0.400000"' in html
    assert reverse("scans:image", args=[scanned.pk, "web"]) in html
    assert f'action="{region_url(article)}"' in html and "csrfmiddlewaretoken" in html
    assert (
        "<script" in html
        and "viewer.js" in html
        and "onclick" not in html
        and "style=" not in html
    )


def render_panel(user, article, panel) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "admin/articles/article/_scan_panel.html",
        {"article": article, "scan_panel": panel},
        request=request,
    )


def test_the_correction_screen_works_without_a_scan(client, django_user_model, article):
    user = editor(django_user_model)
    client.force_login(user)
    response = client.get(reverse("admin:articles_article_correct", args=[article.pk]))
    assert response.status_code == 200 and response.context["scan_panel"]["pages"] == []
    html = render_panel(user, article, response.context["scan_panel"])
    assert "本版面尚无原版扫描" in html and "scan-viewer" not in html


# ---------------------------------------------------------------------------------------
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
    client, django_user_model, scanned, article
):
    Article.objects.filter(pk=article.pk).update(published=False)
    url = reverse("scans:image", args=[scanned.pk, "thumb"])
    assert client.get(url).status_code == 404
    client.force_login(editor(django_user_model))
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"].startswith(
        "private"
    )


def test_a_missing_derivative_is_a_404_not_a_500(client, scanned, media):
    (media / scanned.web).unlink()
    assert (
        client.get(reverse("scans:image", args=[scanned.pk, "web"])).status_code == 404
    )


def test_public_original_shows_the_region_then_the_whole_page(client, scanned, article):
    url = reverse("scans:article", args=[article.pk])
    page = client.get(url).content.decode()
    assert (
        "整版" in page
        and "尚未标出" in page
        and reverse("scans:region_image", args=[article.pk]) not in page
    )
    assert (
        client.get(reverse("scans:region_image", args=[article.pk])).status_code == 404
    )
    scans.save_region(article, scanned, (0.5, 0.5, 0.5, 0.5))
    page = client.get(url).content.decode()
    assert reverse("scans:region_image", args=[article.pk]) in page
    assert 'data-region="0.500000,0.500000,0.500000,0.500000"' in page
    image = client.get(reverse("scans:region_image", args=[article.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(b"".join(image.streaming_content))).size == (600, 900)


def test_public_original_hides_unpublished_articles_and_pages_without_scans(
    client, scanned, article, make_article
):
    without = make_article(title="无扫描")
    assert client.get(reverse("scans:article", args=[without.pk])).status_code == 404
    assert (
        client.get(reverse("scans:issue", args=[without.issue_id])).status_code == 404
    )
    scans.save_region(article, scanned, (0, 0, 0.5, 0.5))
    Article.objects.filter(pk=article.pk).update(published=False)
    assert client.get(reverse("scans:article", args=[article.pk])).status_code == 404
    assert (
        client.get(reverse("scans:region_image", args=[article.pk])).status_code == 404
    )
    assert (
        client.get(reverse("scans:issue", args=[article.issue_id])).status_code == 404
    )


def test_public_issue_original_is_the_whole_page(client, scanned, article):
    page = client.get(reverse("scans:issue", args=[article.issue_id]))
    assert page.status_code == 200 and "版面原版" in page.content.decode()
    assert page["Content-Security-Policy"] and "<script src=" in page.content.decode()


def test_titles_are_escaped_on_the_original_page(client, make_article):
    hostile = make_article(title='<img src=x onerror="alert(1)">')
    attach(hostile.issue, jpeg_bytes())
    page = client.get(reverse("scans:article", args=[hostile.pk])).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x" in page


def test_public_partials_link_the_original_or_render_nothing(
    scanned, article, make_article
):
    plain = make_article(title="无扫描")
    assert render_to_string("archive/_scan_link.html", {"article": plain}).strip() == ""
    assert (
        render_to_string("archive/_page_thumbnail.html", {"issue": plain.issue}).strip()
        == ""
    )
    link = render_to_string("archive/_scan_link.html", {"article": article})
    assert "查看原版" in link and reverse("scans:article", args=[article.pk]) in link
    assert reverse("scans:image", args=[scanned.pk, "thumb"]) in link
    scans.save_region(article, scanned, (0.1, 0.1, 0.4, 0.4))
    link = render_to_string("archive/_scan_link.html", {"article": article})
    assert reverse("scans:region_image", args=[article.pk]) in link
    thumb = render_to_string("archive/_page_thumbnail.html", {"issue": article.issue})
    assert (
        reverse("scans:issue", args=[article.issue_id]) in thumb
        and 'width="320"' in thumb
    )


def test_public_pages_without_a_scan_still_work(client, article):
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get(article.issue.get_absolute_url()).status_code == 200


def test_public_pages_with_a_scan_still_work(client, scanned, article):
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get(article.issue.get_absolute_url()).status_code == 200


# ---------------------------------------------------------------------------------------
# import_pages.


def test_import_pages_takes_a_scan_with_the_page(tmp_path, db, capsys):
    scan = tmp_path / "page.pdf"
    scan.write_bytes(pdf_bytes())
    call_command("import_pages", str(SEED_PAGES[0]), "--scan", str(scan))
    issue = Issue.objects.get()
    assert issue.scans.get().original_name == "page.pdf"
    assert "原版扫描：新增 1 张" in capsys.readouterr().out
    # A second run changes nothing.
    call_command("import_pages", str(SEED_PAGES[0]), "--scan", str(scan))
    assert Scan.objects.count() == 1


def test_import_pages_reads_scans_from_the_manifest(tmp_path, db):
    (tmp_path / "scans").mkdir()
    (tmp_path / "scans" / "a.jpg").write_bytes(jpeg_bytes())
    (tmp_path / "scans" / "b.png").write_bytes(encoded(page_image(600, 900), "PNG"))
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        f"file,date,number,page,scan\n{SEED_PAGES[0].name},2024-05-20,,第7版,scans/a.jpg; scans/b.png\n{SEED_PAGES[1].name},,,,\n",
        encoding="utf-8",
    )
    call_command(
        "import_pages",
        str(SEED_PAGES[0]),
        str(SEED_PAGES[1]),
        "--manifest",
        str(manifest),
    )
    with_scans = Issue.objects.get(source_name=SEED_PAGES[0].name)
    assert [s.original_name for s in with_scans.scans.all()] == ["a.jpg", "b.png"]
    assert not Issue.objects.get(source_name=SEED_PAGES[1].name).scans.exists()


def test_import_pages_with_a_bad_scan_imports_nothing_for_that_page(
    tmp_path, db, capsys, media
):
    bad = tmp_path / "page.jpg"
    bad.write_bytes(b"not an image")
    with pytest.raises(CommandError):
        call_command("import_pages", str(SEED_PAGES[0]), "--scan", str(bad))
    captured = capsys.readouterr()
    assert "不是可识别的图像" in captured.out + captured.err
    assert not Issue.objects.exists() and media_files(media) == []


def test_import_pages_scan_option_needs_a_single_page(tmp_path, db):
    scan = tmp_path / "page.jpg"
    scan.write_bytes(jpeg_bytes())
    with pytest.raises(CommandError, match="单个版面"):
        call_command(
            "import_pages", str(SEED_PAGES[0]), str(SEED_PAGES[1]), "--scan", str(scan)
        )
    with pytest.raises(CommandError):
        call_command(
            "import_pages", str(SEED_PAGES[0]), "--scan", str(tmp_path / "missing.jpg")
        )
    assert not Issue.objects.exists()


def test_import_pages_dry_run_checks_the_scan(tmp_path, db, capsys):
    scan = tmp_path / "page.jpg"
    scan.write_bytes(jpeg_bytes())
    call_command("import_pages", str(SEED_PAGES[0]), "--scan", str(scan), "--dry-run")
    assert "原版扫描 page.jpg：1 页" in capsys.readouterr().out
    assert not Issue.objects.exists() and not Scan.objects.exists()
