"""The Content-Security-Policy header: added to every response that has none of its own."""

from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from archive.middleware import ContentSecurityPolicyMiddleware

POLICY = "default-src 'self'"


def respond(response: HttpResponse) -> HttpResponse:
    middleware = ContentSecurityPolicyMiddleware(lambda request: response)
    return middleware(RequestFactory().get("/"))


@override_settings(CONTENT_SECURITY_POLICY=POLICY, DEBUG=False)
def test_every_response_gets_the_policy():
    assert respond(HttpResponse("ok"))["Content-Security-Policy"] == POLICY
    assert respond(HttpResponse(status=404))["Content-Security-Policy"] == POLICY


@override_settings(CONTENT_SECURITY_POLICY=POLICY, DEBUG=False)
def test_a_view_that_sets_its_own_policy_keeps_it():
    own = HttpResponse("docs")
    own["Content-Security-Policy"] = "default-src 'self' 'unsafe-inline'"
    assert (
        respond(own)["Content-Security-Policy"] == "default-src 'self' 'unsafe-inline'"
    )


@override_settings(CONTENT_SECURITY_POLICY=POLICY, DEBUG=True)
def test_debug_error_pages_are_left_without_it():
    """Django's technical error pages need their inline styles and scripts."""
    assert "Content-Security-Policy" not in respond(HttpResponse(status=500))
    assert respond(HttpResponse("ok"))["Content-Security-Policy"] == POLICY


@override_settings(CONTENT_SECURITY_POLICY="")
def test_an_empty_policy_sends_no_header():
    assert "Content-Security-Policy" not in respond(HttpResponse("ok"))
