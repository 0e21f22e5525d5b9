"""GB/T 7714-2015 references of seed articles, page numbers from 版次, the template tag and
citation box."""

from datetime import date

import pytest
from django.template import Context, Template
from django.test import override_settings

from archive.models import Issue
from articles.models import Article, Author, Authorship
from articles.research.citations import chinese_number, gbt7714, page_number
from tests.seed import find

pytestmark = pytest.mark.django_db


def test_two_authors(seed):
    article = find(seed, "双创")
    assert gbt7714(article) == (
        "[1] 李长安, 刘娜. 推动“双创”活动持续发展的政策建议[N]. 工人日报, 2019-12-16(7)."
    )
    assert gbt7714(article, index=3).startswith("[3] 李长安, 刘娜. ")
    assert gbt7714(article, index=None).startswith("李长安, 刘娜. ")


def test_author_printed_only_by_office_is_left_out(seed):
    # "(作者为山西省总工会党组书记、常务副主席)": no name, and the office is not an author.
    article = find(seed, "坚持系统观念")
    (byline,) = article.authorships.all()
    assert byline.author is None and byline.affiliation.name == "山西省总工会"
    assert gbt7714(article) == (
        "[1] 坚持系统观念 强化辩证思维 推动工会工作高质量发展[N]. 工人日报, 2024-05-20(7)."
    )


def test_a_graphic_is_cited_by_its_credited_designer_and_a_digest_not_by_quoted_experts(
    seed,
):
    assert gbt7714(find(seed, "重点群体创业")).startswith(
        "[1] 张菁. 重点群体创业 推进行动来了！[N]"
    )
    assert gbt7714(find(seed, "社会保障理论研究")).startswith(
        "[1] 张菁. 推动社会保障理论研究"
    )


def test_more_than_three_authors(make_article, make_issue):
    issue = make_issue(publication_date=date(2023, 1, 9), page_label="第7版")
    article = make_article(issue=issue, title="四人合写")
    for order, name in enumerate(["甲一", "乙二", "丙三", "丁四"], start=1):
        Authorship.objects.create(
            article=article, author=Author.objects.create(name=name), order=order
        )
    assert (
        gbt7714(article)
        == "[1] 甲一, 乙二, 丙三, 等. 四人合写[N]. 工人日报, 2023-01-09(7)."
    )


def test_unknown_date_and_page_are_left_out(make_article, make_issue):
    undated = make_article(issue=make_issue(page_label="第7版"), title="无日期")
    assert gbt7714(undated) == "[1] 无日期[N]. 工人日报."
    no_page = make_article(
        issue=make_issue(
            raw=b"x", publication_date=date(2020, 3, 1), page_label="理论版"
        ),
        title="无版次",
    )
    assert gbt7714(no_page) == "[1] 无版次[N]. 工人日报, 2020-03-01."


@pytest.mark.parametrize(
    ("label", "page"),
    [
        ("第7版", "7"),
        ("第07版", "7"),
        ("07", "7"),
        ("A7版", "A7"),
        ("第七版", "7"),
        ("第十二版", "12"),
        ("第二十版", "20"),
        ("理论版", ""),
        ("", ""),
    ],
)
def test_page_number(label, page):
    assert page_number(label) == page


def test_chinese_numbers():
    assert [chinese_number(t) for t in ("七", "十", "十二", "二十一", "一百零五")] == [
        7,
        10,
        12,
        21,
        105,
    ]


def test_newspaper_name_and_page_come_from_setting_and_issue(seed):
    article = find(seed, "双创")
    Issue.objects.filter(pk=article.issue_id).update(page_label="第5版")
    article = Article.objects.get(pk=article.pk)
    with override_settings(NEWSPAPER_NAME="测试日报"):
        assert gbt7714(article).endswith("[N]. 测试日报, 2019-12-16(5).")


def test_template_tag_escapes_and_box_offers_copy_and_downloads(
    make_article, make_issue
):
    article = make_article(
        issue=make_issue(publication_date=date(2024, 5, 20), page_label="第7版"),
        title="<script>alert(1)</script>标题",
    )
    html = Template("{% load research_tags %}{% gbt7714 article %}").render(
        Context({"article": article})
    )
    assert (
        "<script>" not in html
        and "&lt;script&gt;alert(1)&lt;/script&gt;标题[N]" in html
    )
    box = Template("{% load research_tags %}{% citation_box article %}").render(
        Context({"article": article})
    )
    assert "<script>alert" not in box
    assert 'class="button copy-citation"' in box and "research/cite.js" in box
    for fmt in ("ris", "bib", "enw", "noteexpress"):
        assert f"/article/{article.pk}/cite.{fmt}" in box
    assert "GB/T 7714-2015" in box
