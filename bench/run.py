"""Search benchmark (not a test): build a synthetic archive of N articles, index it, time the search view."""

# .venv/bin/python bench/run.py --sizes 1000 10000 \
#     --database postgresql://postgres@127.0.0.1:5432/archive_bench --write docs/benchmarks.md
#
# For each N: a fresh benchmark database (never the archive's own), N synthetic articles,
# `rebuild_index` timed and measured on disk, then 20 fixed queries (2–4 words, half with a
# facet filter) timed end to end through the Django search view (middleware, parsing,
# Whoosh, facets, loading the page's articles, snippets with highlights, template). On
# PostgreSQL the same queries also run against PostgreSQL full-text search on
# jieba-segmented text (`simple` config, GIN index) as the baseline.

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_VAR = ROOT / "var" / "bench"
COMMON_WORDS = ["工会", "职工", "发展", "劳动", "服务", "建设"]


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


def ensure_archive(n: int, database: str, reuse: bool) -> bool:
    """The synthetic archive of n articles in its own database; True if made anew."""
    from bench import synthetic

    use_database(database)
    if reuse and synthetic_count() == n:
        print(f"  reusing the {n:,} synthetic articles in {database}", flush=True)
        return False
    recreate_database(database)
    t = time.perf_counter()
    synthetic.generate(
        n, progress=lambda k: print(f"  generated {k:,}", end="\r", flush=True)
    )
    print(
        f"  generated {n:,} synthetic articles in {time.perf_counter() - t:.1f} s",
        flush=True,
    )
    return True


def index_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


@dataclass
class Query:
    words: list[str]
    filters: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def url(self) -> str:
        return "/search/?" + urlencode({"q": self.text, **self.filters})

    @property
    def label(self) -> str:
        extra = " ".join(f"{k}={v}" for k, v in self.filters.items())
        return f"{self.text}" + (f" [{extra}]" if extra else "")


def fixed_queries(topics: list[list[str]]) -> list[Query]:
    """20 queries of 2–4 words, half with a facet filter, from about 0.1 % to 10 % of articles.

    Topic words co-occur only in their topic's articles (see synthetic.py): topic t is in
    about 0.5/(t+3) of articles and an article of the topic has 8 of its 30 words, so a
    query's match fraction follows from the topics and number of topic words it asks for.
    Common words (工会, 职工…) are in nearly every article.
    """
    rng = random.Random(7)

    def pick(topic, k):
        return rng.sample(topics[topic], k)

    def common(k):
        return rng.sample(COMMON_WORDS, k)

    shapes = [
        (pick(0, 2), {}),
        (pick(3, 2), {}),
        (pick(8, 2), {}),
        (pick(1, 1) + common(1), {}),
        (pick(5, 1) + common(1), {}),
        (pick(12, 1) + common(1), {}),
        (pick(2, 2) + common(1), {}),
        (pick(6, 2) + common(2), {}),
        (pick(0, 3), {}),
        (pick(0, 1) + common(2), {}),
        (pick(0, 1) + common(1), {"column": "观点"}),
        (pick(1, 1) + common(1), {"year": "2019"}),
        (pick(0, 1) + common(1), {"province": "广东"}),
        (pick(0, 2), {"column": "工作研究"}),
        (pick(2, 1) + common(1), {"column": "热点思考"}),
        (common(2), {"year": "2022"}),
        (pick(3, 1) + common(2), {"column": "前沿观察"}),
        (pick(4, 1) + common(1), {"year": "2016"}),
        (common(2), {"province": "山东"}),
        (pick(1, 2) + common(2), {"column": "观点"}),
    ]
    return [Query(words, filters) for words, filters in shapes]


