"""`clean_ocr`: clean OCR text from stdin, or list correction suggestions as JSON."""

import json
import sys

from django.core.management.base import BaseCommand

from archive.ingest.cleaning import clean_ocr, suggest_corrections
from archive.models import LearnedCorrection


class Command(BaseCommand):
    help = (
        "从标准输入读取 OCR 文本，输出自动清理后的文本；"
        "--suggestions 输出待编辑确认的更正建议（JSON）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--suggestions",
            action="store_true",
            help="输出更正建议的 JSON 列表，而不是清理后的文本",
        )

    def handle(self, *args, suggestions, **options):
        text = sys.stdin.read()
        if suggestions:
            found = suggest_corrections(text, learned=LearnedCorrection.pairs())
            self.stdout.write(
                json.dumps([s.as_dict() for s in found], ensure_ascii=False)
            )
        else:
            self.stdout.write(clean_ocr(text), ending="")
