"""The client address: the socket's, or behind PROXY_COUNT trusted proxies the one they recorded."""

import pytest
from django.test import RequestFactory, override_settings

from archive.clients import client_address


def request(forwarded: str | None = None, remote: str = "192.0.2.1"):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@override_settings(PROXY_COUNT=0)
def test_without_proxies_a_forwarded_header_is_ignored():
    assert client_address(request("203.0.113.7")) == "192.0.2.1"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "203.0.113.7", "203.0.113.7"),
        # What the client wrote left of the proxy's own entry is not believed.
        (1, "1.1.1.1, 203.0.113.7", "203.0.113.7"),
        (2, "1.1.1.1,203.0.113.7 , 10.0.0.2", "203.0.113.7"),
    ],
)
def test_behind_proxies_the_entry_the_outermost_recorded(proxies, forwarded, expected):
    with override_settings(PROXY_COUNT=proxies):
        assert client_address(request(forwarded)) == expected


@override_settings(PROXY_COUNT=2)
def test_fewer_entries_than_proxies_falls_back_to_the_socket():
    assert client_address(request("203.0.113.7")) == "192.0.2.1"
    assert client_address(request(" , ")) == "192.0.2.1"


def test_no_address_at_all_is_an_empty_string():
    bare = RequestFactory().get("/")
    del bare.META["REMOTE_ADDR"]
    assert client_address(bare) == ""
