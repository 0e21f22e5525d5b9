"""Backup benchmark (not a test): peak memory of `backup_archive` as the media grows.

# .venv/bin/python bench/backup_memory.py                     # media 0, 256, 1024 MB
# .venv/bin/python bench/backup_memory.py --media 0 2048

A fresh SQLite archive with the seed pages in a temporary directory; media is added as
8 MB files of random bytes (incompressible, like scans) and `manage.py backup_archive`
runs in a process of its own for each size. Peak RSS is that process's ru_maxrss
(from wait4, so nothing is sampled).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_PAGES = sorted((ROOT / "fixtures" / "pages").glob("*.txt"))


def manage(env, *args) -> int:
    """Runs manage.py; returns its peak RSS in KB."""
    proc = subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    errors = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"manage.py {args[0]} failed:\n{errors.decode()[-2000:]}")
    return usage.ru_maxrss


def grow_media(media: Path, megabytes: int) -> None:
    folder = media / "scans" / "originals" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(megabytes // 8):
        path = folder / f"{n:05d}.jpg"
        if not path.exists():
            path.write_bytes(os.urandom(8 * 1024 * 1024))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--media", type=int, nargs="+", default=[0, 256, 1024])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="backup-bench-") as work:
        root = Path(work)
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{root / 'archive.sqlite3'}",
            "VAR_DIR": str(root),
            "MEDIA_ROOT": str(root / "media"),
            "SEARCH_INDEX_PATH": str(root / "index"),
            "SECRET_KEY": "benchmark-only",
            "DEBUG": "0",
            "HTTPS": "0",
        }
        manage(env, "migrate", "--noinput")
        manage(env, "import_pages", *map(str, SEED_PAGES))
        print(
            f"{platform.machine()}, {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}"
        )
        print(f"{'media':>8} {'backup':>9} {'peak RSS':>9} {'time':>6}")
        for megabytes in sorted(args.media):
            grow_media(root / "media", megabytes)
            target = root / "backup.zip"
            start = time.perf_counter()
            peak = manage(env, "backup_archive", str(target))
            seconds = time.perf_counter() - start
            size = target.stat().st_size / 1024 / 1024
            print(
                f"{megabytes:6d}MB {size:7.0f}MB {peak / 1024:7.0f}MB {seconds:5.1f}s"
            )


if __name__ == "__main__":
    main()
