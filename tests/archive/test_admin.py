"""The admin never lets anyone change the original OCR or add pages by hand."""

import tempfile

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archive.models import Scan
from tests.archive.conftest import media_files
from tests.archive.scans.images import jpeg_bytes, pdf_bytes


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        "chief", "chief@example.org", "pw"
    )
    client.force_login(user)
    return client


def test_original_ocr_is_read_only_in_the_admin(staff_client, make_article):
    """Posting a changed original OCR (or text) through the change form leaves it untouched.

    The change form edits placement and metadata; text changes go through the
    correction screen, where each save is a revision."""
    article = make_article(title="旧标题", body="正文", original_ocr="原始 文本")
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    assert "原始 文本" in page.content.decode()
    response = staff_client.post(
        url,
        {
            "issue": article.issue_id,
            "kind": "article",
            "position": 7,
            "published": "on",
            "status": "raw",
            "title": "新标题",
            "kicker": "",
            "lede": "",
            "body": "正文",
            "original_ocr": "被篡改",
            "authorships-TOTAL_FORMS": "0",
            "authorships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.position == 7
    assert article.title == "旧标题"
    assert article.original_ocr == "原始 文本"


def test_issues_cannot_be_added_or_deleted_in_the_admin(staff_client, make_issue):
    issue = make_issue()
    assert staff_client.get(reverse("admin:archive_issue_add")).status_code == 403
    assert (
        staff_client.get(
            reverse("admin:archive_issue_delete", args=[issue.pk])
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    "name",
    [
        "archive_issue",
        "articles_article",
        "articles_column",
        "articles_author",
        "articles_affiliation",
        "articles_province",
        "articles_authorship",
    ],
)
def test_every_model_has_a_working_changelist(staff_client, make_article, name):
    make_article()
    assert staff_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_anonymous_users_are_sent_to_the_login_page(client, db):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# -----------------------------------------------------------------------------------
# Scan uploads in the issue admin (ScanUploadForm, IssueAdmin.save_formset).


def scan_editor(django_user_model):
    user = django_user_model.objects.create_user("bianji", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="编辑"))
    return user


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
    client, django_user_model, scan_article, media, monkeypatch, tmp_path
):
    """Each file is rendered in turn into a work directory that is gone afterwards."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    client.force_login(scan_editor(django_user_model))
    url = reverse("admin:archive_issue_change", args=[scan_article.issue_id])
    page = client.get(url)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    files = [
        SimpleUploadedFile("a.jpg", jpeg_bytes(), "image/jpeg"),
        SimpleUploadedFile("b.pdf", pdf_bytes(), "application/pdf"),
    ]
    response = client.post(url, change_form_data(scan_article.issue, files))
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = list(scan_article.issue.scans.order_by("order"))
    assert [s.original_name for s in stored] == ["a.jpg", "b.pdf"]
    assert stored[0].uploaded_by.username == "bianji"
    assert (
        reverse("scans:image", args=[stored[0].pk, "thumb"])
        in client.get(url).content.decode()
    )
    assert not list(tmp_path.glob("scan-*"))


def test_a_refused_upload_shows_the_reason_and_stores_nothing(
    client, django_user_model, scan_article, media
):
    client.force_login(scan_editor(django_user_model))
    url = reverse("admin:archive_issue_change", args=[scan_article.issue_id])
    bad = SimpleUploadedFile("坏图.jpg", jpeg_bytes()[:2000], "image/jpeg")
    response = client.post(url, change_form_data(scan_article.issue, [bad]))
    assert response.status_code == 200
    assert "“坏图.jpg”图像数据已损坏或不完整" in response.content.decode()
    assert not Scan.objects.exists() and media_files(media) == []


def test_one_upload_takes_at_most_ten_files(client, django_user_model, scan_article):

    client.force_login(scan_editor(django_user_model))
    files = [SimpleUploadedFile(f"{n}.jpg", b"x", "image/jpeg") for n in range(11)]
    response = client.post(
        reverse("admin:archive_issue_change", args=[scan_article.issue_id]),
        change_form_data(scan_article.issue, files),
    )
    assert response.status_code == 200
    assert "一次最多上传 10 个文件" in response.content.decode()
    assert not Scan.objects.exists()


def test_uploaded_file_names_are_escaped_in_the_admin(
    client, django_user_model, make_issue, attach
):
    issue = make_issue()
    attach(issue, jpeg_bytes(), '<img src=x onerror="alert(1)">.jpg')
    client.force_login(scan_editor(django_user_model))
    page = client.get(
        reverse("admin:archive_issue_change", args=[issue.pk])
    ).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;.jpg<br>image/jpeg" in page
