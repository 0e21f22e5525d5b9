"""Corrections: revisions, revert, suggestions, conflicts, review, reader reports."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from articles.editing import corrections
from articles.editing.revisions import EditConflict
from articles.models import Article, ReaderReport, Revision


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("bianji", is_staff=True)
    user.groups.add(Group.objects.get(name="编辑"))
    return user


@pytest.fixture
def reviewer(django_user_model):
    user = django_user_model.objects.create_user("shenjiao", is_staff=True)
    user.groups.add(Group.objects.get(name="审校"))
    return user


@pytest.fixture
def article(make_article):
    article = make_article(
        title="标题", body="工会会员人会率提高。", original_ocr="工会会员人会率提高."
    )
    corrections.record_import(article)
    return article


def test_each_save_is_a_revision_with_author_and_note(article, editor):
    revision = corrections.save_correction(
        article,
        editor=editor,
        base_version=1,
        changes={"body": "工会会员入会率提高。"},
        note="人会→入会",
    )
    assert (revision.number, revision.editor, revision.note) == (2, editor, "人会→入会")
    assert revision.changed_fields == ["body"]
    article.refresh_from_db()
    assert article.version == 2 and article.body == "工会会员入会率提高。"
    assert article.status == Article.Status.IN_REVIEW
    assert list(article.revisions.values_list("number", flat=True)) == [2, 1]


def test_a_note_is_required(article, editor):
    with pytest.raises(ValidationError):
        corrections.save_correction(
            article, editor=editor, base_version=1, changes={"body": "x"}, note=" "
        )
    assert Article.objects.get(pk=article.pk).version == 1


def test_second_save_from_the_same_version_is_refused_and_nothing_is_lost(
    article, editor, reviewer
):
    """Two editors open version 1; the second save raises a conflict naming the first."""
    first = Article.objects.get(pk=article.pk)
    second = Article.objects.get(pk=article.pk)
    corrections.save_correction(
        first, editor=editor, base_version=1, changes={"body": "甲的修改。"}, note="甲"
    )
    with pytest.raises(EditConflict) as conflict:
        corrections.save_correction(
            second,
            editor=reviewer,
            base_version=1,
            changes={"body": "乙的修改。"},
            note="乙",
        )
    assert conflict.value.article.body == "甲的修改。"
    assert [r.editor for r in conflict.value.newer] == [editor]
    assert "bianji" in str(conflict.value)
    stored = Article.objects.get(pk=article.pk)
    assert stored.body == "甲的修改。" and stored.version == 2
    assert Revision.objects.filter(article=article).count() == 2
    # After merging, saving from the version the conflict reported is accepted.
    corrections.save_correction(
        second,
        editor=reviewer,
        base_version=2,
        changes={"body": "甲乙合并。"},
        note="合并",
    )
    assert Article.objects.get(pk=article.pk).body == "甲乙合并。"


def test_revert_is_a_new_revision_on_top(article, editor):
    corrections.save_correction(
        article, editor=editor, base_version=1, changes={"body": "第二版。"}, note="改"
    )
    corrections.save_correction(
        article, editor=editor, base_version=2, changes={"title": "新标题"}, note="改题"
    )
    first = article.revisions.get(number=1)
    revision = corrections.revert(
        article, to=first, editor=editor, base_version=3, note="改错了"
    )
    article.refresh_from_db()
    assert (article.body, article.title) == ("工会会员人会率提高。", "标题")
    assert (
        revision.number == 4
        and revision.kind == Revision.Kind.REVERT
        and revision.reverted_to == first
    )
    assert article.revisions.count() == 4


def test_revert_goes_through_the_same_check(article, editor):
    """From a stale base a revert undoes only what changed up to that base: the
    later save by someone else stays."""
    corrections.save_correction(
        article, editor=editor, base_version=1, changes={"title": "新标题"}, note="改"
    )
    corrections.save_correction(
        article, editor=editor, base_version=2, changes={"body": "第二版。"}, note="改"
    )
    revision = corrections.revert(
        article,
        to=article.revisions.get(number=1),
        editor=editor,
        base_version=2,
        note="标题改错了",
    )
    article.refresh_from_db()
    assert (article.title, article.body) == ("标题", "第二版。")
    assert revision.note == "回退到修订 1：标题改错了（与修订 3 合并）"


def test_a_revert_needs_a_note(article, editor):
    corrections.save_correction(
        article, editor=editor, base_version=1, changes={"body": "第二版。"}, note="改"
    )
    with pytest.raises(ValidationError):
        corrections.revert(
            article, to=article.revisions.get(number=1), editor=editor, base_version=2
        )


def test_suggestions_are_applied_from_the_end_and_learned(article, editor):
    from archive.models import LearnedCorrection

    body = article.body
    start = body.index("人会")
    corrections.apply_suggestions(
        article,
        suggestions=[
            {
                "start": start,
                "end": start + 2,
                "original": "人会",
                "replacement": "入会",
                "kind": "confusion",
            }
        ],
        editor=editor,
        base_version=1,
    )
    article.refresh_from_db()
    assert article.body == "工会会员入会率提高。"
    assert article.revisions.first().kind == Revision.Kind.SUGGESTION
    assert ("人会", "入会") in LearnedCorrection.pairs()


def test_stale_suggestion_is_refused(article, editor):
    with pytest.raises(ValidationError):
        corrections.apply_suggestions(
            article,
            suggestions=[
                {
                    "start": 0,
                    "end": 2,
                    "original": "不对",
                    "replacement": "x",
                    "kind": "confusion",
                }
            ],
            editor=editor,
            base_version=1,
        )


def test_status_transitions_and_no_self_verification(
    article, editor, reviewer, django_user_model
):
    corrections.save_correction(
        article, editor=reviewer, base_version=1, changes={"body": "改。"}, note="改"
    )
    assert article.status == Article.Status.IN_REVIEW
    with pytest.raises(PermissionDenied):
        corrections.set_status(
            article, status="verified", editor=reviewer, base_version=2
        )
    with pytest.raises(PermissionDenied):
        corrections.set_status(
            article, status="verified", editor=editor, base_version=2
        )
    other = django_user_model.objects.create_user("another", is_staff=True)
    other.groups.add(Group.objects.get(name="审校"))
    corrections.set_status(article, status="verified", editor=other, base_version=2)
    article.refresh_from_db()
    assert article.status == Article.Status.VERIFIED
    assert article.revisions.first().kind == Revision.Kind.STATUS
    # Changing verified text sends it back to review.
    corrections.save_correction(
        article, editor=editor, base_version=3, changes={"body": "再改。"}, note="再改"
    )
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW


def test_resolving_a_flag_removes_it(make_article, editor):
    article = make_article(
        review_flags=[{"code": "a", "message": "甲"}, {"code": "b", "message": "乙"}]
    )
    corrections.record_import(article)
    corrections.resolve_flag(article, index=0, editor=editor, base_version=1)
    assert Article.objects.get(pk=article.pk).review_flags == [
        {"code": "b", "message": "乙"}
    ]


def test_reader_report_accept_and_dismiss(article, editor):
    report = ReaderReport.objects.create(
        article=article, selected_text="人会", suggestion="入会"
    )
    corrections.accept_report(report, editor=editor, base_version=1)
    report.refresh_from_db()
    article.refresh_from_db()
    assert report.status == ReaderReport.Status.ACCEPTED and report.handled_by == editor
    assert (
        "入会率" in article.body
        and article.revisions.first().kind == Revision.Kind.REPORT
    )
    other = ReaderReport.objects.create(
        article=article, selected_text="提高", suggestion="降低"
    )
    with pytest.raises(ValidationError):
        corrections.dismiss_report(other, editor=editor, reason="")
    corrections.dismiss_report(other, editor=editor, reason="原文无误")
    other.refresh_from_db()
    assert (
        other.status == ReaderReport.Status.DISMISSED
        and other.dismiss_reason == "原文无误"
    )


def test_a_save_that_changes_nothing_records_no_revision(article, editor):
    assert (
        corrections.save_correction(
            article,
            editor=editor,
            base_version=1,
            changes={"body": article.body, "title": article.title},
            note="看过",
        )
        is None
    )
    stored = Article.objects.get(pk=article.pk)
    assert stored.version == 1 and stored.revisions.count() == 1


def test_an_unchanged_save_by_another_editor_does_not_let_the_author_verify(
    article, reviewer, django_user_model
):
    """The bypass: B's "看过" save used to make B the last editor, so A could verify."""
    corrections.save_correction(
        article, editor=reviewer, base_version=1, changes={"body": "改。"}, note="改"
    )
    other = django_user_model.objects.create_user("yi", is_staff=True)
    other.groups.add(Group.objects.get(name="审校"))
    corrections.save_correction(
        article, editor=other, base_version=2, changes={"body": "改。"}, note="看过"
    )
    with pytest.raises(PermissionDenied):
        corrections.set_status(
            article, status="verified", editor=reviewer, base_version=2
        )
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW


