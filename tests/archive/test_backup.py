"""A backup restores into an empty SQLite or PostgreSQL database with nothing changed."""

import json
import os
import subprocess
import sys
import uuid

import pytest
from django.core.management import call_command

from archive.backup import BackupError, archive_digest, read_backup
from archive.importing import import_page
from articles.editing import corrections
from articles.models import Article
from tests.conftest import ROOT, SEED_PAGES

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
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def restore_and_digest(database_url, backup, tmp_path):
    run(database_url, tmp_path, "restore_archive", str(backup))
    run(database_url, tmp_path, "rebuild_index", "--noinput")
    return json.loads(
        run(database_url, tmp_path, "archive_digest", "--queries", QUERIES)
    )


def test_backup_manifest_detects_a_changed_byte(backup, tmp_path):
    import zipfile

    members = read_backup(backup)
    assert "data.json" in members and sum(n.startswith("raw/") for n in members) == 3
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(backup) as src, zipfile.ZipFile(broken, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name.startswith("raw/"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            dst.writestr(name, data)
    with pytest.raises(BackupError, match="损坏"):
        read_backup(broken)


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
    data = json.loads(read_backup(backup)["data.json"])
    models = {row["model"] for row in data}
    assert {
        "articles.revision",
        "auth.user",
        "archive.issue",
        "articles.authorship",
    } <= models
