"""Fixtures of the editing room's tests: a page of three articles with a byline."""

import pytest

from articles.editing import corrections
from articles.models import Author, Authorship


@pytest.fixture
def page(make_issue, make_article):
    issue = make_issue()
    articles = [
        make_article(
            issue=issue,
            position=1,
            title="甲文",
            body="甲一。\n\n甲二。\n\n乙一。\n\n乙二。",
        ),
        make_article(issue=issue, position=2, title="丙文", body="丙一。\n\n丙二。"),
        make_article(issue=issue, position=3, title="丁文", body="丁一。"),
    ]
    for a in articles:
        corrections.record_import(a)
    author = Author.objects.create(name="张三")
    Authorship.objects.create(article=articles[0], author=author, order=1)
    return issue, articles
