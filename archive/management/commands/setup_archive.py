"""`make run`'s one-shot setup: import the seed pages, build the index, print a staff login."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

STAFF_USERNAME = "editor"


class Command(BaseCommand):
    help = "导入示例版面、重建检索索引，并创建（或显示）一个编辑后台账号。"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="要导入的版面文件或目录")

    def handle(self, *args, paths, **options):
        if paths:
            # Re-importing the same bytes is a no-op, so this is safe on every start.
            call_command("import_pages", *paths, stdout=self.stdout, stderr=self.stderr)
        call_command("rebuild_index", interactive=False, verbosity=0)
        self.stdout.write(self.staff_login())

    def staff_login(self) -> str:
        User = get_user_model()
        password_file = Path(settings.VAR_DIR) / "staff_password"
        user = User.objects.filter(username=STAFF_USERNAME).first()
        if user is None or not password_file.exists():
            password = secrets.token_urlsafe(12)
            user = user or User(username=STAFF_USERNAME)
            user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
            password_file.write_text(password, encoding="utf-8")
            password_file.chmod(0o600)
        password = password_file.read_text(encoding="utf-8").strip()
        return f"编辑后台账号 / staff login: {STAFF_USERNAME} / {password}"
