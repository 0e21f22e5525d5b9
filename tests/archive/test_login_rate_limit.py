"""Repeated failed admin logins lock that user out from that address; others are unaffected."""

import pytest

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
