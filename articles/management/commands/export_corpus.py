"""Writes the corrected public archive (JSON lines, a text file per article, SHA-256 manifest)."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.research import bundle


class Command(BaseCommand):
    help = (
        "导出全部公开文章的校对后全文：articles.jsonl、text/<编号>.txt 与 MANIFEST.sha256。"
        "不给目录时打包为 zip，放到网站的“全文下载”页（CORPUS_EXPORT_DIR）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "directory", nargs="?", help="写入这个目录（须为空或不存在）"
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="写入记录的文章网址前缀，如 https://archive.example.cn（默认取 SITE_URL）",
        )
        parser.add_argument(
            "--publish", action="store_true", help="给了目录时，也打包一份供网站下载"
        )
        parser.add_argument(
            "--verify", metavar="DIR", help="只校验一个已导出的目录，不导出"
        )

    def handle(self, *args, **options):
        if options["verify"]:
            return self.verify(Path(options["verify"]))
        try:
            bundle.site_base_url(options["base_url"])
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        progress = self.progress(options["verbosity"])
        directory = options["directory"]
        try:
            if directory:
                target = Path(directory)
                if target.exists() and any(target.iterdir()):
                    raise CommandError(
                        f"{target} 不是空目录；为免混入旧文件，请换一个目录。"
                    )
                result = bundle.write_corpus(
                    target, base_url=options["base_url"], progress=progress
                )
                if options["publish"]:
                    result.zip_path = bundle.zip_corpus(
                        target, settings.CORPUS_EXPORT_DIR
                    )
            else:
                result = bundle.publish_corpus(
                    base_url=options["base_url"], progress=progress
                )
        finally:
            if self._bar is not None:
                self._bar.close()
        where = result.zip_path if not directory else result.directory
        self.stdout.write(
            self.style.SUCCESS(
                f"已导出 {result.articles} 篇文章，{result.files} 个文件：{where}"
            )
        )
        if directory and result.zip_path:
            self.stdout.write(f"下载包：{result.zip_path}")

    _bar = None

    def progress(self, verbosity: int):
        """A tqdm bar on stderr (quiet at verbosity 0): called with the total, returns a tick."""

        def start(total: int):
            self._bar = tqdm(
                total=total,
                unit="篇",
                desc="导出",
                file=self.stderr._out,
                disable=verbosity == 0,
            )
            return self._bar.update

        return start

    def verify(self, directory: Path):
        problems = bundle.verify_manifest(directory)
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"校验未通过：{len(problems)} 处问题。")
        self.stdout.write(self.style.SUCCESS("校验通过：每个文件都与清单一致。"))
