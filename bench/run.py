"""Search benchmark (not a test): synthetic archives, each engine's index build and search page,
PostgreSQL FTS alongside."""

# .venv/bin/python bench/run.py --sizes 10000 100000 --engines whoosh tantivy --reuse \
#     --database postgresql://postgres@127.0.0.1:5432/archive_bench --write docs/benchmarks.md
#
# For each size N: a benchmark database of its own (`archive_bench_N`, never the archive's),
# N synthetic articles (bench/synthetic.py; with --reuse an existing one is kept), and for
# each engine its index built and timed (with --reuse an index built earlier for the same
# archive is kept and its recorded build time reported), then every query (--queries FILE:
# one URL query string per line, e.g. `q=工会&column=观点`; by default selective and broad
# ones) timed through the Django search view, and the same page built on the engine and on
# PostgreSQL full-text search over the same jieba terms (bench/pg_fts.py).

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.timing import first_request, percentile, time_page, time_view  # noqa: E402

BENCH_VAR = ROOT / "var" / "bench"
ENGINES = {
    "whoosh": "articles.search.whoosh.backend.ChineseWhooshEngine",
    "tantivy": "articles.search.tantivy.backend.TantivyEngine",
}


def configure(database: str, index_path: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="archive.settings",
        DATABASE_URL=database,
        SEARCH_INDEX_PATH=str(index_path),
        SECRET_KEY="benchmark-only",
        DEBUG="0",
        HTTPS="0",
        STATIC_MANIFEST="0",
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="ERROR",
    )
    import django

    django.setup()


def size_database(database: str, n: int) -> str:
    """The benchmark database of one size: `archive_bench` becomes `archive_bench_10000`."""
    if database.startswith("sqlite"):
        path = Path(database.split("sqlite:///", 1)[1])
        return f"sqlite:///{path.with_name(f'{path.stem}_{n}{path.suffix}')}"
    return f"{database}_{n}"


def use_database(database: str) -> None:
    """Point Django's connection at another database of the same kind."""
    import dj_database_url
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    name = dj_database_url.parse(database)["NAME"]
    settings.DATABASES["default"]["NAME"] = name
    connections["default"].settings_dict["NAME"] = name


