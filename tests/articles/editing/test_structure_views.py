"""Find-and-replace and structure screens over HTTP: permissions, preview, partial apply, undo."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.editing import corrections
from articles.models import Article, Author, Authorship, ReplaceBatch, StructureChange


def staff(django_user_model, username, group):
    user = django_user_model.objects.create_user(username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def articles(make_article):
    made = [
        make_article(title=f"第{i}篇", body="劳动者人会。\n\n又一段人会。")
        for i in range(2)
    ]
    for a in made:
        corrections.record_import(a)
    return made


def test_find_replace_is_for_reviewers_only(client, articles, django_user_model):
    client.force_login(staff(django_user_model, "bianji", "编辑"))
    assert client.get(reverse("admin:articles_article_replace")).status_code == 403


def test_preview_then_partial_apply_then_undo(client, articles, django_user_model):
    client.force_login(staff(django_user_model, "shenjiao", "审校"))
    url = reverse("admin:articles_article_replace")
    preview = client.get(url, {"pattern": "人会", "replacement": "入会"})
    html = preview.content.decode()
    assert "共 4 处，2 篇文章" in html and "<mark>人会</mark>" in html
    keys = [k for k in preview.context["matches"]]
    first_key = keys[0][0].key
    response = client.post(
        url,
        {
            "pattern": "人会",
            "replacement": "入会",
            "is_regex": "False",
            "match": [first_key],
            "note": "误识",
        },
    )
    assert response.status_code == 302
    changed = [a for a in Article.objects.order_by("pk") if "入会" in a.body]
    assert len(changed) == 1 and changed[0].body == "劳动者入会。\n\n又一段人会。"
    batch = ReplaceBatch.objects.get()
    undo_url = reverse("admin:articles_replacebatch_undo", args=[batch.pk])
    assert "确认撤销" in client.get(undo_url).content.decode()
    client.post(undo_url)
    assert all("入会" not in a.body for a in Article.objects.all())
    assert (
        "已撤销"
        in client.get(
            reverse("admin:articles_replacebatch_changelist")
        ).content.decode()
    )


def test_split_through_the_admin_and_undo_from_the_change_list(
    client, articles, django_user_model
):
    client.force_login(staff(django_user_model, "shenjiao", "审校"))
    article = articles[0]
    url = reverse("admin:articles_article_restructure", args=[article.pk])
    response = client.post(
        url,
        {
            "action": "split",
            "at_paragraph": 2,
            "title": "拆出的文章",
            "kind": "article",
            "note": "",
        },
    )
    assert response.status_code == 302
    assert Article.objects.filter(title="拆出的文章", body="又一段人会。").exists()
    change = StructureChange.objects.get(operation="split")
    assert (
        "撤销"
        in client.get(
            reverse("admin:articles_structurechange_changelist")
        ).content.decode()
    )
    client.post(reverse("admin:articles_structurechange_undo", args=[change.pk]))
    assert not Article.objects.filter(title="拆出的文章").exists()
    assert Article.objects.get(pk=article.pk).body == "劳动者人会。\n\n又一段人会。"


def test_merge_authors_action_asks_which_to_keep(client, articles, django_user_model):
    client.force_login(staff(django_user_model, "shenjiao", "审校"))
    keep, alias = (
        Author.objects.create(name="李四"),
        Author.objects.create(name="李 四"),
    )
    Authorship.objects.create(article=articles[0], author=alias, order=1)
    url = reverse("admin:articles_author_changelist")
    confirm = client.post(
        url, {"action": "action", "_selected_action": [keep.pk, alias.pk]}
    )
    assert confirm.status_code == 200
    client.post(
        url,
        {"action": "action", "_selected_action": [keep.pk, alias.pk], "keep": keep.pk},
    )
    assert Authorship.objects.get().author == keep
    assert Author.objects.get(pk=keep.pk).aliases == ["李 四"]
