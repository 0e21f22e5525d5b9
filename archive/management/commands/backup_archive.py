"""`backup_archive FILE.zip`: the whole archive (database with history, raw pages,
media) in one file, written atomically."""

from pathlib import Path

from django.core.management.base import BaseCommand

from archive.backup import write_backup


class Command(BaseCommand):
    help = (
        "把整个档案（含修订历史的数据库内容、原始版面、媒体文件）备份到一个 zip 文件。"
    )
    # Like dumpdata: the checks would load the URLs and, through them, the search
    # dictionary, which a backup never uses.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "path", help="备份文件路径，如 backups/archive-2024-05-20.zip"
        )

    def handle(self, *args, path, **options):
        manifest = write_backup(Path(path))
        raw = sum(1 for name in manifest if name.startswith("raw/"))
        self.stdout.write(
            self.style.SUCCESS(
                f"已备份到 {path}：{len(manifest)} 个文件，其中原始版面 {raw} 个。"
            )
        )
