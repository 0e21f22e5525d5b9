"""docs/benchmarks.md as bench/run.py writes it: the set-up, the summary, every query."""

from __future__ import annotations

import os
import platform
from pathlib import Path

SETUP = """\
**The archive.** N synthetic articles in a database of their own (`archive_bench_N`),
marked synthetic (`SYNTHETIC-…` source files, page label 合成数据), never in fixtures:
sentences of the three seed pages shuffled, mixed with sentences built from topic
vocabulary — 40 topics of 30 mid-frequency words from jieba's dictionary, none of
which occurs in the seed pages; an article takes 8 words from each of its one or two
topics, and topics are unequally common. Articles are 700–3,200 characters (mode
1,400); 70 % carry OCR noise in `original_ocr`. Random authors, affiliations,
provinces, columns, review states and dates 2014–2024.

**The queries** (`--queries FILE` replaces them: one URL query string a line, e.g.
`q=工会&column=观点`): 20 selective ones (2–4 words, half with a filter, 0.1–10 % of
articles) and the broad ones readers of a union paper type most — 工会 alone (in
nearly every article), 工会 职工, 发展 建设 服务, the same with a column, province or
year, one character (王), a phrase ("工会服务"), a rarer word.

**What is timed.**

- *Index build*: `clear_index` + `update_index` of all public articles (what
  `rebuild_index` runs): wall time, and the CPU time of all its processes (which
  grows far less than the wall time when other work shares the machine), and the index's
  size on disk.
- *Search view*: `GET /search/?…` through Django's test client — middleware, query
  parsing, matching and ranking, exact counts for all seven facets, the page's 20
  articles loaded from the database, snippets with highlights, the template; the
  results cache off. Each query runs once (*first run*: the first time the process
  sees it), then `--repeat` times; p50/p95 are over the repeated runs of all queries.
- *Cached*: the same view answered from the results cache (second request).
- *Page* and *page, PostgreSQL FTS*: the same page built by the same code
  (`build_search_page` + the template, no HTTP) on the engine, or on PostgreSQL
  full-text search — the query as `to_tsquery('simple', …)` over a `tsvector` of the
  same jieba terms with a GIN index, ranked by `ts_rank`, the seven facet counts by SQL.
- *Worker boot*: gunicorn started with one worker on the archive; seconds until the
  worker has warmed up (`gunicorn.conf.py`), then its first request (the first query
  of the set) over HTTP, and the CPU time the worker spent on it (from `/proc`, 10 ms
  resolution).
"""

