"""Archive-wide find and replace: preview, partial apply, undo of the batch, the regex guard."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from archive.models import LearnedCorrection
from articles.editing import corrections
from articles.editing.replacing import (
    Scope,
    apply_replacement,
    find_matches,
    undo_batch,
)
from articles.models import Article, Column, Revision


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("shenjiao", is_staff=True)
    user.groups.add(Group.objects.get(name="审校"))
    return user


@pytest.fixture
def archive(make_article):
    column = Column.objects.get(name="观点")
    articles = [
        make_article(
            title="劳动者人会率", body="职工人会。\n\n再次人会。", column=column
        ),
        make_article(title="其他", body="人会积极性高。", column=None),
        make_article(title="无关", body="没有这个词。"),
    ]
    for a in articles:
        corrections.record_import(a)
    return articles


def test_preview_lists_every_match_with_context(archive):
    matches = find_matches("人会", "入会", is_regex=False, scope=Scope())
    assert len(matches) == 4
    body = [m for m in matches if m.field == "body" and m.article == archive[0]]
    assert [(m.before, m.matched, m.after) for m in body] == [
        ("职工", "人会", "。\n\n再次人会。"),
        ("职工人会。\n\n再次", "人会", "。"),
    ]


def test_scope_limits_the_preview(archive):
    column = Column.objects.get(name="观点")
    assert (
        len(find_matches("人会", "入会", is_regex=False, scope=Scope(column=column.pk)))
        == 3
    )
    assert (
        find_matches("人会", "入会", is_regex=False, scope=Scope(status="verified"))
        == []
    )


def test_partial_apply_writes_one_revision_per_article_and_undo_restores(
    archive, editor
):
    matches = find_matches("人会", "入会", is_regex=False, scope=Scope())
    chosen = {
        m.key for m in matches if not (m.article == archive[0] and m.field == "title")
    }
    result = apply_replacement(
        "人会",
        "入会",
        is_regex=False,
        scope=Scope(),
        selected=chosen,
        editor=editor,
        note="常见误识",
    )
    assert (result.replaced, result.articles) == (3, 2)
    first = Article.objects.get(pk=archive[0].pk)
    assert first.title == "劳动者人会率" and first.body == "职工入会。\n\n再次入会。"
    assert Revision.objects.filter(batch=result.batch).count() == 2
    assert all(
        r.editor == editor and "常见误识" in r.note
        for r in Revision.objects.filter(batch=result.batch)
    )
    assert ("人会", "入会") in LearnedCorrection.pairs()
    assert undo_batch(result.batch, editor=editor) == []
    assert Article.objects.get(pk=archive[0].pk).body == "职工人会。\n\n再次人会。"
    assert Article.objects.get(pk=archive[1].pk).body == "人会积极性高。"
    with pytest.raises(ValidationError):
        undo_batch(result.batch, editor=editor)


def test_undo_is_refused_when_an_article_changed_since(archive, editor):
    matches = find_matches("人会", "入会", is_regex=False, scope=Scope())
    result = apply_replacement(
        "人会",
        "入会",
        is_regex=False,
        scope=Scope(),
        selected={m.key for m in matches},
        editor=editor,
        note="n",
    )
    article = Article.objects.get(pk=archive[1].pk)
    corrections.save_correction(
        article,
        editor=editor,
        base_version=article.version,
        changes={"body": "后改。"},
        note="后改",
    )
    assert undo_batch(result.batch, editor=editor) == [archive[1].pk]
    assert Article.objects.get(pk=archive[0].pk).body == "职工入会。\n\n再次入会。"


def test_stale_selection_is_skipped(archive, editor):
    matches = find_matches("人会", "入会", is_regex=False, scope=Scope())
    article = Article.objects.get(pk=archive[1].pk)
    corrections.save_correction(
        article,
        editor=editor,
        base_version=article.version,
        changes={"body": "人会人会。"},
        note="改",
    )
    result = apply_replacement(
        "人会",
        "入会",
        is_regex=False,
        scope=Scope(),
        selected={m.key for m in matches},
        editor=editor,
        note="n",
    )
    assert result.stale == [archive[1].pk]
    assert Article.objects.get(pk=archive[1].pk).body == "人会人会。"


def test_regex_with_groups(archive):
    matches = find_matches(r"(职工)人(会)", r"\1入\2", is_regex=True, scope=Scope())
    assert [m.replacement for m in matches] == ["职工入会"]


@pytest.mark.parametrize("pattern", [r"(", r"[a-", ""])
def test_bad_patterns_give_a_clear_error(archive, pattern):
    with pytest.raises(ValidationError):
        find_matches(pattern, "", is_regex=True, scope=Scope())


def test_catastrophic_regex_times_out_with_an_error(make_article):
    make_article(body="a" * 5000)
    with pytest.raises(ValidationError, match="超时"):
        find_matches(r"(.*a){25}x", "", is_regex=True, scope=Scope())


def replace_everywhere(editor):
    matches = find_matches("人会", "入会", is_regex=False, scope=Scope())
    return apply_replacement(
        "人会",
        "入会",
        is_regex=False,
        scope=Scope(),
        selected={m.key for m in matches},
        editor=editor,
        note="常见误识",
    )


def test_undoing_a_batch_withdraws_the_pair_it_taught(archive, editor):
    result = replace_everywhere(editor)
    learned = LearnedCorrection.objects.get(wrong="人会", right="入会")
    assert learned.context == f"批量替换 #{result.batch.pk}"
    assert undo_batch(result.batch, editor=editor) == []
    assert ("人会", "入会") not in LearnedCorrection.pairs()


def test_a_pair_editors_also_accepted_elsewhere_stays_after_the_undo(archive, editor):
    result = replace_everywhere(editor)
    LearnedCorrection.record("人会", "入会", user=editor)  # accepted as a suggestion
    assert undo_batch(result.batch, editor=editor) == []
    assert LearnedCorrection.objects.get(wrong="人会", right="入会").times_applied == 1
