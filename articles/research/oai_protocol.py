"""OAI-PMH 2.0 protocol: namespaces, verbs and their arguments, dates, signed resumption tokens."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing

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
    """A from/until argument: the instant it names, its granularity, and the end of
    the day or second it names (until is inclusive)."""

    when: datetime
    day: bool
    end: datetime


def parse_bound(value: str, name: str) -> Bound:
    try:
        if DAY.match(value):
            when = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
            return Bound(when, True, when + timedelta(days=1))
        if SECOND.match(value):
            when = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            return Bound(when, False, when + timedelta(seconds=1))
    except ValueError:
        pass
    except OverflowError as exc:  # the last day Python's calendar holds
        raise OAIError("badArgument", f"参数 {name} 的日期超出范围。") from exc
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
        if "\x00" in given[0]:  # no identifier, set or date holds one
            raise OAIError("badArgument", f"参数 {name} 含有非法字符。")
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
