"""The admin never lets anyone change the original OCR or add pages by hand."""

import pytest
from django.urls import reverse


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
