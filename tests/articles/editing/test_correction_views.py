"""The correction screens over HTTP: permissions, saves, conflicts, history, reports."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from articles.editing import corrections
from articles.models import Article, ReaderReport
from tests.forms import post_form


def staff(django_user_model, username, group):
    user = django_user_model.objects.create_user(username, is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def article(make_article):
    article = make_article(
        title="劳动者人会率",
        body="新就业形态劳动者人会率仍有待提升。\n\n工会工作。",
        original_ocr="新就业形态劳动者人会率仍 有待提升.\n\n工会工作.",
    )
    corrections.record_import(article)
    return article


def correct_url(article):
    return reverse("admin:articles_article_correct", args=[article.pk])


def post_correction(client, article, body, note="修改", base_version=None):
    return client.post(
        correct_url(article),
        {
            "base_version": article.version if base_version is None else base_version,
            "kicker": article.kicker,
            "title": article.title,
            "lede": article.lede,
            "body": body,
            "note": note,
        },
    )


def test_anonymous_and_readers_never_reach_the_correction_screen(
    client, article, django_user_model
):
    response = client.get(correct_url(article))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    reader = django_user_model.objects.create_user("reader")
    client.force_login(reader)
    response = client.get(correct_url(article))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_without_the_editor_group_cannot_correct(
    client, article, django_user_model
):
    client.force_login(staff(django_user_model, "nobody", None))
    assert client.get(correct_url(article)).status_code == 403


def test_editor_sees_text_beside_the_original_with_a_character_diff(
    client, article, django_user_model
):
    client.force_login(staff(django_user_model, "bianji", "编辑"))
    html = client.get(correct_url(article)).content.decode()
    assert "原始 OCR" in html
    # By default the cleaner's safe repairs (punctuation width, wrap spaces) are no
    # change; the switch shows the raw comparison.
    original = html.split('class="original-diff"')[1].split("</section>")[0]
    assert "diff-del" not in original and "diff-ins" not in original
    raw = client.get(correct_url(article), {"raw": "1"}).content.decode()
    assert '<del class="diff-del">.</del><ins class="diff-ins">。</ins>' in raw
    assert "人会" in html and "入会" in html  # the suggestion is listed


def test_save_requires_a_note_and_creates_a_revision(
    client, article, django_user_model
):
    user = staff(django_user_model, "bianji", "编辑")
    client.force_login(user)
    response = post_correction(
        client, article, "新就业形态劳动者入会率仍有待提升。\r\n\r\n工会工作。", note=""
    )
    assert (
        response.status_code == 200 and Article.objects.get(pk=article.pk).version == 1
    )
    response = post_correction(
        client,
        article,
        "新就业形态劳动者入会率仍有待提升。\r\n\r\n工会工作。",
        note="人会→入会",
    )
    assert response.status_code == 302
    stored = Article.objects.get(pk=article.pk)
    assert stored.body == "新就业形态劳动者入会率仍有待提升。\n\n工会工作。"
    assert stored.revisions.first().editor == user
    assert stored.original_ocr == article.original_ocr


def test_second_editor_gets_a_conflict_with_their_text_kept(
    client, article, django_user_model
):
    first = staff(django_user_model, "jia", "编辑")
    second = staff(django_user_model, "yi", "编辑")
    client.force_login(first)
    assert (
        post_correction(client, article, "甲改的正文。", note="甲").status_code == 302
    )
    client.force_login(second)
    response = post_correction(
        client, article, "乙改的正文。", note="乙", base_version=1
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "保存冲突" in html and "jia" in html
    assert "乙改的正文。" in html  # still in the form to merge
    assert '<ins class="diff-ins">甲改的正文' in html or "甲改的" in html
    assert Article.objects.get(pk=article.pk).body == "甲改的正文。"
    # The form keeps the base the editor's text was made from, so saving it again
    # merges again instead of writing 乙's text over 甲's; the spot asks for a choice.
    assert 'name="base_version" value="1"' in html
    assert 'name="theirs_version" value="2"' in html
    assert 'name="spot-choice-1"' in html


def test_accept_and_reject_suggestions(client, article, django_user_model):
    client.force_login(staff(django_user_model, "bianji", "编辑"))
    from articles.editing.suggestions import suggestions_for

    found = suggestions_for(article)
    assert found, "人会 should be suggested"
    url = reverse("admin:articles_article_suggestion", args=[article.pk])
    response = client.post(
        url, {"action": "accept", "key": found[0]["key"], "base_version": 1}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert "入会率" in article.body and article.version == 2
    # Only a suggestion the article really has is stored as dismissed.
    client.post(url, {"action": "reject", "key": "不存在的建议", "base_version": 2})
    assert Article.objects.get(pk=article.pk).dismissed_suggestions == []


def test_history_lists_revisions_and_diffs_any_two_and_reverts(
    client, article, django_user_model
):
    client.force_login(staff(django_user_model, "bianji", "编辑"))
    post_correction(client, article, "第二版正文。", note="第二版")
    url = reverse("admin:articles_article_revisions", args=[article.pk])
    html = client.get(url, {"a": 1, "b": 2}).content.decode()
    assert "第二版" in html and "diff-ins" in html
    revert_url = reverse("admin:articles_article_revert", args=[article.pk, 1])
    confirm = client.get(revert_url).content.decode()
    assert "确认回退" in confirm and 'name="note"' in confirm
    # Without a note nothing is reverted: the confirmation screen comes back.
    assert client.post(revert_url, {"base_version": 2}).status_code == 200
    assert Article.objects.get(pk=article.pk).version == 2
    response = client.post(revert_url, {"base_version": 2, "note": "改错了"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.revisions.first().note == "回退到修订 1：改错了"
    assert article.version == 3 and article.body.startswith("新就业形态")


def test_only_a_second_reviewer_can_verify(client, article, django_user_model):
    reviewer = staff(django_user_model, "shenjiao", "审校")
    client.force_login(reviewer)
    post_correction(client, article, "审校自己改的。", note="改")
    status_url = reverse("admin:articles_article_status", args=[article.pk])
    client.post(status_url, {"status": "verified", "base_version": 2})
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW
    editor = staff(django_user_model, "bianji", "编辑")
    client.force_login(editor)
    client.post(status_url, {"status": "verified", "base_version": 2})
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW
    client.force_login(staff(django_user_model, "other", "审校"))
    queue = client.get(reverse("admin:articles_article_queue"))
    assert queue["Location"] == correct_url(article)
    client.post(status_url, {"status": "verified", "base_version": 2})
    assert Article.objects.get(pk=article.pk).status == Article.Status.VERIFIED


def test_reader_report_queue_accepts_into_the_text(client, article, django_user_model):
    client.force_login(staff(django_user_model, "bianji", "编辑"))
    report = ReaderReport.objects.create(
        article=article, selected_text="人会率", suggestion="入会率"
    )
    url = reverse("admin:articles_readerreport_handle", args=[report.pk])
    assert "人会率" in client.get(url).content.decode()
    client.post(url, {"action": "accept", "base_version": 1, "replacement": "入会率"})
    assert "入会率" in Article.objects.get(pk=article.pk).body


def test_a_save_that_changes_nothing_says_so_and_records_nothing(
    client, article, django_user_model
):
    client.force_login(staff(django_user_model, "bianji", "编辑"))
    response = post_form(
        client, correct_url(article), {"note": "看过"}, form="correction-form"
    )
    assert response.status_code == 302
    shown = client.get(response["Location"]).content.decode()
    assert "没有改动，未记录新的修订。" in shown
    stored = Article.objects.get(pk=article.pk)
    assert stored.version == 1 and stored.revisions.count() == 1


def test_another_reviewers_unchanged_save_does_not_let_the_author_verify(
    client, article, django_user_model
):
    author = staff(django_user_model, "jia", "审校")
    client.force_login(author)
    post_correction(client, article, "甲改的正文。", note="甲")
    client.force_login(staff(django_user_model, "yi", "审校"))
    post_form(client, correct_url(article), {"note": "看过"}, form="correction-form")
    client.force_login(author)
    status_url = reverse("admin:articles_article_status", args=[article.pk])
    client.post(status_url, {"status": "verified", "base_version": 2})
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW


def test_an_editor_without_the_reviewer_role_is_refused_verification(
    client, article, django_user_model
):
    client.force_login(staff(django_user_model, "bianji", "编辑"))
    status_url = reverse("admin:articles_article_status", args=[article.pk])
    response = client.post(status_url, {"status": "verified", "base_version": 1})
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).status == Article.Status.RAW


@pytest.mark.parametrize("view", ["status", "revert", "suggestion", "resolve_flag"])
def test_a_write_without_a_valid_base_version_is_a_bad_request(
    client, article, django_user_model, view
):
    client.force_login(staff(django_user_model, "bianji", "编辑"))
    args = {
        "status": [article.pk],
        "revert": [article.pk, 1],
        "suggestion": [article.pk],
        "resolve_flag": [article.pk, 0],
    }[view]
    url = reverse(f"admin:articles_article_{view}", args=args)
    response = client.post(
        url,
        {
            "base_version": "abc",
            "status": "in_review",
            "action": "accept",
            "note": "理由",
        },
    )
    assert response.status_code == 400
    assert Article.objects.get(pk=article.pk).version == 1


def test_the_status_view_never_redirects_to_another_site(
    client, article, django_user_model
):
    client.force_login(staff(django_user_model, "bianji", "编辑"))
    status_url = reverse("admin:articles_article_status", args=[article.pk])
    response = client.post(
        status_url,
        {
            "status": "in_review",
            "base_version": 1,
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == correct_url(article)


def test_write_views_answer_get_with_method_not_allowed(
    client, article, django_user_model
):
    client.force_login(staff(django_user_model, "bianji", "编辑"))
    url = reverse("admin:articles_article_status", args=[article.pk])
    assert client.get(url).status_code == 405


def test_a_report_is_accepted_only_by_who_may_change_the_text(
    client, article, django_user_model
):
    """Dismissing needs the report permission; accepting also the article's."""
    user = staff(django_user_model, "reports_only", None)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_readerreport", "change_readerreport"]
        )
    )
    client.force_login(user)
    report = ReaderReport.objects.create(
        article=article, selected_text="人会率", suggestion="入会率"
    )
    url = reverse("admin:articles_readerreport_handle", args=[report.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "accept", "base_version": 1})
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).version == 1
    client.post(url, {"action": "dismiss", "reason": "原文无误"})
    assert ReaderReport.objects.get(pk=report.pk).status == "dismissed"


def test_a_report_with_a_broken_base_version_is_a_bad_request(
    client, article, django_user_model
):
    client.force_login(staff(django_user_model, "bianji", "编辑"))
    report = ReaderReport.objects.create(
        article=article, selected_text="人会率", suggestion="入会率"
    )
    url = reverse("admin:articles_readerreport_handle", args=[report.pk])
    assert (
        client.post(url, {"action": "accept", "base_version": "abc"}).status_code == 400
    )
    assert client.get("/admin/articles/readerreport/abc/change/").status_code == 404
