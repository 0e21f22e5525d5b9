"""A real harvester (Sickle) takes the whole repository, then exactly what an admin edit changed,
and hears of a withdrawn article as a deleted record."""

from datetime import UTC, datetime, timedelta

import pytest
import requests
from django.test import override_settings
from django.urls import reverse
from sickle import Sickle
from sickle.oaiexceptions import NoRecordsMatch

from articles.models import Article
from tests.forms import form_data
from tests.seed import find, import_seed

pytestmark = pytest.mark.django_db


class ClientSickle(Sickle):
    """Sickle, its requests answered by the Django test client instead of the network."""

    def __init__(self, client, **kwargs):
        super().__init__("http://testserver" + reverse("research:oai"), **kwargs)
        self.client = client

    def _request(self, kwargs):
        answer = self.client.get(reverse("research:oai"), kwargs)
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = answer.content
        response.headers.update(answer.headers)
        response.encoding = "utf-8"
        response.url = self.endpoint
        return response


def stamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def harvest(sickle, **bounds) -> dict[str, object]:
    """Every header the repository lists (resumption followed), by identifier."""
    try:
        return {
            h.identifier: h
            for h in sickle.ListIdentifiers(metadataPrefix="oai_dc", **bounds)
        }
    except NoRecordsMatch:
        return {}


@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_superuser("chief", "c@example.org", "pw")
    )
    return client


@override_settings(OAI_PAGE_SIZE=4)
def test_full_then_incremental_harvest_after_an_admin_date_edit(staff_client):
    seed = import_seed()
    Article.objects.update(updated_at=datetime(2025, 1, 1, tzinfo=UTC))
    sickle = ClientSickle(staff_client)
    identify = sickle.Identify()
    assert identify.deletedRecord == "persistent"

    total = Article.objects.public().count()
    full = harvest(sickle)
    assert len(full) == total > 4  # over several pages
    assert all(not h.deleted for h in full.values())
    # The records in full, each in its set (those without a column too).
    records = list(sickle.ListRecords(metadataPrefix="oai_dc"))
    assert len(records) == total and all(r.header.setSpecs for r in records)

    since = stamp(datetime.now(UTC) - timedelta(seconds=1))
    issue = find(seed, "双创").issue
    url = reverse("admin:archive_issue_change", args=[issue.pk])
    data = form_data(staff_client.get(url))
    data["publication_date"] = "2024-05-21"
    assert staff_client.post(url, data).status_code == 302

    changed = harvest(sickle, **{"from": since})
    on_page = {
        f"oai:theory-archive.local:{pk}"
        for pk in issue.articles.public().values_list("pk", flat=True)
    }
    assert set(changed) == on_page
    record = sickle.GetRecord(identifier=next(iter(on_page)), metadataPrefix="oai_dc")
    assert "2024-05-21" in record.metadata["date"]


def test_a_withdrawn_article_is_harvested_as_deleted(staff_client):
    seed = import_seed()
    Article.objects.update(updated_at=datetime(2025, 1, 1, tzinfo=UTC))
    total = Article.objects.public().count()
    sickle = ClientSickle(staff_client)
    since = stamp(datetime.now(UTC) - timedelta(seconds=1))
    withdrawn = find(seed, "双创")
    url = reverse("admin:articles_article_change", args=[withdrawn.pk])
    data = form_data(staff_client.get(url))
    del data["published"]  # the box unticked
    assert staff_client.post(url, data).status_code == 302

    changed = harvest(sickle, **{"from": since})
    identifier = f"oai:theory-archive.local:{withdrawn.pk}"
    assert list(changed) == [identifier]
    assert changed[identifier].deleted
    record = sickle.GetRecord(identifier=identifier, metadataPrefix="oai_dc")
    assert record.deleted and not hasattr(record, "metadata")  # a header only
    # The full list still names it, as deleted, in its column's set.
    full = harvest(sickle)
    assert len(full) == total and full[identifier].deleted
    assert full[identifier].setSpecs == [withdrawn.column.slug]
    in_set = harvest(sickle, set=withdrawn.column.slug)
    assert in_set[identifier].deleted
