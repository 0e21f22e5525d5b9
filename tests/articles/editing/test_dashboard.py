"""The dashboard: progress by status, column and year, and the week by editor."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles.editing import corrections, dashboard
from articles.models import Article, Column


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("bianji", is_staff=True)
    user.groups.add(Group.objects.get(name="编辑"))
    return user


@pytest.fixture
def articles(make_issue, make_article):
    column = Column.objects.get(name="观点")
    dated = make_issue(publication_date=date(2024, 5, 20))
    made = [
        make_article(issue=dated, column=column, title="甲"),
        make_article(issue=dated, column=column, title="乙", status="verified"),
        make_article(title="丙", status="in_review"),  # undated page, no column
    ]
    for a in made:
        corrections.record_import(a)
    return made


def test_status_counts_cover_every_article(articles):
    assert dashboard.status_counts(Article.objects.all()) == {
        "total": 3,
        "raw": 1,
        "in_review": 1,
        "verified": 1,
    }


def test_progress_by_column_and_year_names_the_gaps_in_chinese(articles):
    by_column = {row["label"]: row["total"] for row in dashboard.by_column()}
    assert by_column == {"观点": 2, "无栏目": 1}
    by_year = {row["label"]: row["verified"] for row in dashboard.by_year()}
    assert by_year == {"2024年": 1, "日期待定": 0}


def test_the_week_counts_each_editors_revisions_but_not_imports(articles, editor):
    article = articles[0]
    corrections.save_correction(
        article, editor=editor, base_version=1, changes={"body": "改。"}, note="改"
    )
    (row,) = dashboard.week_by_editor()
    assert (row["editor__username"], row["revisions"], row["articles"]) == (
        "bianji",
        1,
        1,
    )
    assert dashboard.week_by_editor(now=timezone.now() + timedelta(days=8)) == []


def test_the_admin_index_shows_progress(client, articles, editor):
    client.force_login(editor)
    html = client.get(reverse("admin:index")).content.decode()
    assert "校对进度" in html and "未校对 1" in html
