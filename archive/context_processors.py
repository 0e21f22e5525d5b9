"""Template context shared by every page: the site's and the newspaper's names."""

from django.conf import settings


def site(request):
    return {
        "SITE_TITLE": settings.SITE_TITLE,
        "NEWSPAPER_NAME": settings.NEWSPAPER_NAME,
    }
