"""The API throttle: a client is its socket address (X-Forwarded-For only behind the
trusted proxies PROXY_COUNT names), counted in the cache every web worker shares."""

import os
import secrets
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from tests.seed import ROOT

pytestmark = pytest.mark.django_db
URL = "/api/columns/"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

# Another web worker: its own process and its own cache connection, same settings.
WORKER = textwrap.dedent(
    """
    import sys
    import django

    django.setup()
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR=sys.argv[1])
    statuses = [
        client.get("/api/schema/", HTTP_X_FORWARDED_FOR=f"10.9.{i}.1").status_code
        for i in range(int(sys.argv[2]))
    ]
    print(" ".join(map(str, statuses)))
    """
)


def other_worker(address: str, requests: int, env: dict) -> list[int]:
    """Statuses another process gets for `requests` API calls from `address`."""
    result = subprocess.run(
        [sys.executable, "-c", WORKER, address, str(requests)],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "archive.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return [int(s) for s in result.stdout.split()]


def client_address() -> str:
    """A documentation address of this test alone (the Redis server may be shared)."""
    return f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"


def redis_available() -> bool:
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def test_spoofed_forwarded_for_headers_do_not_reset_the_count(client):
    address = client_address()
    with override_settings(API_ANON_RATE="3/minute"):
        statuses = [
            client.get(
                URL, REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}"
            ).status_code
            for i in range(5)
        ]
    assert statuses == [200, 200, 200, 429, 429]


def test_behind_a_trusted_proxy_the_address_it_recorded_is_the_client(client):
    proxy = client_address()
    with override_settings(API_ANON_RATE="2/minute", PROXY_COUNT=1):

        def via_proxy(forwarded: str) -> int:
            return client.get(
                URL, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=forwarded
            ).status_code

        # What the client wrote left of the proxy's entry changes nothing.
        assert via_proxy("1.1.1.1, 203.0.113.7") == 200
        assert via_proxy("2.2.2.2, 203.0.113.7") == 200
        assert via_proxy("3.3.3.3, 203.0.113.7") == 429
        # Another real client behind the same proxy has its own count.
        assert via_proxy("203.0.113.8") == 200


@pytest.mark.parametrize("backend", ["files", "redis"])
def test_two_web_workers_share_one_count(client, backend):
    """Requests through another process count against the same client, both ways."""
    if backend == "redis":
        if not redis_available():
            pytest.skip(f"no Redis server at {REDIS_URL}")
        caches = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_URL,
            }
        }
        env = {"CACHE_URL": REDIS_URL}
    else:
        caches = settings.CACHES
        env = {"CACHE_DIR": settings.CACHES["default"]["LOCATION"], "CACHE_URL": ""}
    address = client_address()
    with override_settings(API_ANON_RATE="4/minute", CACHES=caches):
        try:
            env["API_ANON_RATE"] = "4/minute"
            assert other_worker(address, 2, env) == [200, 200]
            here = [
                client.get(
                    URL, REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=f"10.0.0.{i}"
                ).status_code
                for i in range(3)
            ]
            assert here == [200, 200, 429]
            assert other_worker(address, 1, env) == [429]
        finally:
            cache.delete(f"throttle_anon_{address}")
