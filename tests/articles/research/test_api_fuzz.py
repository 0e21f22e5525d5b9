"""The API fuzzed from its own OpenAPI schema by schemathesis, on the archive in use: no
server error, every response and status as documented, valid input accepted, invalid
input refused."""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings

pytestmark = pytest.mark.django_db
# Examples per operation (valid and invalid input).
EXAMPLES = 25
examples_run: list[str] = []


@pytest.fixture(scope="module")
def inside_the_test_transaction():
    """A WSGI request closes 'old' database connections when it ends, which would end
    the archive's transaction; the test client does the same (django.test.client)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def api_schema(archive_in_use, inside_the_test_transaction):
    """The schema as the server publishes it, calls going to the WSGI application."""
    from archive.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture(autouse=True)
def plenty_of_requests():
    """One client sends every example: far more than the anonymous rate allows."""
    with override_settings(API_ANON_RATE="100000/minute"):
        yield


@pytest.fixture(scope="module", autouse=True)
def count_examples():
    yield
    operations = len(set(examples_run))
    print(f"\nschemathesis: {len(examples_run)} examples over {operations} operations")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_as_its_schema_says(case):
    examples_run.append(case.operation.label)
    case.call_and_validate()


def test_a_throttled_request_is_answered_as_documented(api_schema):
    """429, with Retry-After, as the schema states for every operation."""
    operation = api_schema["/api/columns/"]["GET"]
    cache.clear()
    with override_settings(API_ANON_RATE="1/minute"):
        assert operation.Case().call_and_validate().status_code == 200
        refused = operation.Case().call_and_validate()
    assert refused.status_code == 429 and int(refused.headers["retry-after"][0]) > 0