def test_nobody_verifies_text_they_changed_since_the_last_verification(
    article, reviewer, editor, django_user_model
):
    """A later change by someone else does not clear the verifier's own change."""
    corrections.save_correction(
        article, editor=reviewer, base_version=1, changes={"body": "甲改。"}, note="甲"
    )
    corrections.save_correction(
        article, editor=editor, base_version=2, changes={"title": "乙改"}, note="乙"
    )
    assert not corrections.can_verify(reviewer, article)
    other = django_user_model.objects.create_user("bing", is_staff=True)
    other.groups.add(Group.objects.get(name="审校"))
    corrections.set_status(article, status="verified", editor=other, base_version=3)
    # Verified by someone else: what the reviewer did before no longer counts...
    assert corrections.can_verify(reviewer, article)
    corrections.save_correction(
        article, editor=other, base_version=4, changes={"body": "丙改。"}, note="丙"
    )
    # ...but the verifier's own change after it does.
    assert corrections.can_verify(reviewer, article)
    assert not corrections.can_verify(other, article)


def test_setting_the_same_status_again_records_nothing(article, editor):
    corrections.set_status(article, status="in_review", editor=editor, base_version=1)
    assert (
        corrections.set_status(
            article, status="in_review", editor=editor, base_version=2
        )
        is None
    )
    assert Article.objects.get(pk=article.pk).version == 2


