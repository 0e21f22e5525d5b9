"""A backup is written atomically in flat memory and restores into an empty SQLite or
PostgreSQL database with nothing changed."""

import json
import os
import signal
import stat
import subprocess
import sys
import time
import uuid
import zipfile

import pytest
from django.core.management import call_command

from archive.backup import BackupError, archive_digest, verify_backup, write_backup
from archive.importing import import_page
from articles.editing import corrections
from articles.models import Article
from tests.conftest import ROOT, SEED_PAGES
from tests.processes import manage

QUERIES = "枫桥经验,工匠精神,智慧工会"


@pytest.fixture
def backup(db, tmp_path, django_user_model):
    for page in SEED_PAGES:
        import_page(page.read_bytes(), source_name=page.name)
    editor = django_user_model.objects.create_user(
        "bianji", password="pw", is_staff=True
    )
    article = Article.objects.order_by("pk").first()
    corrections.save_correction(
        article,
        editor=editor,
        base_version=article.version,
        changes={"body": article.body + "补记。"},
        note="补记",
    )
    path = tmp_path / "backup.zip"
    call_command("backup_archive", str(path), verbosity=0)
    return path


def run(database_url, tmp_path, *args):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SEARCH_INDEX_PATH": str(tmp_path / f"index-{abs(hash(database_url))}"),
        "VAR_DIR": str(tmp_path),
    }
    result = manage(*args, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def restore_and_digest(database_url, backup, tmp_path):
    run(database_url, tmp_path, "restore_archive", str(backup))
    run(database_url, tmp_path, "rebuild_index", "--noinput")
    return json.loads(
        run(database_url, tmp_path, "archive_digest", "--queries", QUERIES)
    )


def test_backup_manifest_detects_a_changed_byte(backup, tmp_path):
    manifest = verify_backup(backup)
    assert "data.jsonl" in manifest and sum(n.startswith("raw/") for n in manifest) == 3
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(backup) as src, zipfile.ZipFile(broken, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name.startswith("raw/"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            dst.writestr(name, data)
    with pytest.raises(BackupError, match="损坏"):
        verify_backup(broken)


def test_a_damaged_zip_is_refused(backup, tmp_path):
    """A flipped byte inside a stored member fails its CRC: refused, not loaded."""
    data = bytearray(backup.read_bytes())
    data[len(data) // 3] ^= 0xFF
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    with pytest.raises(BackupError):
        verify_backup(damaged)


def test_round_trip_sqlite_to_sqlite(backup, tmp_path):
    expected = archive_digest()
    restored = restore_and_digest(
        f"sqlite:///{tmp_path / 'restored.sqlite3'}", backup, tmp_path
    )
    assert restored["counts"] == expected["counts"]
    assert restored["articles"] == expected["articles"]
    assert all(restored["search"][q] for q in QUERIES.split(",")), restored["search"]


def postgres_url():
    try:
        import psycopg

        psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3
        ).close()
    except Exception:  # noqa: BLE001 - any failure means no server to test against
        return None
    return "postgresql://postgres@127.0.0.1:5432/postgres"


def test_round_trip_sqlite_to_postgres(backup, tmp_path, settings):
    admin_url = postgres_url()
    if admin_url is None:
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not reachable")
    import psycopg

    name = f"archive_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        expected = archive_digest()
        sqlite_restored = restore_and_digest(
            f"sqlite:///{tmp_path / 'restored.sqlite3'}", backup, tmp_path
        )
        restored = restore_and_digest(
            f"postgresql://postgres@127.0.0.1:5432/{name}", backup, tmp_path
        )
        assert restored["counts"] == expected["counts"]
        assert restored["articles"] == expected["articles"]
        assert restored["search"] == sqlite_restored["search"]
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_restore_refuses_a_non_empty_database(backup, tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="不是空的"):
        call_command("restore_archive", str(backup))


def test_backup_includes_revisions_and_users(backup):
    with zipfile.ZipFile(backup) as archive:
        lines = archive.read("data.jsonl").decode().splitlines()
    models = {json.loads(line)["model"] for line in lines}
    assert {
        "articles.revision",
        "auth.user",
        "archive.issue",
        "articles.authorship",
    } <= models


def test_the_backup_is_readable_only_by_its_owner(backup):
    """It holds password hashes."""
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


def test_scans_are_in_the_backup_as_stored_members(scanned, tmp_path):
    path = tmp_path / "backup.zip"
    manifest = write_backup(path)
    with zipfile.ZipFile(path) as archive:
        member = archive.getinfo(f"media/{scanned.original}")
        assert member.compress_type == zipfile.ZIP_STORED  # a JPEG: no deflating
    assert manifest[f"media/{scanned.original}"] == scanned.original_sha256
    assert manifest[f"media/{scanned.web}"] == scanned.web_sha256


# -----------------------------------------------------------------------------------
# A real `manage.py backup_archive` process: memory and SIGKILL.

MEDIA_MB = 384


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A migrated SQLite archive with the seed pages, for subprocesses."""
    root = tmp_path_factory.mktemp("backup-process")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{root / 'archive.sqlite3'}",
        "VAR_DIR": str(root),
        "MEDIA_ROOT": str(root / "media"),
        "SEARCH_INDEX_PATH": str(root / "index"),
    }
    run_in(env, "migrate", "--noinput")
    run_in(env, "import_pages", *map(str, SEED_PAGES))
    return root, env


def run_in(env, *args):
    result = manage(*args, env=env)
    assert result.returncode == 0, result.stderr[-3000:]


def add_media(root, megabytes: int) -> None:
    """Scan-sized files of random bytes (incompressible, like JPEGs)."""
    folder = root / "media" / "scans" / "originals" / "bulk"
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(megabytes // 8):
        path = folder / f"{n:04d}.jpg"
        if not path.exists():
            path.write_bytes(os.urandom(8 * 1024 * 1024))


# A child's peak RSS starts at its parent's (Linux carries it over vfork and exec), so
# backup_archive is started by a small launcher process, not by this large one.
LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
print(usage.ru_maxrss)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def peak_rss_kb(env, target) -> int:
    """Peak resident memory of one backup_archive process (from wait4, not sampled)."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            LAUNCHER,
            sys.executable,
            "manage.py",
            "backup_archive",
            str(target),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return int(result.stdout)


@pytest.mark.skipif(os.name != "posix", reason="needs wait4 and POSIX signals")
def test_backup_memory_does_not_grow_with_media(served):
    root, env = served
    small = peak_rss_kb(env, root / "small.zip")
    add_media(root, MEDIA_MB)
    large = peak_rss_kb(env, root / "large.zip")
    assert (root / "large.zip").stat().st_size > MEDIA_MB * 1024 * 1024
    # Holding the media would add ~MEDIA_MB; streaming adds nothing that grows with it.
    assert large - small < 32 * 1024, (small, large)


@pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals")
def test_a_backup_killed_mid_write_leaves_the_last_good_one(served):
    root, env = served
    target = root / "backups" / "archive.zip"
    run_in(env, "backup_archive", str(target))
    previous = target.read_bytes()
    add_media(root, MEDIA_MB)
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "backup_archive", str(target)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    before = target.stat()
    partial = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        # Kill once the write is well under way: 64 MB into a temporary file, or as
        # soon as the target itself is touched.
        partial = list(target.parent.glob(".archive.zip.*.tmp"))
        if partial and partial[0].stat().st_size > 64 * 1024 * 1024:
            break
        now = target.stat()
        if (now.st_size, now.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert target.read_bytes() == previous
    assert verify_backup(target)
    assert partial and partial[0].exists(), "the kill should land mid-write"
    partial[0].unlink()
