"""An import killed with SIGKILL leaves no partial page; running it again completes the batch."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from archive.ingest.decoding import decode_page
from archive.ingest.parsing import parse_page
from tests import processes
from tests.conftest import ROOT, SEED_PAGES

PAGES = 12


def manage(env, *args):
    return processes.manage(*args, env=env, timeout=600)


@pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals")
def test_sigkill_mid_batch_leaves_only_whole_pages(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(PAGES):
        seed = SEED_PAGES[i % len(SEED_PAGES)].read_text(encoding="utf-8")
        # Distinct bytes per file, so every file is a new page.
        (pages / f"p{i:02d}.txt").write_text(
            seed + f"\n\n（本版第{i}号测试副本）\n", encoding="utf-8"
        )
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kill.sqlite3'}",
        "VAR_DIR": str(tmp_path),
    }
    assert manage(env, "migrate", "--noinput").returncode == 0
    expected = {
        path.name: len(parse_page(decode_page(path.read_bytes()).text).pieces)
        for path in sorted(pages.iterdir())
    }

    proc = subprocess.Popen(
        [sys.executable, "manage.py", "import_pages", str(pages)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    check = "from archive.models import Issue; print(Issue.objects.count())"
    while time.monotonic() < deadline:
        time.sleep(0.3)
        done = manage(env, "shell", "-c", check).stdout.strip().splitlines()
        if done and int(done[-1]) >= 2:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    def stored():
        out = manage(
            env,
            "shell",
            "-c",
            "import json; from archive.models import Issue; print(json.dumps("
            "{i.source_name: i.articles.count() for i in Issue.objects.all()}))",
        ).stdout
        return json.loads(out.strip().splitlines()[-1])

    partial = stored()
    assert 0 < len(partial) < PAGES, "the kill should land mid-batch"
    for name, count in partial.items():
        assert count == expected[name], (
            f"{name} is partial: {count} of {expected[name]} pieces"
        )

    rerun = manage(env, "import_pages", str(pages))
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert stored() == expected
