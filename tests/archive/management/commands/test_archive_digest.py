"""`archive_digest`: row counts, a hash per article's text and, asked for, search results."""

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import Article
from tests.seed import find

pytestmark = pytest.mark.django_db


def digest(*args) -> dict:
    out = StringIO()
    call_command("archive_digest", *args, stdout=out)
    return json.loads(out.getvalue())


def test_counts_every_table_and_hashes_every_article(seed):
    data = digest()
    assert data["counts"]["articles.Article"] == Article.objects.count()
    assert data["counts"]["archive.Issue"] == 3
    assert set(data["articles"]) == {
        str(pk) for pk in Article.objects.values_list("pk", flat=True)
    }
    assert "search" not in data
    article = find(seed, "双创")
    expected = f"{article.title}\x1f{article.body}\x1f{article.original_ocr}"
    assert (
        data["articles"][str(article.pk)]
        == hashlib.sha256(expected.encode()).hexdigest()
    )


def test_an_edited_text_changes_only_its_own_hash(seed):
    before = digest()["articles"]
    article = find(seed, "双创")
    Article.objects.filter(pk=article.pk).update(body=article.body + "。")
    after = digest()["articles"]
    assert [pk for pk in before if before[pk] != after[pk]] == [str(article.pk)]


def test_queries_list_the_matching_article_ids(seed):
    call_command("rebuild_index", interactive=False, verbosity=0)
    article = find(seed, "双创")
    data = digest("--queries", "双创,,工会")
    assert set(data["search"]) == {"双创", "工会"}
    assert article.pk in data["search"]["双创"]
    assert data["search"]["工会"] == sorted(data["search"]["工会"])
    assert len(data["search"]["工会"]) > len(data["search"]["双创"])
