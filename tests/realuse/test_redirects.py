"""The admin's write views send the editor back only to this site (no open redirect)."""

import pytest

from articles.models import Article

pytestmark = pytest.mark.django_db


def post_status(archive_in_use, next_url: str):
    article = Article.objects.filter(issue=archive_in_use.dated).order_by("pk")[0]
    editor = archive_in_use.client_for("reviewer_a")
    return editor.post(
        f"/admin/articles/article/{article.pk}/status/",
        {"status": "in_review", "base_version": article.version, "next": next_url},
    ), article


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
    ],
)
def test_the_status_view_does_not_redirect_off_site(archive_in_use, target):
    response, article = post_status(archive_in_use, target)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/articles/article/{article.pk}/correct/"


def test_the_status_view_follows_a_same_site_next(archive_in_use):
    response, _ = post_status(archive_in_use, "/admin/articles/article/queue/")
    assert response["Location"] == "/admin/articles/article/queue/"