def time_view(client, url: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


# --- PostgreSQL full-text baseline -----------------------------------------------


def _segment_row(row):
    from articles.search import text as search_text

    pk, text = row
    # Accurate-mode words plus the inner dictionary words the Whoosh index also has, so
    # both engines find the same documents.
    text = search_text.normalize(text)
    words = search_text.words(text)
    inner = [t for t in search_text.index_postings(text) if t not in set(words)]
    return pk, " ".join(words + inner)


def build_pg_fts(workers: int) -> float:
    """bench_fts(article_id, tsv): jieba terms (the same as the Whoosh index's) in a GIN index."""
    import multiprocessing

    from django.db import connection

    from articles.models import Article
    from articles.search import text as search_text

    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_fts")
        cur.execute(
            "CREATE TABLE bench_fts (article_id bigint PRIMARY KEY, tsv tsvector NOT NULL)"
        )
    rows = Article.objects.values_list(
        "pk", "kicker", "title", "lede", "body"
    ).iterator(chunk_size=2000)
    texts = ((pk, "\n".join((k, t, le, b))) for pk, k, t, le, b in rows)
    search_text.tokenizer()
    context = multiprocessing.get_context("fork")
    batch = []
    with context.Pool(workers) as pool, connection.cursor() as cur:
        for pk, terms in pool.imap(_segment_row, list(texts), chunksize=64):
            batch.append((pk, terms))
            if len(batch) >= 2000:
                cur.executemany(
                    "INSERT INTO bench_fts VALUES (%s, to_tsvector('simple', %s))",
                    batch,
                )
                batch = []
        if batch:
            cur.executemany(
                "INSERT INTO bench_fts VALUES (%s, to_tsvector('simple', %s))",
                batch,
            )
        cur.execute("CREATE INDEX bench_fts_gin ON bench_fts USING gin (tsv)")
        cur.execute("ANALYZE bench_fts")
    return time.perf_counter() - started


def pg_where(q: Query) -> tuple[str, list]:
    from articles.search import text as search_text

    terms = []
    for word in q.words:
        terms.extend(search_text.words(search_text.normalize(word)))
    tsquery = " & ".join("'" + t.replace("'", "") + "'" for t in terms)
    where, params = ["f.tsv @@ q.q", "a.published"], [tsquery]
    if "column" in q.filters:
        where.append("a.column_id = (SELECT id FROM articles_column WHERE name = %s)")
        params.append(q.filters["column"])
    if "year" in q.filters:
        where.append("i.publication_date >= %s AND i.publication_date < %s")
        year = int(q.filters["year"])
        params += [f"{year}-01-01", f"{year + 1}-01-01"]
    if "province" in q.filters:
        where.append(
            "a.id IN (SELECT au.article_id FROM articles_authorship au"
            " JOIN articles_affiliation af ON af.id = au.affiliation_id"
            " JOIN articles_province p ON p.id = af.province_id WHERE p.short_name = %s)"
        )
        params.append(q.filters["province"])
    source = (
        " FROM bench_fts f JOIN articles_article a ON a.id = f.article_id"
        " JOIN archive_issue i ON i.id = a.issue_id, to_tsquery('simple', %s) AS q(q)"
        f" WHERE {' AND '.join(where)}"
    )
    return source, params


PG_FACETS = """
WITH m AS (SELECT a.id, a.column_id, a.kind, a.status, i.publication_date {source})
SELECT 'column', c.name, count(*) FROM m JOIN articles_column c ON c.id = m.column_id GROUP BY 2
UNION ALL SELECT 'kind', m.kind, count(*) FROM m GROUP BY 2
UNION ALL SELECT 'status', m.status, count(*) FROM m GROUP BY 2
UNION ALL SELECT 'year', extract(year FROM m.publication_date)::text, count(*) FROM m GROUP BY 2
UNION ALL SELECT 'author', au.name, count(DISTINCT m.id) FROM m
    JOIN articles_authorship s ON s.article_id = m.id JOIN articles_author au ON au.id = s.author_id GROUP BY 2
UNION ALL SELECT 'affiliation', af.name, count(DISTINCT m.id) FROM m
    JOIN articles_authorship s ON s.article_id = m.id JOIN articles_affiliation af ON af.id = s.affiliation_id GROUP BY 2
UNION ALL SELECT 'province', p.short_name, count(DISTINCT m.id) FROM m
    JOIN articles_authorship s ON s.article_id = m.id JOIN articles_affiliation af ON af.id = s.affiliation_id
    JOIN articles_province p ON p.id = af.province_id GROUP BY 2
"""


PG_FACET_FIELDS = {
    "column": "column",
    "kind": "kind",
    "status": "status",
    "year": "year",
    "author": "authors",
    "affiliation": "affiliations",
    "province": "provinces",
}


def pg_engine(parsed, filters, sort, facets, start, size):
    """The search page's engine, on PostgreSQL full-text search instead of haystack."""
    from django.db import connection

    q = Query(
        list(parsed.words) + [p.replace(" ", "") for p in parsed.phrases],
        {k: v[0] for k, v in filters.items()},
    )
    source, params = pg_where(q)
    ranked = (
        f"SELECT a.id, ts_rank(f.tsv, q.q) AS rank, count(*) OVER () AS total {source}"
        f" ORDER BY rank DESC, a.id LIMIT {int(size)} OFFSET {int(start)}"
    )
    with connection.cursor() as cur:
        cur.execute(ranked, params)
        rows = cur.fetchall()
        counts: dict[str, list] = {}
        if rows:
            cur.execute(PG_FACETS.format(source=source), params)
            for kind, value, count in cur.fetchall():
                counts.setdefault(PG_FACET_FIELDS[kind], []).append((value, count))
    for values in counts.values():
        values.sort(key=lambda vc: (-vc[1], vc[0] or ""))
    return [r[0] for r in rows], (rows[0][2] if rows else 0), counts


def time_pg_sql(q: Query, repeat: int) -> list[float]:
    """The least a results page needs from PostgreSQL: top 20 by ts_rank, the count, titles."""
    from django.db import connection

    from articles.models import Article

    source, params = pg_where(q)
    ranked = (
        f"SELECT a.id, ts_rank(f.tsv, q.q) AS rank, count(*) OVER () AS total {source}"
        " ORDER BY rank DESC, a.id LIMIT 20"
    )
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute(ranked, params)
            ids = [r[0] for r in cur.fetchall()]
        list(Article.objects.filter(pk__in=ids).values_list("pk", "title"))
        times.append((time.perf_counter() - t) * 1000)
    return times


def time_page(q: Query, repeat: int, engine=None) -> tuple[list[float], int]:
    """The search page built and rendered (no HTTP, no middleware) with the given engine."""
    from django.http import QueryDict
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from articles.search.page import build_search_page

    params = QueryDict(q.url.split("?", 1)[1])
    request = RequestFactory().get(q.url)
    times, total = [], 0
    for _ in range(repeat):
        t = time.perf_counter()
        page = build_search_page(params, engine)
        render_to_string("search/search.html", {"page": page}, request=request)
        times.append((time.perf_counter() - t) * 1000)
        total = page.total
    return times, total


# --- the run -----------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def run_size(n: int, args, database: str) -> dict:
    from django.core.management import call_command
    from django.test import Client

    from bench import synthetic

    print(f"\n== N = {n:,} ==", flush=True)
    recreate_database(database)
    index_path = Path(os.environ["SEARCH_INDEX_PATH"])
    shutil.rmtree(index_path, ignore_errors=True)
    t = time.perf_counter()
    info = synthetic.generate(
        n, progress=lambda k: print(f"  generated {k:,}", end="\r", flush=True)
    )
    print(
        f"  generated {n:,} synthetic articles in {time.perf_counter() - t:.1f} s",
        flush=True,
    )

    from haystack import connections

    connections.reload("default")
    t = time.perf_counter()
    call_command("clear_index", interactive=False, verbosity=0)
    call_command("update_index", verbosity=0)
    build = time.perf_counter() - t
    size = index_size(index_path)
    print(f"  rebuild_index: {build:.1f} s, {size / 1e6:.1f} MB", flush=True)

    queries = fixed_queries(info["topics"])
    client = Client()
    client.get(
        "/search/?q=预热"
    )  # the process is warm, as a web worker is after its first request
    rows, all_view, all_pg = [], [], []
    pg = database.startswith("postgres")
    pg_build = build_pg_fts(args.workers) if pg else None
    if pg:
        print(f"  PostgreSQL FTS table and GIN index: {pg_build:.1f} s", flush=True)
    all_first, all_page, all_pg_page = [], [], []
    for q in queries:
        first = time_view(
            client, q.url, 1
        )  # the first time this process sees the query
        all_first += first
        view = time_view(client, q.url, args.repeat)
        all_view += view
        page, hits = time_page(q, args.repeat)
        all_page += page
        row = {
            "query": q.label,
            "hits": hits,
            "fraction": hits / n,
            "view": statistics.median(view),
            "first": first[0],
            "page": statistics.median(page),
        }
        if pg:
            time_page(q, 1, pg_engine)
            pg_page, pg_hits = time_page(q, args.repeat, pg_engine)
            pg_sql = time_pg_sql(q, args.repeat)
            all_pg_page += pg_page
            all_pg += pg_sql
            row.update(
                pg_page=statistics.median(pg_page),
                pg=statistics.median(pg_sql),
                pg_hits=pg_hits,
            )
        rows.append(row)
        print(
            f"  {q.label:<40} {hits:>6} ({hits / n:6.2%})  view {row['view']:6.1f}  page {row['page']:6.1f}"
            + (
                f"  pg page {row['pg_page']:6.1f}  pg sql {row['pg']:6.1f} ms"
                if pg
                else " ms"
            ),
            flush=True,
        )
    result = {
        "n": n,
        "build": build,
        "size": size,
        "view_p50": percentile(all_view, 0.5),
        "view_p95": percentile(all_view, 0.95),
        "page_p50": percentile(all_page, 0.5),
        "page_p95": percentile(all_page, 0.95),
        "first_p50": percentile(all_first, 0.5),
        "first_p95": percentile(all_first, 0.95),
        "load": os.getloadavg(),
        "rows": rows,
        "pg_build": pg_build,
    }
    if pg:
        result.update(
            pg_p50=percentile(all_pg, 0.5),
            pg_p95=percentile(all_pg, 0.95),
            pg_page_p50=percentile(all_pg_page, 0.5),
            pg_page_p95=percentile(all_pg_page, 0.95),
        )
    print(
        f"  view p50 {result['view_p50']:.1f} / p95 {result['view_p95']:.1f} ms;"
        f" page (Whoosh) p50 {result['page_p50']:.1f} / p95 {result['page_p95']:.1f} ms"
        + (
            f"; page (PostgreSQL FTS) p50 {result['pg_page_p50']:.1f} / p95 {result['pg_page_p95']:.1f} ms;"
            f" ranked SQL p50 {result['pg_p50']:.1f} / p95 {result['pg_p95']:.1f} ms"
            if pg
            else ""
        ),
        flush=True,
    )
    return result


def markdown(results: list[dict], args) -> str:
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = platform.machine()
    pg_version = ""
    if args.database.startswith("postgres"):
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            pg_version = cur.fetchone()[0]
    sizes = " ".join(str(r["n"]) for r in results)
    lines = [
        "# Search benchmarks",
        "",
        "Written by `bench/run.py` (a benchmark, not a test) on a synthetic archive:",
        "",
        "```sh",
        f".venv/bin/python bench/run.py --sizes {sizes} \\",
        "    --database postgresql://postgres@127.0.0.1:5432/archive_bench --write docs/benchmarks.md",
        "```",
        "",
        f"Machine: {os.cpu_count()} CPUs ({model}), Python {platform.python_version()}"
        + (f", PostgreSQL {pg_version}" if pg_version else "")
        + ". The machine was shared with other work while this ran; the load average at the"
        " end of each size is in the table (2.0 means both CPUs were busy with something).",
        "",
        "**The archive.** N synthetic articles in a database of their own (`archive_bench`),",
        "marked synthetic (`SYNTHETIC-…` source files, page label 合成数据), never in fixtures:",
        "sentences of the three seed pages shuffled, mixed with sentences built from topic",
        "vocabulary — 40 topics of 30 mid-frequency words from jieba's dictionary, none of",
        "which occurs in the seed pages; an article takes 8 words from each of its one or two",
        "topics, and topics are unequally common — so queries are as selective as on a real",
        "archive (each query's match fraction is listed below). Articles are 700–3,200",
        "characters (mode 1,400); 70 % carry OCR noise in `original_ocr`. Random authors,",
        "affiliations, provinces, columns, review states and dates 2014–2024.",
        "",
        "**What is timed.**",
        "",
        "- *Index build*: `clear_index` + `update_index` of all public articles (the command",
        "  `rebuild_index` runs), and the index's size on disk.",
        "- *Search view*: `GET /search/?q=…` through Django's test client — middleware, query",
        "  parsing, Whoosh matching and BM25F scoring, counts for all seven facets, the page's",
        "  20 articles loaded by primary key, snippets with highlights, the template. Each",
        f"  query runs once cold (*first run*), then {args.repeat} times; p50/p95 are over all runs",
        "  of all 20 queries.",
        "- *Page, Whoosh* and *page, PostgreSQL FTS*: the same page built by the same code",
        "  (`build_search_page` + the template, no HTTP or middleware) with either engine:",
        "  haystack/Whoosh, or PostgreSQL full-text search — the query's words as",
        "  `to_tsquery('simple', …)` over a `tsvector` of the same jieba terms with a GIN index,",
        "  ranked by `ts_rank`, with the same seven facet counts by SQL. This is the baseline",
        "  the brief asks for, compared like for like.",
        "- *PostgreSQL ranked SQL*: only the top 20 by `ts_rank`, the total count and those 20",
        "  titles — the least any results page needs; a lower bound, not a page.",
        "",
        "## Summary",
        "",
        "| N | index build | index size | search view p50 | p95 | first run p50 | p95 |"
        " page, Whoosh p50 | p95 | page, PostgreSQL FTS p50 | p95 | PostgreSQL ranked SQL p50 | p95 | load |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if r.get("pg_p50") is not None:
            pg = (
                f"{r['pg_page_p50']:.0f} ms | {r['pg_page_p95']:.0f} ms | {r['pg_p50']:.0f} ms"
                f" | {r['pg_p95']:.0f} ms"
            )
        else:
            pg = "— | — | — | —"
        lines.append(
            f"| {r['n']:,} | {r['build']:.0f} s | {r['size'] / 1e6:.0f} MB | {r['view_p50']:.0f} ms"
            f" | {r['view_p95']:.0f} ms | {r['first_p50']:.0f} ms | {r['first_p95']:.0f} ms"
            f" | {r['page_p50']:.0f} ms | {r['page_p95']:.0f} ms | {pg} | {r['load'][0]:.1f} |"
        )
    for r in results:
        lines += [
            "",
            f"## N = {r['n']:,}: each query (medians)",
            "",
            "| query [filter] | matches | match fraction | search view | first run | page, Whoosh |"
            " page, PostgreSQL FTS | PostgreSQL ranked SQL |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in r["rows"]:
            pg = (
                f"{row['pg_page']:.0f} ms | {row['pg']:.0f} ms"
                if "pg" in row
                else "— | —"
            )
            lines.append(
                f"| {row['query']} | {row['hits']:,} | {row['fraction']:.2%} | {row['view']:.0f} ms"
                f" | {row['first']:.0f} ms | {row['page']:.0f} ms | {pg} |"
            )
    lines += [
        "",
        "Match counts are the search engine's (PostgreSQL's agree to within a few documents:",
        "it matches jieba's accurate-mode words of the query, the index also inner words).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument(
        "--database", default=f"sqlite:///{BENCH_VAR / 'archive_bench.sqlite3'}"
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--write", help="write the Markdown report here (e.g. docs/benchmarks.md)"
    )
    args = parser.parse_args()
    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    configure(args.database, BENCH_VAR / "whoosh_index")
    results = [run_size(n, args, args.database) for n in args.sizes]
    report = markdown(results, args)
    print("\n" + report)
    if args.write:
        Path(args.write).write_text(report, encoding="utf-8")
        print(f"written to {args.write}")


if __name__ == "__main__":
    main()
