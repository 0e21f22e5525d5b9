"""`make run`'s one-shot setup: import the seed pages, build the index, print the logins.

With --demo-logins (the local demo of `make run` only, never a deployment) it also
creates one 编辑 and one 审校, so correction → review → verification can be tried.
"""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand

STAFF_USERNAME = "editor"
# The local demo's editor and reviewer: (username, group, what the printout calls them).
DEMO_LOGINS = [("bianji", "编辑", "编辑"), ("shenjiao", "审校", "审校")]


class Command(BaseCommand):
    help = "导入示例版面、重建检索索引，并创建（或显示）一个编辑后台账号。"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="要导入的版面文件或目录")
        parser.add_argument(
            "--demo-logins",
            action="store_true",
            help="另建一个“编辑”和一个“审校”账号（仅限本机演示）",
        )

    def handle(self, *args, paths, demo_logins=False, **options):
        if paths:
            # Re-importing the same bytes is a no-op, so this is safe on every start.
            call_command("import_pages", *paths, stdout=self.stdout, stderr=self.stderr)
        call_command("rebuild_index", interactive=False, verbosity=0)
        self.stdout.write(self.staff_login())
        if demo_logins:
            for username, group, label in DEMO_LOGINS:
                password = self.login(username, group=group)
                self.stdout.write(
                    f"{label}账号 / {label} login: {username} / {password}"
                )

    def staff_login(self) -> str:
        password = self.login(STAFF_USERNAME, superuser=True)
        return f"编辑后台账号 / staff login: {STAFF_USERNAME} / {password}"

    def login(self, username: str, *, superuser=False, group: str = "") -> str:
        """The login's password, made (and kept under VAR_DIR) the first time."""
        User = get_user_model()
        suffix = "" if superuser else f"_{username}"
        password_file = Path(settings.VAR_DIR) / f"staff_password{suffix}"
        user = User.objects.filter(username=username).first()
        if user is None or not password_file.exists():
            password = secrets.token_urlsafe(12)
            user = user or User(username=username)
            user.is_staff = True
            user.is_superuser = superuser
            user.set_password(password)
            user.save()
            if group:
                user.groups.add(Group.objects.get(name=group))
            password_file.write_text(password, encoding="utf-8")
            password_file.chmod(0o600)
        return password_file.read_text(encoding="utf-8").strip()
