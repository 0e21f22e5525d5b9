"""export_corpus: JSON lines and text files of the corrected archive, a SHA-256 manifest that
catches any change, the download page."""

import json
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from articles.models import Article
from articles.research import bundle
from tests.seed import find

pytestmark = pytest.mark.django_db
SITE = "https://archive.example.cn"


@pytest.fixture(autouse=True)
def site_url(settings):
    """The site's public address, which a bundle needs outside DEBUG."""
    settings.SITE_URL = SITE


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
    assert bundle.verify_manifest(exported) == []
    manifest = (exported / "MANIFEST.sha256").read_text().splitlines()
    assert len(manifest) == 16  # README, articles.jsonl, 14 text files
    target = next((exported / "text").iterdir())
    data = bytearray(target.read_bytes())
    data[-2] ^= 0x01
    target.write_bytes(bytes(data))
    problems = bundle.verify_manifest(exported)
    assert problems == [f"text/{target.name}：SHA-256 不符（文件已被改动）"]
    with pytest.raises(CommandError, match="校验未通过"):
        call_command("export_corpus", "--verify", str(exported), stderr=StringIO())


def test_manifest_catches_missing_and_extra_files(exported):
    (exported / "README.txt").unlink()
    (exported / "text" / "extra.txt").write_text("多出来的", encoding="utf-8")
    problems = bundle.verify_manifest(exported)
    assert "README.txt：文件缺失" in problems
    assert "text/extra.txt：不在清单中" in problems
    (exported / "MANIFEST.sha256").unlink()
    assert bundle.verify_manifest(exported) == ["缺少校验清单 MANIFEST.sha256"]


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
        (zip_path,) = bundle.published_exports()
        assert str(zip_path) in out.getvalue()
        assert not [
            p for p in (tmp_path / "exports").iterdir() if p.name.startswith(".")
        ]
        page = client.get(reverse("research:downloads")).content.decode()
        assert zip_path.name in page and bundle.sha256_file(zip_path) in page
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
        assert bundle.verify_manifest(unpacked) == []
        for name in (
            "../settings.py",
            "corpus-x.zip",
            "corpus-x.zip.sha256",
            zip_path.name + ".ids",
            "..%2Fsecret_key",
        ):
            assert client.get(reverse("research:downloads") + name).status_code == 404


def test_old_zips_are_pruned(seed, tmp_path):
    from datetime import UTC, datetime

    with override_settings(CORPUS_EXPORT_DIR=tmp_path, CORPUS_EXPORTS_KEPT=2):
        scratch = tmp_path / "scratch"
        bundle.write_corpus(scratch)
        for day in (1, 2, 3):
            bundle.zip_corpus(
                scratch, tmp_path, stamp=datetime(2025, 1, day, tzinfo=UTC)
            )
        removed = bundle.prune_exports(tmp_path, 2)
        assert [p.name for p in removed] == ["corpus-20250101T000000Z.zip"]
        assert [p.name for p in bundle.published_exports()] == [
            "corpus-20250103T000000Z.zip",
            "corpus-20250102T000000Z.zip",
        ]


def test_a_withdrawn_article_takes_the_zip_holding_it_offline_at_once(
    seed, tmp_path, client
):
    """Withdrawal (by any path, here a bare UPDATE) stops the zip that holds the article
    being served; the next export is served again and leaves the article out."""
    hidden = find(seed, "双创")
    with override_settings(CORPUS_EXPORT_DIR=tmp_path, CORPUS_EXPORTS_KEPT=3):
        before = bundle.publish_corpus().zip_path
        url = reverse("research:download_file", args=[before.name])
        assert client.get(url).status_code == 200
        Article.objects.filter(pk=hidden.pk).update(published=False)
        assert client.get(url).status_code == 404
        page = client.get(reverse("research:downloads")).content.decode()
        assert before.name in page and f'href="{url}"' not in page
        assert "重新导出前暂不提供" in page

        after = bundle.publish_corpus().zip_path
        response = client.get(reverse("research:download_file", args=[after.name]))
        assert response.status_code == 200
        with zipfile.ZipFile(after) as archive:
            assert "双创" not in archive.read("articles.jsonl").decode()


