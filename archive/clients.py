"""Who is asking: one client address for the login lockout, the API throttle and reader reports."""

from django.conf import settings


def client_address(request) -> str:
    """The client's address; behind PROXY_COUNT trusted proxies, the one they recorded.

    Each proxy appends the address it was contacted from, so the entry PROXY_COUNT from
    the right is the last one no client could forge. With fewer entries than proxies
    the request did not come through them all, so only the socket address is trusted.
    """
    proxies = settings.PROXY_COUNT
    forwarded = [
        a.strip()
        for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if a.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
