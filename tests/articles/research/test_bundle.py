"""export_corpus: JSON lines and text files of the corrected archive, a SHA-256 manifest that catches any change, the download page."""

import json
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from articles.models import Article
from articles.research import exports
from tests.seed import find, import_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed():
    return import_seed()


@pytest.fixture
def exported(seed, tmp_path):
    target = tmp_path / "corpus"
    out = StringIO()
    call_command(
        "export_corpus",
        str(target),
        "--base-url",
        "https://archive.example.cn",
        stdout=out,
        verbosity=0,
    )
    assert "已导出 14 篇文章" in out.getvalue()
    return target


def test_jsonl_and_text_files_hold_the_corrected_public_text(seed, exported):
    lines = (exported / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == Article.objects.public().count()
    article = find(seed, "双创")
    record = next(r for r in records if r["id"] == article.pk)
    assert record["body"] == article.body and "original_ocr" not in record
    assert record["url"] == f"https://archive.example.cn/article/{article.pk}/"
    assert record["date"] == "2019-12-16" and record["page_label"] == "第7版"
    assert [
        (a["name"], a["affiliation"], a["province"]) for a in record["authorships"]
    ] == [
        ("李长安", "对外经济贸易大学", "北京"),
        ("刘娜", "上海机电学院", "上海"),
    ]
    assert (
        record["citation"]
        == "李长安, 刘娜. 推动“双创”活动持续发展的政策建议[N]. 工人日报, 2019-12-16(7)."
    )
    assert record["revision_count"] == 1
    text = (exported / "text" / f"{article.pk:07d}.txt").read_text(encoding="utf-8")
    assert text.startswith("标题：推动“双创”活动持续发展的政策建议\n")
    assert article.body in text
    assert len(list((exported / "text").iterdir())) == 14


def test_manifest_verifies_and_catches_a_changed_byte(exported):
    assert exports.verify_manifest(exported) == []
    manifest = (exported / "MANIFEST.sha256").read_text().splitlines()
    assert len(manifest) == 16  # README, articles.jsonl, 14 text files
    target = next((exported / "text").iterdir())
    data = bytearray(target.read_bytes())
    data[-2] ^= 0x01
    target.write_bytes(bytes(data))
    problems = exports.verify_manifest(exported)
    assert problems == [f"text/{target.name}：SHA-256 不符（文件已被改动）"]
    with pytest.raises(CommandError, match="校验未通过"):
        call_command("export_corpus", "--verify", str(exported), stderr=StringIO())


def test_manifest_catches_missing_and_extra_files(exported):
    (exported / "README.txt").unlink()
    (exported / "text" / "extra.txt").write_text("多出来的", encoding="utf-8")
    problems = exports.verify_manifest(exported)
    assert "README.txt：文件缺失" in problems
    assert "text/extra.txt：不在清单中" in problems
    (exported / "MANIFEST.sha256").unlink()
    assert exports.verify_manifest(exported) == ["缺少校验清单 MANIFEST.sha256"]


def test_verify_command_passes_on_an_intact_export(exported):
    out = StringIO()
    call_command("export_corpus", "--verify", str(exported), stdout=out)
    assert "校验通过" in out.getvalue()


def test_refuses_a_directory_with_files(seed, tmp_path):
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(CommandError, match="不是空目录"):
        call_command("export_corpus", str(tmp_path), verbosity=0)


def test_unpublished_articles_stay_out(seed, tmp_path):
    hidden = find(seed, "双创")
    Article.objects.filter(pk=hidden.pk).update(published=False)
    call_command("export_corpus", str(tmp_path / "c"), verbosity=0, stdout=StringIO())
    text = (tmp_path / "c" / "articles.jsonl").read_text(encoding="utf-8")
    assert "双创" not in text and len(text.splitlines()) == 13


def test_published_zip_is_listed_and_streamed(seed, tmp_path, client):
    with override_settings(
        CORPUS_EXPORT_DIR=tmp_path / "exports", CORPUS_EXPORTS_KEPT=1
    ):
        out = StringIO()
        call_command("export_corpus", stdout=out, stderr=StringIO())
        (zip_path,) = exports.published_exports()
        assert str(zip_path) in out.getvalue()
        assert not [
            p for p in (tmp_path / "exports").iterdir() if p.name.startswith(".")
        ]
        page = client.get(reverse("research:downloads")).content.decode()
        assert zip_path.name in page and exports.sha256_file(zip_path) in page
        response = client.get(reverse("research:download_file", args=[zip_path.name]))
        assert (
            response.status_code == 200
            and response["Content-Type"] == "application/zip"
        )
        downloaded = tmp_path / "downloaded.zip"
        downloaded.write_bytes(b"".join(response.streaming_content))
        unpacked = tmp_path / "unpacked"
        with zipfile.ZipFile(downloaded) as archive:
            archive.extractall(unpacked)
        assert exports.verify_manifest(unpacked) == []
        for name in (
            "../settings.py",
            "corpus-x.zip",
            zip_path.name + ".sha256",
            "..%2Fsecret_key",
        ):
            assert client.get(reverse("research:downloads") + name).status_code == 404


def test_old_zips_are_pruned(seed, tmp_path):
    from datetime import UTC, datetime

    with override_settings(CORPUS_EXPORT_DIR=tmp_path, CORPUS_EXPORTS_KEPT=2):
        scratch = tmp_path / "scratch"
        exports.write_corpus(scratch)
        for day in (1, 2, 3):
            exports.zip_corpus(
                scratch, tmp_path, stamp=datetime(2025, 1, day, tzinfo=UTC)
            )
        removed = exports.prune_exports(tmp_path, 2)
        assert [p.name for p in removed] == ["corpus-20250101T000000Z.zip"]
        assert [p.name for p in exports.published_exports()] == [
            "corpus-20250103T000000Z.zip",
            "corpus-20250102T000000Z.zip",
        ]
