"""Admin for people and places: affiliation edits are undoable, merges offered."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.editing import change_log
from articles.models import Affiliation, Author, Province, StructureChange
from tests.forms import form_data


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_user("bianji", is_staff=True)
    user.groups.add(Group.objects.get(name="编辑"))
    client.force_login(user)
    return user


def test_an_affiliation_edit_is_recorded_and_can_be_undone(client, editor):
    place = Affiliation.objects.create(name="某大学")
    url = reverse("admin:articles_affiliation_change", args=[place.pk])
    data = form_data(client.get(url))
    data["name"] = "某某大学"
    assert client.post(url, data).status_code == 302
    change = StructureChange.objects.get()
    assert (change.operation, change.note) == (
        "affiliation",
        "单位“某某大学”：规范名称",
    )
    change_log.undo(change, editor=editor)
    assert Affiliation.objects.get(pk=place.pk).name == "某大学"


def test_an_edit_in_the_list_is_recorded_too(client, editor):
    place = Affiliation.objects.create(name="某大学")
    beijing = Province.objects.get(short_name="北京")
    url = reverse("admin:articles_affiliation_changelist")
    data = form_data(client.get(url), form="changelist-form")
    data.update({"form-0-province": str(beijing.pk), "_save": "保存"})
    assert client.post(url, data).status_code == 302
    assert Affiliation.objects.get(pk=place.pk).province == beijing
    assert StructureChange.objects.get().operation == "affiliation"


def test_adding_an_affiliation_records_no_structure_change(client, editor):
    url = reverse("admin:articles_affiliation_add")
    data = form_data(client.get(url))
    data.update({"name": "新单位", "aliases": "[]"})
    assert client.post(url, data).status_code == 302
    assert Affiliation.objects.filter(name="新单位").exists()
    assert not StructureChange.objects.exists()


def test_editors_are_offered_the_merge_of_authors_and_affiliations(client, editor):
    Author.objects.create(name="李四")
    Affiliation.objects.create(name="某大学")
    for model, label in (("author", "合并所选作者"), ("affiliation", "合并所选单位")):
        html = client.get(reverse(f"admin:articles_{model}_changelist")).content
        assert label in html.decode()


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("author", {"甲": 2, "乙": 1}),
        ("affiliation", {"某大学": 2}),
        ("column", {"观点": 2}),
    ],
)
def test_changelists_count_every_linked_article_once(
    client, editor, make_article, model, expected
):
    """Withdrawn articles count too (editors see everything); two bylines, one article."""
    from articles.models import Authorship, Column

    column = Column.objects.get(name="观点")
    first = make_article(column=column)
    second = make_article(column=column, published=False)
    school = Affiliation.objects.create(name="某大学")
    jia, yi = Author.objects.create(name="甲"), Author.objects.create(name="乙")
    for order, (article, author) in enumerate(
        [(first, jia), (first, yi), (second, jia)], start=1
    ):
        Authorship.objects.create(
            article=article, author=author, affiliation=school, order=order
        )
    response = client.get(reverse(f"admin:articles_{model}_changelist"))
    rows = {str(obj): obj.n_articles for obj in response.context["cl"].result_list}
    assert {name: rows[name] for name in expected} == expected