def recreate_database(database: str) -> None:
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()
    if database.startswith("sqlite"):
        path = Path(database.split("sqlite:///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        import psycopg

        base, name = database.rsplit("/", 1)
        if "archive_bench" not in name:
            raise SystemExit(
                "refusing to drop a database whose name lacks 'archive_bench'"
            )
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    use_database(database)
    call_command("migrate", verbosity=0)


def synthetic_count() -> int | None:
    """How many synthetic articles the current database holds (None: no archive there)."""
    from django.db import DatabaseError

    from articles.models import Article
    from bench.synthetic import SYNTHETIC_PREFIX

    try:
        return Article.objects.filter(
            issue__source_name__startswith=SYNTHETIC_PREFIX
        ).count()
    except DatabaseError:
        return None


def ensure_archive(n: int, database: str, reuse: bool) -> None:
    """The synthetic archive of n articles in its own database."""
    from bench import synthetic

    use_database(database)
    if reuse and synthetic_count() == n:
        print(f"  reusing the {n:,} synthetic articles in {database}", flush=True)
        return
    recreate_database(database)
    t = time.perf_counter()
    with polite():
        synthetic.generate(
            n, progress=lambda k: print(f"  generated {k:,}", end="\r", flush=True)
        )
    print(f"  generated {n:,} articles in {time.perf_counter() - t:.1f} s", flush=True)


def index_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def use_engine(name: str, index_path: Path, cache_seconds: int = 0):
    from django.conf import settings
    from haystack import connections

    options = settings.HAYSTACK_CONNECTIONS["default"]
    options.update(ENGINE=ENGINES[name], PATH=str(index_path))
    options["CACHE_SECONDS"] = cache_seconds
    connections.reload("default")
    return connections["default"].get_backend()


@contextmanager
def polite():
    """Long builds run at a lower priority (nice 5) than the timed requests, so other
    work on a shared machine is not starved and the timings are not either."""
    before = os.getpriority(os.PRIO_PROCESS, 0)
    os.setpriority(os.PRIO_PROCESS, 0, max(before, 5))
    try:
        yield
    finally:
        try:
            os.setpriority(os.PRIO_PROCESS, 0, before)
        except PermissionError:  # only root may raise a priority again
            pass


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the indexing workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def build_index(name: str, n: int, index_path: Path, reuse: bool) -> dict:
    """Build the engine's index of the current archive (or reuse one built earlier)."""
    from django.core.management import call_command

    note = index_path / "build.json"
    if reuse and note.exists():
        built = json.loads(note.read_text())
        if built.get("articles") == n:
            print(f"  {name}: reusing the index built in {built['seconds']:.0f} s")
            return built
    shutil.rmtree(index_path, ignore_errors=True)
    use_engine(name, index_path)
    t, cpu = time.perf_counter(), cpu_seconds()
    with polite():
        call_command("clear_index", interactive=False, verbosity=0)
        # verbosity 2: a line per batch, the progress of a long build.
        call_command("update_index", verbosity=2)
    built = {
        "articles": n,
        "seconds": time.perf_counter() - t,
        "cpu": cpu_seconds() - cpu,
        "bytes": index_size(index_path),
        "load": os.getloadavg()[0],
        "when": time.strftime("%Y-%m-%d %H:%M"),
    }
    note.write_text(json.dumps(built))
    print(
        f"  {name}: index built in {built['seconds']:.1f} s, {built['bytes'] / 1e6:.0f} MB"
    )
    return built


def run_engine(name, n, queries, args, database) -> dict:
    from django.test import Client

    from bench.queries import label

    index_path = BENCH_VAR / f"index_{name}_{n}"
    built = build_index(name, n, index_path, args.reuse)
    backend = use_engine(name, index_path)
    from articles.search.warm import warm_up

    warm_up()
    client = Client()
    rows, views, firsts, pages, cached, cpus = [], [], [], [], [], []
    for qs in queries:
        backend.cache_seconds = 0
        first = time_view(client, qs, 1)
        cpu = []
        view = time_view(client, qs, args.repeat, cpu)
        page, hits = time_page(qs, args.repeat)
        backend.cache_seconds = 300
        time_view(client, qs, 1)
        hit = time_view(client, qs, 1)
        row = {
            "query": label(qs),
            "hits": hits,
            "view": statistics.median(view),
            "cpu": statistics.median(cpu),
            "first": first[0],
            "page": statistics.median(page),
            "cached": hit[0],
        }
        views += view
        cpus += cpu
        firsts += first
        pages += page
        cached += hit
        rows.append(row)
        print(
            f"  {name:8} {row['query'][:34]:<36} {hits:>7,}  view {row['view']:6.0f}"
            f" (CPU {row['cpu']:4.0f})"
            f"  first {row['first']:6.0f}  page {row['page']:6.0f} ms",
            flush=True,
        )
    backend.cache_seconds = 0
    result = {
        "engine": name,
        "build": built,
        "rows": rows,
        "view_p50": percentile(views, 0.5),
        "view_p95": percentile(views, 0.95),
        "cpu_p50": percentile(cpus, 0.5),
        "cpu_p95": percentile(cpus, 0.95),
        "first_p95": percentile(firsts, 0.95),
        "page_p50": percentile(pages, 0.5),
        "page_p95": percentile(pages, 0.95),
        "cached_p50": percentile(cached, 0.5),
        "load": os.getloadavg()[0],
    }
    if args.boot:
        result["boot"] = first_request(database, ENGINES[name], index_path, queries[0])
        print(f"  {name}: worker boot {result['boot']}", flush=True)
    return result


def run_size(n: int, args) -> dict:
    from bench import synthetic
    from bench.queries import BROAD, read_queries, selective_queries

    print(f"\n== N = {n:,} ==", flush=True)
    database = size_database(args.database, n)
    ensure_archive(n, database, args.reuse)
    queries = (
        read_queries(args.queries)
        if args.queries
        else selective_queries(synthetic.topics()) + BROAD
    )
    result = {"n": n, "queries": len(queries)}
    if database.startswith("postgres"):
        result["pg"] = time_pg(queries, args)
        # Kept at once: a long run cut short still has its PostgreSQL figures.
        partial = {
            **result,
            "engines": [],
            "note": "Engines not measured: the run was cut short.",
        }
        stored_path(n, args).write_text(json.dumps(partial, ensure_ascii=False))
    engines = args.engines
    for spec in args.engines_for:
        size, _, names = spec.partition("=")
        if int(size) == n:
            engines = names.split(",")
    result["engines"] = [run_engine(e, n, queries, args, database) for e in engines]
    return result


def stored_path(n: int, args) -> Path:
    """Where a size's figures are kept: a query set of one's own (--queries) apart from
    the default set's, which docs/benchmarks.md reports."""
    if args.queries:
        return BENCH_VAR / f"results_{n}_{Path(args.queries).stem}.json"
    return BENCH_VAR / f"results_{n}.json"


def time_pg(queries: list[str], args) -> dict:
    """The page on PostgreSQL full-text search, once per archive, for every query."""
    from bench import pg_fts
    from bench.queries import label

    if not (args.reuse and pg_fts.exists()):
        with polite():
            seconds = pg_fts.build(args.workers)
        print(f"  PostgreSQL FTS table: {seconds:.1f} s", flush=True)
    rows, pages = [], []
    for qs in queries:
        time_page(qs, 1, pg_fts.engine)
        page, hits = time_page(qs, args.repeat, pg_fts.engine)
        pages += page
        rows.append({"query": label(qs), "hits": hits, "page": statistics.median(page)})
        print(
            f"  pg       {label(qs)[:34]:<36} {hits:>7,}  page {rows[-1]['page']:6.0f} ms"
        )
    return {"rows": rows, "p50": percentile(pages, 0.5), "p95": percentile(pages, 0.95)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument(
        "--engines", nargs="+", choices=list(ENGINES), default=list(ENGINES)
    )
    parser.add_argument(
        "--database", default=f"sqlite:///{BENCH_VAR / 'archive_bench.sqlite3'}"
    )
    parser.add_argument(
        "--engines-for",
        action="append",
        default=[],
        metavar="N=ENGINE,…",
        help="other engines for one size, e.g. 100000=tantivy",
    )
    parser.add_argument("--queries", help="one URL query string a line")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep an existing synthetic archive, index and FTS table of the same size",
    )
    parser.add_argument(
        "--no-boot",
        dest="boot",
        action="store_false",
        help="skip timing a gunicorn worker's boot and first request",
    )
    parser.add_argument(
        "--stored",
        action="store_true",
        help="report a size from the figures a finished earlier run stored, if any,"
        " instead of measuring it again",
    )
    parser.add_argument("--write", help="write the Markdown report here")
    args = parser.parse_args()
    from bench import report

    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    configure(size_database(args.database, args.sizes[0]), BENCH_VAR / "index")
    results = []
    for n in args.sizes:
        stored = stored_path(n, args)
        if args.stored and stored.exists():
            print(
                f"\n== N = {n:,}: figures stored {time.ctime(stored.stat().st_mtime)}"
            )
            result = json.loads(stored.read_text())
            result.setdefault(
                "measured",
                time.strftime("%Y-%m-%d %H:%M", time.gmtime(stored.stat().st_mtime)),
            )
            results.append(result)
        else:
            results.append(run_size(n, args))
            results[-1]["measured"] = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
            stored.write_text(json.dumps(results[-1], ensure_ascii=False))
        # Written after each size, so a long run's first sizes are not lost.
        text = report.markdown(results, args)
        if args.write:
            Path(args.write).write_text(text, encoding="utf-8")
            print(f"written to {args.write}", flush=True)
    print("\n" + text)


if __name__ == "__main__":
    main()
