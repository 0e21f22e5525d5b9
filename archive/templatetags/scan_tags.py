"""Template tags for the public scan partials: what an article or page has to show."""

from django import template

from archive.scans import selectors

register = template.Library()


@register.simple_tag
def article_original(article):
    """{% article_original article as original %}: link and preview, or None."""
    return selectors.article_original(article)


@register.simple_tag
def issue_thumbnail(issue):
    """{% issue_thumbnail issue as thumb %}: the page's thumbnail, or None."""
    return selectors.issue_thumbnail(issue)
