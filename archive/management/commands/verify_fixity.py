"""`verify_fixity`: re-hash every stored original page and scan file; non-zero exit on any problem."""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from archive.fixity import verify_fixity
from archive.models import Issue, Scan


class Command(BaseCommand):
    help = (
        "重新计算所有原始版面和原版扫描文件的 SHA-256，报告已检查、不符和缺失的数量。"
    )

    def handle(self, *args, **options):
        total = Issue.objects.count()
        scan_total = Scan.objects.count()

        def progress(items):
            return tqdm(
                items,
                total=total,
                desc="校验",
                unit="页",
                file=sys.stderr,
                disable=total < 50,
            )

        def scan_progress(items):
            return tqdm(
                items,
                total=scan_total,
                desc="扫描",
                unit="张",
                file=sys.stderr,
                disable=scan_total < 20,
            )

        report = verify_fixity(progress, scan_progress)
        for label in report.mismatched:
            self.stdout.write(self.style.ERROR(f"不符：{label}"))
        for label in report.missing:
            self.stdout.write(self.style.ERROR(f"缺失：{label}"))
        self.stdout.write(
            f"checked {report.checked} / mismatched {len(report.mismatched)} / missing {len(report.missing)}"
            f" / scans {report.scans_checked}"
        )
        if not report.ok:
            raise CommandError("原始文件校验未通过。")
