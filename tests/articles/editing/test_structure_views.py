"""Find-and-replace and structure screens over HTTP: permissions, stale bases, undo."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.editing import corrections, structure
from articles.models import (
    Article,
    Author,
    Authorship,
    ReplaceBatch,
    Revision,
    StructureChange,
)
from tests.forms import form_data, post_form


def staff(django_user_model, username, group):
    user = django_user_model.objects.create_user(username, is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def articles(make_issue, make_article):
    issue = make_issue()
    made = [
        make_article(
            issue=issue,
            position=i + 1,
            title=f"第{i}篇",
            body="劳动者人会。\n\n又一段人会。",
        )
        for i in range(2)
    ]
    for a in made:
        corrections.record_import(a)
    return made


def restructure_url(article):
    return reverse("admin:articles_article_restructure", args=[article.pk])


def test_find_replace_is_for_reviewers_only(client, articles, django_user_model):
    client.force_login(staff(django_user_model, "bianji", "编辑"))
    assert client.get(reverse("admin:articles_article_replace")).status_code == 403


def test_preview_then_partial_apply_then_undo(client, articles, django_user_model):
    client.force_login(staff(django_user_model, "shenjiao", "审校"))
    url = reverse("admin:articles_article_replace")
    preview = client.get(url, {"pattern": "人会", "replacement": "入会"})
    html = preview.content.decode()
    assert "共 4 处，2 篇文章" in html and "<mark>人会</mark>" in html
    assert "<td>正文</td>" in html and "<td>body</td>" not in html
    first_key = preview.context["matches"][0][0].key
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
    response = post_form(
        client,
        restructure_url(article),
        {"at_paragraph": "2", "title": "拆出的文章"},
        form="split-form",
        submit="action",
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


def test_a_split_from_a_screen_opened_before_a_correction_is_refused(
    client, articles, django_user_model
):
    """The screen carries the version it showed; a later save makes it stale."""
    user = staff(django_user_model, "shenjiao", "审校")
    client.force_login(user)
    article = articles[0]
    url = restructure_url(article)
    seen = form_data(client.get(url), form="split-form", submit="action")
    corrections.save_correction(
        article,
        editor=user,
        base_version=1,
        changes={"body": "劳动者入会。\n\n又一段入会。"},
        note="改",
    )
    response = client.post(url, {**seen, "at_paragraph": "2", "title": "拆出的文章"})
    assert response.status_code == 200
    assert "保存未成功" in response.content.decode()
    assert not Article.objects.filter(title="拆出的文章").exists()
    assert not StructureChange.objects.exists()


def test_merge_and_move_through_the_admin(client, articles, django_user_model):
    client.force_login(staff(django_user_model, "shenjiao", "审校"))
    first, second = articles
    response = post_form(
        client,
        restructure_url(first),
        {"target": str(second.pk), "paragraphs": "2"},
        form="move-form",
        submit="action",
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=first.pk).body == "劳动者人会。"
    response = post_form(
        client,
        restructure_url(first),
        {"other": str(second.pk), "order": "after"},
        form="merge-form",
        submit="action",
    )
    assert response.status_code == 302
    assert not Article.objects.get(pk=second.pk).published


def test_reorder_through_the_form_and_a_stale_order_is_refused(
    client, articles, django_user_model
):
    user = staff(django_user_model, "bianji", "编辑")
    client.force_login(user)
    first, second = articles
    url = reverse("admin:archive_issue_reorder", args=[first.issue_id])
    seen = form_data(client.get(url))
    response = client.post(
        url, {**seen, f"position-{first.pk}": "2", f"position-{second.pk}": "1"}
    )
    assert response.status_code == 302
    assert structure.page_order(first.issue) == [second.pk, first.pk]
    # The same screen submitted again started from the old order: refused.
    response = client.post(url, seen)
    assert response.status_code == 200
    assert "其他人已调整了文章顺序" in response.content.decode()
    assert structure.page_order(first.issue) == [second.pk, first.pk]


def test_staff_without_a_group_cannot_undo_another_editors_split(
    client, articles, django_user_model
):
    """The split-off article and its revisions survive a refused undo, GET or POST."""
    editor = staff(django_user_model, "bianji", "编辑")
    new = structure.split_article(
        articles[0], base_version=1, at_paragraph=1, title="拆出", editor=editor
    )
    change = StructureChange.objects.get(operation="split")
    client.force_login(staff(django_user_model, "nobody", None))
    url = reverse("admin:articles_structurechange_undo", args=[change.pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert Revision.objects.filter(article=new).count() == 1
    assert StructureChange.objects.get(pk=change.pk).undone_at is None


def test_staff_without_a_group_cannot_undo_a_byline_edit(
    client, articles, django_user_model
):
    editor = staff(django_user_model, "bianji", "编辑")
    article = articles[0]
    change = structure.edit_article(
        article,
        editor=editor,
        fields={},
        authorships=[Authorship(author=Author.objects.create(name="李四"), order=1)],
    )
    client.force_login(staff(django_user_model, "nobody", None))
    url = reverse("admin:articles_structurechange_undo", args=[change.pk])
    assert client.post(url).status_code == 403
    assert article.authorships.get().author.name == "李四"


def test_an_editor_may_undo_another_editors_split(client, articles, django_user_model):
    structure.split_article(
        articles[0],
        base_version=1,
        at_paragraph=1,
        title="拆出",
        editor=staff(django_user_model, "jia", "编辑"),
    )
    change = StructureChange.objects.get(operation="split")
    client.force_login(staff(django_user_model, "yi", "编辑"))
    client.post(reverse("admin:articles_structurechange_undo", args=[change.pk]))
    assert not Article.objects.filter(title="拆出").exists()


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
