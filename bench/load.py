"""Bounded load on 127.0.0.1: readers mix pages while editors save corrections
(gunicorn + PostgreSQL).

Usage: .venv/bin/python bench/load.py [--seconds 20] [--readers 8] [--editors 2] [--sqlite]

Prints requests/s, p50/p95/p99 latency per kind of page, errors (must be 0) and
whether every accepted correction was findable through search at the end.
"""

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serving import (  # noqa: E402
    Browser,
    form_value,
    manage,
    postgres_database,
    served_archive,
)

QUERIES = ["枫桥经验", "工匠精神", "新就业形态", "智慧工会", "王", "产业工人 改革"]


def percentile(values, q):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def reader(base, paths, deadline, samples, lock, seed):
    rng = random.Random(seed)
    browser = Browser(base)
    while time.monotonic() < deadline:
        kind, path = rng.choice(paths)
        started = time.perf_counter()
        status, _ = browser.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            samples.append((kind, elapsed, status))


def editor(base, index, article_ids, deadline, accepted, lock):
    browser = Browser(base)
    browser.login(f"bench{index}")
    n = 0
    while time.monotonic() < deadline:
        article = article_ids[(index + n) % len(article_ids)]
        path = f"/admin/articles/article/{article}/correct/"
        _, html = browser.get(path)
        # A searchable marker: Latin letters and digits survive any Chinese analyzer whole.
        marker = f"loadmark{index}x{n}"
        fields = {
            k: form_value(html, k)
            for k in ("base_version", "kicker", "title", "lede", "body")
        }
        fields["body"] += f" {marker}"
        status, _ = browser.post(path, {**fields, "note": f"负载测试 {marker}"})
        if status == 302:
            with lock:
                accepted.append((article, marker))
        n += 1
        time.sleep(0.5)


def run(database_url, workdir, args):
    with served_archive(database_url, workdir, editors=args.editors) as (base, env):
        info = json.loads(
            manage(
                env,
                "shell",
                "-c",
                (
                    "import json; from articles.models import Article, Column, Author\n"
                    "print(json.dumps({'articles': "
                    "list(Article.objects.public().values_list('pk', flat=True)),"
                    " 'columns': list(Column.objects.values_list('slug', flat=True)),"
                    " 'authors': list(Author.objects.values_list('pk', flat=True)[:10])}))"
                ),
            )
            .strip()
            .splitlines()[-1]
        )
        paths = [("home", "/")]
        paths += [("column", f"/columns/{slug}/") for slug in info["columns"]]
        paths += [("article", f"/article/{pk}/") for pk in info["articles"]]
        paths += [("author", f"/authors/{pk}/") for pk in info["authors"]]
        paths += [
            ("search", "/search/?" + urllib.parse.urlencode({"q": q})) for q in QUERIES
        ]
        paths += [
            ("export", "/articles/export.csv"),
            (
                "export",
                "/articles/export.ris?" + urllib.parse.urlencode({"province": "北京"}),
            ),
        ]
        samples, accepted, lock = [], [], threading.Lock()
        deadline = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=reader, args=(base, paths, deadline, samples, lock, i)
            )
            for i in range(args.readers)
        ]
        threads += [
            threading.Thread(
                target=editor,
                args=(base, i, info["articles"], deadline, accepted, lock),
            )
            for i in range(args.editors)
        ]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        duration = time.monotonic() - started
        time.sleep(2)  # index updates run on commit; give the last ones a moment
        browser = Browser(base)
        unfound = []
        for article, marker in accepted:
            _, html = browser.get("/search/?" + urllib.parse.urlencode({"q": marker}))
            if f"/article/{article}/" not in html:
                unfound.append(marker)
    by_kind = {}
    for kind, ms, _status in samples:
        by_kind.setdefault(kind, []).append(ms)
    errors = [s for s in samples if s[2] >= 400]
    return {
        "database": database_url.split("://")[0],
        "seconds": round(duration, 1),
        "readers": args.readers,
        "editors": args.editors,
        "requests": len(samples),
        "requests_per_second": round(len(samples) / duration, 1),
        "p50_ms": round(statistics.median([s[1] for s in samples]), 1)
        if samples
        else 0,
        "p95_ms": round(percentile([s[1] for s in samples], 95), 1),
        "p99_ms": round(percentile([s[1] for s in samples], 99), 1),
        "by_kind_p95_ms": {
            k: round(percentile(v, 95), 1) for k, v in sorted(by_kind.items())
        },
        "errors": len(errors),
        "error_statuses": sorted({s[2] for s in errors}),
        "corrections_saved": len(accepted),
        "corrections_not_found_by_search": len(unfound),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--editors", type=int, default=2)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if args.sqlite:
            report = run(f"sqlite:///{workdir / 'load.sqlite3'}", workdir, args)
        else:
            with postgres_database() as url:
                report = run(url, workdir, args)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return (
        0
        if report["errors"] == 0 and report["corrections_not_found_by_search"] == 0
        else 1
    )


if __name__ == "__main__":
    sys.exit(main())
