"""The archive app: printed pages (issues) and the import pipeline."""

from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "版面与导入"
