"""OAI-PMH 2.0 over public articles: Dublin Core records, columns as sets, deleted records kept."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from articles.freshness import NO_COLUMN_SET, set_spec
from articles.models import Article, Authorship, Column, Tombstone
from articles.querysets import bylines_of
from articles.research import citations
from articles.research.oai_protocol import (
    DC_SCHEMA_LOCATION,
    GRANULARITY,
    ID_SCHEMA_LOCATION,
    METADATA_FORMATS,
    NS_DC,
    NS_ID,
    NS_OAI,
    NS_OAI_DC,
    NS_XSI,
    SCHEMA_LOCATION,
    ListRequest,
    OAIError,
    article_pk,
    datestamp,
    identifier,
    parse_bound,
    validate,
    xml_text,
)

# ---------------------------------------------------------------- querying


def in_bounds(request: ListRequest, rows, field: str):
    if request.start:
        rows = rows.filter(**{f"{field}__gte": parse_bound(request.start, "from").when})
    if request.until:
        rows = rows.filter(**{f"{field}__lt": parse_bound(request.until, "until").end})
    return rows


def records(request: ListRequest):
    """The public articles and the tombstones a list request selects (two querysets)."""
    articles = Article.objects.public()
    tombstones = Tombstone.objects.all()
    if request.set_spec == NO_COLUMN_SET:
        articles = articles.filter(column__isnull=True)
    elif request.set_spec:
        articles = articles.filter(column__slug=request.set_spec)
    if request.set_spec:
        tombstones = tombstones.filter(set_spec=request.set_spec)
    return (
        in_bounds(request, articles, "updated_at"),
        in_bounds(request, tombstones, "deleted_at"),
    )


def record_pk(item) -> int:
    return item.article_pk if isinstance(item, Tombstone) else item.pk


def list_request(verb: str, values: dict[str, str]) -> ListRequest:
    if "resumptionToken" in values:
        return ListRequest.from_token(verb, values["resumptionToken"])
    prefix = values["metadataPrefix"]
    if prefix not in METADATA_FORMATS:
        raise OAIError(
            "cannotDisseminateFormat", f"不支持元数据格式 {prefix}，只提供 oai_dc。"
        )
    request = ListRequest(
        verb,
        prefix,
        values.get("set", ""),
        values.get("from", ""),
        values.get("until", ""),
    )
    bounds = [
        parse_bound(v, n)
        for n, v in (("from", request.start), ("until", request.until))
        if v
    ]
    if len(bounds) == 2:
        if bounds[0].day != bounds[1].day:
            raise OAIError("badArgument", "from 与 until 的日期粒度必须相同。")
        if bounds[0].when > bounds[1].when:
            raise OAIError("badArgument", "from 晚于 until。")
    if request.set_spec and request.set_spec not in set_specs():
        raise OAIError("noRecordsMatch", f"没有集合 {request.set_spec}。")
    return request


# ---------------------------------------------------------------- XML


def q(tag: str, ns: str = NS_OAI) -> str:
    return f"{{{ns}}}{tag}"


def sub(
    parent: ET.Element, tag: str, text=None, ns: str = NS_OAI, **attrs
) -> ET.Element:
    element = ET.SubElement(
        parent, q(tag, ns), {k: xml_text(v) for k, v in attrs.items()}
    )
    if text is not None:
        element.text = xml_text(text)
    return element


def envelope(
    base_url: str, verb: str | None, values: dict[str, str] | None
) -> ET.Element:
    root = ET.Element(q("OAI-PMH"), {q("schemaLocation", NS_XSI): SCHEMA_LOCATION})
    sub(root, "responseDate", datestamp(timezone.now()))
    # An error in the verb or the arguments echoes no attributes, as the protocol asks.
    attrs = {"verb": verb, **values} if verb and values is not None else {}
    sub(root, "request", base_url, **attrs)
    return root


def header(parent: ET.Element, item: Article | Tombstone) -> ET.Element:
    if isinstance(item, Tombstone):
        element = sub(parent, "header", status="deleted")
        sub(element, "identifier", identifier(item.article_pk))
        sub(element, "datestamp", datestamp(item.deleted_at))
        sub(element, "setSpec", item.set_spec)
        return element
    element = sub(parent, "header")
    sub(element, "identifier", identifier(item.pk))
    sub(element, "datestamp", datestamp(item.updated_at))
    sub(element, "setSpec", set_spec(item.column.slug if item.column_id else None))
    return element


def record(parent: ET.Element, item, url_for: Callable[[str], str]) -> None:
    """A record: its header, and for a live article its Dublin Core (a deleted one has none)."""
    element = sub(parent, "record")
    header(element, item)
    if isinstance(item, Article):
        dublin_core(element, item, url_for(item.get_absolute_url()))


def dublin_core(parent: ET.Element, article: Article, url: str) -> None:
    metadata = sub(parent, "metadata")
    dc = sub(
        metadata,
        "dc",
        ns=NS_OAI_DC,
        **{q("schemaLocation", NS_XSI): DC_SCHEMA_LOCATION},
    )
    people = bylines_of(article)
    sub(dc, "title", citations.clean_title(article.title), NS_DC)
    for b in people:
        if b.author_id and b.contribution == Authorship.Contribution.AUTHOR:
            sub(dc, "creator", b.author.name, NS_DC)
    for b in people:
        if b.author_id and b.contribution == Authorship.Contribution.CREDIT:
            sub(dc, "contributor", b.author.name, NS_DC)
    if article.column_id:
        sub(dc, "subject", article.column.name, NS_DC)
    if article.lede:
        sub(dc, "description", article.lede, NS_DC)
    sub(dc, "publisher", settings.NEWSPAPER_NAME, NS_DC)
    issue = article.issue
    if issue.publication_date:
        sub(dc, "date", issue.publication_date.isoformat(), NS_DC)
    sub(dc, "type", "Text", NS_DC)
    sub(dc, "type", article.get_kind_display(), NS_DC)
    sub(dc, "format", "text/html", NS_DC)
    sub(dc, "identifier", url, NS_DC)
    source = ", ".join(
        filter(
            None,
            [
                settings.NEWSPAPER_NAME,
                iso_or_blank(issue.publication_date),
                issue.page_label,
            ],
        )
    )
    sub(dc, "source", source, NS_DC)
    sub(dc, "language", "zh", NS_DC)


def iso_or_blank(value) -> str:
    return value.isoformat() if value else ""


# ---------------------------------------------------------------- verbs


def identify(root: ET.Element, base_url: str) -> None:
    element = sub(root, "Identify")
    sub(element, "repositoryName", settings.SITE_TITLE)
    sub(element, "baseURL", base_url)
    sub(element, "protocolVersion", "2.0")
    sub(element, "adminEmail", settings.OAI_ADMIN_EMAIL)
    earliest = [
        Article.objects.public().aggregate(m=Min("updated_at"))["m"],
        Tombstone.objects.aggregate(m=Min("deleted_at"))["m"],
    ]
    earliest = min((e for e in earliest if e), default=timezone.now())
    sub(element, "earliestDatestamp", datestamp(earliest))
    # Withdrawn, merged and deleted articles keep a tombstone for good.
    sub(element, "deletedRecord", "persistent")
    sub(element, "granularity", GRANULARITY)
    description = sub(element, "description")
    oai_id = ET.SubElement(
        description,
        q("oai-identifier", NS_ID),
        {q("schemaLocation", NS_XSI): ID_SCHEMA_LOCATION},
    )
    for tag, text in (
        ("scheme", "oai"),
        ("repositoryIdentifier", settings.OAI_REPOSITORY_IDENTIFIER),
        ("delimiter", ":"),
        ("sampleIdentifier", identifier(1)),
    ):
        sub(oai_id, tag, text, NS_ID)


def list_metadata_formats(root: ET.Element, values: dict[str, str]) -> None:
    if "identifier" in values:
        pk = article_pk(values["identifier"])
        if pk is None or find(pk) is None:
            raise OAIError("idDoesNotExist", "没有这个标识符的记录。")
    element = sub(root, "ListMetadataFormats")
    for prefix, (namespace, schema) in METADATA_FORMATS.items():
        fmt = sub(element, "metadataFormat")
        sub(fmt, "metadataPrefix", prefix)
        sub(fmt, "schema", schema)
        sub(fmt, "metadataNamespace", namespace)


def set_specs() -> dict[str, str]:
    """Every set: each column, and the articles without one."""
    sets = dict(Column.objects.order_by("order", "name").values_list("slug", "name"))
    sets[NO_COLUMN_SET] = "未归栏目"
    return sets


def list_sets(root: ET.Element, values: dict[str, str]) -> None:
    if "resumptionToken" in values:
        raise OAIError("badResumptionToken", "集合列表没有续传。")
    element = sub(root, "ListSets")
    for spec, name in set_specs().items():
        item = sub(element, "set")
        sub(item, "setSpec", spec)
        sub(item, "setName", name)


def list_items(
    root: ET.Element, verb: str, values: dict[str, str], url_for: Callable[[str], str]
) -> None:
    request = list_request(verb, values)
    articles, tombstones = records(request)
    total = articles.count() + tombstones.count()
    size = max(1, settings.OAI_PAGE_SIZE)
    # Articles and tombstones share one id space (a tombstone is an article's), so
    # one page is the first `size` ids of both after the token's.
    page = sorted(
        [
            *articles.filter(pk__gt=request.after)
            .for_listing()
            .order_by("pk")[: size + 1],
            *tombstones.filter(article_pk__gt=request.after).order_by("article_pk")[
                : size + 1
            ],
        ],
        key=record_pk,
    )[: size + 1]
    if not page:
        raise OAIError("noRecordsMatch", "没有符合条件的记录。")
    more, page = len(page) > size, page[:size]
    element = sub(root, verb)
    for item in page:
        if verb == "ListIdentifiers":
            header(element, item)
        else:
            record(element, item, url_for)
    if more:
        token = request.token(
            after=record_pk(page[-1]), cursor=request.cursor + len(page)
        )
        sub(
            element,
            "resumptionToken",
            token,
            completeListSize=str(total),
            cursor=str(request.cursor),
        )
    elif request.after:
        # The last page of a resumed list ends with an empty token.
        sub(
            element,
            "resumptionToken",
            "",
            completeListSize=str(total),
            cursor=str(request.cursor),
        )


def get_record(
    root: ET.Element, values: dict[str, str], url_for: Callable[[str], str]
) -> None:
    if values["metadataPrefix"] not in METADATA_FORMATS:
        raise OAIError("cannotDisseminateFormat", "只提供 oai_dc。")
    pk = article_pk(values["identifier"])
    item = find(pk) if pk else None
    if item is None:
        raise OAIError("idDoesNotExist", "没有这个标识符的记录。")
    record(sub(root, "GetRecord"), item, url_for)


def find(pk: int) -> Article | Tombstone | None:
    """The public article or the tombstone with this id."""
    return (
        Article.objects.public().for_listing().filter(pk=pk).first()
        or Tombstone.objects.filter(article_pk=pk).first()
    )


def respond(
    args: Mapping[str, list[str]], base_url: str, url_for: Callable[[str], str]
) -> bytes:
    """The OAI-PMH response document for a request's arguments (each a list of values)."""
    try:
        verb, values = validate(args)
    except OAIError as error:
        root = envelope(base_url, None, None)
        sub(root, "error", error.message, code=error.code)
        return serialize(root)
    root = envelope(base_url, verb, values)
    try:
        if verb == "Identify":
            identify(root, base_url)
        elif verb == "ListMetadataFormats":
            list_metadata_formats(root, values)
        elif verb == "ListSets":
            list_sets(root, values)
        elif verb in ("ListIdentifiers", "ListRecords"):
            list_items(root, verb, values, url_for)
        else:
            get_record(root, values, url_for)
    except OAIError as error:
        echo = None if error.code in ("badVerb", "badArgument") else values
        root = envelope(base_url, verb, echo)
        sub(root, "error", error.message, code=error.code)
    return serialize(root)


def serialize(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)
