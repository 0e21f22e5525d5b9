"""The site's own address: SITE_URL first, else the request's host, else the bare path."""

from django.test import RequestFactory, override_settings

from archive.site import absolute_url


@override_settings(SITE_URL="https://archive.example.org")
def test_site_url_wins_over_the_host_asked():
    request = RequestFactory().get("/", HTTP_HOST="10.0.0.5:8000")
    assert (
        absolute_url("/article/7/", request) == "https://archive.example.org/article/7/"
    )
    assert absolute_url("/article/7/") == "https://archive.example.org/article/7/"


@override_settings(SITE_URL="", ALLOWED_HOSTS=["archive.test"])
def test_without_site_url_the_request_host_is_used():
    request = RequestFactory().get("/", HTTP_HOST="archive.test")
    assert absolute_url("/article/7/", request) == "http://archive.test/article/7/"


@override_settings(SITE_URL="")
def test_without_either_the_path_stays_relative():
    assert absolute_url("/article/7/") == "/article/7/"
