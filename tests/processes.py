"""manage.py in a child process, as an operator or another worker runs it."""

import subprocess
import sys

from tests.seed import ROOT


def manage(*args: str, env: dict, timeout: int = 300) -> subprocess.CompletedProcess:
    """Runs `manage.py *args` from the project root with exactly `env`; output as text."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
