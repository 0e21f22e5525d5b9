"""The articles app: articles, columns, people and places."""

from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "文章与作者"

    def ready(self):
        from articles import freshness

        freshness.connect()
