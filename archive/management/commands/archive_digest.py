"""`archive_digest`: counts and per-article hashes as JSON, to compare two installations.

Crosses into articles: the optional search results come from articles.search.query,
because a restore is whole only if the index answers as before.
"""

import json

from django.core.management.base import BaseCommand

from archive.backup import archive_digest
from articles.search.query import build_searchqueryset, parse_query


class Command(BaseCommand):
    help = (
        "以 JSON 输出各表行数与每篇文章文字的哈希（可附检索结果），用于核对备份恢复。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queries", default="", help="逗号分隔的检索词；输出每个词的结果文章编号"
        )

    def handle(self, *args, queries, **options):
        digest = archive_digest()
        if queries:
            digest["search"] = {
                q: sorted(int(r.pk) for r in build_searchqueryset(parse_query(q)))
                for q in queries.split(",")
                if q
            }
        self.stdout.write(json.dumps(digest, ensure_ascii=False, sort_keys=True))
