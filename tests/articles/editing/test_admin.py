"""The editing admin: article edits are one undoable change; records stay read-only."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from articles.editing import change_log, corrections
from articles.models import Article, Author, StructureChange
from tests.forms import form_data


def staff(django_user_model, username, group=None):
    user = django_user_model.objects.create_user(username, is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(client, django_user_model):
    user = staff(django_user_model, "bianji", "编辑")
    client.force_login(user)
    return user


@pytest.fixture
def article(make_article):
    article = make_article(title="甲文", body="正文。")
    corrections.record_import(article)
    return article


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_withdrawing_through_the_form_is_recorded_and_undone_whole(
    client, editor, article
):
    data = form_data(client.get(change_url(article)))
    del data["published"]  # the box unticked
    data["position"] = "4"
    assert client.post(change_url(article), data).status_code == 302
    stored = Article.objects.get(pk=article.pk)
    assert (stored.published, stored.position) == (False, 4)
    change = StructureChange.objects.get()
    assert (change.operation, change.editor) == ("placement", editor)
    assert change.note == "《甲文》：版面顺序、公开"
    change_log.undo(change, editor=editor)
    stored = Article.objects.get(pk=article.pk)
    assert (stored.published, stored.position) == (True, article.position)


def test_a_byline_added_on_the_form_is_one_undoable_change(client, editor, article):
    author = Author.objects.create(name="李四")
    data = form_data(client.get(change_url(article)))
    data.update(
        {
            "authorships-TOTAL_FORMS": "1",
            "authorships-0-order": "1",
            "authorships-0-contribution": "author",
            "authorships-0-author": str(author.pk),
            "authorships-0-role": "研究员",
        }
    )
    assert client.post(change_url(article), data).status_code == 302
    assert article.authorships.get().author == author
    change = StructureChange.objects.get()
    assert change.operation == "authorships"
    change_log.undo(change, editor=editor)
    assert not article.authorships.exists()


def test_an_unchanged_form_records_nothing(client, editor, article):
    data = form_data(client.get(change_url(article)))
    assert client.post(change_url(article), data).status_code == 302
    assert not StructureChange.objects.exists()


def test_articles_are_neither_added_nor_deleted_in_the_admin(client, editor, article):
    assert client.get(reverse("admin:articles_article_add")).status_code == 403
    delete = reverse("admin:articles_article_delete", args=[article.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


@pytest.mark.parametrize("model", ["revision", "structurechange", "replacebatch"])
def test_records_of_editors_work_cannot_be_edited_by_hand(
    client, django_user_model, article, model
):
    client.force_login(
        django_user_model.objects.create_superuser("chief", "c@example.org")
    )
    assert client.get(reverse(f"admin:articles_{model}_add")).status_code == 403
    assert client.get(reverse(f"admin:articles_{model}_changelist")).status_code == 200


def test_bylines_are_edited_on_their_article_not_on_their_own_list(
    client, editor, article, make_article
):
    assert (
        client.get(reverse("admin:articles_authorship_changelist")).status_code == 200
    )
    assert client.get(reverse("admin:articles_authorship_add")).status_code == 403


def test_the_merge_action_is_offered_only_to_who_may_merge(
    client, django_user_model, article
):
    viewer = staff(django_user_model, "viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_author"))
    client.force_login(viewer)
    keep, alias = (
        Author.objects.create(name="李四"),
        Author.objects.create(name="李 四"),
    )
    url = reverse("admin:articles_author_changelist")
    assert "合并所选作者" not in client.get(url).content.decode()
    client.post(
        url,
        {"action": "action", "_selected_action": [keep.pk, alias.pk], "keep": keep.pk},
    )
    assert Author.objects.filter(pk=alias.pk).exists()
    assert not StructureChange.objects.exists()


def test_changelist_filters_by_status_and_flag(client, editor, make_article):
    make_article(
        title="有提示的文章",
        review_flags=[{"code": "province_unknown", "message": "省份未知"}],
    )
    make_article(title="干净的文章")
    url = reverse("admin:articles_article_changelist")
    # The result list only: the page filter names undated pages by their first title.
    html = client.get(url, {"flag": "any"}).content.decode()
    html = html.split('id="result_list"')[1].split("</table>")[0]
    assert "有提示的文章" in html and "干净的文章" not in html
    page = client.get(url, {"flag": "province_unknown", "status": "raw"})
    assert "有提示的文章" in page.content.decode().split('id="result_list"')[1]
    # The flag filter offers the flag by its Chinese name, not its code.
    assert "省份不明" in page.content.decode()
    assert ">province_unknown<" not in page.content.decode()


def test_the_report_change_page_is_the_handling_screen(client, editor, article):
    from articles.models import ReaderReport

    report = ReaderReport.objects.create(
        article=article, selected_text="正文", suggestion="正文！"
    )
    url = reverse("admin:articles_readerreport_change", args=[report.pk])
    assert "采纳并写入正文" in client.get(url).content.decode()
