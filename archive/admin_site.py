"""The admin site with the correction dashboard on its index page."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class ArchiveAdminSite(admin.AdminSite):
    site_header = "理论版档案 · 编辑后台"
    site_title = "理论版档案后台"
    index_title = "校对与管理"
    index_template = "admin/archive_index.html"

    def index(self, request, extra_context=None):
        from articles.editing.dashboard import dashboard

        return super().index(
            request, {**(extra_context or {}), "dashboard": dashboard()}
        )


class ArchiveAdminConfig(AdminConfig):
    default_site = "archive.admin_site.ArchiveAdminSite"
