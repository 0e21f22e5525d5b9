"""Readers' error reports: validated against the text, rate-limited, CSRF-protected, no login."""

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import ReaderReport


@pytest.fixture
def article(make_article):
    return make_article(
        kicker="引题文字",
        title="新就业形态劳动者入会",
        lede="要提高入会率。",
        body="新就业形态劳动者人会率仍有待提升。\n\n工会要做好服务工作。",
    )


def report_url(article):
    return reverse("articles:report_error", args=[article.pk])


def send(client, article, ip="203.0.113.7", **data):
    data.setdefault("selected_text", "人会率")
    data.setdefault("suggestion", "入会率")
    data.setdefault("comment", "")
    return client.post(report_url(article), data, REMOTE_ADDR=ip)


def test_article_page_carries_the_form_with_labelled_fields_and_csrf(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'action="{report_url(article)}"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    for name in ("selected_text", "suggestion", "comment"):
        assert f'<label for="id_{name}">' in page
    assert 'aria-describedby="id_selected_text_helptext"' in page
    assert "/static/js/report.js" in page


def test_a_valid_report_lands_in_the_queue_and_thanks_the_reader(client, article):
    response = send(client, article, comment="第一段第一句")
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#report"
    report = ReaderReport.objects.get()
    assert (report.article, report.selected_text, report.suggestion) == (
        article,
        "人会率",
        "入会率",
    )
    assert report.comment == "第一段第一句" and report.status == ReaderReport.Status.NEW
    assert len(report.client_hash) == 64 and "203.0.113.7" not in report.client_hash
    followed = client.get(response["Location"]).content.decode()
    assert "谢谢指正" in followed


@pytest.mark.parametrize("selected", ["新就业形态劳动者入会", "引题文字", "提高入会率"])
def test_text_from_title_kicker_or_lede_may_be_reported(client, article, selected):
    assert (
        send(client, article, selected_text=selected, suggestion="改正").status_code
        == 302
    )


def test_selected_text_must_occur_in_the_article(client, article):
    response = send(client, article, selected_text="文中没有的话")
    assert response.status_code == 400
    assert "所选文字没有在本文中找到" in response.content.decode()
    assert not ReaderReport.objects.exists()


def test_surrounding_whitespace_is_trimmed_before_matching(client, article):
    assert send(client, article, selected_text="  人会率\n").status_code == 302
    assert ReaderReport.objects.get().selected_text == "人会率"


def test_a_report_needs_a_suggestion_or_a_comment(client, article):
    response = send(client, article, suggestion="", comment="  ")
    assert response.status_code == 400
    assert "至少一项" in response.content.decode()


def test_suggestion_identical_to_the_text_is_refused(client, article):
    assert send(client, article, suggestion="人会率").status_code == 400


def test_oversized_fields_are_refused(client, article):
    assert send(client, article, suggestion="长" * 501).status_code == 400
    assert send(client, article, comment="长" * 2001).status_code == 400
    assert send(client, article, selected_text="长" * 501).status_code == 400
    assert not ReaderReport.objects.exists()


def test_the_form_is_prefilled_from_a_link(client, article):
    page = client.get(report_url(article) + "?text=人会率").content.decode()
    assert "\n人会率</textarea>" in page


@override_settings(READER_REPORTS_PER_HOUR=2)
def test_reports_are_rate_limited_per_client(client, article):
    assert send(client, article).status_code == 302
    assert send(client, article).status_code == 302
    limited = send(client, article)
    assert limited.status_code == 429
    assert limited["Retry-After"] == "3600"
    assert "提交过于频繁" in limited.content.decode()
    assert ReaderReport.objects.count() == 2
    # Another reader is not affected.
    assert send(client, article, ip="198.51.100.4").status_code == 302


@override_settings(READER_REPORTS_PER_HOUR=1)
def test_reports_older_than_an_hour_do_not_count(client, article):
    assert send(client, article).status_code == 302
    ReaderReport.objects.update(created_at=timezone.now() - timedelta(hours=2))
    assert send(client, article).status_code == 302


def test_posting_without_the_csrf_token_is_refused(article):
    client = Client(enforce_csrf_checks=True)
    assert send(client, article).status_code == 403
    assert not ReaderReport.objects.exists()


def test_reports_on_unpublished_articles_are_404(client, make_article):
    hidden = make_article(body="不公开的正文。", published=False)
    assert send(client, hidden, selected_text="正文").status_code == 404


def test_only_get_and_post_are_allowed(client, article):
    assert client.put(report_url(article)).status_code == 405


@override_settings(READER_REPORTS_PER_HOUR=1, PROXY_COUNT=1)
def test_behind_a_proxy_the_forwarded_address_is_limited_and_cannot_be_forged(
    client, article
):
    proxy = "10.0.0.2"

    def via_proxy(forwarded):
        return client.post(
            report_url(article),
            {"selected_text": "人会率", "suggestion": "入会率"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    assert via_proxy("203.0.113.7").status_code == 302
    # A forged first entry does not hide the address the proxy recorded.
    assert via_proxy("1.2.3.4, 203.0.113.7").status_code == 429
    # A different reader behind the same proxy is counted separately.
    assert via_proxy("198.51.100.4").status_code == 302
