"""The site's own address: absolute links in pages, exports, feeds and harvests."""

from django.conf import settings


def absolute_url(path: str, request=None) -> str:
    """`path` on this site: under SITE_URL when set, else under the request's host.

    SITE_URL wins because a page served behind a proxy, or a file written by a
    command, must carry the address readers use, not the one the server was asked on.
    """
    if settings.SITE_URL:
        return settings.SITE_URL + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path
