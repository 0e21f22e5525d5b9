"""`import_pages PATH…`: import raw OCR pages (files or folders) and their scans, one transaction per file."""

import csv
import json
import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from archive.importing import ImportRefused, import_page, parse_raw
from archive.scans import ScanRefused, prepare_scan_file, store_scans


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


def scan_files(value: str | None, base: Path) -> list[Path]:
    """A manifest's scan cell: one or more files separated by ";", relative to the manifest."""
    return [base / part.strip() for part in (value or "").split(";") if part.strip()]


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
            help="版面的原版扫描（JPEG、PNG、TIFF 或 PDF，可重复）；只用于单个版面文件，多个文件请用清单的 scan 列",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="只解析并输出结果，不写数据库"
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, paths, dry_run, format, **options):
        files = page_files(paths)
        manifest = read_manifest(options["manifest"]) if options["manifest"] else {}
        manifest_dir = (
            Path(options["manifest"]).parent if options["manifest"] else Path()
        )
        if options["scan"] and len(files) != 1:
            raise CommandError(
                "--scan 只能和单个版面文件一起使用；多个文件请在清单的 scan 列中给出。"
            )
        given_scans = [Path(p) for p in options["scan"]]
        defaults = {
            "date": parse_date(options["date"]),
            "number": parse_number(options["number"]),
            "page": options["page"],
        }
        if dry_run:
            return self.dry_run(files, format, manifest, manifest_dir, given_scans)
        failures = 0
        progress = tqdm(
            files, desc="导入", unit="页", disable=len(files) < 2, file=sys.stderr
        )
        for path in progress:
            row = manifest.get(path.name, {})
            try:
                # Scans are checked and rendered before anything is stored: a bad scan
                # leaves neither the page nor its scan half-imported.
                prepared = [
                    prepare_scan_file(scan)
                    for scan in scan_files(row.get("scan"), manifest_dir) or given_scans
                ]
                with transaction.atomic():
                    result = import_page(
                        path.read_bytes(),
                        source_name=path.name,
                        publication_date=parse_date(row.get("date"))
                        or defaults["date"],
                        number=parse_number(row.get("number")) or defaults["number"],
                        page_label=row.get("page") or defaults["page"],
                    )
                    added = store_scans(result.issue, prepared) if prepared else []
            except (ImportRefused, ScanRefused, OSError) as exc:
                failures += 1
                progress.write(self.style.ERROR(f"✗ {path}: {exc}"))
                continue
            progress.write(self.report(path, result))
            if prepared:
                progress.write(
                    f"  原版扫描：新增 {len(added)} 张（共 {result.issue.scans.count()} 张）。"
                )
        if failures:
            raise CommandError(f"{failures} 个文件未能导入（共 {len(files)} 个）。")

    def report(self, path, result) -> str:
        if result.status == "unchanged":
            return f"= {path}: 已导入过，内容相同，跳过。"
        kinds = {}
        for article in result.articles:
            kinds[article.get_kind_display()] = (
                kinds.get(article.get_kind_display(), 0) + 1
            )
        summary = "、".join(f"{k}{v}" for k, v in kinds.items())
        return self.style.SUCCESS(
            f"✓ {path}: {len(result.articles)} 篇（{summary}），"
            f"署名作者 {result.author_count} 人，待核提示 {result.flag_count} 条。"
        )

    def dry_run(self, files, format, manifest=None, manifest_dir=None, given_scans=()):
        failures = 0
        outputs = []
        for path in files:
            row = (manifest or {}).get(path.name, {})
            scans = scan_files(row.get("scan"), manifest_dir or Path()) or list(
                given_scans
            )
            try:
                _, _, parsed = parse_raw(path.read_bytes())
                checked = [prepare_scan_file(scan) for scan in scans]
            except (ImportRefused, ScanRefused, OSError) as exc:
                failures += 1
                self.stderr.write(f"✗ {path}: {exc}")
                continue
            output = {"source": path.name, **parsed.as_dict()}
            if checked:
                output["scans"] = [
                    {"file": s.name, "pages": len(s.pages), "sha256": s.sha256}
                    for s in checked
                ]
            outputs.append(output)
        if format == "json":
            payload = outputs[0] if len(outputs) == 1 else outputs
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1))
        else:
            for output in outputs:
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
        if failures:
            raise CommandError(f"{failures} 个文件无法解析。")
