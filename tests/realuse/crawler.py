"""A crawler for the suite: every link a reader or harvester can follow, and edge-value
URLs for every pattern of the URLconf, each response checked as it arrives."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections import defaultdict, deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit

from django.http import QueryDict
from django.urls import Resolver404, URLResolver, get_resolver, resolve
from lxml import etree, html

SITE = "http://testserver"
# A route's links that differ only in their query (facet combinations, pages) are
# followed up to this many times; distinct objects (paths) are always followed.
QUERY_VARIANTS_PER_ROUTE = 25
# Values a hand-made URL may carry where the site expects an id.
EDGE_IDS = ["0", "-1", "99999999999", "99999999999999999999", "abc", "1e3"]
# Values put in every query parameter a route takes, one parameter at a time.
EDGE_VALUES = [
    *EDGE_IDS,
    "",
    "%00",  # NUL
    "%ED%A0%80",  # a lone surrogate (invalid UTF-8)
    "%E2%80%8B",  # zero-width space
    quote("工" * 10_000),
    "9" * 10_000,  # a number past Python's 4,300-digit int() limit
    "9999-12-31",
]
# Path segments: the ids, and text for <str:…>, <slug:…> and regex parts.
EDGE_SEGMENTS = [*EDGE_IDS, "%00", "%ED%A0%80", "%E2%80%8B", "x" * 10_000]
XML_TYPES = ("xml", "rss", "atom")
SKIP = ("/static/",)


@dataclass(frozen=True)
class Route:
    route: str  # as ResolverMatch.route spells it
    name: str  # namespaced URL name

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")


def routes(resolver=None, prefix: str = "", namespace: str = "") -> list[Route]:
    """Every pattern of the URLconf, its full route as Django's resolver joins it."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        part = str(entry.pattern)
        route = part if not prefix else prefix + part.removeprefix("^")
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            found += routes(entry, route, ns)
        else:
            found.append(Route(route, f"{namespace}{entry.name or ''}"))
    return found


PLACEHOLDER = re.compile(r"<(?:\w+:)?(\w+)>")


def placeholders(route: str) -> list[str]:
    return PLACEHOLDER.findall(_plain(route))


def _plain(route: str) -> str:
    """The route with regex groups written as <name> and anchors and escapes removed."""
    out, i = [], 0
    while (start := route.find("(?P<", i)) != -1:
        out.append(route[i:start])
        end = route.index(">", start)
        name = route[start + 4 : end]
        depth, j = 1, end + 1
        while depth:
            depth += {"(": 1, ")": -1}.get(route[j], 0)
            j += 1
        out.append(f"<{name}>")
        i = j
    out.append(route[i:])
    text = "".join(out)
    for old, new in (("^", ""), ("$", ""), (r"\Z", ""), ("/?", "/"), ("\\", "")):
        text = text.replace(old, new)
    return text


def fill(route: str, values: dict[str, str]) -> str:
    """A path for `route` with each placeholder replaced by its (URL-encoded) value."""
    return "/" + PLACEHOLDER.sub(lambda m: values[m.group(1)], _plain(route))


def route_of(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).route
    except Resolver404:
        return None


def site_path(url: str, base: str = "/") -> str | None:
    """`url` as a path on this site (query kept, fragment dropped), or None if elsewhere."""
    absolute = urljoin(SITE + base, url.strip())
    parts = urlsplit(absolute)
    if f"{parts.scheme}://{parts.netloc}" != SITE:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if path.startswith(SKIP) else path


