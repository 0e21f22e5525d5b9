"""Issue and Article invariants that protect the original OCR."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from archive.models import Issue
from articles.models import Article, Column, Province


def test_same_raw_text_cannot_be_imported_twice(make_issue):
    """The SHA-256 of the raw bytes is unique, so the same page is stored once."""
    make_issue(b"\xe8\xa7\x82\xe7\x82\xb9 page", source_name="a.txt")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_issue(b"\xe8\xa7\x82\xe7\x82\xb9 page", source_name="b.txt")
    assert Issue.objects.count() == 1


def test_original_ocr_cannot_be_changed_by_save(make_article):
    """Saving an article with a changed original OCR is refused."""
    article = make_article(body="正文", original_ocr="原 文")
    article.original_ocr = "改过的原文"
    with pytest.raises(ValidationError):
        article.save()
    assert Article.objects.get(pk=article.pk).original_ocr == "原 文"


def test_corrected_body_can_change_while_original_stays(make_article):
    article = make_article(body="人会", original_ocr="人会")
    article.body = "入会"
    article.save()
    article.refresh_from_db()
    assert (article.body, article.original_ocr) == ("入会", "人会")


def test_issue_clean_detects_hash_mismatch(make_issue):
    issue = make_issue("观点".encode())
    issue.raw_bytes = "改动".encode()
    with pytest.raises(ValidationError):
        issue.clean()


@pytest.mark.django_db
def test_reference_data_is_loaded_by_migrations():
    """The five columns and all 34 provincial-level divisions exist after migrate."""
    assert set(Column.objects.values_list("name", flat=True)) == {
        "观点",
        "工作研究",
        "前沿观察",
        "热点思考",
        "观点撷英",
    }
    assert Province.objects.count() == 34
    assert Province.objects.get(short_name="宁夏").name == "宁夏回族自治区"


def test_raw_page_cannot_be_changed_by_save(make_issue):
    issue = make_issue("观点 原文".encode())
    issue.raw_text = "改过"
    with pytest.raises(ValidationError):
        issue.save()
    issue.refresh_from_db()
    issue.page_label = "第7版"
    issue.save()
    assert Issue.objects.get(pk=issue.pk).page_label == "第7版"
