"""`verify_fixity [--repair]`: re-hash and re-derive every stored page and scan file;
non-zero exit on any problem."""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from archive.fixity import verify_fixity
from archive.models import Issue, Scan


class Command(BaseCommand):
    help = (
        "重新计算所有原始版面、原版扫描及其派生图像的 SHA-256，"
        "并重新解码原始字节与保存的文本比对；"
        "报告已检查、不符和缺失的数量，有问题时以非零状态退出。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair",
            action="store_true",
            help="从完好的原件重新生成缺失或损坏的派生图像（网页图、放大图、缩略图、"
            "文章区域图）并报告；原件本身的损坏无法修复，仍会报告。",
        )

    def handle(self, *args, repair, **options):
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

        report = verify_fixity(progress, scan_progress, repair=repair)
        for label in report.mismatched:
            self.stdout.write(self.style.ERROR(f"不符：{label}"))
        for label in report.missing:
            self.stdout.write(self.style.ERROR(f"缺失：{label}"))
        for label in report.rebuilt:
            self.stdout.write(self.style.WARNING(f"已重建：{label}"))
        self.stdout.write(
            f"checked {report.checked} / mismatched {len(report.mismatched)}"
            f" / missing {len(report.missing)} / scans {report.scans_checked}"
            + (f" / rebuilt {len(report.rebuilt)}" if report.rebuilt else "")
        )
        if not report.ok:
            raise CommandError("原始文件校验未通过。")
