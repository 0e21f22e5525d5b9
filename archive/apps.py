"""The archive app: printed pages (issues) and the import pipeline; the admin's config."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ArchiveConfig(AppConfig):
    default = (
        True  # the config "archive" in INSTALLED_APPS means; the other is the admin's
    )
    name = "archive"
    verbose_name = "版面与导入"


class ArchiveAdminConfig(admin_apps.AdminConfig):
    default = False
    # Named by its path: the site's module imports views, which need the app registry
    # this config is part of building.
    default_site = "archive.admin_site.ArchiveAdminSite"
