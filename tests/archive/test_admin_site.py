"""The admin site: Chinese names on every admin page, the correction dashboard on its index."""

import pytest
from django.contrib import admin
from django.urls import reverse

from archive.admin_site import ArchiveAdminSite

pytestmark = pytest.mark.django_db


def test_the_project_admin_is_the_archive_site():
    """archive.apps.ArchiveAdminConfig makes it django.contrib.admin's default site."""
    assert admin.site.index_template == ArchiveAdminSite.index_template
    assert admin.site.site_header == "理论版档案 · 编辑后台"


def test_the_login_page_carries_the_site_names(client):
    html = client.get(reverse("admin:login")).content.decode()
    assert "理论版档案 · 编辑后台" in html and "理论版档案后台" in html


def test_the_index_shows_the_dashboard_beside_the_models(
    client, make_article, django_user_model
):
    make_article(status="verified")
    make_article()
    client.force_login(
        django_user_model.objects.create_superuser("zhuren", password="x")
    )
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    totals = response.context["dashboard"]["totals"]
    assert (totals["total"], totals["verified"], totals["raw"]) == (2, 1, 1)
    html = response.content.decode()
    assert 'id="correction-dashboard"' in html and "校对与管理" in html
    # The model list the stock index shows is still there below the dashboard.
    assert reverse("admin:articles_article_changelist") in html
