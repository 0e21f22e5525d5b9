"""OAI-PMH 2.0: well-formed answers to every verb, each error code, resumption, from/until
after an edit."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse

from articles.models import Article
from tests.seed import find

pytestmark = pytest.mark.django_db

NS = {
    "oai": "http://www.openarchives.org/OAI/2.0/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def oai(client, method="get", **params) -> ET.Element:
    response = getattr(client, method)(reverse("research:oai"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(response.content)  # noqa: S314 (our own response); raises if ill-formed
    assert root.tag == "{http://www.openarchives.org/OAI/2.0/}OAI-PMH"
    assert root.find("oai:responseDate", NS) is not None
    return root


def error_code(root: ET.Element) -> str | None:
    error = root.find("oai:error", NS)
    return error.get("code") if error is not None else None


def oai_id(article) -> str:
    return f"oai:theory-archive.local:{article.pk}"


def test_identify(seed, client):
    root = oai(client, verb="Identify")
    identify = root.find("oai:Identify", NS)
    assert identify.findtext("oai:protocolVersion", namespaces=NS) == "2.0"
    assert identify.findtext("oai:baseURL", namespaces=NS) == "http://testserver/oai"
    assert identify.findtext("oai:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.findtext("oai:deletedRecord", namespaces=NS) == "persistent"
    assert (
        identify.findtext("oai:repositoryName", namespaces=NS) == "工人日报理论版档案"
    )
    assert root.find("oai:request", NS).get("verb") == "Identify"


def test_list_metadata_formats_and_sets(seed, client):
    formats = oai(client, verb="ListMetadataFormats")
    assert [
        e.text
        for e in formats.iter("{http://www.openarchives.org/OAI/2.0/}metadataPrefix")
    ] == ["oai_dc"]
    one = oai(client, verb="ListMetadataFormats", identifier=oai_id(find(seed, "双创")))
    assert error_code(one) is None
    sets = oai(client, verb="ListSets")
    specs = {
        s.findtext("oai:setSpec", namespaces=NS): s.findtext(
            "oai:setName", namespaces=NS
        )
        for s in sets.iter("{http://www.openarchives.org/OAI/2.0/}set")
    }
    assert specs["redian-sikao"] == "热点思考" and len(specs) == 6
    assert (
        specs["column.none"] == "未归栏目"
    )  # articles without a column have a set too


def test_get_record_in_dublin_core(seed, client):
    article = find(seed, "双创")
    root = oai(
        client, verb="GetRecord", identifier=oai_id(article), metadataPrefix="oai_dc"
    )
    record = root.find("oai:GetRecord/oai:record", NS)
    assert record.findtext("oai:header/oai:identifier", namespaces=NS) == oai_id(
        article
    )
    assert record.findtext("oai:header/oai:setSpec", namespaces=NS) == "guandian"
    dc = record.find("oai:metadata/oai_dc:dc", NS)

    def values(tag):
        return [e.text for e in dc.findall(f"dc:{tag}", NS)]

    assert values("title") == ["推动“双创”活动持续发展的政策建议"]
    assert values("creator") == ["李长安", "刘娜"]
    assert values("language") == ["zh"]
    assert values("date") == ["2019-12-16"]
    assert values("subject") == ["观点"]
    assert values("identifier") == [f"http://testserver/article/{article.pk}/"]
    assert values("description") == [article.lede]
    assert values("source") == ["工人日报, 2019-12-16, 第7版"]


def test_list_records_and_identifiers(seed, client):
    records = oai(client, verb="ListRecords", metadataPrefix="oai_dc")
    assert (
        len(records.findall("oai:ListRecords/oai:record", NS))
        == Article.objects.public().count()
    )
    assert records.find("oai:ListRecords/oai:resumptionToken", NS) is None
    headers = oai(
        client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="redian-sikao"
    )
    ids = [
        h.text for h in headers.iter("{http://www.openarchives.org/OAI/2.0/}identifier")
    ]
    assert ids == [oai_id(find(seed, "枫桥经验")), oai_id(find(seed, "萃取传统文化"))]
    # The digest's quoted experts are not its creators; its compiler is a contributor.
    digest = oai(
        client,
        verb="GetRecord",
        identifier=oai_id(find(seed, "社会保障理论")),
        metadataPrefix="oai_dc",
    )
    assert [
        e.text for e in digest.iter("{http://purl.org/dc/elements/1.1/}creator")
    ] == []
    assert [
        e.text for e in digest.iter("{http://purl.org/dc/elements/1.1/}contributor")
    ] == ["张菁"]


@override_settings(OAI_PAGE_SIZE=4)
@pytest.mark.parametrize("verb", ["ListRecords", "ListIdentifiers"])
def test_resumption_across_small_pages(seed, client, verb):
    seen, cursors = [], []
    root = oai(client, verb=verb, metadataPrefix="oai_dc")
    while True:
        seen += [
            e.text
            for e in root.iter("{http://www.openarchives.org/OAI/2.0/}identifier")
            if e.text.startswith("oai:")
        ]
        token = root.find(f"oai:{verb}/oai:resumptionToken", NS)
        if token is None or not token.text:
            break
        assert token.get("completeListSize") == "14"
        cursors.append(token.get("cursor"))
        root = oai(client, verb=verb, resumptionToken=token.text)
    assert cursors == ["0", "4", "8"]
    assert token is not None and token.text is None and token.get("cursor") == "12"
    assert seen == [oai_id(a) for a in Article.objects.public().order_by("pk")]
    assert len(set(seen)) == 14


def test_from_and_until_follow_modification_time(seed, client):
    old = datetime(2025, 1, 1, 8, 0, 0, tzinfo=UTC)
    Article.objects.update(updated_at=old)
    edited = find(seed, "双创")
    edited = Article.objects.get(pk=edited.pk)
    edited.body += "\n\n校对补正。"
    edited.save()  # auto_now moves its modification time to now
    now = edited.updated_at

    def identifiers(**bounds):
        root = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **bounds)
        if error_code(root) == "noRecordsMatch":
            return []
        return [
            e.text
            for e in root.iter("{http://www.openarchives.org/OAI/2.0/}identifier")
        ]

    day_after = (old + timedelta(days=1)).strftime("%Y-%m-%d")
    assert identifiers(**{"from": day_after}) == [oai_id(edited)]
    assert len(identifiers(until="2025-01-01")) == 13
    assert len(identifiers(until="2025-01-01T08:00:00Z")) == 13  # until is inclusive
    assert identifiers(until="2025-01-01T07:59:59Z") == []
    assert identifiers(
        **{"from": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    ) == [oai_id(edited)]
    assert len(identifiers(**{"from": "2024-12-31", "until": "2025-01-01"})) == 13
    datestamps = oai(
        client, verb="GetRecord", identifier=oai_id(edited), metadataPrefix="oai_dc"
    )
    assert datestamps.findtext(".//oai:datestamp", namespaces=NS) == now.astimezone(
        UTC
    ).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "Dance"}, "badVerb"),
        ({"verb": "ListRecords"}, "badArgument"),  # no metadataPrefix
        ({"verb": "Identify", "extra": "1"}, "badArgument"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-13-45"},
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2024-01-01",
                "until": "2024-02-01T00:00:00Z",
            },
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2024-02-01",
                "until": "2024-01-01",
            },
            "badArgument",
        ),
        (
            {"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"},
            "badArgument",
        ),
        (
            {"verb": "GetRecord", "identifier": "oai:theory-archive.local:1"},
            "badArgument",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "marc21"},
            "cannotDisseminateFormat",
        ),
        (
            {
                "verb": "GetRecord",
                "identifier": "oai:theory-archive.local:1",
                "metadataPrefix": "mods",
            },
            "cannotDisseminateFormat",
        ),
        (
            {
                "verb": "GetRecord",
                "identifier": "oai:theory-archive.local:999999",
                "metadataPrefix": "oai_dc",
            },
            "idDoesNotExist",
        ),
        (
            {
                "verb": "GetRecord",
                "identifier": "oai:elsewhere.org:1",
                "metadataPrefix": "oai_dc",
            },
            "idDoesNotExist",
        ),
        ({"verb": "ListMetadataFormats", "identifier": "nonsense"}, "idDoesNotExist"),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2090-01-01"},
            "noRecordsMatch",
        ),
        (
            {
                "verb": "ListIdentifiers",
                "metadataPrefix": "oai_dc",
                "set": "no-such-set",
            },
            "noRecordsMatch",
        ),
        (
            {"verb": "ListRecords", "resumptionToken": "forged-token"},
            "badResumptionToken",
        ),
        ({"verb": "ListSets", "resumptionToken": "anything"}, "badResumptionToken"),
    ],
)
def test_every_error_code(seed, client, params, code):
    root = oai(client, **params)
    assert error_code(root) == code
    request = root.find("oai:request", NS)
    assert request.text == "http://testserver/oai"
    if code in ("badVerb", "badArgument"):
        assert request.attrib == {}  # the protocol asks not to echo a bad request


def test_repeated_arguments_and_verbs(seed, client):
    response = client.get(reverse("research:oai") + "?verb=Identify&verb=Identify")
    assert error_code(ET.fromstring(response.content)) == "badVerb"  # noqa: S314
    response = client.get(
        reverse("research:oai")
        + "?verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc"
    )
    assert error_code(ET.fromstring(response.content)) == "badArgument"  # noqa: S314


def test_a_token_of_another_verb_is_refused(seed, client):
    with override_settings(OAI_PAGE_SIZE=2):
        root = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
        token = root.find("oai:ListIdentifiers/oai:resumptionToken", NS).text
        assert (
            error_code(oai(client, verb="ListRecords", resumptionToken=token))
            == "badResumptionToken"
        )
        tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        assert (
            error_code(oai(client, verb="ListIdentifiers", resumptionToken=tampered))
            == "badResumptionToken"
        )


def test_post_requests_and_hostile_text(client, make_article):
    article = make_article(title="控制字符\x01\x0b<script>&", lede="\x08提要")
    root = oai(
        client,
        method="post",
        verb="GetRecord",
        identifier=oai_id(article),
        metadataPrefix="oai_dc",
    )
    assert root.findtext(".//dc:title", namespaces=NS) == "控制字符 <script>&"
    assert root.findtext(".//dc:description", namespaces=NS) == "提要"


def test_unpublished_articles_are_absent(seed, client):
    hidden = find(seed, "双创")
    Article.objects.filter(pk=hidden.pk).update(published=False)
    root = oai(
        client, verb="GetRecord", identifier=oai_id(hidden), metadataPrefix="oai_dc"
    )
    assert error_code(root) == "idDoesNotExist"
    records = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert oai_id(hidden) not in [
        e.text for e in records.iter("{http://www.openarchives.org/OAI/2.0/}identifier")
    ]
