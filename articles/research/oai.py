"""OAI-PMH 2.0 over public articles: Dublin Core records, columns as sets, signed resumption tokens."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db.models import Min, QuerySet
from django.utils import timezone

from articles.models import Article, Authorship, Column
from articles.querysets import bylines_of
from articles.research import citations

NS_OAI = "http://www.openarchives.org/OAI/2.0/"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS_OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_ID = "http://www.openarchives.org/OAI/2.0/oai-identifier"
SCHEMA_LOCATION = f"{NS_OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
DC_SCHEMA_LOCATION = f"{NS_OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
ID_SCHEMA_LOCATION = f"{NS_ID} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"
# The OAI namespace is the documents' default one (no prefix), as harvesters expect.
for prefix, uri in (
    ("", NS_OAI),
    ("xsi", NS_XSI),
    ("oai_dc", NS_OAI_DC),
    ("dc", NS_DC),
    ("oai-identifier", NS_ID),
):
    ET.register_namespace(prefix, uri)

METADATA_FORMATS = {
    "oai_dc": (f"{NS_OAI_DC}", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
}
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
TOKEN_SALT = "articles.oai.resumption"  # noqa: S105 (a signing salt, not a secret)
# verb: (required arguments, optional arguments); resumptionToken is always exclusive.
VERBS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
}
RESUMABLE = {"ListSets", "ListIdentifiers", "ListRecords"}
# Characters XML 1.0 cannot carry at all; OCR text occasionally holds some.
NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class OAIError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def xml_text(value) -> str:
    return NOT_XML.sub("", str(value or ""))


def datestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def identifier(article_pk: int) -> str:
    return f"oai:{settings.OAI_REPOSITORY_IDENTIFIER}:{article_pk}"


def article_pk(oai_identifier: str) -> int | None:
    prefix = f"oai:{settings.OAI_REPOSITORY_IDENTIFIER}:"
    rest = oai_identifier[len(prefix) :] if oai_identifier.startswith(prefix) else ""
    return int(rest) if rest.isascii() and rest.isdigit() and len(rest) < 19 else None


@dataclass(frozen=True)
class Bound:
    """A from/until argument: the instant it names and its granularity."""

    when: datetime
    day: bool


def parse_bound(value: str, name: str) -> Bound:
    try:
        if DAY.match(value):
            return Bound(datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC), True)
        if SECOND.match(value):
            return Bound(
                datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC),
                False,
            )
    except ValueError:
        pass
    raise OAIError(
        "badArgument", f"参数 {name} 的日期格式无效：应为 YYYY-MM-DD 或 {GRANULARITY}。"
    )


@dataclass
class ListRequest:
    verb: str
    prefix: str
    set_spec: str = ""
    start: str = ""
    until: str = ""
    after: int = 0
    cursor: int = 0

    def token(self, after: int, cursor: int) -> str:
        data = {
            "v": self.verb,
            "p": self.prefix,
            "s": self.set_spec,
            "f": self.start,
            "u": self.until,
            "a": after,
            "c": cursor,
        }
        return signing.dumps(data, salt=TOKEN_SALT, compress=True)

    @classmethod
    def from_token(cls, verb: str, token: str) -> ListRequest:
        try:
            data = signing.loads(token, salt=TOKEN_SALT)
            request = cls(
                verb=data["v"],
                prefix=data["p"],
                set_spec=data["s"],
                start=data["f"],
                until=data["u"],
                after=int(data["a"]),
                cursor=int(data["c"]),
            )
        except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
            raise OAIError("badResumptionToken", "续传令牌无效或已损坏。") from exc
        if request.verb != verb:
            raise OAIError("badResumptionToken", "续传令牌不属于这个动词。")
        return request


def validate(args: Mapping[str, list[str]]) -> tuple[str, dict[str, str]]:
    """The verb and its single-valued arguments, or the protocol error the request deserves."""
    verbs = args.get("verb", [])
    if len(verbs) != 1 or verbs[0] not in VERBS:
        raise OAIError(
            "badVerb", "缺少 verb 参数、verb 重复或不是合法的 OAI-PMH 动词。"
        )
    verb = verbs[0]
    values = {}
    for name, given in args.items():
        if name == "verb":
            continue
        if len(given) != 1:
            raise OAIError("badArgument", f"参数 {name} 重复。")
        values[name] = given[0]
    required, optional = VERBS[verb]
    if "resumptionToken" in values:
        if verb not in RESUMABLE:
            raise OAIError("badArgument", f"{verb} 不接受 resumptionToken。")
        if len(values) > 1:
            raise OAIError("badArgument", "resumptionToken 必须单独使用。")
        return verb, values
    unknown = set(values) - required - optional
    if unknown:
        raise OAIError(
            "badArgument", f"{verb} 不接受参数：{'、'.join(sorted(unknown))}。"
        )
    missing = required - set(values)
    if missing:
        raise OAIError(
            "badArgument", f"{verb} 缺少参数：{'、'.join(sorted(missing))}。"
        )
    return verb, values


# ---------------------------------------------------------------- querying


def records(request: ListRequest) -> QuerySet[Article]:
    articles = Article.objects.public()
    if request.set_spec:
        articles = articles.filter(column__slug=request.set_spec)
    if request.start:
        articles = articles.filter(
            updated_at__gte=parse_bound(request.start, "from").when
        )
    if request.until:
        bound = parse_bound(request.until, "until")
        # until is inclusive: the whole day, or the whole second the datestamp names.
        end = bound.when + (timedelta(days=1) if bound.day else timedelta(seconds=1))
        articles = articles.filter(updated_at__lt=end)
    return articles


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
    if request.set_spec and not Column.objects.filter(slug=request.set_spec).exists():
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


def header(parent: ET.Element, article: Article) -> ET.Element:
    element = sub(parent, "header")
    sub(element, "identifier", identifier(article.pk))
    sub(element, "datestamp", datestamp(article.updated_at))
    if article.column_id:
        sub(element, "setSpec", article.column.slug)
    return element


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
    earliest = (
        Article.objects.public().aggregate(m=Min("updated_at"))["m"] or timezone.now()
    )
    sub(element, "earliestDatestamp", datestamp(earliest))
    # Unpublished articles simply leave the repository: only public data is served.
    sub(element, "deletedRecord", "no")
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
        if pk is None or not Article.objects.public().filter(pk=pk).exists():
            raise OAIError("idDoesNotExist", "没有这个标识符的记录。")
    element = sub(root, "ListMetadataFormats")
    for prefix, (namespace, schema) in METADATA_FORMATS.items():
        fmt = sub(element, "metadataFormat")
        sub(fmt, "metadataPrefix", prefix)
        sub(fmt, "schema", schema)
        sub(fmt, "metadataNamespace", namespace)


def list_sets(root: ET.Element, values: dict[str, str]) -> None:
    if "resumptionToken" in values:
        raise OAIError("badResumptionToken", "集合列表没有续传。")
    columns = list(Column.objects.order_by("order", "name"))
    element = sub(root, "ListSets")
    for column in columns:
        item = sub(element, "set")
        sub(item, "setSpec", column.slug)
        sub(item, "setName", column.name)


def list_items(
    root: ET.Element, verb: str, values: dict[str, str], url_for: Callable[[str], str]
) -> None:
    request = list_request(verb, values)
    matching = records(request)
    total = matching.count()
    size = max(1, settings.OAI_PAGE_SIZE)
    page = list(
        matching.filter(pk__gt=request.after).for_listing().order_by("pk")[: size + 1]
    )
    if not page:
        raise OAIError("noRecordsMatch", "没有符合条件的记录。")
    more, page = len(page) > size, page[:size]
    element = sub(root, verb)
    for article in page:
        if verb == "ListIdentifiers":
            header(element, article)
        else:
            record = sub(element, "record")
            header(record, article)
            dublin_core(record, article, url_for(article.get_absolute_url()))
    if more:
        token = request.token(after=page[-1].pk, cursor=request.cursor + len(page))
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
    article = (
        Article.objects.public().for_listing().filter(pk=pk).first() if pk else None
    )
    if article is None:
        raise OAIError("idDoesNotExist", "没有这个标识符的记录。")
    record = sub(sub(root, "GetRecord"), "record")
    header(record, article)
    dublin_core(record, article, url_for(article.get_absolute_url()))


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
