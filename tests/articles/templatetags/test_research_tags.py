"""Research template tags: the reference and citation box, reference metadata, the
script-safe JSON, and links that keep the current filters."""

import json
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.test import RequestFactory, override_settings

from articles.research import citations
from articles.templatetags.research_tags import (
    script_json,
    selected_values,
    with_query,
)
from tests.seed import find


def render(source: str, **context) -> str:
    return Template("{% load research_tags %}" + source).render(Context(context))


def test_script_json_cannot_close_its_element():
    text = script_json({"title": "</script><script>alert(1)</script>&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["title"] == "</script><script>alert(1)</script>&"


@pytest.mark.parametrize(
    ("query", "changes", "expected"),
    [
        ("author=3&page=2", {"page": 3}, "?author=3&page=3"),
        ("author=3&page=2", {"page": None}, "?author=3"),
        ("page=2", {"page": ""}, "?"),
        ("", {"sort": "date"}, "?sort=date"),
    ],
)
def test_with_query_keeps_the_filters_and_changes_one(query, changes, expected):
    assert with_query(query, **changes) == expected


def test_selected_values_keeps_only_the_chosen():
    values = [SimpleNamespace(v=1, selected=True), SimpleNamespace(v=2, selected=False)]
    assert [v.v for v in selected_values(values)] == [1]


@pytest.mark.django_db
def test_the_reference_is_escaped_and_the_box_offers_no_csv(seed):
    article = find(seed, "双创")
    article.title = "<b>双创</b>"
    html = render("{% gbt7714 article %}", article=article)
    assert "&lt;b&gt;双创&lt;/b&gt;" in html and "<b>" not in html
    assert html.startswith("[1]")
    box = render("{% citation_box article %}", article=article)
    assert (
        citations.gbt7714(article, index=None).replace("<b>", "&lt;b&gt;")[:10] in box
    )
    assert "cite.ris" in box and "cite.csv" not in box


@pytest.mark.django_db
@override_settings(SITE_URL="https://archive.example.org")
def test_reference_meta_names_the_public_address(seed):
    article = find(seed, "双创")
    request = RequestFactory().get("/", HTTP_HOST="10.0.0.5")
    html = render("{% reference_meta article %}", article=article, request=request)
    url = f"https://archive.example.org/article/{article.pk}/"
    assert f'content="{url}"' in html
    assert "10.0.0.5" not in html
    assert 'type="application/ld+json"' in html
