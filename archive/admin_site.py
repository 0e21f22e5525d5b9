"""The admin site with the correction dashboard on its index page.

Crosses into articles: the index shows articles.editing.dashboard, because the admin
site is the project's and the editors' progress is what they open it for.
"""

from django.contrib import admin

from articles.editing.dashboard import dashboard


class ArchiveAdminSite(admin.AdminSite):
    site_header = "理论版档案 · 编辑后台"
    site_title = "理论版档案后台"
    index_title = "校对与管理"
    index_template = "admin/archive_index.html"

    def index(self, request, extra_context=None):
        return super().index(
            request, {**(extra_context or {}), "dashboard": dashboard()}
        )