def test_a_zip_that_does_not_say_what_it_holds_is_not_served(seed, tmp_path, client):
    with override_settings(CORPUS_EXPORT_DIR=tmp_path):
        zip_path = bundle.publish_corpus().zip_path
        Path(f"{zip_path}{bundle.CONTENTS}").unlink()
        url = reverse("research:download_file", args=[zip_path.name])
        assert client.get(url).status_code == 404


def test_the_checksum_is_served_beside_the_zip(seed, tmp_path, client):
    """`sha256sum -c` on the downloaded .sha256 checks the downloaded zip."""
    with override_settings(CORPUS_EXPORT_DIR=tmp_path / "exports"):
        zip_path = bundle.publish_corpus().zip_path
        page = client.get(reverse("research:downloads")).content.decode()
        url = reverse("research:download_file", args=[f"{zip_path.name}.sha256"])
        assert f'href="{url}"' in page
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        line = b"".join(response.streaming_content).decode()
        assert line == f"{bundle.sha256_file(zip_path)}  {zip_path.name}\n"
        with zipfile.ZipFile(zip_path) as archive:
            assert json.loads(archive.read("articles.jsonl").splitlines()[0])[
                "url"
            ].startswith(f"{SITE}/article/")


def test_a_range_request_gets_that_part_of_the_zip(seed, tmp_path, client):
    with override_settings(CORPUS_EXPORT_DIR=tmp_path / "exports"):
        zip_path = bundle.publish_corpus().zip_path
        whole = zip_path.read_bytes()
        url = reverse("research:download_file", args=[zip_path.name])
        full = client.get(url)
        assert full.status_code == 200 and full["Accept-Ranges"] == "bytes"
        assert int(full["Content-Length"]) == len(whole)

        part = client.get(url, HTTP_RANGE="bytes=100-199")
        assert part.status_code == 206
        assert part["Content-Range"] == f"bytes 100-199/{len(whole)}"
        assert part["Content-Length"] == "100"
        assert b"".join(part.streaming_content) == whole[100:200]

        rest = client.get(url, HTTP_RANGE="bytes=1000-")
        assert b"".join(rest.streaming_content) == whole[1000:]
        tail = client.get(url, HTTP_RANGE="bytes=-22")
        assert b"".join(tail.streaming_content) == whole[-22:]

        beyond = client.get(url, HTTP_RANGE=f"bytes={len(whole)}-")
        assert beyond.status_code == 416
        assert beyond["Content-Range"] == f"bytes */{len(whole)}"
        # A copy older than the file resumes nothing: the whole file again.
        stale = client.get(
            url, HTTP_RANGE="bytes=100-", HTTP_IF_RANGE="Mon, 01 Jan 2001 00:00:00 GMT"
        )
        assert stale.status_code == 200
        fresh = client.get(
            url, HTTP_RANGE="bytes=100-", HTTP_IF_RANGE=full["Last-Modified"]
        )
        assert fresh.status_code == 206


def test_no_bundle_without_the_site_address_outside_debug(seed, tmp_path, settings):
    settings.SITE_URL = ""
    settings.CORPUS_EXPORT_DIR = tmp_path / "exports"
    with pytest.raises(CommandError, match="未设置网站地址.*SITE_URL"):
        call_command("export_corpus", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="SITE_URL"):
        call_command("export_corpus", str(tmp_path / "c"), stdout=StringIO())
    assert not (tmp_path / "exports").exists() and not (tmp_path / "c").exists()
    # --base-url says it; so does SITE_URL; and DEBUG allows relative URLs for a try.
    call_command(
        "export_corpus", "--base-url", SITE, stdout=StringIO(), stderr=StringIO()
    )
    settings.DEBUG = True
    call_command("export_corpus", str(tmp_path / "d"), verbosity=0, stdout=StringIO())
    first = (tmp_path / "d" / "articles.jsonl").read_text(encoding="utf-8")
    assert json.loads(first.splitlines()[0])["url"].startswith("/article/")