@pytest.mark.parametrize("change", ["correction", "revert", "report", "suggestion"])
def test_any_change_of_a_verified_text_puts_it_back_under_review(
    article, editor, change
):
    corrections.save_correction(
        article, editor=editor, base_version=1, changes={"title": "新题"}, note="改"
    )
    Article.objects.filter(pk=article.pk).update(status=Article.Status.VERIFIED)
    article.refresh_from_db()
    if change == "correction":
        corrections.save_correction(
            article, editor=editor, base_version=2, changes={"body": "x"}, note="改"
        )
    elif change == "revert":
        corrections.revert(
            article,
            to=article.revisions.get(number=1),
            editor=editor,
            base_version=2,
            note="回退",
        )
    elif change == "report":
        report = ReaderReport.objects.create(
            article=article, selected_text="人会", suggestion="入会"
        )
        corrections.accept_report(report, editor=editor, base_version=2)
    else:
        start = article.body.index("人会")
        corrections.apply_suggestions(
            article,
            suggestions=[
                {
                    "start": start,
                    "end": start + 2,
                    "original": "人会",
                    "replacement": "入会",
                    "kind": "confusion",
                }
            ],
            editor=editor,
            base_version=2,
        )
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW


def test_accepting_a_report_that_changes_nothing_is_refused(article, editor):
    report = ReaderReport.objects.create(
        article=article, selected_text="人会", suggestion="人会"
    )
    with pytest.raises(ValidationError):
        corrections.accept_report(report, editor=editor, base_version=1)
    report.refresh_from_db()
    assert report.status == ReaderReport.Status.NEW


def test_a_report_handled_by_someone_else_is_not_handled_twice(article, editor):
    report = ReaderReport.objects.create(
        article=article, selected_text="人会", suggestion="入会"
    )
    corrections.dismiss_report(report, editor=editor, reason="原文无误")
    with pytest.raises(ValidationError):
        corrections.accept_report(report, editor=editor, base_version=1)
    assert Article.objects.get(pk=article.pk).version == 1
