"""docker-compose.yml is kept correct by reading it: its environment is what settings read."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SETTINGS_SOURCE = (ROOT / "archive" / "settings.py").read_text(encoding="utf-8")
SETTINGS_ENV = set(
    re.findall(r"""(?:environ\.get|env_flag)\(\s*["']([A-Z_]+)["']""", SETTINGS_SOURCE)
)


def test_services_are_db_and_web():
    assert {"db", "web"} <= set(COMPOSE["services"])


def test_database_is_postgres_16_with_volume_and_healthcheck():
    db = COMPOSE["services"]["db"]
    assert db["image"].startswith("postgres:16")
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_web_environment_is_read_by_settings():
    env = COMPOSE["services"]["web"]["environment"]
    assert set(env) <= SETTINGS_ENV, set(env) - SETTINGS_ENV
    assert (
        env["DATABASE_URL"].startswith("postgresql://")
        and "@db:5432/" in env["DATABASE_URL"]
    )
    assert env["DEBUG"] == "0"


def test_web_runs_gunicorn_on_the_project_wsgi_and_keeps_the_index_on_a_volume():
    web = COMPOSE["services"]["web"]
    assert "gunicorn archive.wsgi" in web["command"]
    assert "migrate" in web["command"]
    index_dir = web["environment"]["SEARCH_INDEX_PATH"]
    assert any(index_dir.startswith(v.split(":")[1]) for v in web["volumes"])
    assert (ROOT / "Dockerfile").exists()
