"""The bulk corpus: every public article as JSON lines and text files with a SHA-256
manifest, zipped for /downloads/ and not served once it holds a withdrawn article."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from articles.models import Article
from articles.research.citations import citation, format_gbt7714
from articles.research.exports import revision_annotations

MANIFEST = "MANIFEST.sha256"
JSONL = "articles.jsonl"
TEXT_DIR = "text"
README = "README.txt"


def corpus_queryset():
    """Every public article with all it needs, in a fixed number of queries per chunk."""
    return (
        Article.objects.public()
        .select_related("issue", "column")
        .defer("issue__raw_bytes", "issue__raw_text")
        .annotate(**revision_annotations())
        .with_bylines()
        .order_by("pk")
    )


def site_base_url(given: str = "") -> str:
    """The address written before every article URL in the bundle: `given`, else SITE_URL.

    Outside DEBUG a bundle with relative URLs is refused: once downloaded, a
    relative link leads nowhere."""
    base = (given or settings.SITE_URL).rstrip("/")
    if not base and not settings.DEBUG:
        raise ImproperlyConfigured(
            "未设置网站地址：全文包里的文章网址必须是完整地址。"
            "请设置环境变量 SITE_URL（如 https://archive.example.cn），"
            "或在命令中用 --base-url 指定。"
        )
    return base


def iso(value) -> str | None:
    return value.isoformat() if value else None


def corpus_record(article: Article, base_url: str = "") -> dict:
    c = citation(article, base_url.rstrip("/") + article.get_absolute_url())
    return {
        "id": article.pk,
        "url": c.url,
        "title": article.title,
        "kicker": article.kicker,
        "lede": article.lede,
        "body": article.body,
        "column": c.column or None,
        "kind": article.kind,
        "status": article.status,
        "newspaper": c.newspaper,
        "date": iso(c.date),
        "issue_number": c.number,
        "page_label": c.page_label,
        "authorships": [
            {
                "name": b.author.name if b.author_id else None,
                "contribution": b.contribution,
                "role": b.role,
                "order": b.order,
                "affiliation": b.affiliation.name if b.affiliation_id else None,
                "province": b.affiliation.province.short_name
                if b.affiliation_id and b.affiliation.province_id
                else None,
            }
            for b in article.bylines
        ],
        "revision_count": getattr(article, "revision_count", None),
        "last_corrected_at": iso(getattr(article, "last_corrected_at", None)),
        "updated_at": iso(article.updated_at),
        "citation": format_gbt7714(c, index=None),
    }


def corpus_text(record: dict) -> str:
    """The plain-text file of one article: a short header, a blank line, then the text."""
    people = [
        a["name"]
        for a in record["authorships"]
        if a["name"] and a["contribution"] != "quoted"
    ]
    header = [
        f"标题：{record['title']}",
        f"引题：{record['kicker']}" if record["kicker"] else "",
        f"作者：{'、'.join(people)}" if people else "",
        f"栏目：{record['column']}" if record["column"] else "",
        f"出版日期：{record['date'] or '待定'}",
        f"版次：{record['page_label']}" if record["page_label"] else "",
        f"引文：{record['citation']}",
        f"网址：{record['url']}",
    ]
    parts = ["\n".join(line for line in header if line)]
    if record["lede"]:
        parts.append(f"【观点】{record['lede']}")
    parts.append(record["body"])
    return "\n\n".join(parts).rstrip() + "\n"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class CorpusResult:
    directory: Path
    articles: int
    files: int
    zip_path: Path | None = None


def write_corpus(
    directory: Path, *, base_url: str = "", progress: Callable | None = None
) -> CorpusResult:
    """Writes articles.jsonl, text/<id>.txt per article, README.txt and MANIFEST.sha256.

    The manifest lists every other file with its SHA-256 in `sha256sum` format, so
    `sha256sum -c MANIFEST.sha256` checks a download as well as verify_manifest() does.
    """
    base_url = site_base_url(base_url)
    directory = Path(directory)
    (directory / TEXT_DIR).mkdir(parents=True, exist_ok=True)
    articles = corpus_queryset()
    total = articles.count()
    tick = progress(total) if progress else None
    written: list[str] = []
    count = 0
    with (directory / JSONL).open("w", encoding="utf-8", newline="\n") as jsonl:
        for article in articles.iterator(chunk_size=500):
            record = corpus_record(article, base_url)
            jsonl.write(json.dumps(record, ensure_ascii=False) + "\n")
            name = f"{TEXT_DIR}/{article.pk:07d}.txt"
            (directory / name).write_text(
                corpus_text(record), encoding="utf-8", newline="\n"
            )
            written.append(name)
            count += 1
            if tick:
                tick(1)
    readme = (
        f"{settings.SITE_TITLE}：校对后全文（公开文章 {count} 篇），"
        f"导出于 {timezone.now().isoformat()}。\n\n"
        f"{JSONL}：每行一篇文章（JSON），含标题、引题、观点提要、正文、栏目、体裁、校对状态、出版日期、版次、署名（作者、角色、单位、省份）、修订次数与引文。\n"
        f"{TEXT_DIR}/：每篇文章一个纯文本文件，文件名为文章编号。\n"
        f"{MANIFEST}：除本清单外每个文件的 SHA-256；用 `sha256sum -c {MANIFEST}` 校验。\n"
    )
    (directory / README).write_text(readme, encoding="utf-8", newline="\n")
    files = [README, JSONL, *written]
    lines = [f"{sha256_file(directory / name)}  {name}\n" for name in files]
    (directory / MANIFEST).write_text("".join(lines), encoding="utf-8", newline="\n")
    return CorpusResult(directory=directory, articles=count, files=len(files))


MANIFEST_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


def verify_manifest(directory: Path) -> list[str]:
    """Problems with an export directory: missing, changed or unlisted files ([] when intact)."""
    directory = Path(directory)
    manifest = directory / MANIFEST
    if not manifest.is_file():
        return [f"缺少校验清单 {MANIFEST}"]
    problems = []
    listed: set[str] = set()
    for number, line in enumerate(
        manifest.read_text(encoding="utf-8").splitlines(), start=1
    ):
        match = MANIFEST_LINE.match(line)
        if not match:
            problems.append(f"清单第 {number} 行格式不对")
            continue
        expected, name = match.groups()
        listed.add(name)
        path = directory / name
        if ".." in Path(name).parts or Path(name).is_absolute():
            problems.append(f"{name}：清单中的路径不安全")
        elif not path.is_file():
            problems.append(f"{name}：文件缺失")
        elif sha256_file(path) != expected:
            problems.append(f"{name}：SHA-256 不符（文件已被改动）")
    for path in sorted(directory.rglob("*")):
        name = path.relative_to(directory).as_posix()
        if path.is_file() and name != MANIFEST and name not in listed:
            problems.append(f"{name}：不在清单中")
    return problems


EXPORT_NAME = re.compile(r"^corpus-\d{8}T\d{6}Z\.zip$")
CONTENTS = ".ids"  # beside each zip: the ids of the articles in it, one a line
CHECKSUM = ".sha256"  # beside each zip: its SHA-256 in sha256sum format, served too


def zip_corpus(
    directory: Path, target_dir: Path, *, stamp: datetime | None = None
) -> Path:
    """Zips an export into target_dir as corpus-<UTC time>.zip; written aside, then renamed,
    so a download never sees a half-written file."""
    stamp = stamp or timezone.now()
    target_dir = Path(target_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    name = f"corpus-{stamp.astimezone(UTC):%Y%m%dT%H%M%SZ}.zip"
    partial = target_dir / f".{name}.part"
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(Path(directory).rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(directory).as_posix())
    # Which articles it holds, named before the zip appears: see withdrawn_from().
    ids = sorted(int(p.stem) for p in Path(directory, TEXT_DIR).glob("*.txt"))
    (target_dir / f"{name}{CONTENTS}").write_text(
        "".join(f"{pk}\n" for pk in ids), encoding="utf-8"
    )
    final = target_dir / name
    os.replace(partial, final)
    (target_dir / f"{name}{CHECKSUM}").write_text(
        f"{sha256_file(final)}  {name}\n", encoding="utf-8"
    )
    return final


def withdrawn_from(path: Path, public: set[int] | None = None) -> bool:
    """Whether a published zip holds an article readers may no longer see (or does not
    say which articles it holds). Such a zip is not served: withdrawal reaches the
    downloads at once, and the next export_corpus replaces it."""
    contents = Path(f"{path}{CONTENTS}")
    if not contents.is_file():
        return True
    if public is None:
        public = set(Article.objects.public().values_list("pk", flat=True))
    held = {int(line) for line in contents.read_text(encoding="utf-8").split()}
    return not held <= public


def published_exports(target_dir: Path | None = None) -> list[Path]:
    """Zips the site offers for download, newest first."""
    target_dir = Path(target_dir or settings.CORPUS_EXPORT_DIR)
    if not target_dir.is_dir():
        return []
    found = [
        p for p in target_dir.iterdir() if p.is_file() and EXPORT_NAME.match(p.name)
    ]
    return sorted(found, key=lambda p: p.name, reverse=True)


def download_listing() -> list[dict]:
    """What the download page shows of each published zip: name, size, time, SHA-256,
    and whether it is withdrawn (holds an article no longer public)."""
    public = set(Article.objects.public().values_list("pk", flat=True))
    files = []
    for path in published_exports():
        checksum = Path(f"{path}{CHECKSUM}")
        stat = path.stat()
        files.append(
            {
                "name": path.name,
                "size": stat.st_size,
                "modified": datetime.fromtimestamp(
                    stat.st_mtime, tz=timezone.get_current_timezone()
                ),
                "sha256": checksum.read_text(encoding="utf-8").split()[0]
                if checksum.is_file()
                else "",
                "withdrawn": withdrawn_from(path, public),
            }
        )
    return files


def prune_exports(target_dir: Path, keep: int) -> list[Path]:
    removed = []
    for path in published_exports(target_dir)[max(keep, 1) :]:
        path.unlink(missing_ok=True)
        Path(f"{path}{CHECKSUM}").unlink(missing_ok=True)
        Path(f"{path}{CONTENTS}").unlink(missing_ok=True)
        removed.append(path)
    return removed


def publish_corpus(
    *, base_url: str = "", progress: Callable | None = None, keep: int | None = None
) -> CorpusResult:
    """Writes an export in a scratch directory beside the downloads, zips it there, removes
    the scratch copy and keeps the newest `keep` zips."""
    base_url = site_base_url(base_url)
    target_dir = Path(settings.CORPUS_EXPORT_DIR)
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now()
    scratch = target_dir / f".build-{stamp:%Y%m%dT%H%M%S%f}"
    try:
        result = write_corpus(scratch, base_url=base_url, progress=progress)
        result.zip_path = zip_corpus(scratch, target_dir, stamp=stamp)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    prune_exports(target_dir, settings.CORPUS_EXPORTS_KEPT if keep is None else keep)
    return result
