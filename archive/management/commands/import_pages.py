"""`import_pages PATH…`: import raw OCR pages (files or folders) and their scans through
archive.importing.import_files; this command reads arguments and reports."""

import csv
import json
import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from archive.importing import FileOutcome, PageFile, import_files


def page_files(paths: list[str]) -> list[Path]:
    files = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.txt") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(f"找不到文件或目录：{raw}")
    return files


def read_manifest(path: str) -> dict[str, dict]:
    """CSV with columns file, date, number, page, scan (any but file may be empty)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CommandError(f"无法读取清单 {path}：{exc}") from exc
    if rows and "file" not in rows[0]:
        raise CommandError("清单必须有 file 列（可选 date、number、page、scan 列）。")
    return {Path(row["file"]).name: row for row in rows}


def scan_files(value: str | None, base: Path) -> tuple[Path, ...]:
    """A manifest's scan cell: files separated by ";", relative to the manifest."""
    return tuple(
        base / part.strip() for part in (value or "").split(";") if part.strip()
    )


def parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc


def parse_number(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise CommandError(f"期号应为整数：{value}") from exc


class Command(BaseCommand):
    help = "导入 OCR 版面文本（文件或目录）：解析为版面、文章、作者、单位和省份。"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="版面 .txt 文件或包含它们的目录")
        parser.add_argument("--date", help="出版日期 YYYY-MM-DD（用于所有文件）")
        parser.add_argument("--number", help="期号（用于所有文件）")
        parser.add_argument(
            "--page", default="", help="版次，如“第7版”（用于所有文件）"
        )
        parser.add_argument(
            "--manifest", help="CSV 清单：file,date,number,page,scan，逐文件给出"
        )
        parser.add_argument(
            "--scan",
            action="append",
            default=[],
            metavar="FILE",
            help="版面的原版扫描（JPEG、PNG、TIFF 或 PDF，可重复）；只用于单个版面"
            "文件，多个文件请用清单的 scan 列",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="只解析并输出结果，不写数据库"
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, paths, dry_run, format, **options):
        pages = self.pages(paths, options)
        outcomes = import_files(pages, dry_run=dry_run)
        if dry_run:
            return self.dry_run(outcomes, format)
        failures = 0
        progress = tqdm(
            outcomes,
            total=len(pages),
            desc="导入",
            unit="页",
            disable=len(pages) < 2,
            file=sys.stderr,
        )
        for outcome in progress:
            if outcome.error:
                failures += 1
                error = f"✗ {outcome.page.path}: {outcome.error}"
                progress.write(self.style.ERROR(error))
                continue
            progress.write(self.report(outcome))
            if outcome.page.scans:
                progress.write(
                    f"  原版扫描：新增 {outcome.scans_added} 张"
                    f"（共 {outcome.scans_total} 张）。"
                )
        if failures:
            raise CommandError(f"{failures} 个文件未能导入（共 {len(pages)} 个）。")

    def pages(self, paths: list[str], options) -> list[PageFile]:
        """Each file with its date, number, page label and scans (manifest row first,
        then the options); a bad value stops the command before anything is imported."""
        files = page_files(paths)
        manifest_path = options["manifest"]
        manifest = read_manifest(manifest_path) if manifest_path else {}
        base = Path(manifest_path).parent if manifest_path else Path()
        if options["scan"] and len(files) != 1:
            raise CommandError(
                "--scan 只能和单个版面文件一起使用；多个文件请在清单的 scan 列中给出。"
            )
        given_scans = tuple(Path(p) for p in options["scan"])
        default_date = parse_date(options["date"])
        default_number = parse_number(options["number"])
        pages = []
        for path in files:
            row = manifest.get(path.name, {})
            pages.append(
                PageFile(
                    path,
                    publication_date=parse_date(row.get("date")) or default_date,
                    number=parse_number(row.get("number")) or default_number,
                    page_label=row.get("page") or options["page"],
                    scans=scan_files(row.get("scan"), base) or given_scans,
                )
            )
        return pages

    def report(self, outcome: FileOutcome) -> str:
        path, result = outcome.page.path, outcome.result
        if result.status == "unchanged":
            return f"= {path}: 已导入过，内容相同，跳过。"
        kinds = {}
        for article in result.articles:
            kind = article.get_kind_display()
            kinds[kind] = kinds.get(kind, 0) + 1
        summary = "、".join(f"{k}{v}" for k, v in kinds.items())
        return self.style.SUCCESS(
            f"✓ {path}: {len(result.articles)} 篇（{summary}），"
            f"署名作者 {result.author_count} 人，待核提示 {result.flag_count} 条。"
        )

    def dry_run(self, outcomes, format):
        failures = 0
        outputs = []
        for outcome in outcomes:
            if outcome.error:
                failures += 1
                self.stderr.write(f"✗ {outcome.page.path}: {outcome.error}")
                continue
            output = {"source": outcome.page.path.name, **outcome.parsed.as_dict()}
            if outcome.checked_scans:
                output["scans"] = [
                    {"file": s.name, "pages": s.pages, "sha256": s.sha256}
                    for s in outcome.checked_scans
                ]
            outputs.append(output)
        if format == "json":
            payload = outputs[0] if len(outputs) == 1 else outputs
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1))
        else:
            for output in outputs:
                self.write_text(output)
        if failures:
            raise CommandError(f"{failures} 个文件无法解析。")

    def write_text(self, output: dict) -> None:
        self.stdout.write(f"{output['source']}：")
        for scan in output.get("scans", []):
            self.stdout.write(
                f"  原版扫描 {scan['file']}：{scan['pages']} 页，可以导入"
            )
        for piece in output["pieces"]:
            people = "、".join(
                a["name"] or f"（{a['role']}）" for a in piece["authors"]
            )
            self.stdout.write(
                f"  [{piece['kind']}/{piece['column'] or '-'}] {piece['title']}"
                f" — {people or '无署名'}；提示 {len(piece['flags'])} 条"
            )
