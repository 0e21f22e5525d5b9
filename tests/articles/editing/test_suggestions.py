"""Suggestions: the cleaner's and the learned ones, minus what editors rejected."""

from archive.models import LearnedCorrection
from articles.editing import corrections
from articles.editing.suggestions import dismiss, suggestion_key, suggestions_for
from articles.models import Article


def test_a_suggestion_is_keyed_by_its_words_and_surroundings():
    text = "前文很长很长。劳动者人会率"
    suggestion = {"start": 10, "end": 12, "original": "人会", "replacement": "入会"}
    assert suggestion_key(text, suggestion) == "。劳动者[人会→入会]率"
    # The same words in the same place after text was added before: the same key.
    shifted = {**suggestion, "start": 12, "end": 14}
    assert suggestion_key("再加两字" + text[2:], shifted) == "。劳动者[人会→入会]率"


def test_learned_pairs_are_suggested(make_article):
    LearnedCorrection.record("工匠精神", "工匠精神！")
    article = make_article(body="弘扬工匠精神。")
    found = suggestions_for(article)
    assert [(s["original"], s["replacement"]) for s in found] == [
        ("工匠精神", "工匠精神！")
    ]


def test_a_rejected_suggestion_is_not_offered_again_and_is_no_new_version(
    make_article,
):
    article = make_article(body="新就业形态劳动者人会率仍有待提升。")
    corrections.record_import(article)
    (suggestion,) = [s for s in suggestions_for(article) if s["original"] == "人会"]
    dismiss(article, suggestion["key"])
    dismiss(article, suggestion["key"])  # twice is once
    stored = Article.objects.get(pk=article.pk)
    assert stored.dismissed_suggestions == [suggestion["key"]]
    assert stored.version == 1 and stored.revisions.count() == 1
    assert all(s["key"] != suggestion["key"] for s in suggestions_for(stored))
