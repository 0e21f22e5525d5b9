"""What bench/run.py times: the search view and page in-process, a gunicorn worker's boot and
first request."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def time_view(client, qs: str, repeat: int, cpu: list | None = None) -> list[float]:
    """Wall times (ms) of `repeat` requests; their CPU times go to `cpu` if given.

    The CPU time this process spends on a request does not grow when other work
    shares the machine, as the wall time does.
    """
    times = []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        response = client.get(f"/search/?{qs}")
        times.append((time.perf_counter() - t) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - c) * 1000)
        assert response.status_code == 200, (qs, response.status_code)
    return times


def time_page(qs: str, repeat: int, engine=None) -> tuple[list[float], int]:
    """The search page built and rendered (no HTTP, no middleware) with the given engine."""
    from django.http import QueryDict
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from articles.search.page import build_search_page

    params = QueryDict(qs)
    request = RequestFactory().get(f"/search/?{qs}")
    times, total = [], 0
    for _ in range(repeat):
        t = time.perf_counter()
        page = build_search_page(params, engine)
        render_to_string("search/search.html", {"page": page}, request=request)
        times.append((time.perf_counter() - t) * 1000)
        total = page.total
    return times, total


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def first_request(database: str, engine: str, index_path: Path, qs: str) -> dict:
    """gunicorn with one worker on this archive: seconds until the worker has warmed up,
    then the first request and the next one (ms)."""
    from bench.serving import free_port

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "SEARCH_ENGINE": engine,
        "SEARCH_INDEX_PATH": str(index_path),
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    command = [sys.executable, "-m", "gunicorn", "archive.wsgi", "--workers", "1"]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "info"]
    started = time.perf_counter()
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        for line in server.stderr:
            if "search warmed up" in line:
                break
        ready = time.perf_counter() - started
        url = f"http://127.0.0.1:{port}/search/?{qs}"
        worker = subprocess.run(
            ["ps", "--ppid", str(server.pid), "-o", "pid="],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()[0]
        times, cpu = [], []
        for _ in range(2):
            t, c = time.perf_counter(), process_cpu_ms(worker)
            with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310
                response.read()
            times.append((time.perf_counter() - t) * 1000)
            cpu.append(process_cpu_ms(worker) - c)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "ready": ready,
        "first": times[0],
        "second": times[1],
        "first_cpu": cpu[0],
        "second_cpu": cpu[1],
    }


def process_cpu_ms(pid: str) -> float:
    """CPU time a process has used (10 ms resolution), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")
