"""Judged queries on the seed archive (the three pages imported by the importer): the right
article ranks first."""

import pytest
from django.db import transaction

from tests.articles.conftest import ENGINES, engine
from tests.conftest import SEED_PAGES

ISSUES = ["2024-05-20", "2023-01-09", "2019-12-16"]


@pytest.fixture(scope="module", params=list(ENGINES))
def seed_archive(request, django_db_setup, django_db_blocker, search_index_path):
    """The seed pages imported once for this module and each engine, inside a
    transaction rolled back at the end."""
    from datetime import date

    from archive.importing import import_page
    from tests.articles.conftest import SearchIndex

    with engine(request.param), django_db_blocker.unblock():
        with transaction.atomic():
            for path, day in zip(SEED_PAGES, ISSUES, strict=True):
                import_page(
                    path.read_bytes(),
                    source_name=path.name,
                    publication_date=date.fromisoformat(day),
                    page_label="第7版",
                )
            index = SearchIndex()
            index.rebuild()
            yield
            transaction.set_rollback(True)
        index.clear()


def titles(page, n=3):
    return [r.article.title for r in page.results[:n]]


JUDGED_FIRST = [
    ("枫桥经验", "发展新时代“枫桥经验” 提升劳动关系治理水平"),
    ("新就业形态", "地方工会维护新就业形态劳动者权益的创新路径"),
    ("工匠精神", "萃取传统文化精华 弘扬新时代敬业精神"),
    ("智慧工会", "扎实推进智慧工会建设"),
    ("汤建利", "新形势下强化县级工会职能发挥的实践与思考"),  # an author
    ("闻效仪", "地方工会维护新就业形态劳动者权益的创新路径"),  # a co-author
    ("郑功成", "推动社会保障理论研究创新发展"),  # an expert quoted in the digest
    ("产业工人队伍建设改革", "经济欠发达地区产业工人队伍建设改革探索"),
    ("县级工会", "新形势下强化县级工会职能发挥的实践与思考"),
    ("数字人才", "六项举措 支持数字人才培育"),
    ("六顶举措", "六项举措 支持数字人才培育"),  # the OCR's misreading of the title
    ("楓橋經驗", "发展新时代“枫桥经验” 提升劳动关系治理水平"),  # traditional characters
    ("贵州", "主动担当作为 在谱写贵州现代化新篇章中发挥工会作用"),
    ("双创", "推动“双创”活动持续发展的政策建议"),
]


@pytest.mark.parametrize(("query", "expected"), JUDGED_FIRST)
def test_judged_query_ranks_its_article_first(
    seed_archive, db, search_page, query, expected
):
    assert titles(search_page(query), 1) == [expected]


JUDGED_TOP3 = [
    (
        "王",
        {"扎实推进智慧工会建设", "萃取传统文化精华 弘扬新时代敬业精神"},
    ),  # a surname
    ("社会保障", {"推动社会保障理论研究创新发展"}),
    ("劳模精神 劳动精神", {"萃取传统文化精华 弘扬新时代敬业精神"}),
]


@pytest.mark.parametrize(("query", "expected"), JUDGED_TOP3)
def test_judged_query_in_the_top_three(seed_archive, db, search_page, query, expected):
    assert expected <= set(titles(search_page(query), 3))


def test_facets_on_the_seed_archive(seed_archive, db, search_page):
    page = search_page("", province="宁夏")
    assert titles(page) == ["新形势下强化县级工会职能发挥的实践与思考"]
    page = search_page("工会", province="广东", year="2023")
    assert titles(page, 1) == ["地方工会维护新就业形态劳动者权益的创新路径"]
    page = search_page("", column="观点", year="2024")
    assert {r.article.column.name for r in page.results} == {"观点"}
    assert {r.article.issue.publication_date.year for r in page.results} == {2024}


def test_phrase_on_the_seed_archive(seed_archive, db, search_page):
    assert titles(search_page('"劳动关系治理"'), 1) == [
        "发展新时代“枫桥经验” 提升劳动关系治理水平"
    ]


def test_snippet_marks_the_query_in_the_seed_text(seed_archive, db, search_page):
    result = search_page("枫桥经验").results[0]
    assert "<mark>枫桥经验</mark>" in result.snippet
