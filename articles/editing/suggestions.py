"""Correction suggestions for an article's body: the cleaner's, minus what editors dismissed."""

from archive.ingest.cleaning import suggest_corrections
from archive.models import LearnedCorrection
from articles.models import Article

CONTEXT = 4


def suggestion_key(text: str, suggestion: dict) -> str:
    """Identifies a suggestion by its words and surroundings, so it survives offset shifts."""
    before = text[max(0, suggestion["start"] - CONTEXT) : suggestion["start"]]
    after = text[suggestion["end"] : suggestion["end"] + CONTEXT]
    return f"{before}[{suggestion['original']}→{suggestion['replacement']}]{after}"


def suggestions_for(
    article: Article, learned: list[tuple[str, str]] | None = None
) -> list[dict]:
    if learned is None:
        learned = LearnedCorrection.pairs()
    dismissed = set(article.dismissed_suggestions)
    found = []
    for suggestion in suggest_corrections(article.body, learned=learned):
        item = suggestion.as_dict()
        item["key"] = suggestion_key(article.body, item)
        if item["key"] not in dismissed:
            found.append(item)
    return found


def dismiss(article: Article, key: str) -> None:
    """Remember a rejected suggestion; not a text change, so no revision and no version bump.
    Only a suggestion the article has now: a posted key is never stored as it came."""
    current = {s["key"]: s for s in suggestions_for(article)}
    if key in current and key not in article.dismissed_suggestions:
        if current[key]["kind"] == "learned":
            LearnedCorrection.rejected(
                current[key]["original"], current[key]["replacement"]
            )
        article.dismissed_suggestions = [*article.dismissed_suggestions, key]
        Article.objects.filter(pk=article.pk).update(
            dismissed_suggestions=article.dismissed_suggestions
        )
