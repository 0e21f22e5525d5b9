"""Repeated failed admin logins lock that user out from that address; others are unaffected."""

import re

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def attempt(client, username, password, **extra):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        **extra,
    )


def test_admin_login_is_rate_limited(client, django_user_model, settings):
    django_user_model.objects.create_user(
        "bianji", password="right-password", is_staff=True
    )
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "bianji", "wrong").status_code == 200
    assert attempt(client, "bianji", "wrong").status_code == 429
    locked = attempt(client, "bianji", "right-password")
    assert locked.status_code == 429
    assert "登录已暂停" in locked.content.decode()
    # Another address is not locked out by someone else's failures.
    ok = attempt(client, "bianji", "right-password", REMOTE_ADDR="10.9.8.7")
    assert ok.status_code == 302


def test_a_successful_login_still_works(client, django_user_model):
    django_user_model.objects.create_user(
        "bianji", password="right-password", is_staff=True
    )
    assert attempt(client, "bianji", "right-password").status_code == 302


@override_settings(PROXY_COUNT=1)
def test_behind_a_proxy_the_lockout_follows_the_recorded_client(
    client, django_user_model, settings
):
    """The lockout uses the same client address as the API throttle and reader reports."""
    django_user_model.objects.create_user(
        "bianji", password="right-password", is_staff=True
    )
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for i in range(settings.AXES_FAILURE_LIMIT):
        # The forged left-hand entry changes with every try; the proxy's does not.
        forged = f"198.51.100.{i}, 203.0.113.7"
        attempt(client, "bianji", "wrong", HTTP_X_FORWARDED_FOR=forged, **proxy)
    locked = attempt(
        client, "bianji", "right-password", HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy
    )
    assert locked.status_code == 429
    # Another client behind the same proxy is not locked out.
    other = attempt(
        client, "bianji", "right-password", HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy
    )
    assert other.status_code == 302


def test_the_lockout_screen_speaks_chinese_and_names_the_site(
    client, django_user_model, settings
):
    django_user_model.objects.create_user("bianji", password="right", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = attempt(client, "bianji", "wrong")
    body = locked.content.decode().split("<body", 1)[1].split(">", 1)[1]
    visible = re.sub(r"<script.*?</script>|<[^>]+>", " ", body, flags=re.S)
    assert "理论版档案" in visible and "登录已暂停" in visible
    assert not re.search(r"[A-Za-z]{4,}", visible)
