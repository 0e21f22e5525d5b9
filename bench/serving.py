"""Shared set-up for the HTTP scripts: a fresh database with the seed archive, served by
gunicorn."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-not-secret"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


@contextmanager
def postgres_database():
    """A throwaway PostgreSQL database, dropped afterwards."""
    import psycopg

    name = f"archive_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def served_archive(database_url: str, workdir: Path, *, editors: int, workers: int = 2):
    """Migrate, import the seed pages, create editor accounts, and run gunicorn on 127.0.0.1."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "VAR_DIR": str(workdir),
        "SEARCH_INDEX_PATH": str(workdir / "index"),
        "DEBUG": "0",
        "HTTPS": "0",
        "SECRET_KEY": "bench-" + uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_MANIFEST": "0",
    }
    manage(env, "migrate", "--noinput")
    manage(env, "import_pages", str(ROOT / "fixtures" / "pages"))
    manage(env, "rebuild_index", "--noinput")
    create = (
        "from django.contrib.auth.models import Group, User\n"
        f"for i in range({editors}):\n"
        f"    u = User.objects.create_user(f'bench{{i}}', password='{PASSWORD}', is_staff=True)\n"
        "    u.groups.add(Group.objects.get(name='编辑'))\n"
    )
    manage(env, "shell", "-c", create)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "archive.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=2)  # noqa: S310 - local server
                break
            except OSError:
                time.sleep(0.2)
        yield base, env
    finally:
        server.terminate()
        server.wait(timeout=30)


class Browser:
    """A cookie-keeping HTTP client that logs in to the admin like a person would."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def post(self, path: str, data: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode(
            {**data, "csrfmiddlewaretoken": self.csrf()}
        ).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        self.last_location = ""  # where a redirect pointed (a merged save says so)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            self.last_location = exc.headers.get("Location", "")
            return exc.code, exc.read().decode("utf-8", "replace")

    def login(self, username: str) -> None:
        self.get("/admin/login/")
        status, _ = self.post(
            "/admin/login/?next=/admin/", {"username": username, "password": PASSWORD}
        )
        if status != 302:
            raise SystemExit(f"login failed for {username}: HTTP {status}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def form_value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
    if match:
        return unescape(match.group(1))
    match = re.search(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', html, re.S)
    return unescape(match.group(1)) if match else ""
