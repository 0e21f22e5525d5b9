"""K editors × M saves over real HTTP (gunicorn + PostgreSQL): no lost update, every save
accounted for.

Usage: .venv/bin/python bench/concurrent_editors.py [--editors 4] [--saves 5] [--sqlite]

Each editor opens an article's correction screen, inserts a unique marker into the
body after one of its first three full stops and saves. Half the saves target one shared
article, half a random one. A save that redirects is accepted (merged, if the redirect says so); one
that comes back with the conflict screen is refused. Two rounds: without re-saves, and
with every refused editor pressing 保存 once more on whatever screen came back (a
blind re-save). At the end every accepted marker must be in its article's body (else
an update was lost) and have its revision.
"""

import argparse
import json
import random
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serving import (  # noqa: E402
    Browser,
    form_value,
    manage,
    postgres_database,
    served_archive,
)


def correction_form(html: str) -> dict:
    """Every field of the correction form as rendered (hidden spot keys included)."""
    from lxml import html as lxml_html

    form = lxml_html.fromstring(html).get_element_by_id("correction-form")
    return {k: v for k, v in form.form_values() if k != "csrfmiddlewaretoken"}


def outcome_of(status: int, page: str, location: str) -> str:
    if status == 302:
        return "merged" if "merged=" in location else "accepted"
    if status == 200 and "保存冲突" in page:
        return "refused"
    return f"unexpected HTTP {status}"


def editor_run(base, index, saves, article_ids, results, lock, seed, resave, tag):
    rng = random.Random(seed)
    browser = Browser(base)
    browser.login(f"bench{index}")
    for save in range(saves):
        article = article_ids[0] if save % 2 == 0 else rng.choice(article_ids)
        path = f"/admin/articles/article/{article}/correct/"
        _, html = browser.get(path)
        marker = f"〔{tag}编辑{index}第{save}次〕"
        fields = {
            name: form_value(html, name)
            for name in ("base_version", "kicker", "title", "lede", "body")
        }
        # After a full stop (or at the end): never inside another editor's marker,
        # which would make that marker unfindable without anything being lost.
        # Only the first three, so editors often pick the same place: two insertions at
        # one point overlap and must be refused, not merged in some order.
        stops = [i + 1 for i, c in enumerate(fields["body"]) if c == "。"][:3]
        at = rng.choice(stops or [len(fields["body"])])
        fields["body"] = fields["body"][:at] + marker + fields["body"][at:]
        status, page = browser.post(path, {**fields, "note": f"并发测试 {marker}"})
        outcome = first = outcome_of(status, page, browser.last_location)
        if outcome == "refused" and resave:
            status, page = browser.post(path, correction_form(page))
            outcome = outcome_of(status, page, browser.last_location)
        with lock:
            results.append(
                {
                    "editor": index,
                    "article": article,
                    "marker": marker,
                    "outcome": outcome,
                    "first": first,
                }
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=4)
    parser.add_argument("--saves", type=int, default=5)
    parser.add_argument(
        "--sqlite", action="store_true", help="use SQLite instead of PostgreSQL"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if args.sqlite:
            report = run(f"sqlite:///{workdir / 'bench.sqlite3'}", workdir, args)
        else:
            with postgres_database() as url:
                report = run(url, workdir, args)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    rounds = [v for v in report.values() if isinstance(v, dict)]
    return (
        0
        if all(
            r["lost"] == 0 and r["unexplained"] == 0 and r["missing_revisions"] == 0
            for r in rounds
        )
        else 1
    )


def run(database_url, workdir, args):
    with served_archive(database_url, workdir, editors=args.editors) as (base, env):
        ids = json.loads(
            manage(
                env,
                "shell",
                "-c",
                "import json; from articles.models import Article; print(json.dumps(list("
                "Article.objects.order_by('pk').values_list('pk', flat=True)[:4])))",
            )
            .strip()
            .splitlines()[-1]
        )
        rounds = {}
        for tag, resave in (("甲", False), ("乙", True)):
            results, lock = [], threading.Lock()
            threads = [
                threading.Thread(
                    target=editor_run,
                    args=(base, i, args.saves, ids, results, lock, i, resave, tag),
                )
                for i in range(args.editors)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            rounds["blind re-save" if resave else "no re-save"] = results
        final = json.loads(
            manage(
                env,
                "shell",
                "-c",
                (
                    "import json; from articles.models import Article, Revision\n"
                    "print(json.dumps({'bodies': {a.pk: a.body for a in Article.objects.all()}, "
                    "'notes': list(Revision.objects.values_list('note', flat=True))}, "
                    "ensure_ascii=False))"
                ),
            )
            .strip()
            .splitlines()[-1]
        )
    notes = "\n".join(final["notes"])
    report = {
        "database": database_url.split("://")[0],
        "editors": args.editors,
        "saves_each": args.saves,
    }
    for name, results in rounds.items():
        accepted = [r for r in results if r["outcome"] in ("accepted", "merged")]
        refused = [r for r in results if r["outcome"] == "refused"]
        lost = [
            r for r in accepted if r["marker"] not in final["bodies"][str(r["article"])]
        ]
        report[name] = {
            "attempts": len(results),
            "accepted": len(accepted),
            "merged": sum(1 for r in results if r["outcome"] == "merged"),
            "refused_first": sum(1 for r in results if r["first"] == "refused"),
            "refused": len(refused),
            "unexplained": len(results) - len(accepted) - len(refused),
            "lost": len(lost),
            "lost_markers": [r["marker"] for r in lost],
            "missing_revisions": sum(1 for r in accepted if r["marker"] not in notes),
        }
    return report


if __name__ == "__main__":
    sys.exit(main())
