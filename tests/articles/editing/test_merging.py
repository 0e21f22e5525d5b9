"""Three-way merge of concurrent corrections: the merge of one field, and saves through it."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.editing import corrections, structure
from articles.editing.merging import merge
from articles.editing.revisions import MergeConflict
from articles.models import Article

BASE = "新就业形态劳动者人会率仍有待提升。\n\n工会要加强服务，扩大覆盖面。"


def test_edits_in_different_places_of_one_paragraph_are_both_kept():
    theirs = BASE.replace("人会", "入会")
    mine = BASE.replace("有待提升", "有待进一步提升")
    result = merge(BASE, theirs, mine)
    assert not result.spots
    assert "入会率仍有待进一步提升" in result.text


def test_the_same_fix_by_both_counts_once():
    fixed = BASE.replace("人会", "入会")
    assert merge(BASE, fixed, fixed).text == fixed


def test_edits_of_the_same_characters_are_a_spot_with_base_theirs_and_mine():
    result = merge(BASE, BASE.replace("人会", "入会"), BASE.replace("人会", "加入工会"))
    [spot] = result.spots
    assert spot.base in ("人", "人会")
    assert spot.theirs.startswith("入") and spot.mine.startswith("加入")
    assert BASE[spot.start : spot.end] == spot.base
    mine = result.resolve(BASE, {spot.key(): spot.mine})
    assert "加入工会率" in mine


def test_two_insertions_at_one_point_are_a_spot():
    result = merge(BASE, BASE + "甲", BASE + "乙")
    assert len(result.spots) == 1


# Two editors' edits from one base: each a set of non-adjacent character replacements.
edits = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=len(BASE) - 1),
        st.sampled_from(["甲", "乙丙", "", "丁戊己"]),
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda e: e[0],
)


def _apply(text, changes, marker):
    out = list(text)
    for index, new in sorted(changes, reverse=True):
        out[index : index + 1] = [marker + new]
    return "".join(out)


@settings(max_examples=150, deadline=None)
@given(theirs_edits=edits, mine_edits=edits)
def test_property_both_sets_of_changes_are_kept_or_the_spots_are_listed(
    theirs_edits, mine_edits
):
    """Random edits by two editors: both sets in the merged text, or refused with spots."""
    theirs = _apply(BASE, theirs_edits, "〔他〕")
    mine = _apply(BASE, mine_edits, "〔我〕")
    result = merge(BASE, theirs, mine)
    if result.spots:
        for spot in result.spots:
            assert spot.base == BASE[spot.start : spot.end]
            assert spot.theirs != spot.mine
        # Resolving every spot as "both" (theirs then mine) keeps every edit.
        text = result.resolve(BASE, {s.key(): s.theirs + s.mine for s in result.spots})
    else:
        text = result.text
    assert text.count("〔他〕") >= len(theirs_edits)
    assert text.count("〔我〕") >= len(mine_edits)
    if not result.spots:
        # Every marked replacement is where its editor put it, nothing doubled.
        assert text.count("〔他〕") == len(theirs_edits)
        assert text.count("〔我〕") == len(mine_edits)
        for _index, new in theirs_edits:
            assert f"〔他〕{new}" in text
        for _index, new in mine_edits:
            assert f"〔我〕{new}" in text


@pytest.fixture
def article(make_article):
    article = make_article(title="工会工作", body=BASE)
    corrections.record_import(article)
    return article


@pytest.fixture
def editors(django_user_model):
    return [
        django_user_model.objects.create_user(name, is_staff=True)
        for name in ("jia", "yi")
    ]


def save(article, editor, base, note, **changes):
    return corrections.save_correction(
        Article.objects.get(pk=article.pk),
        editor=editor,
        base_version=base,
        changes=changes,
        note=note,
    )


@pytest.mark.django_db
def test_a_stale_save_in_another_place_is_merged_as_one_revision(article, editors):
    jia, yi = editors
    save(article, jia, 1, "甲", body=BASE.replace("人会", "入会"))
    revision = save(article, yi, 1, "乙", body=BASE.replace("服务", "服务工作"))
    article.refresh_from_db()
    assert "入会率" in article.body and "服务工作" in article.body
    assert (revision.number, revision.merged_with) == (3, 2)
    assert revision.note == "乙（与修订 2 合并）"


@pytest.mark.django_db
def test_stale_saves_of_different_fields_are_merged(article, editors):
    jia, yi = editors
    save(article, jia, 1, "甲", title="工会的工作", body=BASE)
    save(article, yi, 1, "乙", title="工会工作", body=BASE.replace("人会", "入会"))
    article.refresh_from_db()
    assert article.title == "工会的工作" and "入会率" in article.body


@pytest.mark.django_db
def test_an_overlapping_save_is_refused_with_its_spots_until_each_is_chosen(
    article, editors
):
    jia, yi = editors
    save(article, jia, 1, "甲", body=BASE.replace("人会", "入会"))
    mine = BASE.replace("人会", "加入工会").replace("服务", "服务工作")
    for _ in range(2):  # a blind re-submit is refused again
        with pytest.raises(MergeConflict) as conflict:
            save(article, yi, 1, "乙", body=mine)
    [spot] = conflict.value.spots
    assert spot.field == "body"
    assert Article.objects.get(pk=article.pk).body == BASE.replace("人会", "入会")
    corrections.save_correction(
        Article.objects.get(pk=article.pk),
        editor=yi,
        base_version=1,
        changes={"body": mine},
        note="乙",
        resolutions={spot.key(): ("theirs", "")},
    )
    body = Article.objects.get(pk=article.pk).body
    assert "入会率" in body and "服务工作" in body and "加入工会" not in body


@pytest.mark.django_db
def test_a_correction_after_a_split_is_merged_into_what_is_left(article, editors):
    jia, yi = editors
    structure.split_article(
        Article.objects.get(pk=article.pk),
        base_version=1,
        at_paragraph=1,
        title="拆出",
        editor=jia,
    )
    save(article, yi, 1, "乙", body=BASE.replace("人会", "入会"))
    article.refresh_from_db()
    assert article.body == "新就业形态劳动者入会率仍有待提升。"
    # A correction in the part split away overlaps the split: refused, not lost.
    with pytest.raises(MergeConflict):
        save(article, yi, 1, "乙", body=BASE.replace("服务", "服务工作"))


@pytest.mark.django_db
def test_a_stale_suggestion_or_report_is_merged(article, editors):
    from articles.editing.suggestions import suggestions_for
    from articles.models import ReaderReport

    jia, yi = editors
    seen = Article.objects.get(pk=article.pk)
    [suggestion] = [s for s in suggestions_for(seen) if s["original"] == "人会"]
    save(article, jia, 1, "甲", body=BASE.replace("服务", "服务工作"))
    corrections.apply_suggestions(
        Article.objects.get(pk=article.pk),
        suggestions=[suggestion],
        editor=yi,
        base_version=1,
    )
    report = ReaderReport.objects.create(
        article=article, selected_text="覆盖面", suggestion="覆盖范围"
    )
    corrections.accept_report(report, editor=yi, base_version=2)
    body = Article.objects.get(pk=article.pk).body
    assert "入会率" in body and "服务工作" in body and "覆盖范围" in body
