"""The benchmark's baseline: the search page on PostgreSQL full-text search over the same jieba
terms."""

from __future__ import annotations

import time

# Facet fields of the page (articles.search.query.facet_definitions) by SQL.
PG_FACETS = """
WITH m AS (SELECT a.id, a.column_id, a.kind, a.status, i.publication_date {source})
SELECT 'column', c.name, count(*) FROM m JOIN articles_column c ON c.id = m.column_id GROUP BY 2
UNION ALL SELECT 'kind', m.kind, count(*) FROM m GROUP BY 2
UNION ALL SELECT 'status', m.status, count(*) FROM m GROUP BY 2
UNION ALL SELECT 'year', extract(year FROM m.publication_date)::text, count(*) FROM m GROUP BY 2
UNION ALL SELECT 'author', au.name, count(DISTINCT m.id) FROM m
    JOIN articles_authorship s ON s.article_id = m.id
    JOIN articles_author au ON au.id = s.author_id GROUP BY 2
UNION ALL SELECT 'affiliation', af.name, count(DISTINCT m.id) FROM m
    JOIN articles_authorship s ON s.article_id = m.id
    JOIN articles_affiliation af ON af.id = s.affiliation_id GROUP BY 2
UNION ALL SELECT 'province', p.short_name, count(DISTINCT m.id) FROM m
    JOIN articles_authorship s ON s.article_id = m.id
    JOIN articles_affiliation af ON af.id = s.affiliation_id
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
# Filter parameter → SQL condition on the article `a` and its issue `i`.
PG_FILTERS = {
    "column": "a.column_id IN (SELECT id FROM articles_column WHERE name = ANY(%s))",
    "year": "extract(year FROM i.publication_date)::text = ANY(%s)",
    "kind": "a.kind = ANY(%s)",
    "status": "a.status = ANY(%s)",
    "province": (
        "a.id IN (SELECT au.article_id FROM articles_authorship au"
        " JOIN articles_affiliation af ON af.id = au.affiliation_id"
        " JOIN articles_province p ON p.id = af.province_id WHERE p.short_name = ANY(%s))"
    ),
    "author": (
        "a.id IN (SELECT s.article_id FROM articles_authorship s"
        " JOIN articles_author au ON au.id = s.author_id WHERE au.name = ANY(%s))"
    ),
    "affiliation": (
        "a.id IN (SELECT s.article_id FROM articles_authorship s"
        " JOIN articles_affiliation af ON af.id = s.affiliation_id WHERE af.name = ANY(%s))"
    ),
}


def _segment_row(row):
    from articles.search import text

    pk, raw = row
    # Accurate-mode words plus the inner dictionary words the search index also has, so
    # both find the same documents.
    normalised = text.normalize(raw)
    words = text.words(normalised)
    seen = set(words)
    inner = [t for t in text.index_postings(normalised) if t not in seen]
    return pk, " ".join(words + inner)


def build(workers: int) -> float:
    """bench_fts(article_id, tsv): the index's jieba terms in a GIN index; seconds taken."""
    import multiprocessing

    from django.db import connection

    from articles.models import Article
    from articles.search import text

    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_fts")
        cur.execute(
            "CREATE TABLE bench_fts (article_id bigint PRIMARY KEY, tsv tsvector NOT NULL)"
        )
    rows = Article.objects.values_list(
        "pk", "kicker", "title", "lede", "body"
    ).iterator(chunk_size=2000)
    texts = [(pk, "\n".join((k, t, le, b))) for pk, k, t, le, b in rows]
    text.tokenizer()
    insert = "INSERT INTO bench_fts VALUES (%s, to_tsvector('simple', %s))"
    context = multiprocessing.get_context("fork")
    batch = []
    with context.Pool(workers) as pool, connection.cursor() as cur:
        for pk, terms in pool.imap(_segment_row, texts, chunksize=64):
            batch.append((pk, terms))
            if len(batch) >= 2000:
                cur.executemany(insert, batch)
                batch = []
        if batch:
            cur.executemany(insert, batch)
        cur.execute("CREATE INDEX bench_fts_gin ON bench_fts USING gin (tsv)")
        cur.execute("ANALYZE bench_fts")
    return time.perf_counter() - started


def exists() -> bool:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT to_regclass('bench_fts') IS NOT NULL")
        return cur.fetchone()[0]


def tsquery(parsed) -> str:
    """The search box's words, phrases (adjacent words) and exclusions as a tsquery."""
    from articles.search import text

    def terms(chunk):
        return [
            "'" + t.replace("'", "") + "'" for t in text.words(text.normalize(chunk))
        ]

    parts = [t for w in parsed.words for t in terms(w)]
    parts += [" <-> ".join(terms(p.replace(" ", ""))) for p in parsed.phrases]
    parts += [f"!({' <-> '.join(terms(e))})" for e in parsed.excluded]
    return " & ".join(p for p in parts if p and p != "!()")


def where(parsed, filters) -> tuple[str, list]:
    q = tsquery(parsed)
    conditions, params = ["a.published"], []
    source = " FROM articles_article a JOIN archive_issue i ON i.id = a.issue_id"
    if q:
        source += (
            " JOIN bench_fts f ON f.article_id = a.id, to_tsquery('simple', %s) AS q(q)"
        )
        params.append(q)
        conditions.append("f.tsv @@ q.q")
    for param, values in filters.items():
        conditions.append(PG_FILTERS[param])
        params.append(list(values))
    return f"{source} WHERE {' AND '.join(conditions)}", params


def engine(parsed, filters, sort, facets, start, size):
    """The search page's engine (`build_search_page(params, engine)`) on PostgreSQL."""
    from django.db import connection

    source, params = where(parsed, filters)
    rank = "ts_rank(f.tsv, q.q)" if "q.q" in source else "0"
    order = {
        "date": "i.publication_date DESC NULLS LAST, a.id",
        "date_asc": "i.publication_date ASC NULLS LAST, a.id",
    }.get(sort, "rank DESC, a.id")
    ranked = (
        f"SELECT a.id, {rank} AS rank, count(*) OVER () AS total {source}"
        f" ORDER BY {order} LIMIT {int(size)} OFFSET {int(start)}"
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
