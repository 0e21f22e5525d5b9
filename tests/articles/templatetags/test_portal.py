"""Portal template helpers: Chinese dates, body blocks, bylines, the province chart."""

from datetime import date

import pytest
from django.test import RequestFactory

from articles.models import Authorship, Province
from articles.templatetags.portal import (
    body_blocks,
    byline_people,
    cn_date,
    page_url,
    province_chart,
)


def test_chinese_dates_and_body_blocks():
    assert cn_date(date(2024, 5, 20)) == "2024年5月20日"
    assert cn_date(None) == "日期待定"
    blocks = body_blocks("开头，\n\n做好维\n\n权服务。")
    # A paragraph cut at a column break is not mistaken for a heading when it has punctuation.
    assert [b.kind for b in blocks] == ["para", "subhead", "para"]
    assert [
        b.kind for b in body_blocks("落实科研人员职务科技成果转化、现金奖励政")
    ] == ["para"]


# ---------------------------------------------------------------- query counts


@pytest.mark.django_db
def test_byline_names_authors_and_otherwise_credited_compilers(
    add_article, make_person
):
    article = add_article("图解", column="观点")
    make_person(article, name="制图人", role="策划/制图", contribution="credit")
    make_person(article, name="专家", role="教授", contribution="quoted")
    (person,) = byline_people(article)
    assert (person.text, person.detail) == ("制图人", "策划/制图")
    make_person(article, affiliation="山西省总工会", province="山西", role="主席")
    article = type(article).objects.get(pk=article.pk)
    (person,) = byline_people(article)
    # Printed only by office: the office is shown, no name is made up.
    assert person.author is None and person.text == "山西省总工会主席"
    assert person.province == "山西"


@pytest.mark.django_db
def test_province_chart_draws_only_provinces_with_work():
    beijing, tianjin = Province.objects.order_by("code")[:2]
    beijing.article_count, beijing.author_count = 4, 2
    tianjin.article_count, tianjin.author_count = 0, 0
    chart = province_chart([beijing, tianjin])
    assert [r.province for r in chart["rows"]] == [beijing]
    assert chart["rows"][0].article_width == "300.0"
    assert "北京4篇文章、2位作者" in chart["summary"]


def test_page_url_keeps_the_other_parameters():
    request = RequestFactory().get("/articles/?column=guandian&page=2")
    assert page_url(request, 3) == "?column=guandian&page=3"


def test_authorship_contributions_match_the_responsible_set():
    from articles.querysets import RESPONSIBLE

    assert RESPONSIBLE == (
        Authorship.Contribution.AUTHOR.value,
        Authorship.Contribution.CREDIT.value,
    )
