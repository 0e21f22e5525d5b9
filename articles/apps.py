"""The articles app: articles, columns, people and places."""

from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "文章与作者"

    def ready(self):
        from tqdm import tqdm

        from articles import freshness

        freshness.connect()
        # Every progress bar, even a disabled one, would start tqdm's monitor thread
        # (it only redraws a bar stalled for 10 s), and a process running other
        # threads indexes in-process instead of forking workers (segment_workers).
        tqdm.monitor_interval = 0