PROFILE = """\
## What the profile showed

**Before the search package** (pyinstrument, 10,000 articles, broad queries): 60–90 %
of a broad query's time was Whoosh's matcher loop, a Python call per posting to
intersect, score (BM25F) and, for a phrase, compare positions (0.5 s of 0.9 s for
"工会服务"); facets were a `Counter` over every hit (25–50 ms); jieba's dictionary and
the highlight table loaded on a worker's first search (1–5 s); jieba's Python
segmentation was ~20 ms of CPU per indexed article. What changed then: the parsed query
is evaluated per segment as boolean masks and BM25F score arrays (numpy) over postings,
lengths, facet values and sort keys decoded once per segment and cached; phrases
compare sorted (document, position) keys of documents having every word; facets are
bincounts and totals the size of the mask (exact); only the page is sorted; workers
load everything at boot; segmentation is jieba-rs (the same words, ~20× faster); at
100,000 articles the tantivy engine does matching, counting, facets and sorting in Rust.

**The round before** (cProfile, 2,000 and 10,000 articles, machine load 6–12):

- *Index build*, tantivy, in one process: ~5.7 ms of CPU per article. Segmenting
  (`text.index_postings`, jieba-rs's `cut` about a third of it) ~30 %; making tantivy
  documents ~26 %, most of it one `add_text` call per side term; finding side terms
  with a regular expression per term ~15 %; sorting all of an article's postings by
  position ~12 %; rendering the text field's template ~8 %; normalising twice ~5 %.
  Changed: side terms go to tantivy as one space-separated string found in one scan,
  positions go in order without a sort, the text field is joined in Python, nothing
  is normalised twice. At 100,000 articles the build still took 1,228 s of CPU at
  load 4–10, above the 12-minute target.
- *Search view* on broad queries, 30–55 ms of CPU a request (Whoosh at 10,000:
  38–46 ms; tantivy at 2,000: 22–27 ms). About 40 % is Django's template rendering the
  page (20 results, ~140 facet links with their URLs), 20–30 % loading the page's 20
  articles, 15 % the Whoosh engine (matching, counts, facets, ranking; ~3 % on
  tantivy), 5 % normalising each of the hundreds of highlighted matches of a broad word
  (now once per distinct form; after the runs above). At a load average of 10 on
  2 CPUs the wall times were 5–15× the CPU times (a request mostly waits for a CPU) and
  the CPU times themselves 30–45 % higher than at load 3.

**This round** (cProfile and `resource` CPU times, 10,000 articles, a quiet machine):

- *Whoosh index build*: 9.7 ms of CPU an article (51 s, 97 s CPU). Preparing and
  segmenting a document was 2.3 ms of it; Whoosh's writer the rest. Its posting pool
  keeps a tuple per posting (~600 an article), sorts all of them at commit and, past
  its memory limit, pickles sorted runs to temporary files and merges them back: with
  5,000 articles a worker that was 3.0 ms an article adding documents and 3.2 ms
  committing. In the workers, `whoosh.private.GroupedPostings` groups the postings by
  term as they arrive, so only the distinct terms are sorted and nothing spills: 0.5
  and 2.0 ms (a worker's postings are bounded by its share of a batch; the writer that
  commits and merges keeps Whoosh's pool, which spills). What is left of a commit is
  Whoosh's block writer, a Python call per posting.
- *Both engines' workers*, forked from the process that loaded the batch: their
  garbage collections walked the whole inherited heap (the batch's articles), copying
  its pages. Forking with the parent's objects frozen (`gc.freeze`, Python's advice for
  fork without exec) took two workers preparing 4,000 articles from 9.4 s to 7.5 s.
  tantivy's workers now inherit the articles instead of receiving each one pickled.
- Result: Whoosh at 10,000 builds in 28 s (52 s CPU; before: 51 s, 97 s CPU), tantivy
  in 38 s (64 s CPU; before: 42 s, 71 s). At 100,000 tantivy built in 409 s (680 s
  CPU; the round before: 1,228 s of CPU at load 4–10) and, an hour later, in the 547 s
  of the table (924 s CPU); Whoosh in 578 s. The CPUs are shared with other virtual
  machines and got slower in that hour: the same code's CPU time grew by a third (the
  Whoosh build at 10,000, timed again, took 32–43 s and 61–79 s of CPU), and so did the
  query times of the second 100,000 run. tantivy's build is now the slower
  of the two at 10,000: its workers' prepared documents are pickled back to the one
  process that writes (unpickling ~0.6 ms an article), which builds tantivy's token
  objects (~0.5 ms) and runs tantivy's own indexing threads; that serial process, not
  segmentation, is the next thing to remove.
"""


def machine() -> str:
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = platform.machine()
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}"


def ms(value: float) -> str:
    return f"{value:,.0f} ms"