@dataclass
class Checks:
    """What no response may do; `leaks` must not appear in public responses."""

    leaks: list[str]
    payload: str
    failures: list[str] = field(default_factory=list)
    html_pages_with_escaped_payload: set[str] = field(default_factory=set)

    def check(self, url: str, response, *, public: bool) -> str:
        """Records what is wrong with `response`; returns its body as text ('' if binary)."""
        if response.status_code >= 500:
            self.failures.append(f"{response.status_code} {url[:300]}")
            return ""
        kind = response.get("Content-Type", "")
        if response.streaming:
            body = b"".join(response.streaming_content)
        else:
            body = response.content
        if kind == "application/zip":
            if public:
                self._check_zip(url, body)
            return ""
        if not kind.startswith(("text/", "application/json", "application/xml")):
            if not any(t in kind for t in XML_TYPES):
                return ""
        text = body.decode("utf-8", errors="replace")
        if public:
            for leak in self.leaks:
                if leak in text:
                    self.failures.append(f"leaks {leak!r}: {url[:300]}")
        if kind.startswith("text/html"):
            if self.payload in text:
                self.failures.append(f"unescaped markup in HTML: {url[:300]}")
            if escape(self.payload) in text:
                self.html_pages_with_escaped_payload.add(url)
        elif "json" in kind:
            try:
                json.loads(text)
            except ValueError:
                self.failures.append(f"malformed JSON: {url[:300]}")
        elif any(t in kind for t in XML_TYPES):
            try:
                tree = etree.fromstring(body)
            except etree.XMLSyntaxError as exc:
                self.failures.append(f"malformed XML ({exc}): {url[:300]}")
            else:
                if tree.xpath("//*[local-name()='script']"):
                    self.failures.append(f"markup inside XML: {url[:300]}")
        return text

    def _check_zip(self, url: str, body: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            for name in archive.namelist():
                text = archive.read(name).decode("utf-8", errors="replace")
                for leak in self.leaks:
                    if leak in text:
                        self.failures.append(f"leaks {leak!r} in {name}: {url[:300]}")


def escape(text: str) -> str:
    from django.utils.html import escape as html_escape

    return str(html_escape(text))


def links(path: str, response, text: str) -> list[str]:
    """Same-site URLs a client would follow from this response."""
    kind = response.get("Content-Type", "")
    found: list[str] = []
    if response.status_code in (301, 302, 303, 307, 308):
        found.append(response["Location"])
    elif kind.startswith("text/html") and text:
        page = html.fromstring(text)
        found += page.xpath("//a/@href | //link/@href | //img/@src")
    elif "json" in kind and text:
        found += _json_links(path, json.loads(text))
    elif any(t in kind for t in XML_TYPES) and text:
        found += _xml_links(response.content)
    return [p for p in (site_path(u, path) for u in found) if p]


def _json_links(path: str, data) -> list[str]:
    found = []

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and value.startswith(SITE):
            found.append(value)

    walk(data)
    # A list's items name their own detail URLs by id, code or slug.
    items = data.get("results") if isinstance(data, dict) else data
    if isinstance(items, list) and urlsplit(path).path.startswith("/api/"):
        for item in items:
            key = next((k for k in ("id", "code", "slug") if k in item), None)
            if isinstance(item, dict) and key:
                found.append(f"{urlsplit(path).path}{quote(str(item[key]))}/")
    return found


OAI = "{http://www.openarchives.org/OAI/2.0/}"


def _xml_links(body: bytes) -> list[str]:
    tree = etree.fromstring(body)
    found = [v for v in tree.xpath("//text() | //@*") if v.strip().startswith(SITE)]
    verb = tree.find(f"{OAI}request")
    token = tree.find(f".//{OAI}resumptionToken")
    if verb is not None and token is not None and token.text:
        found.append(
            f"/oai?{urlencode({'verb': verb.get('verb'), 'resumptionToken': token.text})}"
        )
    for identifier in tree.iterfind(f".//{OAI}header/{OAI}identifier"):
        query = {"verb": "GetRecord", "metadataPrefix": "oai_dc"}
        found.append(f"/oai?{urlencode({**query, 'identifier': identifier.text})}")
    return found


class ParameterReads:
    """The query and form parameter names views read, request by request: a view is
    sent edge values in exactly the parameters it looks at."""

    def __init__(self):
        self.names: set[str] = set()

    @contextmanager
    def recording(self):
        def wrap(method):
            def read(query, key, *args, **kwargs):
                self.names.add(key)
                return method(query, key, *args, **kwargs)

            return read

        patches = [
            mock.patch.object(QueryDict, name, wrap(getattr(QueryDict, name)))
            for name in ("get", "getlist", "__getitem__", "__contains__")
        ]
        for patch in patches:
            patch.start()
        try:
            yield self
        finally:
            for patch in reversed(patches):
                patch.stop()

    def get(self, client, path: str):
        """client.get(path) and the names the view read."""
        self.names = set()
        return client.get(path), self.names


@dataclass
class Crawl:
    """Breadth-first from `start`, every response checked; what was visited, by route."""

    client: object
    checks: Checks
    reads: ParameterReads
    public: bool = True
    visited: list[str] = field(default_factory=list)
    by_route: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # (method, route) -> the field names of the forms that submit there
    forms: dict[tuple, set[str]] = field(default_factory=lambda: defaultdict(set))
    # route -> the query parameter names its view read
    params: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def run(self, start: list[str], *, within: str = "/") -> None:
        queue = deque(start)
        seen = set(start)
        variants: dict[str, int] = defaultdict(int)
        while queue:
            path = queue.popleft()
            response, read = self.reads.get(self.client, path)
            self.visited.append(path)
            route = route_of(path)
            if route is not None:
                self.by_route[route].append(path)
                self.params[route] |= read
            text = self.checks.check(path, response, public=self.public)
            if text and response.get("Content-Type", "").startswith("text/html"):
                for method, action, names in form_fields(path, text):
                    self.forms[method, route_of(action)] |= names
            for link in links(path, response, text):
                if link in seen or not link.startswith(within):
                    continue
                seen.add(link)
                route = route_of(link)
                if "?" in link:
                    variants[route] += 1
                    if variants[route] > QUERY_VARIANTS_PER_ROUTE:
                        continue
                queue.append(link)


def query_names(paths: list[str]) -> dict[str, set[str]]:
    """Parameter names and the values the site's own links give them."""
    names: dict[str, set[str]] = defaultdict(set)
    for path in paths:
        for name, value in parse_qsl(urlsplit(path).query, keep_blank_values=True):
            names[name].add(value)
    return names


def form_fields(path: str, text: str) -> list[tuple[str, str, set[str]]]:
    """The forms of an HTML page: (method, action path, field names)."""
    found = []
    for form in html.fromstring(text).forms:
        action = site_path(form.get("action") or path, path)
        if action:
            names = {name for name in form.fields.keys() if name}
            found.append(((form.method or "GET").upper(), action, names))
    return found


def edge_urls(
    route: str,
    sample: dict[str, str],
    params: dict[str, set[str]],
    bases: tuple[str, ...] = ("",),
    seen_values: int = 3,
) -> list[str]:
    """URLs of `route`: each path part replaced by each edge segment, then each query
    parameter (on top of each base query) given each edge value and some of the values
    the site's own links give it (every one for `sort`)."""
    urls = [
        fill(route, {**sample, name: value})
        for name in placeholders(route)
        for value in EDGE_SEGMENTS
    ]
    path = fill(route, sample)
    for base in bases:
        pairs = parse_qsl(base, keep_blank_values=True)
        for name, seen in sorted(params.items()):
            known = sorted(seen) if name == "sort" else sorted(seen)[:seen_values]
            values = EDGE_VALUES + [quote(v, safe="") for v in known]
            kept = urlencode([(k, v) for k, v in pairs if k != name])
            for value in values:
                query = f"{kept}&" if kept else ""
                urls.append(f"{path}?{query}{quote(name, safe='')}={value}")
    return urls
