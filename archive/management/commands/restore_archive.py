"""`restore_archive FILE.zip`: migrate an empty database and load a backup into it."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from archive.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "把 backup_archive 生成的备份恢复到一个空数据库（会先执行迁移）；"
        "之后请运行 rebuild_index。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        call_command("migrate", interactive=False, verbosity=0)
        try:
            restore_backup(Path(path))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"已从 {path} 恢复。请运行 `manage.py rebuild_index` 重建检索索引。"
            )
        )