def markdown(results: list[dict], args) -> str:
    pg = any("pg" in r for r in results)
    version = ""
    if pg:
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            version = f", PostgreSQL {cur.fetchone()[0]}"
    sizes = " ".join(str(r["n"]) for r in results)
    engines = " ".join(args.engines)
    lines = [
        "# Search benchmarks",
        "",
        "Written by `bench/run.py` (a benchmark, not a test) on synthetic archives:",
        "",
        "```sh",
        f".venv/bin/python bench/run.py --sizes {sizes} --engines {engines}"
        + "".join(f" --engines-for {spec}" for spec in args.engines_for)
        + " --reuse"
        + (" --stored" if getattr(args, "stored", False) else "")
        + " \\",
        "    --database postgresql://postgres@127.0.0.1:5432/archive_bench"
        " --write docs/benchmarks.md",
        "```",
        "",
        f"Machine: {machine()}{version}. The load average when each engine finished is"
        " in the table (on 2 CPUs, 2.0 means both were busy; the benchmark itself"
        " accounts for about 1).",
        "",
        "Each size's figures were measured by a run of its own and stored"
        " (`var/bench/results_N.json`); `--stored` reports them without measuring"
        " again. Finished (UTC): "
        + ", ".join(f"{r['n']:,} articles {r.get('measured', '?')}" for r in results)
        + ".",
        "",
        SETUP,
        "## Summary",
        "",
        "| N | engine | index build | index size | search view p50 | p95"
        " | view CPU p50 | p95 | first run p95"
        " | cached p50 | page p50 | p95 | page, PostgreSQL FTS p50 | p95"
        " | worker ready | first request | its CPU | load |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        for e in r["engines"]:
            b = e["build"]
            boot = e.get("boot")
            lines.append(
                f"| {r['n']:,} | {e['engine']} | {b['seconds']:,.0f} s ({b['cpu']:,.0f} s CPU)"
                f" | {b['bytes'] / 1e6:,.0f} MB | {ms(e['view_p50'])} | {ms(e['view_p95'])}"
                f" | {ms(e['cpu_p50'])} | {ms(e['cpu_p95'])}"
                f" | {ms(e['first_p95'])} | {ms(e['cached_p50'])}"
                f" | {ms(e['page_p50'])} | {ms(e['page_p95'])}"
                + (
                    f" | {ms(r['pg']['p50'])} | {ms(r['pg']['p95'])}"
                    if "pg" in r
                    else " | — | —"
                )
                + (
                    f" | {boot['ready']:.1f} s | {ms(boot['first'])}"
                    f" | {ms(boot['first_cpu'])}"
                    if boot
                    else " | — | — | —"
                )
                + f" | {e['load']:.1f} |"
            )
        if not r["engines"] and "pg" in r:
            # A run cut short after PostgreSQL was timed: its figures alone.
            lines.append(
                f"| {r['n']:,} | — (see below) |"
                + " — |" * 10
                + f" {ms(r['pg']['p50'])} | {ms(r['pg']['p95'])} | — | — | — | — |"
            )
    lines += [
        "",
        "Index builds reused by `--reuse` report the time measured when they were"
        " built (load average then: "
        + ", ".join(
            f"{e['engine']} {r['n']:,}: {e['build'].get('load', 0):.1f}"
            for r in results
            for e in r["engines"]
        )
        + ").",
        "",
    ]
    for r in results:
        names = [e["engine"] for e in r["engines"]]
        header = "| query [filter] | matches |"
        rule = "|---|---:|"
        for name in names:
            header += f" {name} view | CPU | first run | page |"
            rule += "---:|---:|---:|---:|"
        if pg:
            header += " page, PostgreSQL FTS |"
            rule += "---:|"
        lines += [f"## N = {r['n']:,}: each query (medians)", ""]
        if r.get("note"):
            lines += [r["note"], ""]
        lines += [header, rule]
        first = r["engines"][0] if r["engines"] else r["pg"]
        for i, row in enumerate(first["rows"]):
            line = f"| {row['query']} | {row['hits']:,} |"
            for e in r["engines"]:
                other = e["rows"][i]
                line += (
                    f" {ms(other['view'])} | {ms(other['cpu'])} | {ms(other['first'])}"
                    f" | {ms(other['page'])} |"
                )
            if pg:
                line += f" {ms(r['pg']['rows'][i]['page'])} |"
            lines.append(line)
        lines.append("")
    lines += [
        "Match counts are the engines' (exact; they agree with each other). PostgreSQL's",
        "differ slightly where its terms do: it matches jieba's accurate-mode words of the",
        "query, the search index also words inside longer words and garbled OCR forms.",
        "",
        PROFILE,
    ]
    return "\n".join(lines)
